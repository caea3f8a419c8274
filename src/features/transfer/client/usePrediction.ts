/**
 * The studio's predictions, page side: one image (a file, or a webcam frame) at a time, sent with
 * the classes as they are now. With a classifier trained (or imported) the worker uses it; before
 * that, once two classes hold a photo, the nearest class mean of the photos answers (`instant`),
 * and that prediction is made again whenever the classes change (photos added or removed, a
 * rename) and once a classifier is ready, which then takes over.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { ClassRef, FromWorker } from '../../../worker/protocol';
import { classRefs, type ClassView } from './transferViews';

export interface PredictionView {
  requestId: number;
  url: string;
  probabilities: Float32Array | null;
  /** the image predicted (Grad-CAM sends it again) */
  file?: Blob;
  /** class names at the time of the prediction */
  classNames: string[];
  /** who answered: the classifier trained (or imported), or the nearest class mean before training */
  source?: 'instant' | 'trained';
  /** the classes (and whether a classifier was ready) when it was asked for: an instant one is asked again when they change */
  signature?: string;
}

/** What an instant prediction was asked with: the classes (and whether a classifier was ready); it is asked again when this changes. */
const signatureOf = (refs: ClassRef[], classifierReady: boolean) => JSON.stringify([classifierReady, refs]);

/** Whether the nearest class mean can answer: the base model ready and two classes with a photo. */
const instantReady = (classes: ClassView[], modelReady: boolean) => modelReady && classes.filter((c) => c.images.length > 0).length >= 2;

export function usePrediction(classes: ClassView[], classifierReady: boolean, modelReady: boolean) {
  const worker = useWorker();
  const [prediction, setPrediction] = useState<PredictionView | null>(null);
  const requestId = useRef(0);
  const current = useRef({ classes, classifierReady });
  current.current = { classes, classifierReady };
  const canPredict = classifierReady || instantReady(classes, modelReady);

  useEffect(() => {
    const onMessage = (message: FromWorker) => {
      if (message.type !== 'transfer/prediction') return;
      setPrediction((shown) => (shown && shown.requestId === message.requestId ? { ...shown, probabilities: message.probabilities, classNames: message.labels, source: message.source } : shown));
    };
    return worker.subscribe({ onMessage });
  }, [worker]);

  const predict = useCallback((file: Blob) => {
    const id = ++requestId.current;
    const { classes: now, classifierReady: ready } = current.current;
    const refs = classRefs(now);
    setPrediction((shown) => {
      if (shown) URL.revokeObjectURL(shown.url);
      return { requestId: id, url: URL.createObjectURL(file), file, probabilities: null, classNames: now.map((c) => c.name), signature: signatureOf(refs, ready) };
    });
    worker.sendTransfer({ type: 'transfer/predict', requestId: id, file, classes: refs });
  }, [worker]);

  // Live: an instant prediction is asked again (after its answer) when the classes changed since, or a classifier is ready.
  // (The signature is made only while an instant prediction is shown: not for every photo added.)
  useEffect(() => {
    if (!canPredict || prediction?.source !== 'instant' || !prediction.probabilities || !prediction.file) return;
    if (prediction.signature !== signatureOf(classRefs(classes), classifierReady)) predict(prediction.file);
  }, [prediction, classes, classifierReady, canPredict, predict]);

  return { prediction, predict, canPredict };
}
