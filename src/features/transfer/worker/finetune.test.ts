/**
 * Fine-tuning on the real MobileNet (../shared/models): the tail starts as an exact copy, only the
 * top blocks' convolutions and the head change, the pretrained base never does, augmentation is
 * seeded, and no tensor leaks. (The from-scratch Tiny VGG: vgg.test.ts.)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random';
import { DEFAULT_HEAD, IMAGE_SIZE, type HeadConfig } from '../meta';
import { embedImages, preprocess } from './embed';
import { augmentBatch } from './augment';
import { buildTail, cutLayerFor, fineTune, lowerModel, predictImages } from './finetune';
import { buildHead, disposeModel, fitHead } from './head';
import { truncate } from './model';
import { loadMobileNet, MODEL_DIR, twoKindImages as images } from './mobilenet.testutil';
import { registerWasmFallbacks } from '../../../worker/tf/wasmFallbacks';

const weightsOf = (model: tf.LayersModel, name: string) => model.getLayer(name).getWeights().map((w) => Float32Array.from(w.dataSync()));
const same = (a: Float32Array[], b: Float32Array[]) => a.every((values, k) => values.every((v, j) => v === b[k][j]));
/** Exactly the same values (a plain loop: toEqual on 450,000 floats takes over a second). */
const identical = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => v === b[k]);

describe('cut layers', () => {
  it('cuts below the fine-tuned blocks', () => {
    expect(cutLayerFor(0)).toBe('conv_pw_13_relu');
    expect(cutLayerFor(1)).toBe('conv_pw_12_relu');
    expect(cutLayerFor(4)).toBe('conv_pw_9_relu');
    expect(cutLayerFor(13)).toBe('conv1_relu');
    expect(() => cutLayerFor(14)).toThrow(RangeError);
    expect(() => cutLayerFor(1.5)).toThrow(RangeError);
  });
});

describe('augmentation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is the plain input when off, seeded when on, and flips and zooms', () => {
    const pictures = images(3, 0, 5);
    const plain = tf.tidy(() => preprocess(pictures).dataSync());
    expect(identical(tf.tidy(() => augmentBatch(pictures, false, mulberry32(1)).dataSync()), plain)).toBe(true);
    const a = tf.tidy(() => augmentBatch(pictures, true, mulberry32(9)).dataSync());
    const b = tf.tidy(() => augmentBatch(pictures, true, mulberry32(9)).dataSync());
    const c = tf.tidy(() => augmentBatch(pictures, true, mulberry32(10)).dataSync());
    expect(a.length).toBe(plain.length);
    expect(identical(a, b)).toBe(true);
    expect(identical(a, c)).toBe(false);
    expect(identical(a, plain)).toBe(false);
    // A left-right ramp: a flipped copy decreases along x; values stay within the input's range.
    const ramp = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).map((_, k) => Math.floor(k / 3) % IMAGE_SIZE);
    const slopes = new Set<number>();
    for (let seed = 1; seed <= 8; seed++) {
      const row = tf.tidy(() => augmentBatch([ramp], true, mulberry32(seed)).slice([0, 100, 0, 0], [1, 1, IMAGE_SIZE, 1]).dataSync());
      slopes.add(Math.sign(row[IMAGE_SIZE - 1] - row[0]));
      expect(Math.max(...row)).toBeLessThanOrEqual(ramp[(IMAGE_SIZE - 1) * 3] / 127.5 - 1 + 1e-5);
    }
    expect(slopes).toEqual(new Set([1, -1]));
  });
});

describe('fine-tuning the real MobileNet', () => {
  it('finds the model in ../shared/models', () => expect(existsSync(join(MODEL_DIR, 'model.json'))).toBe(true));
  let full: tf.LayersModel;
  // On wasm, as in the app (its convolution gradients bridged to cpu kernels): MobileNet's forward
  // pass is several times faster than on cpu. Each training image costs about a second (the bridged
  // 1 × 1 convolution gradients of blocks 12 and 13), so the set is small: two batches of two per epoch.
  beforeAll(async () => {
    registerWasmFallbacks();
    await tf.setBackend('wasm');
    full = await loadMobileNet();
  }, 60_000);

  const HEAD: HeadConfig = { ...DEFAULT_HEAD, units: 8, epochs: 3, batchSize: 2, learningRate: 0.01, fineTuneBlocks: 2, fineTuneEpochs: 2, fineTuneLearningRate: 0.001, augment: true };
  const train = { images: [...images(2, 0, 1), ...images(2, 1, 2)], labels: [0, 0, 1, 1] };
  const validation = { images: [...images(2, 0, 3), ...images(2, 1, 4)], labels: [0, 0, 1, 1] };

  async function cycle() {
    const truncated = truncate(full);
    const embeddings = await embedImages(truncated, train.images);
    const head = buildHead(HEAD, 2);
    await fitHead(head, HEAD, { embeddings, labels: train.labels }, { embeddings: [], labels: [] }, 2, { onEpochEnd: () => undefined, shouldStop: () => false });
    const cut = cutLayerFor(HEAD.fineTuneBlocks);
    const lower = lowerModel(full, cut);
    const tail = buildTail(full, HEAD.fineTuneBlocks, head);
    // Before fine-tuning, lower → tail is the same function as truncated base → head.
    const viaHead = tf.tidy(() => (head.predict(truncated.predict(preprocess(validation.images.slice(0, 2))) as tf.Tensor) as tf.Tensor).dataSync());
    const viaTail = (await predictImages(lower, tail, validation.images.slice(0, 2))).flatMap((p) => Array.from(p));
    disposeModel(head);
    const logs: { loss: number; valAcc?: number }[] = [];
    const tailBefore = { dw13: weightsOf(tail, 'conv_dw_13'), pw12: weightsOf(tail, 'conv_pw_12'), bn13: weightsOf(tail, 'conv_pw_13_bn') };
    const stopped = await fineTune(lower, tail, HEAD, new Set(full.layers.map((l) => l.name)), train, validation, 2, { onEpochEnd: (_, l) => void logs.push(l), shouldStop: () => false });
    const changed = {
      dw13: !same(tailBefore.dw13, weightsOf(tail, 'conv_dw_13')),
      pw12: !same(tailBefore.pw12, weightsOf(tail, 'conv_pw_12')),
      bn13: !same(tailBefore.bn13, weightsOf(tail, 'conv_pw_13_bn')),
    };
    const probabilities = await predictImages(lower, tail, validation.images);
    const tailHasBlock11 = tail.layers.some((layer) => layer.name === 'conv_dw_11' || layer.name === 'conv_pw_11');
    disposeModel(tail);
    return { viaHead, viaTail, logs, stopped, changed, probabilities, tailHasBlock11 };
  }

  it('copies, then trains only the top blocks and the head, leaving the base alone, with no leaks', async () => {
    const baseBefore = { pw13: weightsOf(full, 'conv_pw_13'), dw12: weightsOf(full, 'conv_dw_12') };
    const first = await cycle(); // burn-in
    const tensors = tf.memory().numTensors;
    const second = await cycle();
    expect(tf.memory().numTensors).toBe(tensors);
    for (const run of [first, second]) {
      expect(run.viaTail.length).toBe(4);
      run.viaTail.forEach((p, k) => expect(p).toBeCloseTo(run.viaHead[k], 4));
      expect(run.stopped).toBe(false);
      expect(run.logs).toHaveLength(2);
      expect(run.logs.every((l) => Number.isFinite(l.loss) && l.valAcc !== undefined)).toBe(true);
      // Blocks 12 and 13 are fine-tuned (K = 2); block 11 is not in the tail at all, BatchNorm stays frozen.
      expect(run.changed).toEqual({ dw13: true, pw12: true, bn13: false });
      expect(run.tailHasBlock11).toBe(false);
      run.probabilities.forEach((p) => expect(p[0] + p[1]).toBeCloseTo(1, 5));
    }
    // Same seed, same data: the same run.
    expect(second.logs).toEqual(first.logs);
    expect(same(baseBefore.pw13, weightsOf(full, 'conv_pw_13'))).toBe(true);
    expect(same(baseBefore.dw12, weightsOf(full, 'conv_dw_12'))).toBe(true);
  }, 180_000);
});
