import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMobileNet } from '../../features/transfer/worker/mobilenet.testutil';
import { truncate } from '../../features/transfer/worker/model';
import { checkAgainstCpu, checkPrecision, relativeError, TOLERANCE } from './numerics';

describe('backend numerics self-check', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('relative error: the worst difference over the reference’s largest magnitude; mismatches are infinite', () => {
    expect(relativeError([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(relativeError([1, 2.5, 3], [1, 2, 4])).toBeCloseTo(0.25, 10);
    expect(relativeError([1, NaN], [1, 2])).toBe(Infinity);
    expect(relativeError([1], [1, 2])).toBe(Infinity);
  });

  it('cpu and wasm are 32-bit with ε = 1e-7', async () => {
    for (const name of ['cpu', 'wasm']) {
      await tf.setBackend(name);
      expect(checkPrecision(), name).toEqual({ floatPrecision: 32, epsilon: 1e-7, ok: true });
    }
  });

  it('the real MobileNet base on wasm agrees with cpu, and the check leaves no tensors behind', async () => {
    await tf.setBackend('cpu');
    const base = truncate(await loadMobileNet());
    await tf.setBackend('wasm');
    const first = await checkAgainstCpu(base);
    const tensors = tf.memory().numTensors;
    const second = await checkAgainstCpu(base);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.getBackend()).toBe('wasm');
    for (const report of [first, second]) {
      expect(report.backend).toBe('wasm');
      expect(report.ok).toBe(true);
      expect(report.relativeError).toBeLessThan(TOLERANCE / 10);
    }
  }, 120_000);
});
