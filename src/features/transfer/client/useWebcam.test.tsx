// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { centreSquare, useWebcam, webcamErrorCode } from './useWebcam';

/** A stream whose tracks record whether they were stopped. */
function fakeStream() {
  const track = { stop: vi.fn(), addEventListener: vi.fn() };
  return { track, stream: { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream };
}

const getUserMedia = vi.fn<(constraints: MediaStreamConstraints) => Promise<MediaStream>>();

beforeEach(() => {
  getUserMedia.mockReset();
  Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
});
afterEach(cleanup);

describe('webcamErrorCode', () => {
  it('maps getUserMedia failures to messages', () => {
    const error = (name: string) => new DOMException('x', name);
    expect(webcamErrorCode(error('NotAllowedError'))).toBe('denied');
    expect(webcamErrorCode(error('NotFoundError'))).toBe('noCamera');
    expect(webcamErrorCode(error('OverconstrainedError'))).toBe('noCamera');
    expect(webcamErrorCode(error('NotReadableError'))).toBe('busy');
    expect(webcamErrorCode(error('SecurityError'))).toBe('unsupported');
    expect(webcamErrorCode(new TypeError('bad constraints'))).toBe('failed');
    expect(webcamErrorCode('nonsense')).toBe('failed');
  });
});

describe('centreSquare', () => {
  it('finds the centre square of landscape and portrait frames', () => {
    expect(centreSquare(640, 480)).toEqual({ sx: 80, sy: 0, side: 480 });
    expect(centreSquare(480, 640)).toEqual({ sx: 0, sy: 80, side: 480 });
    expect(centreSquare(300, 300)).toEqual({ sx: 0, sy: 0, side: 300 });
  });
});

describe('useWebcam', () => {
  it('asks for the front camera at about 640 × 480 and stops every track when stopped', async () => {
    const { stream, track } = fakeStream();
    getUserMedia.mockResolvedValue(stream);
    const { result } = renderHook(() => useWebcam());
    await act(() => result.current.start());
    expect(result.current.status).toBe('on');
    expect(getUserMedia.mock.calls[0][0]).toMatchObject({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } });
    act(() => result.current.stop());
    expect(result.current.status).toBe('off');
    expect(track.stop).toHaveBeenCalled();
  });

  it('stops the tracks on unmount, also when the stream arrives after it', async () => {
    const first = fakeStream();
    getUserMedia.mockResolvedValue(first.stream);
    const mounted = renderHook(() => useWebcam());
    await act(() => mounted.result.current.start());
    mounted.unmount();
    expect(first.track.stop).toHaveBeenCalled();

    const late = fakeStream();
    let resolve!: (stream: MediaStream) => void;
    getUserMedia.mockReturnValue(new Promise((r) => (resolve = r)));
    const pending = renderHook(() => useWebcam());
    let started!: Promise<void>;
    act(() => {
      started = pending.result.current.start();
    });
    expect(pending.result.current.status).toBe('starting');
    pending.unmount();
    resolve(late.stream);
    await started;
    expect(late.track.stop).toHaveBeenCalled();
  });

  it('lets one holder have the camera: starting it elsewhere closes it here', async () => {
    const a = fakeStream();
    const b = fakeStream();
    getUserMedia.mockResolvedValueOnce(a.stream).mockResolvedValueOnce(b.stream);
    const first = renderHook(() => useWebcam());
    const second = renderHook(() => useWebcam());
    await act(() => first.result.current.start());
    await act(() => second.result.current.start());
    expect(first.result.current.status).toBe('off');
    expect(a.track.stop).toHaveBeenCalled();
    expect(second.result.current.status).toBe('on');
    expect(b.track.stop).not.toHaveBeenCalled();
  });

  it('reports a denied permission and a missing navigator.mediaDevices', async () => {
    getUserMedia.mockRejectedValue(new DOMException('Permission denied', 'NotAllowedError'));
    const { result } = renderHook(() => useWebcam());
    await act(() => result.current.start());
    expect(result.current).toMatchObject({ status: 'error', error: 'denied' });

    Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
    await act(() => result.current.start());
    expect(result.current).toMatchObject({ status: 'error', error: 'unsupported' });
    act(() => result.current.stop());
    expect(result.current).toMatchObject({ status: 'off', error: null });
  });
});
