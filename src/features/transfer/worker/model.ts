/**
 * The pretrained base: MobileNet v1 0.25 @ 224 (ImageNet), loaded from the user's files or URL, an
 * IndexedDB copy from an earlier load, or the default URL, in that order; then cut at
 * conv_pw_13_relu ([batch, 7, 7, 256]) and frozen.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSource } from '../../../worker/protocol';
import { EMBEDDING_SHAPE, IMAGE_SIZE, TRUNCATION_LAYER } from '../meta';
import { checkModelJson } from './modelFiles';

export const CACHE_URL = 'indexeddb://neural-playground/mobilenet_v1_0.25_224';

export interface BaseModel {
  /** the whole pretrained network (kept for fine-tuning and export) */
  full: tf.LayersModel;
  /** inputs [batch, 224, 224, 3] in [−1, 1] → embeddings [batch, 7, 7, 256] */
  truncated: tf.LayersModel;
  from: 'cache' | 'url' | 'files';
}

export class ModelInvalid extends Error {}

function sameShape(actual: (number | null)[], expected: readonly number[]): boolean {
  return actual.length === expected.length + 1 && expected.every((n, k) => actual[k + 1] === n);
}

/** Cuts the network at TRUNCATION_LAYER, checking that it is the MobileNet we expect. */
export function truncate(full: tf.LayersModel): tf.LayersModel {
  let layer: tf.layers.Layer;
  try {
    layer = full.getLayer(TRUNCATION_LAYER);
  } catch {
    throw new ModelInvalid(`no layer ${TRUNCATION_LAYER}`);
  }
  const input = full.inputs[0].shape;
  const output = layer.getOutputAt(0) as tf.SymbolicTensor; // node 0: the pretrained graph itself
  if (!sameShape(input, [IMAGE_SIZE, IMAGE_SIZE, 3]) || !sameShape(output.shape, EMBEDDING_SHAPE)) {
    throw new ModelInvalid(`unexpected shapes ${JSON.stringify(input)} → ${JSON.stringify(output.shape)}`);
  }
  const truncated = tf.model({ inputs: full.inputs, outputs: output });
  truncated.trainable = false;
  return truncated;
}

async function loadFromFiles(files: File[], onProgress: (fraction: number) => void): Promise<tf.LayersModel> {
  const json = files.find((file) => file.name.endsWith('.json') && file.name !== 'imagenet_classes.json' && !file.name.startsWith('verification'));
  if (!json) throw new ModelInvalid('no model.json among the files');
  const weights = files.filter((file) => file !== json && !file.name.endsWith('.json') && !file.name.endsWith('.md'));
  // Refuses a hostile model.json (missing shards, gigabytes declared) before tfjs reads the weights.
  checkModelJson(await json.text(), weights);
  return tf.loadLayersModel(tf.io.browserFiles([json, ...weights]), { onProgress });
}

async function tryCache(): Promise<tf.LayersModel | null> {
  try {
    const models = await tf.io.listModels();
    return CACHE_URL in models ? await tf.loadLayersModel(CACHE_URL) : null;
  } catch {
    return null;
  }
}

async function saveToCache(model: tf.LayersModel): Promise<void> {
  try {
    await model.save(CACHE_URL);
  } catch {
    // A cache is a convenience: private windows and full disks just go without.
  }
}

/** Loads the base model from `source`; onProgress gets fractions in [0, 1]. */
export async function loadBaseModel(source: ModelSource, onProgress: (fraction: number) => void): Promise<BaseModel> {
  let full: tf.LayersModel;
  let from: BaseModel['from'];
  if (source.kind === 'files') {
    [full, from] = [await loadFromFiles(source.files, onProgress), 'files'];
  } else if (source.kind === 'url') {
    [full, from] = [await tf.loadLayersModel(source.url, { onProgress }), 'url'];
  } else {
    const cached = await tryCache();
    if (cached) [full, from] = [cached, 'cache'];
    else [full, from] = [await tf.loadLayersModel(source.defaultUrl, { onProgress }), 'url'];
  }
  let truncated: tf.LayersModel;
  try {
    truncated = truncate(full);
  } catch (error) {
    full.dispose();
    throw error;
  }
  if (from !== 'cache') await saveToCache(full);
  onProgress(1);
  return { full, truncated, from };
}
