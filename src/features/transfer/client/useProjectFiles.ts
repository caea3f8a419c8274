/**
 * Save project / Open project on the page (the format: worker/projectFile.ts; the jobs:
 * worker/projectStudio.ts). Opening reads and checks the file first (a bad file is said and changes
 * nothing), asks before it replaces a project that has photos or a classifier, and keeps the project
 * it replaced (sent back by the worker as a project file) for Undo during the session. The studio's
 * state follows the worker's `transfer/projectOpened` (useTransfer.ts); this hook saves the new class
 * list first and then removes the replaced photos (projectStore.ts's contract: a class is listed
 * before its photos count, a photo goes only once its replacement is listed).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { FromWorker } from '../../../worker/protocol';
import { baseSpec } from '../bases';
import type { ProjectErrorCode, ProjectSummary } from '../projectMeta';
import { resolveBaseUrl } from './defaultModelUrl';
import { writeSettings } from './projectSettings';
import { classRefs, download } from './transferViews';
import type { TransferController } from './useTransfer';

export type ProjectStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; name: string; url: string; photos: number; skipped: number }
  | { kind: 'reading' }
  | { kind: 'confirm'; requestId: number; summary: ProjectSummary }
  | { kind: 'opening' }
  | { kind: 'opened'; summary: ProjectSummary; undone: boolean }
  | { kind: 'error'; code: ProjectErrorCode; detail: string };

type Studio = TransferController['state'];

/** Whether replacing the project loses something: it has a photo or a classifier. */
export const hasContent = (studio: Pick<Studio, 'classes' | 'classifier'>) => studio.classifier !== null || studio.classes.some((c) => c.images.length > 0);

export function useProjectFiles(studio: Studio) {
  const worker = useWorker();
  const [status, setStatus] = useState<ProjectStatus>({ kind: 'idle' });
  /** the project the last Open replaced, as a project file (null: nothing to undo) */
  const [undo, setUndo] = useState<Blob | null>(null);
  const studioRef = useRef(studio);
  studioRef.current = studio;
  const requestId = useRef(0);
  /** the request that undoes the last Open (opened without asking; leaves no undo behind) */
  const undoRequest = useRef<number | null>(null);
  const summary = useRef<ProjectSummary | null>(null);
  const savedUrl = useRef<string | null>(null);

  const current = useCallback(() => {
    const { classes, head, base } = studioRef.current;
    return { classes: classRefs(classes), head, base };
  }, []);
  const openRead = useCallback((id: number, read: ProjectSummary) => {
    setStatus({ kind: 'opening' });
    worker.sendTransfer({ type: 'transfer/openProject', requestId: id, current: current(), source: { kind: 'auto', defaultUrl: resolveBaseUrl(baseSpec(read.base)) } });
  }, [worker, current]);

  const onMessage = useCallback((message: FromWorker) => {
    switch (message.type) {
      case 'transfer/projectSaved': {
        if (savedUrl.current) URL.revokeObjectURL(savedUrl.current);
        const [{ url }] = download([{ name: message.name, blob: message.blob }]);
        savedUrl.current = url;
        return setStatus({ kind: 'saved', name: message.name, url, photos: message.photos, skipped: message.skipped });
      }
      case 'transfer/projectRead':
        if (message.requestId !== requestId.current) return;
        summary.current = message.summary;
        if (undoRequest.current === message.requestId || !hasContent(studioRef.current)) return openRead(message.requestId, message.summary);
        return setStatus({ kind: 'confirm', requestId: message.requestId, summary: message.summary });
      case 'transfer/projectOpened': {
        if (message.requestId !== requestId.current) return;
        const replaced = studioRef.current;
        writeSettings({ classes: message.classes, head: message.head, base: message.base });
        const oldIds = [...replaced.classes, ...(replaced.deleted ? [replaced.deleted.view] : [])].flatMap((c) => c.images.map((image) => image.id));
        if (oldIds.length > 0) worker.sendTransfer({ type: 'transfer/removeImages', imageIds: oldIds });
        const undone = undoRequest.current === message.requestId;
        undoRequest.current = null;
        setUndo(undone ? null : message.undo);
        return setStatus({ kind: 'opened', summary: summary.current!, undone });
      }
      case 'transfer/projectFailed':
        if (message.requestId !== null && message.requestId !== requestId.current) return;
        undoRequest.current = null;
        return setStatus({ kind: 'error', code: message.code, detail: message.detail ?? '' });
      default:
        return;
    }
  }, [worker, openRead]);
  // A worker restarted mid-way has forgotten the file read: start again.
  const onCrash = useCallback(() => setStatus((now) => (now.kind === 'reading' || now.kind === 'opening' || now.kind === 'saving' || now.kind === 'confirm' ? { kind: 'idle' } : now)), []);
  useEffect(() => worker.subscribe({ onMessage, onCrash }), [worker, onMessage, onCrash]);
  useEffect(() => () => void (savedUrl.current && URL.revokeObjectURL(savedUrl.current)), []);

  const save = useCallback(() => {
    setStatus({ kind: 'saving' });
    worker.sendTransfer({ type: 'transfer/saveProject', ...current() });
  }, [worker, current]);
  const read = useCallback((file: Blob, isUndo: boolean) => {
    const id = ++requestId.current;
    undoRequest.current = isUndo ? id : null;
    setStatus({ kind: 'reading' });
    worker.sendTransfer({ type: 'transfer/readProject', requestId: id, file });
  }, [worker]);
  const open = useCallback((file: File) => read(file, false), [read]);
  const undoOpen = useCallback(() => undo && read(undo, true), [read, undo]);
  const confirm = useCallback(() => status.kind === 'confirm' && openRead(status.requestId, status.summary), [status, openRead]);
  const cancel = useCallback(() => setStatus({ kind: 'idle' }), []);
  return { status, undo, save, open, undoOpen, confirm, cancel };
}
