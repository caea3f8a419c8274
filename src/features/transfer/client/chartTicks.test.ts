import { describe, expect, it } from 'vitest';
import { epochTicks, lossAxis, niceStep } from './chartTicks';

describe('training chart ticks', () => {
  it('steps of 1, 2 or 5 × 10^k', () => {
    expect(niceStep(1, 4)).toBe(0.5);
    expect(niceStep(2.3, 4)).toBe(1);
    expect(niceStep(0.1, 4)).toBeCloseTo(0.05);
    expect(niceStep(50, 5)).toBe(10);
    expect(niceStep(23, 5)).toBe(5);
  });

  it('a loss axis from 0 to the largest loss rounded up, ticks on the steps', () => {
    expect(lossAxis([2.31, 1.2, 0.4])).toEqual({ domain: [0, 3], ticks: [0, 1, 2, 3] });
    expect(lossAxis([0.07])).toEqual({ domain: [0, 0.1], ticks: [0, 0.05, 0.1] });
    expect(lossAxis([NaN, 0.9])).toEqual({ domain: [0, 1], ticks: [0, 0.5, 1] });
    // a fixed top (two runs on one scale) wins over the values
    expect(lossAxis([0.2], 2.5)).toEqual({ domain: [0, 3], ticks: [0, 1, 2, 3] });
  });

  it('epoch ticks start at 1 and stay few', () => {
    expect(epochTicks(1)).toEqual([1]);
    expect(epochTicks(5)).toEqual([1, 2, 3, 4, 5]);
    expect(epochTicks(50)).toEqual([1, 10, 20, 30, 40, 50]);
    expect(epochTicks(23)).toEqual([1, 5, 10, 15, 20]);
    expect(epochTicks(500).length).toBeLessThanOrEqual(7);
  });
});
