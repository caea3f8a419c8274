/**
 * A head's fixed first layers (pooling, flatten, scaling: no weights) applied to cached
 * embeddings, once per embedding. The values are kept beside the embedding they came from (a
 * WeakMap: they go when the embedding goes), so the refit, which trains on the first run's photos
 * again, and a second Train on the same photos pool nothing twice. The layers run as tfjs layers on
 * chunks of embeddings (a plain JavaScript loop over the values measured slower than wasm's pooling).
 * Everything returned is plain Float32Arrays; every tensor made here is disposed here.
 */
import * as tf from '@tensorflow/tfjs';

/** Embeddings pooled per chunk: a few MB at a time on the backend instead of all of them stacked. */
const CHUNK = 16;

/** embedding → (fixed layers' signature → their output for it) */
const cache = new WeakMap<Float32Array, Map<string, Float32Array>>();

/** What the fixed layers compute, as a key: their classes and settings, without their names. */
function signature(fixed: tf.layers.Layer[]): string {
  return JSON.stringify(fixed.map((layer) => {
    const { name: _name, trainable: _trainable, ...config } = layer.getConfig();
    return [layer.getClassName(), config];
  }));
}

/** The fixed layers on `embeddings` (each [grid, grid, channels] as `shape`), computed and stored in chunks. */
function compute(fixed: tf.layers.Layer[], embeddings: Float32Array[], shape: readonly number[]): Float32Array[] {
  const length = shape.reduce((a, b) => a * b, 1);
  const rows: Float32Array[] = [];
  for (let start = 0; start < embeddings.length; start += CHUNK) {
    const chunk = embeddings.slice(start, start + CHUNK);
    const flat = new Float32Array(chunk.length * length);
    chunk.forEach((embedding, n) => flat.set(embedding, n * length));
    // The tensor leaves tf.tidy, not its values: tidy would walk a typed array's every element.
    const pooled = tf.tidy(() => fixed.reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, tf.tensor(flat, [chunk.length, ...shape])));
    const values = pooled.dataSync() as Float32Array;
    pooled.dispose();
    const width = values.length / chunk.length;
    for (let n = 0; n < chunk.length; n++) rows.push(values.slice(n * width, (n + 1) * width));
  }
  return rows;
}

/**
 * The fixed layers' output for every embedding as one array [count, width] (row n for embedding n),
 * each row computed once per embedding and layer settings. Rows as long as the embedding itself
 * (flatten) are not kept: they would double the memory for nothing saved but a copy.
 */
export function pooledRows(fixed: tf.layers.Layer[], embeddings: Float32Array[], shape: readonly number[], width: number): Float32Array {
  const key = signature(fixed);
  const length = shape.reduce((a, b) => a * b, 1);
  const missing = [...new Set(embeddings)].filter((embedding) => !cache.get(embedding)?.has(key));
  const computed = compute(fixed, missing, shape);
  const fresh = new Map(missing.map((embedding, n) => [embedding, computed[n]]));
  if (width < length) fresh.forEach((row, embedding) => cache.set(embedding, (cache.get(embedding) ?? new Map()).set(key, row)));
  const out = new Float32Array(embeddings.length * width);
  embeddings.forEach((embedding, n) => out.set(fresh.get(embedding) ?? cache.get(embedding)!.get(key)!, n * width));
  return out;
}
