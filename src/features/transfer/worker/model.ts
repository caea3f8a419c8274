/**
 * The pretrained base (one of the registry's, bases.ts: MobileNet v1 0.25 or a MobileNet v2),
 * loaded from the user's files or URL, an IndexedDB copy from an earlier load, or its default URL
 * (served, or hosted), in that order; then cut at its cut layer ([batch, 7, 7, channels]) and frozen.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSource } from '../../../worker/protocol';
import { BASES, type BaseSpec } from '../bases';
import { IMAGE_SIZE } from '../meta';
import { checkModelJson } from './modelFiles';

/** MobileNet v1 0.25's IndexedDB copy (every base has its own: BaseSpec.cacheUrl). */
export const CACHE_URL = BASES['mobilenet_v1_0.25'].cacheUrl;

export interface BaseModel {
  /** which base it is */
  spec: BaseSpec;
  /** the whole pretrained network (kept for fine-tuning and export) */
  full: tf.LayersModel;
  /** inputs [batch, 224, 224, 3] in [−1, 1] → embeddings [batch, 7, 7, channels] */
  truncated: tf.LayersModel;
  from: 'cache' | 'url' | 'files';
}

export class ModelInvalid extends Error {}

function sameShape(actual: (number | null)[], expected: readonly number[]): boolean {
  return actual.length === expected.length + 1 && expected.every((n, k) => actual[k + 1] === n);
}

/** Cuts the network at the base's cut layer, checking that it is the network the base names (MobileNet v1 0.25 by default). */
export function truncate(full: tf.LayersModel, spec: BaseSpec = BASES['mobilenet_v1_0.25']): tf.LayersModel {
  let layer: tf.layers.Layer;
  try {
    layer = full.getLayer(spec.cutLayer);
  } catch {
    throw new ModelInvalid(`no layer ${spec.cutLayer}: not ${spec.label}`);
  }
  const input = full.inputs[0].shape;
  const output = layer.getOutputAt(0) as tf.SymbolicTensor; // node 0: the pretrained graph itself
  if (!sameShape(input, [IMAGE_SIZE, IMAGE_SIZE, 3]) || !sameShape(output.shape, spec.embeddingShape)) {
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

async function tryCache(cacheUrl: string): Promise<tf.LayersModel | null> {
  try {
    const models = await tf.io.listModels();
    return cacheUrl in models ? await tf.loadLayersModel(cacheUrl) : null;
  } catch {
    return null;
  }
}

async function saveToCache(model: tf.LayersModel, cacheUrl: string): Promise<void> {
  try {
    await model.save(cacheUrl);
  } catch {
    // A cache is a convenience: private windows and full disks just go without.
  }
}

/** Loads the base `spec` from `source`; onProgress gets fractions in [0, 1]. */
export async function loadBaseModel(source: ModelSource, onProgress: (fraction: number) => void, spec: BaseSpec = BASES['mobilenet_v1_0.25']): Promise<BaseModel> {
  let full: tf.LayersModel;
  let from: BaseModel['from'];
  if (source.kind === 'files') {
    [full, from] = [await loadFromFiles(source.files, onProgress), 'files'];
  } else if (source.kind === 'url') {
    [full, from] = [await tf.loadLayersModel(source.url, { onProgress }), 'url'];
  } else {
    const cached = await tryCache(spec.cacheUrl);
    if (cached) [full, from] = [cached, 'cache'];
    else [full, from] = [await tf.loadLayersModel(source.defaultUrl, { onProgress }), 'url'];
  }
  let truncated: tf.LayersModel;
  try {
    truncated = truncate(full, spec);
  } catch (error) {
    full.dispose();
    throw error;
  }
  if (from !== 'cache') await saveToCache(full, spec.cacheUrl);
  onProgress(1);
  return { spec, full, truncated, from };
}
