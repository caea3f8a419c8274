// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENGLISH } from '../../../i18n/i18n';
import { FRAME_INTERVAL_MS, FRAMES_PER_BATCH, WebcamCapture } from './WebcamCapture';
import { webcam } from './fakeWebcam.testutil';

vi.mock('./useWebcam', async (original) => ({ ...(await original<typeof import('./useWebcam')>()), useWebcam: () => webcam }));

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const frames = () => Number(screen.getByTestId('webcam-frames').getAttribute('data-count'));

describe('WebcamCapture', () => {
  it('captures frames while the button is held and hands them over in small batches', async () => {
    const onFiles = vi.fn<(files: File[]) => void>();
    render(<WebcamCapture onFiles={onFiles} />);
    const record = screen.getByTestId('webcam-record');
    expect(record.textContent).toBe(ENGLISH['transfer.webcam.record']);

    fireEvent.pointerDown(record, { button: 0, pointerId: 1 });
    await act(() => vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS * 4 + 10));
    expect(frames()).toBe(5);
    expect(onFiles).toHaveBeenCalledTimes(1);
    expect(onFiles.mock.calls[0][0]).toHaveLength(FRAMES_PER_BATCH);

    fireEvent.pointerUp(record, { button: 0, pointerId: 1 });
    const files = onFiles.mock.calls.flatMap(([batch]) => batch);
    expect(files).toHaveLength(5);
    expect(files.every((file) => /^webcam-\d+\.jpg$/.test(file.name) && file.type === 'image/jpeg')).toBe(true);
    expect(new Set(files.map((file) => file.name)).size).toBe(5);

    await act(() => vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS * 5));
    expect(onFiles.mock.calls.flatMap(([batch]) => batch)).toHaveLength(5);
    expect(screen.getByTestId('webcam-frames').textContent).toBe('5 frames captured');
  });

  it('records while Space or Enter is held, and counts each hold from zero', async () => {
    const onFiles = vi.fn<(files: File[]) => void>();
    render(<WebcamCapture onFiles={onFiles} />);
    const record = screen.getByTestId('webcam-record');
    fireEvent.keyDown(record, { key: ' ' });
    await act(() => vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS + 10));
    fireEvent.keyDown(record, { key: ' ', repeat: true });
    await act(() => vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS));
    fireEvent.keyUp(record, { key: ' ' });
    expect(frames()).toBe(3);

    fireEvent.keyDown(record, { key: 'Enter' });
    await act(() => vi.advanceTimersByTimeAsync(10));
    fireEvent.keyUp(record, { key: 'Enter' });
    expect(frames()).toBe(1);
    expect(onFiles.mock.calls.flatMap(([batch]) => batch)).toHaveLength(4);
  });
});

describe('WebcamCapture, slow encoding', () => {
  it('still hands over a frame grabbed while held whose JPEG is ready after the release', async () => {
    let finish!: (blob: Blob) => void;
    vi.mocked(webcam.capture).mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const onFiles = vi.fn<(files: File[]) => void>();
    render(<WebcamCapture onFiles={onFiles} />);
    const record = screen.getByTestId('webcam-record');
    fireEvent.pointerDown(record, { button: 0, pointerId: 1 });
    fireEvent.pointerUp(record, { button: 0, pointerId: 1 });
    expect(screen.getByTestId('webcam-frames').getAttribute('aria-busy')).toBe('true');
    expect(onFiles).not.toHaveBeenCalled();
    await act(async () => finish(new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' })));
    expect(onFiles).toHaveBeenCalledTimes(1);
    expect(onFiles.mock.calls[0][0]).toHaveLength(1);
    expect(frames()).toBe(1);
    expect(screen.getByTestId('webcam-frames').getAttribute('aria-busy')).toBe('false');
  });
});

describe('WebcamCapture, camera closed mid-hold', () => {
  it('ends the hold, so reopening the camera does not record by itself', async () => {
    const onFiles = vi.fn<(files: File[]) => void>();
    const { rerender } = render(<WebcamCapture onFiles={onFiles} />);
    fireEvent.pointerDown(screen.getByTestId('webcam-record'), { button: 0, pointerId: 1 });
    await act(() => vi.advanceTimersByTimeAsync(10));
    webcam.status = 'off';
    rerender(<WebcamCapture onFiles={onFiles} />);
    webcam.status = 'on';
    rerender(<WebcamCapture onFiles={onFiles} />);
    expect(screen.getByTestId('webcam-record').getAttribute('aria-pressed')).toBe('false');
    const before = onFiles.mock.calls.flatMap(([batch]) => batch).length;
    await act(() => vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS * 3));
    expect(onFiles.mock.calls.flatMap(([batch]) => batch)).toHaveLength(before);
  });
});
