import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, shuffleInPlace } from '../../../engine/random';
import { DEFAULT_HEAD, EMBEDDING_SHAPE, IMAGE_SIZE, POOLINGS, REGION_POOL, REGION_SCALE, type HeadConfig } from '../meta';
import { embedImages, EMBEDDING_LENGTH } from './embed';
import { argmax, buildHead, Diverged, disposeModel, evaluate, fitHead, fitModel, predictProbabilities } from './head';
import { stackEmbeddings } from './embed';
import { splitByClass } from './split';

/** A tiny stand-in for the truncated MobileNet: [n, 224, 224, 3] → [n, 7, 7, 256]. */
function fakeBase(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.averagePooling2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 3], poolSize: 32, strides: 32 }));
  model.add(tf.layers.conv2d({ filters: 256, kernelSize: 1, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

/** Images of two kinds: reddish and bluish, with noise. */
function images(count: number, kind: 0 | 1, seed: number): Uint8Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
    for (let p = 0; p < rgb.length; p += 3) {
      rgb[p] = (kind === 0 ? 200 : 40) + rng() * 50;
      rgb[p + 1] = 100 + rng() * 50;
      rgb[p + 2] = (kind === 0 ? 40 : 200) + rng() * 50;
    }
    return rgb;
  });
}

const HEAD: HeadConfig = { ...DEFAULT_HEAD, units: 16, epochs: 5, batchSize: 4, learningRate: 0.01 };

describe('transfer head on cached embeddings', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  async function cycle(base: tf.LayersModel, config: HeadConfig = HEAD) {
    const pictures = [...images(6, 0, 1), ...images(6, 1, 2)];
    const embeddings = await embedImages(base, pictures, undefined, 4);
    const labels = pictures.map((_, n) => (n < 6 ? 0 : 1));
    const ids = pictures.map((_, n) => `img${n}`);
    const split = splitByClass([ids.slice(0, 6), ids.slice(6)], 0.34, 7);
    const pick = (examples: typeof split.train) => ({
      embeddings: examples.map((e) => embeddings[ids.indexOf(e.imageId)]),
      labels: examples.map((e) => labels[ids.indexOf(e.imageId)]),
      imageIds: examples.map((e) => e.imageId),
    });
    const model = buildHead(config, 2);
    const epochs: number[] = [];
    await fitHead(model, config, pick(split.train), pick(split.validation), 2, { onEpochEnd: (epoch) => void epochs.push(epoch), shouldStop: () => false });
    const evaluation = evaluate(model, pick(split.validation), 2);
    const predictions = predictProbabilities(model, embeddings.slice(0, 2));
    disposeModel(model);
    return { embeddings, epochs, evaluation, predictions };
  }

  it('embeds to 7 × 7 × 256, trains, evaluates and predicts; separable classes are learned', async () => {
    const base = fakeBase();
    const { embeddings, epochs, evaluation, predictions } = await cycle(base);
    expect(embeddings[0].length).toBe(EMBEDDING_LENGTH);
    expect(epochs).toEqual([0, 1, 2, 3, 4]);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(evaluation.valAccuracy).toBe(1);
    expect(predictions[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(argmax(predictions[0])).toBe(0);
    base.dispose();
  });

  for (const pooling of POOLINGS) {
    it(`leaks no tensor over repeated embed / train / predict cycles after a burn-in (${pooling} pooling)`, async () => {
      const base = fakeBase();
      await cycle(base, { ...HEAD, pooling });
      const after = tf.memory().numTensors;
      for (let n = 0; n < 3; n++) await cycle(base, { ...HEAD, pooling });
      expect(tf.memory().numTensors).toBe(after);
      base.dispose();
    });
  }

  it('the default head reads 2 × 2 regions: 3 × 3 means (stride 3) × REGION_SCALE, 1,024 values, then the dense layers', () => {
    const model = buildHead({ ...DEFAULT_HEAD, units: 100 }, 3);
    expect(model.layers.map((layer) => layer.getClassName())).toEqual(['AveragePooling2D', 'Flatten', 'Rescaling', 'Dense', 'Dense']);
    expect(buildHead(DEFAULT_HEAD, 3).layers.map((layer) => layer.getClassName())).toEqual(['AveragePooling2D', 'Flatten', 'Rescaling', 'Dense']);
    const rng = mulberry32(5);
    const embedding = Float32Array.from({ length: EMBEDDING_LENGTH }, () => rng() * 6);
    const pooled = new Float32Array(1024);
    for (let ry = 0; ry < 2; ry++) for (let rx = 0; rx < 2; rx++) for (let c = 0; c < 256; c++) {
      let sum = 0;
      for (let y = ry * REGION_POOL; y < (ry + 1) * REGION_POOL; y++) for (let x = rx * REGION_POOL; x < (rx + 1) * REGION_POOL; x++) sum += embedding[(y * 7 + x) * 256 + c];
      pooled[(ry * 2 + rx) * 256 + c] = (sum / 9) * REGION_SCALE;
    }
    const [whole, byHand] = tf.tidy(() => {
      const afterPooling = model.layers.slice(3).reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, tf.tensor2d(pooled, [1, 1024]));
      return [(model.predict(tf.tensor4d(embedding, [1, ...EMBEDDING_SHAPE])) as tf.Tensor).dataSync(), afterPooling.dataSync()];
    });
    Array.from(whole).forEach((p, k) => expect(p).toBeCloseTo(byHand[k], 6));
    disposeModel(model);
  });

  it('training on values pooled once gives the same weights as training the whole head', async () => {
    const rng = mulberry32(9);
    const embeddings = Array.from({ length: 12 }, (_, n) => Float32Array.from({ length: EMBEDDING_LENGTH }, (_, k) => rng() + (n % 2 === 0 && k % 256 < 32 ? 1 : 0)));
    const labels = embeddings.map((_, n) => n % 2);
    const config = { ...HEAD, epochs: 3 };
    const callbacks = { onEpochEnd: () => undefined, shouldStop: () => false };
    const pooledOnce = buildHead(config, 2);
    await fitHead(pooledOnce, config, { embeddings, labels }, { embeddings: [], labels: [] }, 2, callbacks);
    const whole = buildHead(config, 2);
    const xs = stackEmbeddings(embeddings);
    await fitModel(whole, config, xs, labels, undefined, [], 2, callbacks);
    const [a, b] = [pooledOnce.getWeights(), whole.getWeights()].map((weights) => weights.map((w) => Array.from(w.dataSync())));
    a.forEach((w, n) => w.forEach((v, k) => expect(v).toBeCloseTo(b[n][k], 4)));
    tf.dispose(xs);
    disposeModel(pooledOnce);
    disposeModel(whole);
  });

  it("each step is trainOnBatch's: the same weights and logged loss as trainOnBatch on the same batches", async () => {
    const rng = mulberry32(11);
    const count = 10;
    const embeddings = Array.from({ length: count }, (_, n) => Float32Array.from({ length: EMBEDDING_LENGTH }, (_, k) => rng() + (n % 2 === 0 && k % 256 < 32 ? 1 : 0)));
    const labels = embeddings.map((_, n) => n % 2);
    const config = { ...HEAD, epochs: 2, batchSize: 4 };
    const logged: number[][] = [];
    const ours = buildHead(config, 2);
    const xs = stackEmbeddings(embeddings);
    await fitModel(ours, config, xs, labels, undefined, [], 2, { onEpochEnd: (_, logs) => void logged.push([logs.loss, logs.acc]), shouldStop: () => false });
    // The reference: Keras's trainOnBatch, batch by batch, in the order fitModel draws (mulberry32(seed), shuffled per epoch).
    const reference = buildHead(config, 2);
    reference.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const order = mulberry32(config.seed);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat();
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const indices = Array.from({ length: count }, (_, n) => n);
      shuffleInPlace(indices, order);
      let lossSum = 0;
      for (let start = 0; start < count; start += config.batchSize) {
        const batch = indices.slice(start, start + config.batchSize);
        const [xb, yb] = [tf.gather(xs, batch), tf.gather(ys, batch)];
        const [loss] = (await reference.trainOnBatch(xb, yb)) as number[];
        lossSum += loss * batch.length;
        tf.dispose([xb, yb]);
      }
      expect(logged[epoch][0]).toBeCloseTo(lossSum / count, 5);
    }
    const [a, b] = [ours.getWeights(), reference.getWeights()].map((weights) => weights.map((w) => Array.from(w.dataSync())));
    a.forEach((w, n) => w.forEach((v, k) => expect(v).toBeCloseTo(b[n][k], 5)));
    tf.dispose([xs, ys]);
    disposeModel(ours);
    disposeModel(reference);
  });

  it('flatten pooling learns the separable classes too', async () => {
    const base = fakeBase();
    const { evaluation } = await cycle(base, { ...HEAD, pooling: 'flatten' });
    expect(evaluation.valAccuracy).toBe(1);
    base.dispose();
  });

  it('is repeatable: the same seed gives the same trained weights', async () => {
    const data = { embeddings: [0, 1, 2, 3, 4, 5].map((n) => new Float32Array(EMBEDDING_LENGTH).fill(n % 2 ? 0.1 * n : -0.1 * n)), labels: [0, 1, 0, 1, 0, 1] };
    const weights = async (seed: number) => {
      const model = buildHead({ ...HEAD, seed }, 2);
      await fitHead(model, { ...HEAD, seed, epochs: 3, batchSize: 2 }, data, { embeddings: [], labels: [] }, 2, { onEpochEnd: () => {}, shouldStop: () => false });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      disposeModel(model);
      return values;
    };
    expect(await weights(4)).toEqual(await weights(4));
    expect(await weights(4)).not.toEqual(await weights(5));
  });

  it('stops early when asked', async () => {
    const model = buildHead(HEAD, 2);
    const data = { embeddings: [new Float32Array(EMBEDDING_LENGTH).fill(1), new Float32Array(EMBEDDING_LENGTH)], labels: [0, 1] };
    let seen = 0;
    const stopped = await fitHead(model, { ...HEAD, epochs: 20 }, data, { embeddings: [], labels: [] }, 2, { onEpochEnd: () => void seen++, shouldStop: () => seen >= 2 });
    expect(stopped).toBe(true);
    expect(seen).toBe(2);
    disposeModel(model);
  });
});

describe('a learning rate that diverges', () => {
  it('stops training with Diverged before a NaN or ∞ loss reaches the curves', async () => {
    await tf.setBackend('cpu');
    const rng = mulberry32(9);
    const data = { embeddings: Array.from({ length: 16 }, () => Float32Array.from({ length: EMBEDDING_LENGTH }, () => rng() * 6)), labels: Array.from({ length: 16 }, (_, n) => n % 2) };
    const config: HeadConfig = { ...HEAD, optimizer: 'sgd', learningRate: 1e4, epochs: 30 };
    const before = tf.memory().numTensors;
    const model = buildHead(config, 2);
    const losses: number[] = [];
    await expect(fitHead(model, config, data, data, 2, { onEpochEnd: (_, logs) => void losses.push(logs.loss, logs.valLoss!), shouldStop: () => false })).rejects.toBeInstanceOf(Diverged);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.length).toBeLessThan(60);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('splitByClass', () => {
  it('holds out a share of every class, at least one image when a class has two', () => {
    const { train, validation } = splitByClass([['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], ['k', 'l'], ['m']], 0.2, 1);
    expect(validation.filter((e) => e.label === 0)).toHaveLength(2);
    expect(validation.filter((e) => e.label === 1)).toHaveLength(1);
    expect(validation.filter((e) => e.label === 2)).toHaveLength(0);
    expect(train).toHaveLength(10);
    expect(new Set([...train, ...validation].map((e) => e.imageId)).size).toBe(13);
  });

  it('is deterministic per seed', () => {
    const ids = [Array.from({ length: 20 }, (_, n) => `i${n}`)];
    expect(splitByClass(ids, 0.3, 5)).toEqual(splitByClass(ids, 0.3, 5));
    expect(splitByClass(ids, 0.3, 5)).not.toEqual(splitByClass(ids, 0.3, 6));
  });
});
