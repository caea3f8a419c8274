/**
 * A model.json from the user's files, checked before TensorFlow.js reads it: it must be a layers
 * model whose weights manifest names only files that were given, declares no more than
 * MAX_IMPORT_BYTES of weights, and whose weight files hold at least what it declares. A hostile
 * file (gigabytes declared, shards missing) is refused with a code instead of exhausting memory.
 */

/** the most weight bytes an import may declare (the largest head on MobileNet is about 105 MB) */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** the most bytes model.json itself may have */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** bytes per value of each dtype a weights manifest may use */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

export type ModelFilesCode = 'importFailed' | 'importMissingWeights' | 'importTooLarge';

export class ModelFilesRefused extends Error {
  constructor(readonly code: ModelFilesCode, readonly detail: string) {
    super(`${code}: ${detail}`);
  }
}

/** model.json of a tfjs layers model whose weights are one file, `weightsFile`. */
export function layersModelJson(modelTopology: unknown, weights: readonly unknown[] | undefined, weightsFile: string, generatedBy: string | undefined) {
  return { format: 'layers-model', generatedBy, convertedBy: null, modelTopology, weightsManifest: [{ paths: [weightsFile], weights }] };
}

/** One weight of a tfjs weights manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const basename = (path: string) => path.split('/').pop() ?? path;

/** Bytes one weight takes in the weight files (a quantized weight takes its quantized size). */
function specBytes(spec: unknown): number {
  if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape)) throw new ModelFilesRefused('importFailed', 'a weight without a name or shape');
  const { shape, dtype, quantization } = spec as unknown as WeightSpec;
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new ModelFilesRefused('importFailed', `weight ${spec.name}: shape ${JSON.stringify(shape)}`);
  const stored = isObject(quantization) ? quantization.dtype : dtype;
  const bytes = DTYPE_BYTES[stored];
  if (!bytes) throw new ModelFilesRefused('importFailed', `weight ${spec.name}: dtype ${String(stored)}`);
  return shape.reduce((product, n) => product * n, bytes);
}

/**
 * Checks model.json (its text and size) against the weight files given with it; throws
 * ModelFilesRefused. Returns the weight bytes it declares.
 */
export function checkModelJson(text: string, weightFiles: { name: string; size: number }[]): number {
  if (text.length > MAX_MODEL_JSON_BYTES) throw new ModelFilesRefused('importTooLarge', `${(text.length / 1e6).toFixed(0)} MB of model.json`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFilesRefused('importFailed', 'model.json is not JSON');
  }
  if (!isObject(json) || !isObject(json.modelTopology) || !Array.isArray(json.weightsManifest)) throw new ModelFilesRefused('importFailed', 'not a layers model');
  let declared = 0;
  const paths: string[] = [];
  for (const group of json.weightsManifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights) || !group.paths.every((p) => typeof p === 'string')) {
      throw new ModelFilesRefused('importFailed', 'a malformed weights manifest');
    }
    paths.push(...(group.paths as string[]).map(basename));
    for (const spec of group.weights) declared += specBytes(spec);
  }
  if (declared > MAX_IMPORT_BYTES) throw new ModelFilesRefused('importTooLarge', (declared / 1e6).toFixed(0));
  const given = new Map(weightFiles.map((file) => [file.name, file.size]));
  const missing = paths.filter((path) => !given.has(path));
  if (missing.length > 0) throw new ModelFilesRefused('importMissingWeights', missing.join(', '));
  const supplied = paths.reduce((sum, path) => sum + given.get(path)!, 0);
  if (supplied < declared) throw new ModelFilesRefused('importMissingWeights', paths.join(', '));
  return declared;
}
