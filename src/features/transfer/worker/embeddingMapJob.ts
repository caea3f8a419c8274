/**
 * The embedding map in the worker: embeds the images not embedded yet (in the background, once
 * each), projects the averaged embeddings with PCA, and runs the trained head over a grid of the
 * PCA plane for its decision regions. Every tensor is made in tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassRef } from '../../../worker/protocol';
import { decide, extentOf, planeGrid, poolEmbedding, projectImages, REGION_GRID, type DecisionRegions, type EmbeddingMapResult, type Extent, type RegionsUnavailable } from '../embeddingMap';
import { EMBEDDING_SHAPE, TRUNCATION_LAYER } from '../meta';
import type { Pca } from '../pca';
import type { BaseModel } from './model';
import type { StudioView, Trained } from './studioView';

const CHANNELS = EMBEDDING_SHAPE[2];

/**
 * The head's decision regions in the PCA plane, or why there are none. Only a head on the
 * embeddings that starts with global average pooling is a function of the 256 averaged values:
 * its layers after the pooling run on the grid's points.
 */
export function decisionRegions(trained: Trained | null, result: Pca, extent: Extent, size = REGION_GRID): DecisionRegions | RegionsUnavailable {
  if (!trained) return 'untrained';
  if (trained.cut !== TRUNCATION_LAYER) return 'fineTuned';
  const [pooling, ...rest] = trained.tail.layers;
  if (pooling.getClassName() !== 'GlobalAveragePooling2D' || result.mean.length !== CHANNELS) return 'flatten';
  const grid = planeGrid(result, extent, size);
  const probabilities = tf.tidy(() => {
    // Dropout is the identity here: layers called outside training run in inference mode.
    const output = rest.reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, tf.tensor2d(grid, [size * size, CHANNELS]));
    return output.dataSync() as Float32Array;
  });
  return { size, ...decide(probabilities, trained.labels.length), labels: trained.labels };
}

/** The map of the embedded images of these classes (synchronous: the trained head cannot change meanwhile). */
export function embeddingMap(view: StudioView, classes: ClassRef[]): Omit<EmbeddingMapResult, 'timings' | 'unembedded'> & { pcaMs: number; regionsMs: number } {
  const started = performance.now();
  const images = classes.flatMap((c, classIndex) =>
    c.imageIds.flatMap((imageId) => {
      const embedding = view.embedding(imageId);
      return embedding ? [{ imageId, classIndex, pooled: poolEmbedding(embedding, CHANNELS) }] : [];
    }),
  );
  const { points, pca } = projectImages(images, CHANNELS);
  const extent = extentOf(points);
  const pcaDone = performance.now();
  const regions = points.length > 0 ? decisionRegions(view.trained(), pca, extent) : 'untrained';
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
