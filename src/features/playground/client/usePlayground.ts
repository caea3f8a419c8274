/**
 * The playground's page-side state: settings (mirrored in the URL), the latest snapshot from the
 * worker, the loss history, the backend, and errors. All training happens in the worker.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GradCheckResult } from '../../../engine/gradcheck';
import type { ProblemKind } from '../../../engine/datasets';
import type { RunCommand } from '../../../client/trainerClient';
import { useWorker } from '../../../client/WorkerProvider';
import type { BackendName, ErrorCode, FromWorker, Snapshot } from '../../../worker/protocol';
import { flatLayout, type FlatLayout } from '../layout';
import { isStructuralChange, layerSizesOf, type PlaygroundConfig } from '../meta';
import { decodeState, encodeState, type RunPosition } from '../url';
import { appendLoss, type LossPoint } from './lossHistory';

export interface DatasetView {
  kind: ProblemKind;
  trainCount: number;
  /** [n, 3]: x1, x2, y */
  points: Float32Array;
}

export interface BackendInfo {
  backend: BackendName;
  softwareRendered: boolean;
  renderer: string;
}

export interface GradCheckView {
  layer: number;
  j: number;
  i: number;
  result: GradCheckResult;
}

export interface PlaygroundState {
  config: PlaygroundConfig;
  layout: FlatLayout;
  dataset: DatasetView | null;
  snapshot: Snapshot | null;
  lossHistory: LossPoint[];
  backend: BackendInfo | null;
  error: { code: ErrorCode; detail?: string } | null;
  invalidParams: string[];
  gradCheck: GradCheckView | null;
}

const URL_WRITE_INTERVAL_MS = 1000;

export function usePlayground() {
  const initial = useRef(decodeState(new URLSearchParams(window.location.search)));
  const [config, setConfigState] = useState(initial.current.config);
  const [dataset, setDataset] = useState<DatasetView | null>(null);
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [lossHistory, setLossHistory] = useState<LossPoint[]>([]);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [error, setError] = useState<PlaygroundState['error']>(null);
  const [invalidParams, setInvalidParams] = useState(initial.current.invalidParams);
  const [gradCheck, setGradCheck] = useState<GradCheckView | null>(null);
  const worker = useWorker();
  const configRef = useRef(config);
  const positionRef = useRef<RunPosition>(initial.current.position);
  const trainCountRef = useRef(1);
  const lastUrlWrite = useRef(0);

  const writeUrl = useCallback(() => {
    lastUrlWrite.current = performance.now();
    const params = encodeState(configRef.current, positionRef.current, new URLSearchParams(window.location.search));
    // the hash (the open view) stays, so a reload or a copied link opens the same view
    window.history.replaceState(null, '', `${window.location.pathname}?${params}${window.location.hash}`);
  }, []);

  const onMessage = useCallback(
    (message: FromWorker) => {
      switch (message.type) {
        case 'dataset':
          trainCountRef.current = message.trainCount;
          setDataset({ kind: message.kind, trainCount: message.trainCount, points: message.points });
          return;
        case 'snapshot': {
          const next = message.snapshot;
          positionRef.current = { step: next.samplesSeen, sample: next.trace.index };
          setSnapshot(next);
          setLossHistory((history) =>
            appendLoss(history, { epoch: next.samplesSeen / trainCountRef.current, train: next.trainLoss, test: next.testLoss }),
          );
          if (next.status !== 'playing' || performance.now() - lastUrlWrite.current > URL_WRITE_INTERVAL_MS) writeUrl();
          return;
        }
        case 'gradCheck':
          setGradCheck({ layer: message.layer, j: message.j, i: message.i, result: message.result });
          return;
        case 'backend':
          setBackend({ backend: message.backend, softwareRendered: message.softwareRendered, renderer: message.renderer });
          return;
        case 'error':
          setError({ code: message.code, detail: message.detail });
          return;
      }
    },
    [writeUrl],
  );

  const startRun = useCallback((next: PlaygroundConfig, position: RunPosition) => {
    positionRef.current = position;
    setSnapshot(null);
    setDataset(null);
    setLossHistory([]);
    setGradCheck(null);
    setError(null);
    worker.init(next, position);
  }, [worker]);

  useEffect(() => {
    const unsubscribe = worker.subscribe({
      onMessage,
      onCrash: (detail) => {
        setError({ code: 'workerCrashed', detail });
        worker.setBackend(configRef.current.backend);
        worker.init(configRef.current, positionRef.current);
      },
    });
    worker.setBackend(configRef.current.backend);
    startRun(configRef.current, positionRef.current);
    return () => {
      unsubscribe();
    };
  }, [worker, onMessage, startRun]);

  const layout = useMemo(() => flatLayout(layerSizesOf(config)), [config.features, config.hiddenLayers]); // eslint-disable-line react-hooks/exhaustive-deps

  const send = useCallback((command: RunCommand) => worker.send(command), [worker]);

  /** Changes settings: structural ones start a new run, the rest apply live. */
  const setConfig = useCallback(
    (patch: Partial<PlaygroundConfig>) => {
      const previous = configRef.current;
      const next = { ...previous, ...patch };
      configRef.current = next;
      setConfigState(next);
      if (patch.backend && patch.backend !== previous.backend) worker.setBackend(patch.backend);
      if (isStructuralChange(previous, next)) startRun(next, { step: 0, sample: positionRef.current.sample });
      else send({ type: 'updateSettings', config: next });
      writeUrl();
    },
    [send, startRun, writeUrl, worker],
  );

  const reset = useCallback(() => startRun(configRef.current, { step: 0, sample: positionRef.current.sample }), [startRun]);

  return {
    state: {
      config,
      layout,
      dataset,
      snapshot,
      lossHistory,
      backend,
      error,
      invalidParams,
      gradCheck,
    } satisfies PlaygroundState,
    setConfig,
    send,
    reset,
    dismissError: () => setError(null),
    dismissNotice: () => setInvalidParams([]),
  };
}

export type PlaygroundController = ReturnType<typeof usePlayground>;
