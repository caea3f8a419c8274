import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMobileNet } from '../../features/transfer/worker/mobilenet.testutil';
import { truncate } from '../../features/transfer/worker/model';
import { checkAgainstCpu, checkPrecision, measuredFloatBits, relativeError, TOLERANCE } from './numerics';

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

  it('a backend that reports 16 bits while its kernels keep 32 is corrected to ε = 1e-7', async () => {
    await tf.setBackend('cpu');
    const backend = tf.backend() as tf.KernelBackend & { floatPrecisionValue?: number };
    const original = backend.floatPrecision.bind(backend);
    // Like tfjs-backend-webgl 4.22 with float32 textures: a cached 16 that the kernels do not bear out.
    backend.floatPrecisionValue = 16;
    backend.floatPrecision = () => (backend.floatPrecisionValue as 16 | 32) ?? original();
    backend.epsilon = () => (backend.floatPrecision() === 32 ? 1e-7 : 1e-4);
    expect(checkPrecision()).toEqual({ floatPrecision: 32, epsilon: 1e-7, ok: true, corrected: true });
    delete backend.floatPrecisionValue;
    // @ts-expect-error restore the prototype's methods
    delete backend.floatPrecision;
    // @ts-expect-error restore the prototype's methods
    delete backend.epsilon;
  });

  it('cpu and wasm are 32-bit with ε = 1e-7', async () => {
    for (const name of ['cpu', 'wasm']) {
      await tf.setBackend(name);
      expect(checkPrecision(), name).toEqual({ floatPrecision: 32, epsilon: 1e-7, ok: true, corrected: false });
      expect(measuredFloatBits(), name).toBe(32);
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
