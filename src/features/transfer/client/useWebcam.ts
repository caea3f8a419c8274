/**
 * One camera stream for the studio: started on demand, every track stopped when closed or
 * unmounted. Only one component holds the camera at a time: starting it in one place closes it
 * wherever else it was open.
 *
 * Frames are mirrored like the preview (as Teachable Machine does: it flips its webcam canvas and
 * trains and predicts on that canvas). What is saved is what the user saw, and webcam training and
 * live webcam predictions see the same orientation; photos added from files are not mirrored.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export type WebcamStatus = 'off' | 'starting' | 'on' | 'error';
export type WebcamError = 'denied' | 'noCamera' | 'busy' | 'unsupported' | 'failed';

/** largest side of a captured frame (the worker crops and resizes to the network's input) */
export const MAX_FRAME_SIDE = 480;
export const FRAME_TYPE = 'image/jpeg';
export const FRAME_QUALITY = 0.9;
const CONSTRAINTS: MediaStreamConstraints = { video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false };

/** Maps a getUserMedia failure to the message the user sees. */
export function webcamErrorCode(error: unknown): WebcamError {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'noCamera';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'SecurityError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

/** The centre square of a width × height frame: its top-left corner and side. */
export function centreSquare(width: number, height: number): { sx: number; sy: number; side: number } {
  const side = Math.min(width, height);
  return { sx: Math.floor((width - side) / 2), sy: Math.floor((height - side) / 2), side };
}

/** The video's centre square, mirrored, as a JPEG; null while the video has no frame yet. */
export function captureFrame(video: HTMLVideoElement): Promise<Blob | null> {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0 || video.videoHeight === 0) return Promise.resolve(null);
  const { sx, sy, side } = centreSquare(video.videoWidth, video.videoHeight);
  const size = Math.min(side, MAX_FRAME_SIDE);
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  if (!context) return Promise.resolve(null);
  context.translate(size, 0);
  context.scale(-1, 1);
  context.drawImage(video, sx, sy, side, side, 0, 0, size, size);
  return new Promise((resolve) => canvas.toBlob(resolve, FRAME_TYPE, FRAME_QUALITY));
}

/** the component that holds the camera now */
let holder: { token: object; stop(): void } | null = null;

export function useWebcam() {
  const [state, setState] = useState<{ status: WebcamStatus; error: WebcamError | null; stream: MediaStream | null }>({ status: 'off', error: null, stream: null });
  const [token] = useState(() => ({}));
  const streamRef = useRef<MediaStream | null>(null);
  const videoElement = useRef<HTMLVideoElement | null>(null);
  /** bumped on every start and stop, so a stream that arrives late is stopped at once */
  const generation = useRef(0);

  const release = useCallback(() => {
    generation.current++;
    streamRef.current?.getTracks().forEach((track) => track.stop());
    streamRef.current = null;
    if (holder?.token === token) holder = null;
  }, [token]);

  const stop = useCallback(() => {
    release();
    setState({ status: 'off', error: null, stream: null });
  }, [release]);

  const start = useCallback(async () => {
    release();
    if (holder && holder.token !== token) holder.stop();
    const run = generation.current;
    if (!navigator.mediaDevices?.getUserMedia) {
      setState({ status: 'error', error: 'unsupported', stream: null });
      return;
    }
    holder = { token, stop };
    setState({ status: 'starting', error: null, stream: null });
    try {
      const stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
      if (run !== generation.current) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      streamRef.current = stream;
      // The camera unplugged or the permission revoked: closed.
      stream.getVideoTracks()[0]?.addEventListener('ended', () => {
        if (streamRef.current === stream) stop();
      });
      setState({ status: 'on', error: null, stream });
    } catch (error) {
      if (run !== generation.current) return;
      if (holder?.token === token) holder = null;
      setState({ status: 'error', error: webcamErrorCode(error), stream: null });
    }
  }, [release, stop, token]);

  useEffect(() => release, [release]);

  /** Ref for the preview <video>: shows the stream. */
  const videoRef = useCallback(
    (video: HTMLVideoElement | null) => {
      videoElement.current = video;
      if (video && video.srcObject !== state.stream) {
        video.srcObject = state.stream;
        if (state.stream) video.play().catch(() => undefined);
      }
    },
    [state.stream],
  );
  const capture = useCallback(() => (videoElement.current && streamRef.current ? captureFrame(videoElement.current) : Promise.resolve(null)), []);

  return { status: state.status, error: state.error, start, stop, videoRef, capture };
}
