import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmMatMul } from './wasmMatMul';

/** Products with every transpose combination, batched, and fused (bias + ReLU), and a Dense layer's gradients. */
function products(): number[][] {
  return tf.tidy(() => {
    const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal([7, 3], 0, 1, 'float32', 2);
    const batchA = tf.randomNormal([2, 5, 7], 0, 1, 'float32', 3);
    const batchB = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 4);
    const bias = tf.randomNormal([3], 0, 1, 'float32', 5);
    const out = [
      tf.matMul(a, b),
      tf.matMul(a.transpose(), b, true, false),
      tf.matMul(a, b.transpose(), false, true),
      tf.matMul(a.transpose(), b.transpose(), true, true),
      tf.matMul(batchA.transpose([0, 2, 1]), batchB, true, false),
      tf.matMul(batchA, batchB.transpose([0, 2, 1]), false, true),
      tf.fused.matMul({ a: a.transpose(), b, transposeA: true, bias, activation: 'relu' }),
      tf.fused.matMul({ a, b: b.transpose(), transposeB: true, bias, activation: 'relu' }),
    ];
    // A Dense layer's gradients: xᵀ·δ (transposeA) and δ·Wᵀ (transposeB).
    const grads = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'relu' }).square().sum())([a, b]);
    return [...out, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe('transposed products on wasm', () => {
  let reference: number[][];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    reference = products();
    registerWasmMatMul();
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the cpu backend’s products and gradients, with no tensor or wasm memory left over', () => {
    expect(tf.getBackend()).toBe('wasm');
    products(); // burn-in
    const before = { ...tf.memory(), dataIds: tf.engine().backend.numDataIds() };
    const ours = products();
    const after = { ...tf.memory(), dataIds: tf.engine().backend.numDataIds() };
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.dataIds).toBe(before.dataIds); // the backend's own buffers: the transposed temporaries are freed
    expect(ours).toHaveLength(reference.length);
    ours.forEach((values, n) => values.forEach((v, k) => expect(v).toBeCloseTo(reference[n][k], 4)));
  });

  it('registering twice wraps once', () => {
    registerWasmMatMul();
    const products2 = products();
    products2.forEach((values, n) => values.forEach((v, k) => expect(v).toBeCloseTo(reference[n][k], 4)));
  });
});
