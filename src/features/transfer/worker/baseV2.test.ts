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
import { buildHead, disposeModel, fitHead, predictProbabilities } from './head';
import { ModelInvalid, truncate } from './model';
import { loadMobileNet, loadPhoto, MODEL_DIR_V2, twoKindImages } from './mobilenet.testutil';

const V2 = BASES['mobilenet_v2_0.35'];

describe('MobileNet v2 0.35 as the base', () => {
  let full: tf.LayersModel;
  beforeAll(async () => {
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
});
