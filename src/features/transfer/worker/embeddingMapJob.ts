/**
 * The embedding map in the worker: embeds the images not embedded yet (in the background, once
 * each), projects the pooled embeddings with PCA, and runs the trained head over a grid of the
 * PCA plane for its decision regions. Every tensor is made in tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassRef } from '../../../worker/protocol';
import { decide, extentOf, planeGrid, poolEmbedding, projectImages, REGION_GRID, type DecisionRegions, type EmbeddingMapResult, type Extent, type RegionsUnavailable } from '../embeddingMap';
import { EMBEDDING_SHAPE } from '../meta';
import type { Pca } from '../pca';
import type { BaseModel } from './model';
import { splitFixedLayers } from './head';
import { pooledRows } from './pooled';
import { isHeadOnly, type StudioView, type Trained } from './studioView';

/** Cells of the embeddings' 7 × 7 grid (every base's). */
const CELLS = EMBEDDING_SHAPE[0] * EMBEDDING_SHAPE[1];
/**
 * Head inputs wider than this are not mapped (a flatten head: 12,544 values on MobileNet v1, 62,720
 * on v2). The regions are computed a few grid rows at a time (GRID_ROWS_PER_STEP), so a chunk for the
 * widest mapped head (v2's regions, 5,120 values) holds 8 × 64 × 5,120 floats: 10 MB.
 */
export const MAX_MAP_WIDTH = 8192;
const GRID_ROWS_PER_STEP = 8;

/** How the map sees each embedding: the trained head's own pooling layers, or else global average pooling. */
interface MapPooling {
  /** the head's leading pooling/scaling layers (FIXED_LAYERS); none: global average pooling */
  layers: tf.layers.Layer[];
  /** the head's layers after them, which run on the plane's points */
  rest: tf.layers.Layer[];
  width: number;
}

/**
 * The head's view of the embeddings, for a head trained on them: its leading pooling layers (global
 * average, regions, flatten), when their output is at most MAX_MAP_WIDTH values. Otherwise null,
 * with the reason.
 */
export function mapPooling(trained: Trained | null): MapPooling | RegionsUnavailable {
  if (!trained) return 'untrained';
  if (!isHeadOnly(trained)) return 'fineTuned';
  const { fixed, rest, width } = splitFixedLayers(trained.tail.layers.filter((layer) => layer.getClassName() !== 'InputLayer'));
  if (fixed.length === 0 || width > MAX_MAP_WIDTH) return 'flatten';
  return { layers: fixed, rest, width };
}

/** Each embedding through the head's pooling layers (pooled.ts: each computed once): rows of `pooling.width` values. */
function poolThrough(pooling: MapPooling, embeddings: Float32Array[], channels: number): Float64Array[] {
  if (embeddings.length === 0) return [];
  const data = pooledRows(pooling.layers, embeddings, [EMBEDDING_SHAPE[0], EMBEDDING_SHAPE[1], channels], pooling.width);
  return Array.from({ length: embeddings.length }, (_, n) => Float64Array.from(data.subarray(n * pooling.width, (n + 1) * pooling.width)));
}

/**
 * The head's decision regions in the PCA plane: a point of the plane is a value of the head's
 * pooled input (the PCA is of those values), and the head's remaining layers run on the grid's points.
 */
export function decisionRegions(trained: Trained, pooling: MapPooling, result: Pca, extent: Extent, size = REGION_GRID): DecisionRegions {
  const classes = trained.labels.length;
  const probabilities = new Float32Array(size * size * classes);
  for (let row = 0; row < size; row += GRID_ROWS_PER_STEP) {
    const rows = [row, Math.min(size, row + GRID_ROWS_PER_STEP)] as const;
    const grid = planeGrid(result, extent, size, rows);
    const chunk = tf.tidy(() => {
      // Dropout is the identity here: layers called outside training run in inference mode.
      const output = pooling.rest.reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, tf.tensor2d(grid, [(rows[1] - rows[0]) * size, pooling.width]));
      return output.dataSync() as Float32Array;
    });
    probabilities.set(chunk, row * size * classes);
  }
  return { size, ...decide(probabilities, classes), labels: trained.labels };
}

/**
 * The map of the embedded images of these classes (synchronous: the trained head cannot change
 * meanwhile): with a head trained on the embeddings, the PCA of what that head reads (its pooled
 * values) with its decision regions; otherwise the PCA of the globally averaged embeddings.
 */
export function embeddingMap(view: StudioView, classes: ClassRef[]): Omit<EmbeddingMapResult, 'timings' | 'unembedded'> & { pcaMs: number; regionsMs: number } {
  const started = performance.now();
  const found = classes.flatMap((c, classIndex) =>
    c.imageIds.flatMap((imageId) => {
      const embedding = view.embedding(imageId);
      return embedding ? [{ imageId, classIndex, embedding }] : [];
    }),
  );
  const trained = view.trained();
  const pooling = mapPooling(trained);
  const channels = (found[0]?.embedding.length ?? EMBEDDING_SHAPE[2] * CELLS) / CELLS;
  const pooled = typeof pooling === 'string' ? found.map((image) => poolEmbedding(image.embedding, channels)) : poolThrough(pooling, found.map((image) => image.embedding), channels);
  const { points, pca } = projectImages(
    found.map((image, n) => ({ imageId: image.imageId, classIndex: image.classIndex, pooled: pooled[n] })),
    typeof pooling === 'string' ? channels : pooling.width,
  );
  const extent = extentOf(points);
  const pcaDone = performance.now();
  const regions = points.length === 0 ? 'untrained' : typeof pooling === 'string' ? pooling : decisionRegions(trained!, pooling, pca, extent);
  const explained: [number, number] = [pca.explained[0] ?? 0, pca.explained[1] ?? 0];
  return {
    points,
    explained,
    extent,
    ...(typeof regions === 'string' ? { regionsUnavailable: regions } : { regions }),
    pcaMs: pcaDone - started,
    regionsMs: performance.now() - pcaDone,
  };
}

/**
 * Answers the page's map requests one at a time; a request overtaken by a newer one while it
 * waited is dropped (the page only shows the newest).
 */
export class EmbeddingMapper {
  private latest = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly view: StudioView,
    /** embeds the listed images that have no embedding yet; returns how many it embedded */
    private readonly embedMissing: (base: BaseModel, imageIds: string[]) => Promise<number>,
  ) {}

  request(requestId: number, classes: ClassRef[]): Promise<void> {
    this.latest = Math.max(this.latest, requestId);
    this.queue = this.queue.then(() => (requestId < this.latest ? undefined : this.answer(requestId, classes)));
    return this.queue;
  }

  private async answer(requestId: number, classes: ClassRef[]): Promise<void> {
    const started = performance.now();
    const ids = classes.flatMap((c) => c.imageIds).filter((id) => this.view.rgb(id));
    let embedded = 0;
    try {
      if (ids.some((id) => !this.view.embedding(id))) {
        const base = await this.view.base();
        if (base) embedded = await this.embedMissing(base, ids);
      }
      const embedMs = performance.now() - started;
      if (requestId < this.latest) return;
      const { pcaMs, regionsMs, ...map } = embeddingMap(this.view, classes);
      const unembedded = ids.length - map.points.length;
      this.view.post({ type: 'transfer/embeddingMapReady', requestId, map: { ...map, unembedded, timings: { embedded, embedMs, pcaMs, regionsMs } } });
    } catch (error) {
      this.view.post({ type: 'transfer/embeddingMapFailed', requestId, detail: String(error) });
    }
  }
}
