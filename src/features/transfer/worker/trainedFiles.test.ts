/**
 * Import of train.py's classifier (trainedFiles.ts), on file sets made here as train.py writes them
 * (metadata.json, weights.json, weights.bin), on the real MobileNet v1 0.25 (../shared/models): the
 * model rebuilt predicts as the head (and fine-tuned blocks) the weights came from; another base,
 * weights of the wrong shape (as many labels as the head has not), a short weight file or weights
 * with no place in the studio's model are refused with the error the studio shows.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASES } from '../bases';
import { DEFAULT_HEAD, IMAGE_SIZE, type HeadConfig } from '../meta';
import { headWeightName, WEIGHTS_BY_LAYER } from '../trainedFormat';
import { combine, ImportInvalid } from './classifierFile';
import { buildHead } from './head';
import { truncate, type BaseModel } from './model';
import { loadMobileNet } from './mobilenet.testutil';
import { importTrained, isTrainedFiles } from './trainedFiles';

const V1 = BASES['mobilenet_v1_0.25'];
const HEAD: HeadConfig = { ...DEFAULT_HEAD, pooling: 'average', units: 8 };
let base: BaseModel;

/** train.py's files for these weights ({name: tensor}, in order). */
function filesOf(weights: [string, tf.Tensor][], metadata: Record<string, unknown>, cut = 0): File[] {
  const specs = weights.map(([name, value]) => ({ name, shape: value.shape, dtype: 'float32' }));
  const bin = new Uint8Array(weights.reduce((n, [, value]) => n + 4 * value.size, 0) - cut);
  let offset = 0;
  for (const [, value] of weights) {
    const bytes = new Uint8Array(Float32Array.from(value.dataSync()).buffer);
    bin.set(bytes.subarray(0, Math.min(bytes.length, bin.length - offset)), offset);
    offset += bytes.length;
  }
  const meta = { format: 'neural-playground-classifier', version: 1, labels: ['a', 'b', 'c'], imageSize: IMAGE_SIZE, preprocessing: '', base: V1.label, baseId: V1.id, head: HEAD, fineTunedBlocks: 0, createdAt: '', weightsByLayer: WEIGHTS_BY_LAYER, ...metadata };
  return [
    new File([JSON.stringify(meta)], 'metadata.json'),
    new File([JSON.stringify({ paths: ['weights.bin'], weights: specs })], 'weights.json'),
    new File([bin], 'weights.bin'),
  ];
}

/** A head's Dense weights as train.py names them, seeded. */
function headWeights(classes = 3): [string, tf.Tensor][] {
  const head = buildHead({ ...HEAD, seed: 7 }, classes, V1.embeddingShape);
  const dense = head.layers.filter((layer) => layer.getClassName() === 'Dense');
  const weights = dense.flatMap((layer, k) => layer.getWeights().map((value, j): [string, tf.Tensor] => [headWeightName(k, j === 0 ? 'kernel' : 'bias'), tf.randomNormal(value.shape, 0, 0.2, 'float32', 11 + k * 2 + j)]));
  head.dispose();
  return weights;
}

async function refusal(files: File[], on = base): Promise<ImportInvalid> {
  const error = await importTrained(files, on).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImportInvalid);
  return error as ImportInvalid;
}

describe("train.py's classifier, imported", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const full = await loadMobileNet();
    base = { spec: V1, full, truncated: truncate(full, V1), from: 'files' };
  });
  afterAll(() => base.full.dispose());

  it('rebuilds the head on the base with the given weights: it predicts as they do', async () => {
    const weights = headWeights();
    const files = filesOf(weights, {});
    expect(isTrainedFiles(files)).toBe(true);
    const { model, metadata, release } = await importTrained(files, base);
    expect(metadata.labels).toEqual(['a', 'b', 'c']);
    const image = tf.randomUniform([1, IMAGE_SIZE, IMAGE_SIZE, 3], -1, 1, 'float32', 3);
    const reference = buildHead(HEAD, 3, V1.embeddingShape);
    reference.layers.filter((layer) => layer.getClassName() === 'Dense').forEach((layer, k) => layer.setWeights([weights[2 * k][1], weights[2 * k + 1][1]]));
    const expected = (combine(base.truncated, reference).predict(image) as tf.Tensor).dataSync();
    const got = (model.predict(image) as tf.Tensor).dataSync();
    got.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
    release();
    // the base is untouched by the release
    expect(() => (base.truncated.predict(image) as tf.Tensor).dispose()).not.toThrow();
  });

  it('sets fine-tuned blocks by layer name, checking shapes', async () => {
    const kernel = base.full.getLayer('conv_pw_13').getWeights()[0];
    const changed = kernel.mul(1.5);
    const { model, release } = await importTrained(filesOf([...headWeights(), ['conv_pw_13/kernel', changed]], { fineTunedBlocks: 1 }), base);
    const tail = model.getLayer('fine_tuned_tail') as tf.LayersModel; // lower base → tail (copies of the top block + head)
    expect(Array.from(tail.getLayer('conv_pw_13').getWeights()[0].dataSync())).toEqual(Array.from(changed.dataSync()));
    expect(Array.from(base.full.getLayer('conv_pw_13').getWeights()[0].dataSync())).toEqual(Array.from(kernel.dataSync())); // the base stays
    release();
    const wrong = await refusal(filesOf([...headWeights(), ['conv_pw_13/kernel', tf.zeros([1, 1, 64, 256])]], { fineTunedBlocks: 1 }));
    expect(wrong.code).toBe('importShapes');
    expect(wrong.detail).toContain('conv_pw_13/kernel');
    const outside = await refusal(filesOf([...headWeights(), ['conv_pw_12/kernel', tf.zeros([1, 1, 256, 256])]], { fineTunedBlocks: 1 }));
    expect(outside.code).toBe('importShapes');
    expect(outside.detail).toContain('conv_pw_12/kernel');
  });

  it('refuses weights for other labels, another base, a short weight file', async () => {
    const labels = await refusal(filesOf(headWeights(3), { labels: ['a', 'b'] }));
    expect(labels.code).toBe('importShapes');
    expect(labels.detail).toContain('head/dense_1/kernel');
    const other = await refusal(filesOf(headWeights(), { baseId: 'mobilenet_v2_0.35' }));
    expect(other.code).toBe('importOtherBase');
    expect(other.detail).toBe('MobileNet v2 0.35');
    expect((await refusal(filesOf(headWeights(), {}), null as unknown as BaseModel)).code).toBe('importOtherBase');
    expect((await refusal(filesOf(headWeights(), {}, 4))).code).toBe('importMissingWeights');
    expect((await refusal(filesOf(headWeights(), { weightsByLayer: undefined }))).code).toBe('importFailed');
  });

  it('frees every tensor it made when it refuses (a weight of the wrong shape after a right one)', async () => {
    const weights = headWeights();
    weights[weights.length - 1] = [weights[weights.length - 1][0], tf.zeros([4])]; // the last bias: 4 values for 3 classes
    const files = filesOf(weights, {});
    await refusal(files); // burn-in
    const before = tf.memory().numTensors;
    for (let n = 0; n < 3; n++) expect((await refusal(files)).detail).toContain('head/dense_1/bias');
    expect(tf.memory().numTensors).toBe(before);
  });
});
