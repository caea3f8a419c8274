// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PredictionView } from './useTransfer';
import { webcam } from './fakeWebcam.testutil';
import { MIN_INTERVAL_MS, STALL_MS, WebcamPredict } from './WebcamPredict';

vi.mock('./useWebcam', async (original) => ({ ...(await original<typeof import('./useWebcam')>()), useWebcam: () => webcam }));

beforeEach(() => {
  vi.useFakeTimers();
  webcam.status = 'on';
  vi.mocked(webcam.stop).mockClear();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const view = (requestId: number, ready: boolean): PredictionView => ({ requestId, url: 'blob:x', probabilities: ready ? new Float32Array([0.9, 0.1]) : null, classNames: ['a', 'b'] });

describe('WebcamPredict', () => {
  it('sends the next frame only when the previous prediction is back, at most every MIN_INTERVAL_MS', async () => {
    const onFile = vi.fn<(file: File) => void>();
    const { rerender } = render(<WebcamPredict prediction={null} enabled onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(60));
    expect(onFile).toHaveBeenCalledTimes(1);

    // Pending: nothing more, however long it takes (up to STALL_MS).
    rerender(<WebcamPredict prediction={view(1, false)} enabled onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(onFile).toHaveBeenCalledTimes(1);

    // Back: the next frame goes at once (the last one went more than MIN_INTERVAL_MS ago).
    rerender(<WebcamPredict prediction={view(1, true)} enabled onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(60));
    expect(onFile).toHaveBeenCalledTimes(2);

    // Back quickly: still no more than one per MIN_INTERVAL_MS.
    rerender(<WebcamPredict prediction={view(2, true)} enabled onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(MIN_INTERVAL_MS - 60));
    expect(onFile).toHaveBeenCalledTimes(2);
    await act(() => vi.advanceTimersByTimeAsync(60));
    expect(onFile).toHaveBeenCalledTimes(3);
  });

  it('does not wait forever for a prediction that never comes back', async () => {
    const onFile = vi.fn<(file: File) => void>();
    const { rerender } = render(<WebcamPredict prediction={null} enabled onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(60));
    rerender(<WebcamPredict prediction={view(1, false)} enabled onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(STALL_MS + 60));
    expect(onFile).toHaveBeenCalledTimes(2);
  });

  it('sends nothing and turns the camera off without a classifier', async () => {
    const onFile = vi.fn<(file: File) => void>();
    render(<WebcamPredict prediction={null} enabled={false} onFile={onFile} />);
    await act(() => vi.advanceTimersByTimeAsync(500));
    expect(onFile).not.toHaveBeenCalled();
    expect(webcam.stop).toHaveBeenCalled();
    expect(screen.getByTestId('webcam-predict').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('webcam-predict'));
    expect(webcam.stop).toHaveBeenCalledTimes(2);
  });
});
