/**
 * The from-scratch Tiny VGG: its shape (at the app's 64² and at a smaller input size), and that it
 * learns, repeatably and without leaking tensors. It trains on 24² inputs here: the same layers and
 * code path as the app's 64², at a ninth of the cost (the convolution gradients are the bulk of it).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEAD, IMAGE_SIZE, type HeadConfig } from '../meta';
import { disposeModel } from './head';
import { twoKindImages as images } from './mobilenet.testutil';
import { buildTinyVgg, predictTinyVgg, trainTinyVgg, vggInputs, VGG_INPUT_SIZE } from './vgg';
import { registerWasmFallbacks } from '../../../worker/tf/wasmFallbacks';

/** The input size the training test uses: 24 → 22 → 20 → 10 → 8 → 6 → 3. */
const SMALL = 24;
const LAYERS = ['Conv2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'];

describe('Tiny VGG from scratch', () => {
  // On wasm, as in the app (its convolution gradients bridged to cpu kernels): 5× faster than cpu here.
  beforeAll(async () => {
    registerWasmFallbacks();
    await tf.setBackend('wasm');
  });

  it('has the Tiny VGG shape', () => {
    const model = buildTinyVgg(3, 1);
    expect(model.inputs[0].shape).toEqual([null, VGG_INPUT_SIZE, VGG_INPUT_SIZE, 3]);
    expect(model.layers.map((l) => l.getClassName())).toEqual(LAYERS);
    expect(model.outputs[0].shape).toEqual([null, 3]);
    // 64 → 62 → 60 → 30 → 28 → 26 → 13: 13 × 13 × 10 features into the softmax layer
    expect(model.getLayer('output').getWeights()[0].shape).toEqual([13 * 13 * 10, 3]);
    model.dispose();
  });

  it('is the same network on a smaller input, and scales images to the size asked for', () => {
    const [model, small] = [buildTinyVgg(2, 1), buildTinyVgg(2, 1, SMALL)];
    expect(small.inputs[0].shape).toEqual([null, SMALL, SMALL, 3]);
    expect(small.layers.map((l) => l.getClassName())).toEqual(LAYERS);
    // The same convolution kernels (shapes and seeded values); only the softmax layer's input width differs (3 × 3 × 10).
    for (const name of ['conv_1', 'conv_2', 'conv_3', 'conv_4']) {
      expect(small.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()))).toEqual(model.getLayer(name).getWeights().map((w) => Array.from(w.dataSync())));
    }
    expect(small.getLayer('output').getWeights()[0].shape).toEqual([3 * 3 * 10, 2]);
    const pictures = images(2, 0, 7);
    const shapes = tf.tidy(() => [vggInputs(pictures).shape, vggInputs(pictures, SMALL).shape, vggInputs([], SMALL).shape]);
    expect(shapes).toEqual([[2, VGG_INPUT_SIZE, VGG_INPUT_SIZE, 3], [2, SMALL, SMALL, 3], [0, SMALL, SMALL, 3]]);
    // predictTinyVgg scales to the model's own input size.
    for (const m of [model, small]) {
      const probabilities = predictTinyVgg(m, pictures);
      expect(probabilities).toHaveLength(2);
      probabilities.forEach((p) => expect(p[0] + p[1]).toBeCloseTo(1, 5));
    }
    expect(IMAGE_SIZE).toBeGreaterThan(SMALL);
    model.dispose();
    small.dispose();
  });

  it('learns separable images, repeatably, with no leaks', async () => {
    const config: HeadConfig = { ...DEFAULT_HEAD, epochs: 5, batchSize: 4, learningRate: 0.005 };
    const train = { images: [...images(4, 0, 11), ...images(4, 1, 12)], labels: [0, 0, 0, 0, 1, 1, 1, 1] };
    const validation = { images: [...images(2, 0, 13), ...images(2, 1, 14)], labels: [0, 0, 1, 1] };
    const run = async () => {
      const logs: { loss: number; valAcc?: number }[] = [];
      const { model, stopped } = await trainTinyVgg(config, train, validation, 2, { onEpochEnd: (_, l) => void logs.push(l), shouldStop: () => false }, SMALL);
      const inputShape = model.inputs[0].shape;
      const predicted = predictTinyVgg(model, validation.images).map((p) => (p[1] > p[0] ? 1 : 0));
      disposeModel(model);
      return { logs, stopped, predicted, inputShape };
    };
    const first = await run(); // burn-in
    const tensors = tf.memory().numTensors;
    const second = await run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(first.inputShape).toEqual([null, SMALL, SMALL, 3]);
    expect(first.stopped).toBe(false);
    expect(first.logs).toHaveLength(5);
    expect(first.logs.every((l) => Number.isFinite(l.loss) && l.valAcc !== undefined)).toBe(true);
    expect(first.logs[4].loss).toBeLessThan(first.logs[0].loss);
    expect(first.predicted).toEqual(validation.labels);
    expect(second.logs).toEqual(first.logs);
  }, 120_000);
});
