import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressBuffer, type ProgressMessage } from './transferViews';

const epoch = (n: number): ProgressMessage => ({ type: 'transfer/trainProgress', run: 'transfer', jobId: 1, phase: 'training', epoch: n, epochs: 50, elapsedMs: n, logs: { loss: 1 / n, acc: 0 } });

describe('ProgressBuffer (training progress drawn at most every 100 ms, no epoch lost)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies the first message at once, then groups what comes within the interval', () => {
    const groups: number[][] = [];
    const buffer = new ProgressBuffer((messages) => groups.push(messages.map((m) => m.epoch)), 100, () => Date.now());
    buffer.push(epoch(1));
    expect(groups).toEqual([[1]]);
    for (let n = 2; n <= 5; n++) {
      vi.advanceTimersByTime(20);
      buffer.push(epoch(n));
    }
    expect(groups).toEqual([[1]]); // 80 ms after the first group: they wait
    vi.advanceTimersByTime(20);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
    buffer.push(epoch(6)); // at once after a group: waits its 100 ms
    vi.advanceTimersByTime(99);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
    vi.advanceTimersByTime(1);
    expect(groups).toEqual([[1], [2, 3, 4, 5], [6]]);
  });

  it('flush applies what waits at once, in order; cancel drops it', () => {
    const groups: number[][] = [];
    const buffer = new ProgressBuffer((messages) => groups.push(messages.map((m) => m.epoch)), 100, () => Date.now());
    buffer.push(epoch(1));
    buffer.push(epoch(2));
    buffer.push(epoch(3));
    buffer.flush();
    expect(groups).toEqual([[1], [2, 3]]);
    buffer.push(epoch(4));
    buffer.cancel();
    vi.advanceTimersByTime(500);
    expect(groups).toEqual([[1], [2, 3]]);
    buffer.flush();
    expect(groups).toEqual([[1], [2, 3]]);
  });
});
