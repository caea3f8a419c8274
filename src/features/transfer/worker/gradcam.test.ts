/**
 * Grad-CAM and saliency: on tiny networks with known weights the maps equal hand computations;
 * normalisation never makes NaN; no tensor leaks; on a tiny residual graph both follow the graph
 * (against tfjs's own execution and tf.grad); and on the real MobileNet v1 (../shared/models) with a
 * head, head-only and fine-tuned, and on the Tiny VGG, with times. MobileNet v2: gradcamV2.test.ts.
 */
import { BASES } from '../bases';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEAD, TRUNCATION_LAYER } from '../meta';
import { explainImage, scratchNetwork, transferNetwork, type Explainable } from './explain';
import { buildTail, cutLayerFor, lowerModel } from './finetune';
import { asFunction, classScores, gradCam, normaliseByMax, saliency, splitAt } from './gradcam';
import { buildHead } from './head';
import { haveMobileNet, loadMobileNet, loadPhoto } from './mobilenet.testutil';
import { truncate } from './model';
import type { StudioView, Trained } from './studioView';
import { buildTinyVgg } from './vgg';

/**
 * x [2, 2, 1] → conv 1×1 (2 filters, ReLU) → global average pooling → Dense(3, softmax).
 * Filter weights w = (1, −1), biases (0, 0.5); Dense kernel W[k][c] = [[2, −1, −1], [−3, 1, −1]], biases (0.1, 0.2, 0).
 */
function tinyCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [2, 2, 1], filters: 2, kernelSize: 1, activation: 'relu', name: 'conv' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.layers[0].setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([0, 0.5])]);
  model.layers[2].setWeights([tf.tensor2d([[2, -1, -1], [-3, 1, -1]]), tf.tensor1d([0.1, 0.2, 0])]);
  return model;
}
/** x = [[1, 2], [3, −1]] */
const tinyInput = () => tf.tensor4d([1, 2, 3, -1], [1, 2, 2, 1]);

const expectClose = (actual: Float32Array, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, k) => expect(actual[k]).toBeCloseTo(value, 5));
};

const std = (values: Float32Array) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
};

describe('Grad-CAM on a tiny known network', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('equals the hand computation for each class, on the logits (not the softmax)', () => {
    const model = tinyCnn();
    const x = tinyInput();
    const net = splitAt(model, 'conv');
    // A¹ = ReLU(x) = [[1, 2], [3, 0]];  A² = ReLU(−x + 0.5) = [[0, 0], [0, 1.5]].
    // y_c = Σ_k W[k][c]·mean(A^k) + b_c, so ∂y_c/∂A^k_ij = W[k][c] / 4 and α_k = W[k][c] / 4.
    // Logits: y = (2·1.5 − 3·0.375 + 0.1, −1.5 + 0.375 + 0.2, −1.5 − 0.375) = (1.975, −0.925, −1.875): top class 0.
    const top = gradCam(net, x);
    expect(top.classIndex).toBe(0);
    expect([top.rows, top.cols]).toEqual([2, 2]);
    // Class 0: α = (0.5, −0.75); Σ α_k A^k = [[0.5, 1], [1.5, −1.125]] → ReLU → / 1.5.
    expectClose(top.map, [1 / 3, 2 / 3, 1, 0]);
    const z = [1.975, -0.925, -1.875];
    const sum = z.reduce((s, v) => s + Math.exp(v), 0);
    expectClose(top.probabilities, z.map((v) => Math.exp(v) / sum));
    // Class 1: α = (−0.25, 0.25); Σ α_k A^k = [[−0.25, −0.5], [−0.75, 0.375]] → ReLU → / 0.375.
    expectClose(gradCam(net, x, 1).map, [0, 0, 0, 1]);
    // Class 2: α = (−0.25, −0.25): nothing positive, the map is all 0 (not NaN).
    const none = gradCam(net, x, 2);
    expectClose(none.map, [0, 0, 0, 0]);
    expect(none.map.every(Number.isFinite)).toBe(true);
    expect(() => gradCam(net, x, 3)).toThrow(RangeError);
    tf.dispose([x]);
    model.dispose();
  });
});

describe('saliency on a tiny linear model', () => {
  it('is max over channels of |W[:, c]| per pixel, normalised; a class with no gradient gives zeros', () => {
    // x [1, 2, 2, 2] → flatten → Dense(2, softmax): y_c = Σ_i W[i][c]·x_i + b_c, so ∂y_c/∂x_i = W[i][c].
    const model = tf.sequential();
    model.add(tf.layers.flatten({ inputShape: [2, 2, 2] }));
    model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    const column0 = [1, -4, 2, 0.5, -1, -1, 0, 3];
    model.layers[1].setWeights([tf.tensor2d(column0.map((w) => [w, 0])), tf.tensor1d([0.3, -0.2])]);
    const x = tf.tensor4d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [1, 2, 2, 2]);
    const scores = classScores(model.layers);
    // Pixels (channel pairs): max(|1|, |−4|) = 4, max(2, 0.5) = 2, max(1, 1) = 1, max(0, 3) = 3 → / 4.
    const map = saliency(scores, x, 0);
    expect([map.height, map.width]).toEqual([2, 2]);
    expectClose(map.map, [1, 0.5, 0.25, 0.75]);
    expectClose(saliency(scores, x, 1).map, [0, 0, 0, 0]);
    x.dispose();
    model.dispose();
  });

  it('through a chain of layers (plain conv2d under the tape) equals the gradient through the layers themselves', () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: 0.1 }) }));
    model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthwiseInitializer: init(2) }));
    model.add(tf.layers.conv2d({ filters: 5, kernelSize: 1, kernelInitializer: init(3), useBias: false, name: 'last' }));
    model.add(tf.layers.flatten({}));
    model.add(tf.layers.dense({ units: 3, kernelInitializer: init(4) })); // linear: its output is the logits
    const x = tf.randomUniform([1, 9, 9, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const viaChain = saliency((input) => asFunction(model)(input) as unknown as tf.Tensor2D, x, 2);
    const reference = tf.tidy(() => {
      const gradient = tf.grad((input: tf.Tensor) => (model.apply(input) as tf.Tensor).slice([0, 2], [1, 1]).sum() as tf.Scalar)(x);
      return normaliseByMax(gradient.abs().max(-1).squeeze([0]));
    });
    expect(std(viaChain.map)).toBeGreaterThan(0.05);
    reference.dataSync().forEach((v, k) => expect(viaChain.map[k]).toBeCloseTo(v, 5));
    const net = splitAt(model, 'last');
    expect(gradCam(net, x, 1).map.length).toBe(3 * 3); // 9 → stride 2, same → 5 → 3×3 valid → 3
    tf.dispose([x, reference]);
    model.dispose();
  });

  it('normalisation: divides by the max; all-zero or all-negative maps stay zero, never NaN', () => {
    const [a, b, c] = tf.tidy(() => [normaliseByMax(tf.tensor1d([0, 2, 4])), normaliseByMax(tf.zeros([3])), normaliseByMax(tf.tensor1d([-1, -2]))].map((t) => Array.from(t.dataSync())));
    expect(a).toEqual([0, 0.5, 1]);
    expect(b).toEqual([0, 0, 0]);
    expect(c).toEqual([0, 0]);
  });

  it('leaks no tensor over repeated calls (after one burn-in)', () => {
    const model = tinyCnn();
    const x = tinyInput();
    const net = splitAt(model, 'conv');
    const explainable: Explainable = { net, input: () => tf.tensor4d([1, 2, 3, -1], [1, 2, 2, 1]) };
    const round = () => {
      gradCam(net, x);
      gradCam(net, x, 2);
      saliency((input) => net.scores(net.conv(input)), x, 1);
      explainImage(explainable, new Uint8Array(0), 1);
      expect(() => gradCam(net, x, 7)).toThrow(RangeError);
    };
    round();
    const before = tf.memory().numTensors;
    for (let n = 0; n < 5; n++) round();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});

/**
 * A tiny residual graph, as in MobileNet v2: x [6, 6, 3] → conv `a` (3×3, 4, ReLU) → depthwise →
 * conv `b` (1×1, 4) → add(a, b) → conv `last` (1×1, 5, ReLU) → global average pooling → Dense(3),
 * linear (its output is the logits). Seeded weights.
 */
function tinyResidual(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [6, 6, 3] });
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: 0.1 }), name: 'a' }).apply(input) as tf.SymbolicTensor;
  const d = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: init(2), name: 'd' }).apply(a) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(3), useBias: false, name: 'b' }).apply(d) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
  const last = tf.layers.conv2d({ filters: 5, kernelSize: 1, activation: 'relu', kernelInitializer: init(4), name: 'last' }).apply(sum) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(last) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, kernelInitializer: init(5), biasInitializer: tf.initializers.constant({ value: 0.05 }), name: 'logits' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

describe('on a tiny residual graph (an addition of two branches)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("Grad-CAM follows the graph: A from tfjs's own execution, α_k = W[k][c] / 36 (global average pooling, then Dense)", () => {
    const model = tinyResidual();
    const x = tf.randomUniform([1, 6, 6, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const toLast = tf.model({ inputs: model.inputs, outputs: model.getLayer('last').output as tf.SymbolicTensor });
    const a = tf.tidy(() => (toLast.predict(x) as tf.Tensor).dataSync());
    const kernel = model.getLayer('logits').getWeights()[0].arraySync() as number[][];
    const net = splitAt(model, 'last');
    for (const c of [0, 1, 2]) {
      // ReLU(Σ_k A^k · W[k][c] / 36) per cell, / its maximum
      const raw = Array.from({ length: 36 }, (_, cell) => Math.max(0, kernel.reduce((sum, row, k) => sum + (a[cell * 5 + k] * row[c]) / 36, 0)));
      const max = Math.max(...raw);
      expectClose(gradCam(net, x, c).map, raw.map((v) => (max > 0 ? v / max : 0)));
    }
    const logits = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const top = gradCam(net, x);
    expect(top.classIndex).toBe(logits.indexOf(Math.max(...logits)));
    x.dispose();
    model.dispose();
  });

  it('saliency through the graph (plain conv2d under the tape) equals tf.grad through model.apply; a split across the addition is refused', () => {
    const model = tinyResidual();
    const x = tf.randomUniform([1, 6, 6, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
    const viaGraph = saliency((input) => asFunction(model)(input) as unknown as tf.Tensor2D, x, 1);
    const reference = tf.tidy(() => {
      const gradient = tf.grad((input: tf.Tensor) => (model.apply(input) as tf.Tensor).slice([0, 1], [1, 1]).sum() as tf.Scalar)(x);
      return normaliseByMax(gradient.abs().max(-1).squeeze([0]));
    });
    expect(std(viaGraph.map)).toBeGreaterThan(0.05);
    reference.dataSync().forEach((v, k) => expect(viaGraph.map[k]).toBeCloseTo(v, 5));
    // split at `b`, the addition above it also takes `a`: the scores are not a function of b's output alone
    expect(() => splitAt(model, 'b')).toThrow(/sum is fed from below b/);
    tf.dispose([x, reference]);
    model.dispose();
  });
});

/** A StudioView with just what explain reads. */
function viewOf(full: tf.LayersModel, truncated: tf.LayersModel, trained: Trained | null, scratch: tf.LayersModel | null = null): StudioView {
  return {
    base: async () => ({ spec: BASES['mobilenet_v1_0.25'], full, truncated, from: 'files' }),
    trained: () => trained,
    scratch: () => scratch,
    rgb: () => undefined,
    embedding: () => undefined,
    lower: (base, cut) => (cut === TRUNCATION_LAYER ? base.truncated : lowerModel(base.full, cut)),
    post: () => undefined,
  };
}

describe.skipIf(!haveMobileNet())('on the real MobileNet and a real photo', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('head only and fine-tuned: a 7 × 7 map in [0, 1], not uniform, the same for an exact copy of the top block; timed', async () => {
    const full = await loadMobileNet();
    const truncated = truncate(full);
    const head = buildHead({ ...DEFAULT_HEAD, units: 16 }, 2);
    const photo = loadPhoto();
    const config = { ...DEFAULT_HEAD, fineTuneBlocks: 1 };
    const headOnly = (await transferNetwork(viewOf(full, truncated, { tail: head, cut: TRUNCATION_LAYER, labels: ['a', 'b'], config, base: 'mobilenet_v1_0.25' })))!;
    explainImage(headOnly, photo, undefined, false); // warm-up
    const times = [0, 1, 2].map(() => explainImage(headOnly, photo, undefined, false).gradCamMs);
    const median = [...times].sort((a, b) => a - b)[1];
    // Saliency once: it back-propagates through all of MobileNet (seconds on the cpu backend).
    const { cam, map, saliencyMs } = explainImage(headOnly, photo);
    console.log(`Grad-CAM (MobileNet 0.25, one 224² image, Node, tfjs cpu backend): median ${median.toFixed(0)} ms of ${times.map((t) => t.toFixed(0)).join(', ')}; saliency ${saliencyMs.toFixed(0)} ms`);
    expect([cam.rows, cam.cols]).toEqual([7, 7]);
    expect(cam.map.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...cam.map)).toBe(1);
    expect(std(cam.map)).toBeGreaterThan(0.05);
    expect([map!.height, map!.width]).toEqual([224, 224]);
    expect(Math.max(...map!.map)).toBe(1);
    expect(std(map!.map)).toBeGreaterThan(0.01);
    expect(median).toBeGreaterThan(0); // its speed is printed above: a benchmark figure, not a verdict

    // Fine-tuned: conv_pw_13 is inside the tail (a copy with the same weights), so the map is the same.
    const cut = cutLayerFor(1);
    const tail = buildTail(full, 1, head);
    const fineTuned = (await transferNetwork(viewOf(full, truncated, { tail, cut, labels: ['a', 'b'], config, base: 'mobilenet_v1_0.25' })))!;
    const other = explainImage(fineTuned, photo, cam.classIndex, false).cam;
    expect([other.rows, other.cols]).toEqual([7, 7]);
    other.map.forEach((v, k) => expect(v).toBeCloseTo(cam.map[k], 3));

    const before = tf.memory().numTensors;
    explainImage(fineTuned, photo, 1, false);
    expect(tf.memory().numTensors).toBe(before);
    tail.dispose();
    head.dispose();
    full.dispose();
  }, 120_000);

  it('Tiny VGG: a 26 × 26 map at conv_4, saliency at its 64² input', async () => {
    const vgg = buildTinyVgg(2, 3);
    const net = scratchNetwork(viewOf(tf.sequential(), tf.sequential(), null, vgg))!;
    const { cam, map } = explainImage(net, loadPhoto(), 1);
    expect([cam.rows, cam.cols, cam.classIndex]).toEqual([26, 26, 1]);
    expect(cam.map.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect([map!.height, map!.width]).toEqual([64, 64]);
    expect(std(map!.map)).toBeGreaterThan(0.01);
    vgg.dispose();
  });
});
