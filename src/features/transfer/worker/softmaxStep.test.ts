import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, shuffleInPlace } from '../../../engine/random';
import { registerWasmMatMul } from '../../../worker/tf/wasmMatMul';
import { DEFAULT_HEAD, EMBEDDING_SHAPE, POOLINGS, type HeadConfig } from '../meta';
import { EMBEDDING_LENGTH, stackEmbeddings } from './embed';
import { buildHead, disposeModel, fitHead, makeOptimizer, splitFixedLayers } from './head';
import { pooledRows } from './pooled';
import { SoftmaxDenseStep, softmaxDenseLayer } from './softmaxStep';

/** The default head (regions → softmax), small enough for a test. */
const HEAD: HeadConfig = { ...DEFAULT_HEAD, epochs: 3, batchSize: 4, learningRate: 0.01 };
const NO_VALIDATION = { embeddings: [], labels: [] };
const QUIET = { onEpochEnd: () => undefined, shouldStop: () => false };

/** `count` embeddings of three classes, each class brighter in its own channels. */
function data(count: number, seed: number) {
  const rng = mulberry32(seed);
  const labels = Array.from({ length: count }, (_, n) => n % 3);
  const embeddings = labels.map((label) => Float32Array.from({ length: EMBEDDING_LENGTH }, (_, k) => rng() * 2 + (k % 256 < 32 && (k >> 5) % 3 === label ? 1 : 0)));
  return { embeddings, labels };
}

const values = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/**
 * The reference: Keras's trainOnBatch on the whole head (pooling layers included, autodiff through
 * categorical cross-entropy), batch by batch in fitHead's order (mulberry32(seed), shuffled per epoch).
 */
async function trainOnBatchReference(config: HeadConfig, train: ReturnType<typeof data>, numClasses: number) {
  const model = buildHead(config, numClasses);
  model.compile({ optimizer: makeOptimizer(config.optimizer, config.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = stackEmbeddings(train.embeddings);
  const ys = tf.oneHot(tf.tensor1d(train.labels, 'int32'), numClasses).toFloat();
  const order = mulberry32(config.seed);
  const losses: number[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const indices = Array.from({ length: train.labels.length }, (_, n) => n);
    shuffleInPlace(indices, order);
    let lossSum = 0;
    for (let start = 0; start < indices.length; start += config.batchSize) {
      const batch = indices.slice(start, start + config.batchSize);
      const [xb, yb] = [tf.gather(xs, batch), tf.gather(ys, batch)];
      const [loss] = (await model.trainOnBatch(xb, yb)) as number[];
      lossSum += loss * batch.length;
      tf.dispose([xb, yb]);
    }
    losses.push(lossSum / indices.length);
  }
  tf.dispose([xs, ys]);
  return { model, losses };
}

describe('the softmax head trained with its gradient written out', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is used for the default head and only for a plain softmax Dense layer', () => {
    const dense = (config: Omit<Parameters<typeof tf.layers.dense>[0], 'units'>) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 3, ...config })] });
    const models = [dense({ activation: 'softmax' }), dense({ activation: 'relu' }), dense({ activation: 'softmax', kernelRegularizer: tf.regularizers.l2() }), dense({ activation: 'softmax', useBias: false })];
    expect(models.map((model) => softmaxDenseLayer(model) !== null)).toEqual([true, false, false, false]);
    const head = buildHead(DEFAULT_HEAD, 3);
    expect(softmaxDenseLayer(head)).toBeNull(); // its pooling layers come first: fitHead trains the Dense layer on pooled values
    expect(splitFixedLayers(head.layers).rest.map((layer) => layer.getClassName())).toEqual(['Dense']);
    models.forEach((model) => model.dispose());
    disposeModel(head);
  });

  for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const) {
    it(`gives trainOnBatch's weights and logged losses (to 1e-5), the last batch smaller than the rest (${optimizer})`, async () => {
      const config: HeadConfig = { ...HEAD, optimizer, learningRate: optimizer === 'sgd' ? 0.5 : HEAD.learningRate };
      const train = data(10, 1);
      const logged: number[] = [];
      const ours = buildHead(config, 3);
      await fitHead(ours, config, train, NO_VALIDATION, 3, { onEpochEnd: (_, logs) => void logged.push(logs.loss), shouldStop: () => false });
      const reference = await trainOnBatchReference(config, train, 3);
      logged.forEach((loss, epoch) => expect(loss).toBeCloseTo(reference.losses[epoch], 5));
      const [a, b] = [values(ours), values(reference.model)];
      expect(a.map((w) => w.length)).toEqual(b.map((w) => w.length));
      a.forEach((w, n) => w.forEach((v, k) => expect(v).toBeCloseTo(b[n][k], 5)));
      disposeModel(ours);
      disposeModel(reference.model);
    });
  }

  it("passes no gradient through a clipped probability, as Keras's cross-entropy (saturated rows, right and wrong)", () => {
    const build = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', kernelInitializer: tf.initializers.constant({ value: 0 }) })] });
      // Row 0 is saturated on its label, row 1 saturated on a wrong class, row 2 is not saturated.
      model.layers[0].setWeights([tf.tensor2d([[40, 0, 0], [0, 40, 0], [0.3, -0.2, 0.1], [0, 0, 0.5]]), tf.tensor1d([0, 0, 0])]);
      return model;
    };
    const xs = tf.tensor2d([[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]]);
    const ys = tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const ours = build();
    const sgd = tf.train.sgd(0.5);
    const step = new SoftmaxDenseStep(softmaxDenseLayer(ours)!, sgd);
    const sums = tf.tidy(() => step.step(tf.concat([xs, tf.ones([3, 1])], 1) as tf.Tensor2D, ys));
    step.writeBack();
    const reference = build();
    const referenceLoss = tf.tidy(() => tf.train.sgd(0.5).minimize(() => tf.metrics.categoricalCrossentropy(ys, reference.apply(xs) as tf.Tensor).mean() as tf.Scalar, true, reference.trainableWeights.map((w) => w.read() as tf.Variable))!.dataSync()[0]);
    const [lossSum, correct] = sums.dataSync();
    expect(lossSum / 3).toBeCloseTo(referenceLoss, 5);
    expect(correct).toBe(1);
    const [a, b] = [values(ours), values(reference)];
    a.forEach((w, n) => w.forEach((v, k) => expect(v).toBeCloseTo(b[n][k], 6)));
    expect(a[0][0]).toBe(40); // the saturated rows moved nothing
    step.dispose();
    tf.dispose([xs, ys, sums]);
    sgd.dispose();
    [ours, reference].forEach((model) => model.dispose());
  });

  it('leaks no tensor: flat over epochs (every step) and over repeated runs with validation', async () => {
    const train = data(20, 2);
    const validation = data(6, 3);
    const run = async () => {
      const counts: number[] = [];
      const model = buildHead(HEAD, 3);
      await fitHead(model, { ...HEAD, epochs: 4 }, train, validation, 3, { onEpochEnd: () => void counts.push(tf.memory().numTensors), shouldStop: () => false });
      disposeModel(model);
      return counts;
    };
    await run();
    const before = tf.memory().numTensors;
    const counts = await run();
    expect(new Set(counts).size).toBe(1);
    await run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between epochs with the weights of the last epoch done in the head', async () => {
    const train = data(12, 4);
    const model = buildHead(HEAD, 3);
    let seen = 0;
    let atStop: number[][] = [];
    const stopped = await fitHead(model, { ...HEAD, epochs: 20 }, train, NO_VALIDATION, 3, {
      onEpochEnd: () => {
        seen++;
        atStop = values(model);
      },
      shouldStop: () => seen >= 2,
    });
    expect(stopped).toBe(true);
    expect(seen).toBe(2);
    const reference = await trainOnBatchReference({ ...HEAD, epochs: 2 }, train, 3);
    const expected = values(reference.model);
    atStop.forEach((w, n) => w.forEach((v, k) => expect(v).toBeCloseTo(expected[n][k], 5)));
    disposeModel(model);
    disposeModel(reference.model);
  });

  for (const pooling of POOLINGS) {
    it(`pools each embedding once, as the head's layers do (${pooling} pooling)`, () => {
      const { embeddings } = data(5, 5);
      const head = buildHead({ ...DEFAULT_HEAD, pooling }, 3);
      const { fixed, width } = splitFixedLayers(head.layers);
      const expected = tf.tidy(() => fixed.reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, stackEmbeddings(embeddings)).dataSync());
      const first = pooledRows(fixed, embeddings.slice(0, 3), EMBEDDING_SHAPE, width);
      Array.from(first).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
      // Computed once: an embedding changed in place afterwards (the studio never does) is not read again,
      // in any order, nor by the refit's head (a new model with the same settings). Flattened rows are not kept.
      embeddings[0].fill(7);
      const refitHead = buildHead({ ...DEFAULT_HEAD, pooling }, 3);
      const again = pooledRows(splitFixedLayers(refitHead.layers).fixed, [embeddings[2], embeddings[0], embeddings[1]], EMBEDDING_SHAPE, width);
      const kept = pooling !== 'flatten';
      expect(Array.from(again.slice(width, 2 * width)).every((v, k) => v === first[k])).toBe(kept);
      expect(Array.from(again.slice(2 * width))).toEqual(Array.from(first.slice(width, 2 * width)));
      // New embeddings among cached ones: only they are pooled.
      const mixed = pooledRows(fixed, embeddings, EMBEDDING_SHAPE, width);
      Array.from(mixed.slice(3 * width)).forEach((v, k) => expect(v).toBeCloseTo(expected[3 * width + k], 6));
      [head, refitHead].forEach(disposeModel);
    });
  }
});

describe('the written-out step on wasm (transposing products, wasmMatMul.ts)', () => {
  let reference: number[][];
  const train = data(12, 6);
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const model = buildHead(HEAD, 3);
    await fitHead(model, HEAD, train, NO_VALIDATION, 3, QUIET);
    reference = values(model);
    disposeModel(model);
    registerWasmMatMul();
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it("trains to the cpu backend's weights (to 1e-4) and leaks nothing", async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = buildHead(HEAD, 3);
    await fitHead(model, HEAD, train, NO_VALIDATION, 3, QUIET);
    values(model).forEach((w, n) => w.forEach((v, k) => expect(v).toBeCloseTo(reference[n][k], 4)));
    disposeModel(model);
    const before = tf.memory().numTensors;
    const again = buildHead(HEAD, 3);
    await fitHead(again, HEAD, train, data(3, 7), 3, QUIET);
    disposeModel(again);
    expect(tf.memory().numTensors).toBe(before);
  });
});
