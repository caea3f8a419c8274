/**
 * The page side of Grad-CAM: after each prediction (and when the class, model or saliency choice
 * changes) it asks the worker to explain the predicted image. At most one request is in flight;
 * while one is, only the latest wish waits (so live webcam predictions never queue up).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { Explanation, ExplainFailure, FromWorker, TrainRun } from '../../../worker/protocol';
import type { PredictionView } from './useTransfer';

/** What the panel asks for: a class index or the top class. */
export interface ExplainChoice {
  classIndex: number | 'top';
  model: TrainRun;
  saliency: boolean;
}

export type ExplainState =
  | { status: 'idle' }
  | { status: 'working'; last?: Explanation }
  | { status: 'done'; last: Explanation }
  | { status: 'error'; code: ExplainFailure['code']; last?: Explanation };

interface Wish extends ExplainChoice {
  file: Blob;
}

export function useExplain(prediction: PredictionView | null, enabled: boolean) {
  const worker = useWorker();
  const [choice, setChoice] = useState<ExplainChoice>({ classIndex: 'top', model: 'transfer', saliency: false });
  const [state, setState] = useState<ExplainState>({ status: 'idle' });
  const inFlight = useRef<number | null>(null);
  const waiting = useRef<Wish | null>(null);
  const nextId = useRef(0);

  const send = useCallback((wish: Wish) => {
    const requestId = ++nextId.current;
    inFlight.current = requestId;
    setState((current) => ({ status: 'working', last: current.status === 'idle' ? undefined : current.last }));
    worker.sendTransfer({ type: 'transfer/explain', requestId, file: wish.file, model: wish.model, saliency: wish.saliency, ...(wish.classIndex === 'top' ? {} : { classIndex: wish.classIndex }) });
  }, [worker]);

  useEffect(() => {
    const onMessage = (message: FromWorker) => {
      if ((message.type !== 'transfer/explained' && message.type !== 'transfer/explainFailed') || message.requestId !== inFlight.current) return;
      inFlight.current = null;
      if (message.type === 'transfer/explained') setState({ status: 'done', last: message });
      else setState((current) => ({ status: 'error', code: message.code, last: current.status === 'idle' ? undefined : current.last }));
      const wish = waiting.current;
      waiting.current = null;
      if (wish) send(wish);
    };
    const onCrash = () => {
      [inFlight.current, waiting.current] = [null, null];
      setState({ status: 'idle' });
    };
    return worker.subscribe({ onMessage, onCrash });
  }, [worker, send]);

  // A new prediction, or a new choice: explain (now, or after the request in flight).
  const ready = enabled && prediction?.probabilities && prediction.file ? prediction : null;
  useEffect(() => {
    if (!ready?.file) return;
    const wish = { ...choice, file: ready.file };
    if (inFlight.current === null) send(wish);
    else waiting.current = wish;
  }, [ready, choice, send]);

  return { choice, setChoice, state };
}
