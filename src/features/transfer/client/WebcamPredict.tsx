/**
 * Live webcam predictions: while on, a frame goes to the classifier as soon as the previous
 * prediction is back (never a queue), at most one per MIN_INTERVAL_MS. Off stops the camera.
 */
import { useEffect, useRef } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { PredictionView } from './useTransfer';
import { FRAME_TYPE, useWebcam } from './useWebcam';

/** at most 5 predictions a second */
export const MIN_INTERVAL_MS = 200;
/** a prediction not back after this long (e.g. it failed) no longer holds the next frame back */
export const STALL_MS = 3000;
const POLL_MS = 50;

interface Props {
  prediction: PredictionView | null;
  enabled: boolean;
  onFile(file: File): void;
}

export function WebcamPredict({ prediction, enabled, onFile }: Props) {
  const { t } = useI18n();
  const webcam = useWebcam();
  const { status, capture, stop } = webcam;
  const predictionRef = useRef(prediction);
  const onFileRef = useRef(onFile);
  useEffect(() => {
    predictionRef.current = prediction;
    onFileRef.current = onFile;
  }, [prediction, onFile]);

  // Nothing to predict with any more (no classifier, and fewer than two classes with photos): the camera goes off.
  useEffect(() => {
    if (!enabled && status !== 'off') stop();
  }, [enabled, status, stop]);

  useEffect(() => {
    if (!enabled || status !== 'on') return;
    let cancelled = false;
    let busy = false;
    let sentAt = -Infinity;
    /** the latest request id before our frame was sent; null when nothing of ours is pending */
    let sentAfter: number | null = null;
    const tick = async () => {
      const now = performance.now();
      if (sentAfter !== null) {
        const current = predictionRef.current;
        const back = current !== null && current.requestId > sentAfter && current.probabilities !== null;
        if (!back && now - sentAt < STALL_MS) return;
        sentAfter = null;
      }
      if (busy || now - sentAt < MIN_INTERVAL_MS) return;
      busy = true;
      const blob = await capture();
      busy = false;
      if (!blob || cancelled) return;
      sentAfter = predictionRef.current?.requestId ?? 0;
      sentAt = performance.now();
      onFileRef.current(new File([blob], 'webcam.jpg', { type: FRAME_TYPE }));
    };
    const timer = setInterval(tick, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [enabled, status, capture]);

  const on = status === 'starting' || status === 'on';
  return (
    <div className="webcam-predict">
      <button type="button" data-testid="webcam-predict" aria-pressed={on} disabled={!enabled && !on} onClick={() => (on ? stop() : void webcam.start())}>
        {t('transfer.webcam.live')}
      </button>
      {status === 'error' && webcam.error && (
        <p className="field-error" role="alert" data-testid="webcam-error">{t(`transfer.webcam.error.${webcam.error}`)}</p>
      )}
      {on && (
        <video ref={webcam.videoRef} className="webcam-video" autoPlay muted playsInline aria-label={t('transfer.webcam.preview')} />
      )}
    </div>
  );
}
