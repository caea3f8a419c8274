/**
 * The embedding map's data: each image's embedding as the trained head reads it (its pooled values:
 * the 1,024 region means or the 256 global means; before training, the 256 global means),
 * projected to the plane of its first two principal components; and the trained head's decision
 * regions in that plane. Pure: no DOM, no tfjs (the worker computes, the page draws).
 */
import { pca, unproject, type Pca } from './pca';
import { averagePool } from './averagePool';

/** One image on the map. */
export interface MapPoint {
  imageId: string;
  /** index of its class in the request's classes */
  classIndex: number;
  /** coordinates on PC1 and PC2 */
  x: number;
  y: number;
}

/** The rectangle of the plane shown, in PC coordinates. */
export interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * The head's prediction at the centre of each cell of a size × size grid over the extent (row 0 =
 * top, y = yMax), for the point μ + x·u₁ + y·u₂ of the head's pooled-value space.
 */
export interface DecisionRegions {
  size: number;
  /** the predicted class per cell: an index into `labels` */
  classes: Uint8Array;
  /** the predicted class's probability per cell */
  confidence: Float32Array;
  /** the classifier's class names, in its output order */
  labels: string[];
}

/**
 * Why no regions are drawn: no classifier yet; a head that reads too many values to map (a flatten
 * head's 12,544); a fine-tuned classifier (its input is not these embeddings).
 */
export type RegionsUnavailable = 'untrained' | 'flatten' | 'fineTuned';

export interface EmbeddingMapResult {
  points: MapPoint[];
  /** the share of the variance along PC1 and PC2 */
  explained: [number, number];
  extent: Extent;
  regions?: DecisionRegions;
  regionsUnavailable?: RegionsUnavailable;
  /** images left out: not embedded, as there is no base model */
  unembedded: number;
  timings: { embedded: number; embedMs: number; pcaMs: number; regionsMs: number };
}

/** Cells per side of the decision-region grid. */
export const REGION_GRID = 64;

/** The embedding [7, 7, channels] (channels last) averaged over the 49 positions: `channels` values. */
export const poolEmbedding = (embedding: ArrayLike<number>, channels: number): Float64Array =>
  averagePool(embedding, channels, Math.round(Math.sqrt(embedding.length / channels)), (length) => new Float64Array(length));

/** The points of the map and the PCA behind them, from each image's pooled embedding. */
export function projectImages(images: { imageId: string; classIndex: number; pooled: Float64Array }[], channels: number): { points: MapPoint[]; pca: Pca } {
  const result = pca(images.map((image) => image.pooled), 2, channels);
  const points = images.map((image, n) => ({ imageId: image.imageId, classIndex: image.classIndex, x: result.projections[n][0], y: result.projections[n][1] }));
  return { points, pca: result };
}

/** The points' bounding box with a margin on each side (a span of 2 around a single point). */
export function extentOf(points: { x: number; y: number }[], margin = 0.1): Extent {
  const span = (values: number[]): [number, number] => {
    if (values.length === 0) return [-1, 1];
    const low = Math.min(...values);
    const high = Math.max(...values);
    const pad = high - low > 1e-9 ? (high - low) * margin : 1;
    return [low - pad, high + pad];
  };
  const [xMin, xMax] = span(points.map((p) => p.x));
  const [yMin, yMax] = span(points.map((p) => p.y));
  return { xMin, xMax, yMin, yMax };
}

/**
 * The grid's cell centres mapped back to ℝᵈ, row-major [size², d] (row 0 = top): μ + x·u₁ + y·u₂.
 * The head then reads each as its pooled values.
 */
export function planeGrid(result: Pca, extent: Extent, size: number, rows: readonly [number, number] = [0, size]): Float32Array {
  const d = result.mean.length;
  const grid = new Float32Array((rows[1] - rows[0]) * size * d);
  const point = new Float64Array(d);
  for (let row = rows[0]; row < rows[1]; row++) {
    const y = extent.yMax - ((row + 0.5) / size) * (extent.yMax - extent.yMin);
    for (let col = 0; col < size; col++) {
      const x = extent.xMin + ((col + 0.5) / size) * (extent.xMax - extent.xMin);
      grid.set(unproject(result, [x, y], point), ((row - rows[0]) * size + col) * d);
    }
  }
  return grid;
}

/** Each row's argmax and its probability, from probabilities [cells, classes]. */
export function decide(probabilities: ArrayLike<number>, numClasses: number): { classes: Uint8Array; confidence: Float32Array } {
  const cells = probabilities.length / numClasses;
  const classes = new Uint8Array(cells);
  const confidence = new Float32Array(cells);
  for (let cell = 0; cell < cells; cell++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (probabilities[cell * numClasses + k] > probabilities[cell * numClasses + best]) best = k;
    classes[cell] = best;
    confidence[cell] = probabilities[cell * numClasses + best];
  }
  return { classes, confidence };
}
