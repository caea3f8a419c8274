/**
 * The embedding map's page side: while the map is open, asks the worker for it (debounced) each
 * time the images, the model or the trained classifier change; keeps the newest answer.
 */
import { startTransition, useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { FromWorker } from '../../../worker/protocol';
import type { EmbeddingMapResult } from '../embeddingMap';
import { classRefs, type ClassView } from './transferViews';

/** Wait for this long without changes (images arriving one by one) before asking. */
const REFRESH_DELAY_MS = 250;

export interface MapState {
  map: EmbeddingMapResult | null;
  /** the ids of the classes, in the order the map's classIndex refers to */
  classIds: string[];
  /** a request is on its way */
  pending: boolean;
  failed: string | null;
}

/** What the map shows, as a string that changes when it does: each class's image ids. */
const imagesKey = (classes: ClassView[]) => classes.map((c) => `${c.id}:${c.images.map((image) => image.id).join(',')}`).join('|');

/** `refresh` changes when something else the map shows changed (the model, a finished training run). */
export function useEmbeddingMap(open: boolean, classes: ClassView[], refresh: string): MapState {
  const worker = useWorker();
  const [state, setState] = useState<MapState>({ map: null, classIds: [], pending: false, failed: null });
  const requestId = useRef(0);
  const requested = useRef(new Map<number, string[]>());
  const classesRef = useRef(classes);
  classesRef.current = classes;
  const key = imagesKey(classes);

  useEffect(
    () =>
      worker.subscribe({
        onMessage(message: FromWorker) {
          if (message.type !== 'transfer/embeddingMapReady' && message.type !== 'transfer/embeddingMapFailed') return;
          if (message.requestId !== requestId.current) return;
          const classIds = requested.current.get(message.requestId) ?? [];
          requested.current.clear();
          // A transition: drawing up to a thousand points renders in slices that yield.
          startTransition(() =>
            setState((current) =>
              message.type === 'transfer/embeddingMapReady' ? { map: message.map, classIds, pending: false, failed: null } : { ...current, pending: false, failed: message.detail },
            ),
          );
        },
        // A new worker has no embeddings: ask again.
        onCrash: () => setState((current) => ({ ...current, pending: false })),
      }),
    [worker],
  );

  useEffect(() => {
    if (!open) return;
    setState((current) => (current.pending ? current : { ...current, pending: true }));
    const timer = setTimeout(() => {
      const id = ++requestId.current;
      const refs = classRefs(classesRef.current);
      requested.current.set(id, refs.map((c) => c.id));
      worker.sendTransfer({ type: 'transfer/embeddingMap', requestId: id, classes: refs });
    }, REFRESH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [worker, open, key, refresh]);

  return state;
}

/**
 * The part of the studio's state the map depends on besides the images: the model's status and
 * the last training run that ended (a run in progress keeps the map as it was).
 */
export function useMapRefreshKey(modelStatus: string, finishedRun: string | null, classifierSource: string | undefined): string {
  const [lastRun, setLastRun] = useState<string | null>(null);
  useEffect(() => {
    if (finishedRun !== null) setLastRun(finishedRun);
  }, [finishedRun]);
  return `${modelStatus}|${lastRun ?? ''}|${classifierSource ?? ''}`;
}
