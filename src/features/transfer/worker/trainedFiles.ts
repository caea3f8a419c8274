/**
 * "Import a model" of the classifier the exported train.py writes (trainedFormat.ts): metadata.json,
 * weights.json and weights.bin. Keras 3's own files are not what TensorFlow.js 4.22 loads, so the
 * model is rebuilt here, as the studio builds its own: the head with buildHead from the metadata's
 * head settings, the fine-tuned blocks with buildTail (the Keras layer names are the TensorFlow.js
 * base's: it was converted from Keras), on the loaded base, which must be the one train.py trained
 * on; then every weight is set by its layer's role or name, its shape checked.
 */
import * as tf from '@tensorflow/tfjs';
import { BASES } from '../bases';
import { headWeightName, TRAINED_MANIFEST, WEIGHTS_BY_LAYER } from '../trainedFormat';
import { combine, ImportInvalid, METADATA_FILE, parseMetadata, type ClassifierMetadata } from './classifierFile';
import { buildTail, cutLayerFor, lowerModel } from './finetune';
import { buildHead } from './head';
import type { BaseModel } from './model';

/** Whether the files are train.py's classifier (its weights.json beside metadata.json, no model.json). */
export function isTrainedFiles(files: File[]): boolean {
  return files.some((file) => file.name === TRAINED_MANIFEST) && files.some((file) => file.name === METADATA_FILE) && !files.some((file) => file.name === 'model.json');
}

/** weights.json + its weight file: {name: [shape, values]}. */
async function readWeights(files: File[]): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  let manifest: { paths?: unknown; weights?: unknown };
  try {
    manifest = JSON.parse(await files.find((file) => file.name === TRAINED_MANIFEST)!.text());
  } catch {
    throw new ImportInvalid(`${TRAINED_MANIFEST} is not JSON`);
  }
  const paths = manifest.paths;
  const specs = manifest.weights;
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string' || !Array.isArray(specs)) throw new ImportInvalid(`${TRAINED_MANIFEST}: not a weights manifest`);
  const binary = files.find((file) => file.name === paths[0]);
  if (!binary) throw new ImportInvalid(`${paths[0]} not given`, 'importMissingWeights', String(paths[0]));
  const bytes = await binary.arrayBuffer();
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of specs as { name?: unknown; shape?: unknown; dtype?: unknown }[]) {
    const shape = spec.shape;
    if (typeof spec.name !== 'string' || spec.dtype !== 'float32' || !Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new ImportInvalid(`${TRAINED_MANIFEST}: a malformed weight ${JSON.stringify(spec.name)}`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (offset + 4 * count > bytes.byteLength) throw new ImportInvalid(`${binary.name} ends before ${spec.name}`, 'importMissingWeights', binary.name);
    // a copy (the offset need not be aligned); float32 little-endian, as tfjs reads weights too
    const values = new Float32Array(bytes.slice(offset, offset + 4 * count));
    weights.set(spec.name, { shape: shape as number[], values });
    offset += 4 * count;
  }
  if (offset !== bytes.byteLength) throw new ImportInvalid(`${binary.name} is longer than ${TRAINED_MANIFEST} declares`);
  return weights;
}

/**
 * Frees what an import made: its own weights only. The model shares the base's layers, and
 * disposing it would count their uses down (tfjs layers count each model made from them).
 */
function releaseOf(owned: tf.LayersModel): () => void {
  return () => owned.weights.forEach((weight) => weight.dispose());
}

const sameShape = (a: readonly (number | null)[], b: readonly number[]) => a.length === b.length && a.every((n, k) => n === b[k]);

/**
 * Sets `layer`'s weights from `weights` (keyed by `keyOf(short name)`), checking each shape;
 * `required`: every weight must be given. Every weight is checked before any tensor is made, so a
 * refusal leaves nothing to free.
 */
function setLayer(layer: tf.layers.Layer, keyOf: (short: string) => string, weights: Map<string, { shape: number[]; values: Float32Array }>, used: Set<string>, required: boolean): void {
  const plan = layer.weights.map((variable) => {
    const key = keyOf(variable.originalName.split('/').pop()!);
    const given = weights.get(key);
    if (!given) {
      if (required) throw new ImportInvalid(`no weight ${key}`, 'importShapes', `${layer.name}: ${key} missing`);
      return null;
    }
    if (!sameShape(variable.shape, given.shape)) {
      throw new ImportInvalid(`${key}: shape ${JSON.stringify(given.shape)}, the studio's ${layer.name} needs ${JSON.stringify(variable.shape)}`, 'importShapes', `${key}: [${given.shape.join(', ')}] ≠ [${variable.shape.join(', ')}]`);
    }
    return { key, given };
  });
  const current = layer.getWeights();
  const made = plan.map((step) => (step ? tf.tensor(step.given.values, step.given.shape) : null));
  try {
    layer.setWeights(made.map((tensor, k) => tensor ?? current[k]));
  } finally {
    // (getWeights gives the variables themselves: only the tensors made here are freed)
    tf.dispose(made.filter((tensor): tensor is tf.Tensor => tensor !== null));
  }
  plan.forEach((step) => step && used.add(step.key));
}

/**
 * train.py's classifier rebuilt on `base` (which must be the base named by baseId: otherwise
 * 'importOtherBase'); weights of another shape (another head, as many labels) → 'importShapes'
 * naming the weight; weights the studio's model has no place for → 'importShapes' too.
 */
export async function importTrained(files: File[], base: BaseModel | null): Promise<{ model: tf.LayersModel; metadata: ClassifierMetadata; release: () => void }> {
  const metadata = parseMetadata(await files.find((file) => file.name === METADATA_FILE)!.text());
  if (metadata.weightsByLayer !== WEIGHTS_BY_LAYER) throw new ImportInvalid(`metadata.json: weightsByLayer is not ${WEIGHTS_BY_LAYER}`);
  if (!metadata.baseId || !(metadata.baseId in BASES)) throw new ImportInvalid(`metadata.json: unknown base ${String(metadata.baseId)}`);
  const wanted = BASES[metadata.baseId];
  if (!base || base.spec.id !== wanted.id) throw new ImportInvalid(`trained on ${wanted.label}, the base loaded is ${base?.spec.label ?? 'none'}`, 'importOtherBase', wanted.label);
  const weights = await readWeights(files);
  const blocks = metadata.fineTunedBlocks ?? 0;
  let cut: string;
  try {
    cut = cutLayerFor(blocks, base.spec);
  } catch (error) {
    throw new ImportInvalid(String(error));
  }
  const used = new Set<string>();
  const head = buildHead(metadata.head, metadata.labels.length, base.spec.embeddingShape);
  let tail: tf.LayersModel | null = null;
  try {
    head.layers.filter((layer) => layer.getClassName() === 'Dense').forEach((layer, k) => setLayer(layer, (short) => headWeightName(k, short), weights, used, true));
    if (blocks > 0) {
      tail = buildTail(base.full, blocks, head, base.spec);
      for (const layer of tail.layers) {
        if (layer.weights.length > 0 && !head.layers.some((h) => h.name === layer.name)) setLayer(layer, (short) => `${layer.name}/${short}`, weights, used, false);
      }
    }
    const unused = [...weights.keys()].filter((key) => !used.has(key));
    if (unused.length > 0) throw new ImportInvalid(`weights the studio's model has no layer for: ${unused.join(', ')}`, 'importShapes', unused.slice(0, 3).join(', '));
  } catch (error) {
    head.dispose();
    tail?.dispose();
    throw error;
  }
  if (tail) {
    head.dispose();
    return { model: combine(lowerModel(base.full, cut), tail), metadata, release: releaseOf(tail) };
  }
  return { model: combine(base.truncated, head), metadata, release: releaseOf(head) };
}
