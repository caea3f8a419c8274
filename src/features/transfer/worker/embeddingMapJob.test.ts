import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random';
import type { ClassRef, FromWorker } from '../../../worker/protocol';
import { extentOf, planeGrid, poolEmbedding, projectImages, REGION_GRID } from '../embeddingMap';
import { DEFAULT_HEAD, EMBEDDING_SHAPE, TRUNCATION_LAYER } from '../meta';
import { EMBEDDING_LENGTH } from './embed';
import { decisionRegions, EmbeddingMapper } from './embeddingMapJob';
import { buildHead, disposeModel } from './head';
import type { BaseModel } from './model';
import type { StudioView, Trained } from './studioView';

const CHANNELS = EMBEDDING_SHAPE[2];

/** Embeddings of three kinds: each kind lights up its own block of channels, plus noise. */
function embeddings(count: number, kind: number, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const embedding = new Float32Array(EMBEDDING_LENGTH);
    for (let p = 0; p < EMBEDDING_LENGTH; p++) {
      const channel = p % CHANNELS;
      embedding[p] = rng() * 0.5 + (Math.floor(channel / 32) === kind ? 2 : 0);
    }
    return embedding;
  });
}

/** A studio view over these embeddings (ids c<k>-<n>); images listed in `pending` get embedded on request. */
function fakeStudio(trained: Trained | null, pending: string[] = []) {
  const stored = new Map<string, Float32Array | undefined>();
  const classes: ClassRef[] = [0, 1, 2].map((kind) => ({ id: `c${kind}`, name: `class ${kind}`, imageIds: [] }));
  classes.forEach((c, kind) => embeddings(5, kind, kind + 1).forEach((embedding, n) => {
    const id = `${c.id}-${n}`;
    c.imageIds.push(id);
    stored.set(id, pending.includes(id) ? undefined : embedding);
  }));
  const later = new Map(pending.map((id) => [id, embeddings(1, Number(id[1]), 99)[0]]));
  const posted: FromWorker[] = [];
  const view: StudioView = {
    base: async () => ({}) as BaseModel,
    trained: () => trained,
    scratch: () => null,
    rgb: (id) => (stored.has(id) ? new Uint8Array(1) : undefined),
    embedding: (id) => stored.get(id),
    lower: () => {
      throw new Error('not used');
    },
    post: (message) => posted.push(message),
  };
  const embedMissing = async (_base: BaseModel, ids: string[]) => {
    const missing = ids.filter((id) => !stored.get(id));
    missing.forEach((id) => stored.set(id, later.get(id)));
    return missing.length;
  };
  return { view, classes, posted, embedMissing };
}

const headOf = (pooling: 'average' | 'flatten', units = 8): Trained => ({
  tail: buildHead({ ...DEFAULT_HEAD, pooling, units, dropout: 0.2 }, 3),
  cut: TRUNCATION_LAYER,
  labels: ['class 0', 'class 1', 'class 2'],
  config: { ...DEFAULT_HEAD, pooling, units },
});

describe('embedding map in the worker', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("the decision regions are the head's own predictions on the plane (an averaged embedding per grid point)", () => {
    const trained = headOf('average');
    const { view, classes } = fakeStudio(trained);
    const images = classes.flatMap((c, classIndex) => c.imageIds.map((imageId) => ({ imageId, classIndex, pooled: poolEmbedding(view.embedding(imageId)!, CHANNELS) })));
    const { points, pca } = projectImages(images, CHANNELS);
    const extent = extentOf(points);
    const size = 6;
    const regions = decisionRegions(trained, pca, extent, size);
    if (typeof regions === 'string') throw new Error(regions);
    // The full head on [7, 7, 256] embeddings whose 49 positions all hold the grid point.
    const grid = planeGrid(pca, extent, size);
    const full = new Float32Array(size * size * EMBEDDING_LENGTH);
    for (let cell = 0; cell < size * size; cell++) for (let p = 0; p < 49; p++) full.set(grid.subarray(cell * CHANNELS, (cell + 1) * CHANNELS), cell * EMBEDDING_LENGTH + p * CHANNELS);
    const expected = tf.tidy(() => (trained.tail.predict(tf.tensor4d(full, [size * size, ...EMBEDDING_SHAPE])) as tf.Tensor).arraySync() as number[][]);
    expected.forEach((probabilities, cell) => {
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(regions.classes[cell]).toBe(best);
      expect(regions.confidence[cell]).toBeCloseTo(probabilities[best], 5);
    });
    expect(regions.labels).toEqual(trained.labels);
    disposeModel(trained.tail);
  });

  it('says why there are no regions: untrained, flatten head, fine-tuned', () => {
    const { view, classes } = fakeStudio(null);
    const images = classes.flatMap((c, classIndex) => c.imageIds.map((imageId) => ({ imageId, classIndex, pooled: poolEmbedding(view.embedding(imageId)!, CHANNELS) })));
    const { points, pca } = projectImages(images, CHANNELS);
    const flatten = headOf('flatten');
    expect(decisionRegions(null, pca, extentOf(points))).toBe('untrained');
    expect(decisionRegions(flatten, pca, extentOf(points))).toBe('flatten');
    expect(decisionRegions({ ...headOf('average'), cut: 'conv_pw_12_relu' }, pca, extentOf(points))).toBe('fineTuned');
    disposeModel(flatten.tail);
  });

  it('embeds missing images, answers with one point per image, drops overtaken requests, leaks no tensor', async () => {
    const trained = headOf('average', 16);
    const { view, classes, posted, embedMissing } = fakeStudio(trained, ['c0-1', 'c2-4']);
    const mapper = new EmbeddingMapper(view, embedMissing);
    await mapper.request(1, classes); // burn-in (the head's first call builds what it keeps)
    const tensors = tf.memory().numTensors;
    const first = mapper.request(2, classes);
    const second = mapper.request(3, classes);
    await Promise.all([first, second]);
    expect(tf.memory().numTensors).toBe(tensors);
    const answers = posted.filter((m) => m.type === 'transfer/embeddingMapReady');
    expect(answers.map((m) => m.requestId)).toEqual([1, 3]);
    const { map } = answers[0];
    expect(map.points).toHaveLength(15);
    expect(map.timings.embedded).toBe(2);
    expect(answers[1].map.timings.embedded).toBe(0);
    expect(map.unembedded).toBe(0);
    expect(map.points.filter((p) => p.classIndex === 2)).toHaveLength(5);
    // Separable classes: PC1 + PC2 hold most of the variance, and the classes lie apart.
    expect(map.explained[0] + map.explained[1]).toBeGreaterThan(0.5);
    expect(map.regions?.classes).toHaveLength(REGION_GRID * REGION_GRID);
    for (const point of map.points) {
      expect(point.x).toBeGreaterThanOrEqual(map.extent.xMin);
      expect(point.x).toBeLessThanOrEqual(map.extent.xMax);
    }
    disposeModel(trained.tail);
  });

  it('an empty or one-image map has no NaN', async () => {
    const { view, posted, embedMissing } = fakeStudio(null);
    const mapper = new EmbeddingMapper(view, embedMissing);
    await mapper.request(1, [{ id: 'a', name: 'a', imageIds: [] }]);
    await mapper.request(2, [{ id: 'a', name: 'a', imageIds: ['c0-0'] }]);
    const answers = posted.flatMap((m) => (m.type === 'transfer/embeddingMapReady' ? [m.map] : []));
    expect(answers.map((m) => m.points.length)).toEqual([0, 1]);
    for (const map of answers) {
      const numbers = [...map.explained, ...Object.values(map.extent), ...map.points.flatMap((p) => [p.x, p.y])];
      expect(numbers.every(Number.isFinite)).toBe(true);
      expect(map.regionsUnavailable).toBe('untrained');
    }
  });
});
