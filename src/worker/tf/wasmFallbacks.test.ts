import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmFallbacks, WASM_FALLBACK_KERNELS } from './wasmFallbacks';

/** Gradients of a small conv net (Conv2D and depthwise, strided and not) w.r.t. its filters and input. */
function gradients(): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1);
    const f1 = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
    const f2 = tf.randomNormal([3, 3, 4, 2], 0, 1, 'float32', 3);
    const f3 = tf.randomNormal([1, 1, 8, 5], 0, 1, 'float32', 4);
    const loss = (input: tf.Tensor4D, a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D) => {
      const h1 = tf.relu(tf.conv2d(input, a, 1, 'same'));
      const h2 = tf.depthwiseConv2d(h1, b, 2, 'same');
      return tf.conv2d(h2, c, 1, 'valid').square().sum() as tf.Scalar;
    };
    const grads = tf.grads(loss)([x, f1, f2, f3] as tf.Tensor4D[]);
    return grads.map((g) => Array.from(g.dataSync()));
  });
}

describe('wasm fallbacks for convolution gradients', () => {
  let reference: number[][];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    reference = gradients();
    registerWasmFallbacks();
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('registers the missing kernels for wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const name of WASM_FALLBACK_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('gives the cpu backend’s gradients on wasm, with no leaks', () => {
    const first = gradients();
    const tensors = tf.memory().numTensors;
    const second = gradients();
    expect(tf.memory().numTensors).toBe(tensors);
    for (const result of [first, second]) {
      result.forEach((values, k) => {
        expect(values.length).toBe(reference[k].length);
        values.forEach((v, j) => expect(v).toBeCloseTo(reference[k][j], 2));
      });
    }
  });
});
