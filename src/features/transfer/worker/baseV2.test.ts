/**
 * MobileNet v2 0.35 (../shared/models, Teachable Machine's base) as the studio's base: cut at
 * out_relu, embeddings of 7 × 7 × 1280, a head trained on them, predictions, no leaks; a model that
 * is not the base chosen is refused.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASES, embeddingLength } from '../bases';
import { DEFAULT_HEAD } from '../meta';
import { embedImages } from './embed';
import { buildTail, cutLayerFor, fineTune, lowerModel, predictImages } from './finetune';
import { buildHead, disposeModel, fitHead, predictProbabilities } from './head';
import { preprocess } from './embed';
import { registerWasmFallbacks } from '../../../worker/tf/wasmFallbacks';
import { ModelInvalid, truncate } from './model';
import { loadMobileNet, loadPhoto, MODEL_DIR_V2, twoKindImages } from './mobilenet.testutil';

const V2 = BASES['mobilenet_v2_0.35'];

describe('MobileNet v2 0.35 as the base', () => {
  let full: tf.LayersModel;
  beforeAll(async () => {
    registerWasmFallbacks();
    await tf.setBackend('wasm');
    full = await loadMobileNet(MODEL_DIR_V2);
  });

  it('is in ../shared/models', () => expect(existsSync(join(MODEL_DIR_V2, 'model.json'))).toBe(true));

  it('is cut at out_relu, and refused as MobileNet v1 (and v1 as v2)', async () => {
    const truncated = truncate(full, V2);
    expect(truncated.outputs[0].shape).toEqual([null, 7, 7, 1280]);
    expect(() => truncate(full)).toThrow(ModelInvalid);
    const v1 = await loadMobileNet();
    expect(() => truncate(v1, V2)).toThrow(/not MobileNet v2 0.35/);
    v1.dispose();
  });

  it('embeds a real photo to 7 × 7 × 1280 values; a head trains on them and predicts, with no leaks', async () => {
    const truncated = truncate(full, V2);
    const photo = loadPhoto();
    expect(photo.length).toBe(224 * 224 * 3);
    const images = [...twoKindImages(4, 0, 1), ...twoKindImages(4, 1, 2)];
    const embeddings = await embedImages(truncated, [photo, ...images]);
    expect(embeddings.map((e) => e.length)).toEqual(Array(9).fill(embeddingLength(V2)));
    expect(embeddings[0].some((v) => v > 0)).toBe(true);
    const train = { embeddings: embeddings.slice(1), labels: [0, 0, 0, 0, 1, 1, 1, 1] };
    const run = async () => {
      const head = buildHead({ ...DEFAULT_HEAD, epochs: 15 }, 2, V2.embeddingShape);
      const logs: number[] = [];
      await fitHead(head, { ...DEFAULT_HEAD, epochs: 15 }, train, { embeddings: [], labels: [] }, 2, { onEpochEnd: (_, l) => void logs.push(l.loss), shouldStop: () => false });
      const predicted = predictProbabilities(head, train.embeddings).map((p) => (p[1] > p[0] ? 1 : 0));
      disposeModel(head);
      return { logs, predicted };
    };
    await run(); // burn-in
    const tensors = tf.memory().numTensors;
    const { logs, predicted } = await run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(logs.at(-1)!).toBeLessThan(logs[0]);
    expect(predicted).toEqual(train.labels);
  }, 120_000);

  it('fine-tuning cuts below the top K inverted-residual blocks (block outputs: the residual add where there is one)', () => {
    expect([0, 1, 2, 3, 16, 17].map((k) => cutLayerFor(k, V2))).toEqual(['out_relu', 'block_15_add', 'block_14_add', 'block_13_project_BN', 'expanded_conv_project_BN', 'Conv1_relu']);
    for (let k = 0; k <= 17; k++) expect(() => full.getLayer(cutLayerFor(k, V2))).not.toThrow();
    expect(() => cutLayerFor(18, V2)).toThrow(RangeError);
  });

  it('fine-tunes the top 2 blocks (a residual addition among them) and the head: an exact copy first, then only their convolutions and the head change, with no leaks', async () => {
    const weightsOf = (model: tf.LayersModel, name: string) => model.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
    const config = { ...DEFAULT_HEAD, units: 8, epochs: 2, batchSize: 2, fineTuneBlocks: 2, fineTuneEpochs: 1, fineTuneLearningRate: 0.01, augment: false };
    const train = { images: [...twoKindImages(1, 0, 5), ...twoKindImages(1, 1, 6)], labels: [0, 1] };
    const truncated = truncate(full, V2);
    const baseBefore = weightsOf(full, 'block_16_project');
    const cycle = async () => {
      const head = buildHead(config, 2, V2.embeddingShape);
      await fitHead(head, config, { embeddings: await embedImages(truncated, train.images), labels: train.labels }, { embeddings: [], labels: [] }, 2, { onEpochEnd: () => undefined, shouldStop: () => false });
      const cut = cutLayerFor(2, V2);
      const lower = lowerModel(full, cut);
      const tail = buildTail(full, 2, head, V2);
      const names = tail.layers.map((layer) => layer.name);
      const viaHead = tf.tidy(() => Array.from((head.predict(truncated.predict(preprocess(train.images)) as tf.Tensor) as tf.Tensor).dataSync()));
      const viaTail = (await predictImages(lower, tail, train.images)).flatMap((p) => Array.from(p));
      disposeModel(head);
      const before = { project16: weightsOf(tail, 'block_16_project'), depthwise15: weightsOf(tail, 'block_15_depthwise'), conv1: weightsOf(tail, 'Conv_1'), bn: weightsOf(tail, 'Conv_1_bn') };
      const logs: number[] = [];
      await fineTune(lower, tail, config, new Set(full.layers.map((l) => l.name)), train, { images: [], labels: [] }, 2, { onEpochEnd: (_, l) => void logs.push(l.loss), shouldStop: () => false });
      const changed = Object.fromEntries(Object.entries(before).map(([name, w]) => [name, JSON.stringify(w) !== JSON.stringify(weightsOf(tail, tail.layers.find((l) => l.name === { project16: 'block_16_project', depthwise15: 'block_15_depthwise', conv1: 'Conv_1', bn: 'Conv_1_bn' }[name])!.name))]));
      disposeModel(tail); // (lower shares the base's layers: not disposed)
      return { names, viaHead, viaTail, changed, logs };
    };
    await cycle(); // burn-in
    const tensors = tf.memory().numTensors;
    const { names, viaHead, viaTail, changed, logs } = await cycle();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(names).toContain('block_15_add');
    expect(names.some((name) => name.startsWith('block_14_'))).toBe(false);
    viaTail.forEach((p, k) => expect(p).toBeCloseTo(viaHead[k], 5));
    expect(changed).toEqual({ project16: true, depthwise15: true, conv1: true, bn: false });
    expect(logs).toHaveLength(1);
    expect(Number.isFinite(logs[0])).toBe(true);
    expect(weightsOf(full, 'block_16_project')).toEqual(baseBefore);
  }, 120_000);
});
