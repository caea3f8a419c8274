/**
 * Instant predictions, before any training: the nearest class mean of the cached embeddings.
 * Each photo's embedding [7, 7, channels] is pooled the way the default head pools it (3 × 3
 * windows, stride 3: the 2 × 2 regions of the top-left 6 × 6 cells, meta's REGION_POOL) and scaled
 * to length 1 (so the direction counts, not how strongly the photo activates); each class is the
 * mean of its photos' features, and a new photo belongs to the nearest mean.
 * Chosen by held-out accuracy on the bench's split (MobileNet v2 0.35, 10 classes, the last 20 photos
 * of each held out; ../shared/datasets): with the first 30 photos per class, regions 0.895 (sign
 * digits) and 0.845 (grocery), global average 0.82 and 0.85; with 10, regions 0.745 and 0.765,
 * average 0.625 and 0.765. Length 1 beat raw features with 1–5 photos per class (by up to 8 points).
 * Plain arrays only (no tensors): pure, and tested in Node (instant.test.ts).
 */
import { averagePool } from '../averagePool';
import { REGION_POOL } from '../meta';

/**
 * Average pooling of an embedding (row-major [7, 7, channels]) over REGION_POOL² windows with
 * stride REGION_POOL ('valid'), flattened as Keras flattens [2, 2, channels]: [(wy·2 + wx)·channels + c].
 */
export const poolRegions = (embedding: Float32Array, channels: number): Float32Array =>
  averagePool(embedding, channels, REGION_POOL, (length) => new Float32Array(length));

/** The mean of equally long vectors (null for none). */
export function mean(vectors: Float32Array[]): Float32Array | null {
  if (vectors.length === 0) return null;
  const sum = new Float32Array(vectors[0].length);
  for (const vector of vectors) for (let i = 0; i < sum.length; i++) sum[i] += vector[i];
  for (let i = 0; i < sum.length; i++) sum[i] /= vectors.length;
  return sum;
}

/** x / ‖x‖ (x itself when it is 0), in place. */
export function normalize(x: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  const length = Math.sqrt(sum);
  if (length > 0) for (let i = 0; i < x.length; i++) x[i] /= length;
  return x;
}

/** ‖a − b‖² */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

/**
 * Class probabilities of a photo's features `x` from its squared distances d²ₖ to the class means
 * μₖ: softmax(−d²ₖ / s), where s, the spread, is the mean squared distance of the photos to their
 * own class mean (how far a typical photo lies from its class), or, with one photo per class, half
 * the mean squared distance between class means. A class without photos (null mean) gets 0.
 * Null when fewer than two classes have a photo: there is nothing to choose between.
 */
export function nearestMeanProbabilities(x: Float32Array, classes: Float32Array[][]): Float32Array | null {
  const means = classes.map(mean);
  const present = means.flatMap((mu, k) => (mu ? [k] : []));
  if (present.length < 2) return null;
  const probabilities = new Float32Array(classes.length);
  const s = spread(classes, means);
  const logits = present.map((k) => -squaredDistance(x, means[k]!) / s);
  const top = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - top));
  const total = weights.reduce((a, b) => a + b, 0);
  present.forEach((k, n) => (probabilities[k] = weights[n] / total));
  return probabilities;
}

/** s of nearestMeanProbabilities: the mean squared distance of the photos to their class mean (1 when that is 0). */
export function spread(classes: Float32Array[][], means: (Float32Array | null)[]): number {
  let sum = 0;
  let count = 0;
  classes.forEach((vectors, k) => vectors.forEach((vector) => ((sum += squaredDistance(vector, means[k]!)), count++)));
  if (sum > 0) return sum / count;
  const present = means.filter((mu): mu is Float32Array => mu !== null);
  let between = 0;
  let pairs = 0;
  for (let i = 0; i < present.length; i++) for (let j = i + 1; j < present.length; j++) ((between += squaredDistance(present[i], present[j])), pairs++);
  return pairs > 0 && between > 0 ? between / pairs / 2 : 1;
}

/** A photo's features: its embedding pooled by regions, scaled to length 1. */
export const instantFeatures = (embedding: Float32Array, channels: number) => normalize(poolRegions(embedding, channels));

/**
 * The features of cached embeddings, computed once per embedding (an embedding made again, after a
 * new base, is a new array: the old features go with the old array).
 */
export class InstantFeatures {
  private readonly pooled = new WeakMap<Float32Array, Float32Array>();

  features(embedding: Float32Array, channels: number): Float32Array {
    let features = this.pooled.get(embedding);
    if (!features) this.pooled.set(embedding, (features = instantFeatures(embedding, channels)));
    return features;
  }

  /** Class probabilities of `query` (an embedding) among classes of embeddings; null with fewer than two classes with a photo. */
  probabilities(query: Float32Array, classes: Float32Array[][], channels: number): Float32Array | null {
    const features = classes.map((embeddings) => embeddings.map((embedding) => this.features(embedding, channels)));
    return nearestMeanProbabilities(instantFeatures(query, channels), features);
  }
}
