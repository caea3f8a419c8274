/**
 * Webcam capture for one class: a live preview and a "Hold to record" button. While it is held
 * (pointer, or Space/Enter), a frame is captured every FRAME_INTERVAL_MS and handed to `onFiles` in
 * small batches, so thumbnails appear while recording.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { FRAME_TYPE, useWebcam } from './useWebcam';

export const FRAME_INTERVAL_MS = 120;
/** frames per call to onFiles while recording (the rest go when the button is released) */
export const FRAMES_PER_BATCH = 3;
/** frames being encoded at once, at most */
const MAX_IN_FLIGHT = 8;

/** numbers the captured frames' file names, unique in this page */
let frameSerial = 0;

const isHoldKey = (key: string) => key === ' ' || key === 'Enter';

export function WebcamCapture({ onFiles }: { onFiles(files: File[]): void }) {
  const { t } = useI18n();
  const webcam = useWebcam();
  const { status, capture } = webcam;
  const [recording, setRecording] = useState(false);
  const [frames, setFrames] = useState(0);
  /** frames grabbed whose JPEG is not ready yet (any hold) */
  const inFlight = useRef(0);
  /** numbers the holds, so a late frame of the last one does not count in this one */
  const hold = useRef(0);
  const [encoding, setEncoding] = useState(false);
  const hintId = useId();
  const onFilesRef = useRef(onFiles);
  useEffect(() => {
    onFilesRef.current = onFiles;
  }, [onFiles]);
  /** late frames of a class card that is gone are dropped */
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // The camera closed (or taken elsewhere) mid-hold: the hold ends.
  useEffect(() => {
    if (status !== 'on') setRecording(false);
  }, [status]);

  // Each tick grabs the frame at once; its JPEG encoding (canvas.toBlob) may finish later: the
  // browser can defer it by up to about a second on a busy page, so several may be in flight, and
  // frames grabbed before the button was released still arrive after it.
  useEffect(() => {
    if (!recording || status !== 'on') return;
    let batch: File[] = [];
    let count = 0;
    let released = false;
    const thisHold = hold.current;
    const flush = () => {
      if (batch.length > 0 && mounted.current) onFilesRef.current(batch);
      batch = [];
    };
    const tick = () => {
      if (inFlight.current >= MAX_IN_FLIGHT) return;
      inFlight.current++;
      setEncoding(true);
      void capture().then((blob) => {
        inFlight.current--;
        if (blob) {
          batch.push(new File([blob], `webcam-${++frameSerial}.jpg`, { type: FRAME_TYPE }));
          count++;
          if (hold.current === thisHold) setFrames(count);
          if (released || batch.length >= FRAMES_PER_BATCH) flush();
        }
        if (inFlight.current === 0) setEncoding(false);
      });
    };
    tick();
    const timer = setInterval(tick, FRAME_INTERVAL_MS);
    return () => {
      released = true;
      clearInterval(timer);
      flush();
    };
  }, [recording, status, capture]);

  const begin = () => {
    if (status !== 'on' || recording) return;
    hold.current++;
    setFrames(0);
    setRecording(true);
  };
  const end = () => setRecording(false);
  const pointerDown = (event: PointerEvent<HTMLButtonElement>) => {
    if (event.button > 0) return; // primary button only (touch and pen report 0)
    event.currentTarget.setPointerCapture?.(event.pointerId);
    begin();
  };
  const keyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!isHoldKey(event.key)) return;
    event.preventDefault();
    if (!event.repeat) begin();
  };
  const keyUp = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!isHoldKey(event.key)) return;
    event.preventDefault();
    end();
  };

  const open = status !== 'off';
  return (
    <div className="webcam-capture">
      <button type="button" data-testid="webcam-open" aria-expanded={open} onClick={() => (open ? webcam.stop() : void webcam.start())}>
        {open ? t('transfer.webcam.close') : t('transfer.webcam.open')}
      </button>
      {status === 'error' && webcam.error && (
        <p className="field-error" role="alert" data-testid="webcam-error">{t(`transfer.webcam.error.${webcam.error}`)}</p>
      )}
      {(status === 'starting' || status === 'on') && (
        <div className="webcam-panel">
          <video ref={webcam.videoRef} className="webcam-video" autoPlay muted playsInline aria-label={t('transfer.webcam.preview')} />
          {status === 'starting' && <p className="hint">{t('transfer.webcam.starting')}</p>}
          <div className="webcam-actions">
            <button
              type="button"
              className={`webcam-record${recording ? ' recording' : ''}`}
              data-testid="webcam-record"
              aria-pressed={recording}
              aria-describedby={hintId}
              disabled={status !== 'on'}
              onPointerDown={pointerDown}
              onPointerUp={end}
              onPointerCancel={end}
              onLostPointerCapture={end}
              onKeyDown={keyDown}
              onKeyUp={keyUp}
              onBlur={end}
              onContextMenu={(event) => event.preventDefault()}
            >
              {t('transfer.webcam.record')}
            </button>
            <span className="webcam-frames" data-testid="webcam-frames" data-count={frames} aria-busy={recording || encoding}>{t('transfer.webcam.frames', { count: frames })}</span>
          </div>
          <p className="hint" id={hintId}>{t('transfer.webcam.recordHint')}</p>
        </div>
      )}
    </div>
  );
}
