/**
 * The classifier that the exported train.py writes for the studio's "Import a model" (issue 12,
 * "Back to the studio"): a folder `studio/` with metadata.json (the ClassifierMetadata fields and
 * `weightsByLayer`), weights.json (each weight's name, shape, dtype) and weights.bin (the values,
 * float32 little-endian, in weights.json's order). Written by train.py with numpy and json
 * (codegenPythonStudio.ts); read by worker/trainedFiles.ts, which rebuilds the model on the loaded
 * base with the studio's own head and fine-tuning code. No TensorFlow.js here: shared by both.
 */

/** train.py's default `--studio` folder. */
export const STUDIO_FOLDER = 'studio';
export const TRAINED_MANIFEST = 'weights.json';
export const TRAINED_WEIGHTS = 'weights.bin';
/** metadata.json's `weightsByLayer`: weights by layer name, to be set into a model the studio builds. */
export const WEIGHTS_BY_LAYER = 'keras-layer-weights-v1';
/** weights.json's name of the head's k-th Dense layer's weight (`kernel` or `bias`), in the head's order. */
export function headWeightName(k: number, weight: string): string {
  return `head/dense_${k}/${weight}`;
}
/** The preprocessing both sides apply, in words (metadata.json). */
export const PREPROCESSING = 'RGB, centre square crop, resize to 224 × 224 (bilinear), then x / 127.5 − 1';
