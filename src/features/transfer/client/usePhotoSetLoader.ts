/**
 * Loads a photo set (a sample set, an imported zip or folder) into the studio through the same path
 * as dropped files: its classes are merged by name or created (TransferController's ensureClasses),
 * then each class's files go to the worker as one `transfer/addImages` (decoded, embedded and saved to
 * IndexedDB photo by photo; a bad file is refused with the drops' message). Progress comes from the
 * worker's `transfer/addProgress` for those classes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { PhotoSetErrorCode, PhotoSetGroup, PhotoSetRefusal } from '../photoSetZip';

export type PhotoSetStatus =
  | { phase: 'idle' }
  /** fetching a sample set's photos, or reading a zip (done of total files) */
  | { phase: 'reading'; done: number; total: number }
  /** the worker adds them (done of total files) */
  | { phase: 'adding'; done: number; total: number }
  /** `full`: class names left out because there was no room for another class */
  | { phase: 'done'; classes: number; photos: number; full: string[] }
  | { phase: 'error'; code: PhotoSetErrorCode; detail?: string };

export interface Actions {
  ensureClasses(names: string[]): (string | null)[];
  addFiles(classId: string, files: File[]): void;
}

export function usePhotoSetLoader(actions: Actions) {
  const worker = useWorker();
  const [status, setStatus] = useState<PhotoSetStatus>({ phase: 'idle' });
  /** refusals found before the worker saw the files (a zip's unreadable entries) */
  const [refused, setRefused] = useState<PhotoSetRefusal[]>([]);
  /** the load in progress: files done per class id, and what to say when all are */
  const job = useRef<{ done: Map<string, number>; total: number; result: Extract<PhotoSetStatus, { phase: 'done' }> } | null>(null);

  useEffect(
    () =>
      worker.subscribe({
        onMessage(message) {
          const current = job.current;
          if (message.type !== 'transfer/addProgress' || !current || !current.done.has(message.classId)) return;
          current.done.set(message.classId, message.done);
          const done = [...current.done.values()].reduce((sum, n) => sum + n, 0);
          if (done < current.total) return setStatus({ phase: 'adding', done, total: current.total });
          job.current = null;
          setStatus(current.result);
        },
        onCrash() {
          if (!job.current) return;
          job.current = null;
          setStatus({ phase: 'error', code: 'photoSetFailed' });
        },
      }),
    [worker],
  );

  const load = useCallback(
    (groups: PhotoSetGroup[], zipRefused: PhotoSetRefusal[] = []) => {
      setRefused(zipRefused);
      const ids = actions.ensureClasses(groups.map((g) => g.name));
      /** files per class id (two folders that are one class after trimming go together) */
      const byId = new Map<string, File[]>();
      groups.forEach((group, k) => {
        const id = ids[k];
        if (id !== null && group.files.length > 0) byId.set(id, [...(byId.get(id) ?? []), ...group.files]);
      });
      const total = [...byId.values()].reduce((sum, files) => sum + files.length, 0);
      const full = groups.filter((_, k) => ids[k] === null).map((g) => g.name);
      const result = { phase: 'done' as const, classes: byId.size, photos: total, full };
      if (total === 0) {
        job.current = null;
        return setStatus(result);
      }
      job.current = { done: new Map([...byId.keys()].map((id) => [id, 0])), total, result };
      setStatus({ phase: 'adding', done: 0, total });
      byId.forEach((files, id) => actions.addFiles(id, files));
    },
    [actions],
  );

  const busy = status.phase === 'reading' || status.phase === 'adding';
  return { status, setStatus, refused, load, busy };
}
