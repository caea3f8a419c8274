import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random';
import type { ClassRef, FromWorker } from '../../../worker/protocol';
import { extentOf, planeGrid, poolEmbedding, projectImages, REGION_GRID } from '../embeddingMap';
import { DEFAULT_HEAD, EMBEDDING_SHAPE, REGION_POOL, REGION_SCALE, TRUNCATION_LAYER, type Pooling } from '../meta';
import { EMBEDDING_LENGTH } from './embed';
import { decisionRegions, EmbeddingMapper, embeddingMap, mapPooling } from './embeddingMapJob';
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

const headOf = (pooling: Pooling, units = 8): Trained => ({
  tail: buildHead({ ...DEFAULT_HEAD, pooling, units, dropout: 0.2 }, 3),
  cut: TRUNCATION_LAYER,
  base: 'mobilenet_v1_0.25',
  labels: ['class 0', 'class 1', 'class 2'],
  config: { ...DEFAULT_HEAD, pooling, units },
});

/** What a head reads, computed here independently: the 256 global means, or the 2 × 2 regions' means × REGION_SCALE. */
function pooledByHand(embedding: Float32Array, pooling: Pooling): Float64Array {
  if (pooling === 'average') return poolEmbedding(embedding, CHANNELS);
  const out = new Float64Array(4 * CHANNELS);
  for (let ry = 0; ry < 2; ry++) for (let rx = 0; rx < 2; rx++) for (let c = 0; c < CHANNELS; c++) {
    let sum = 0;
    for (let y = ry * REGION_POOL; y < (ry + 1) * REGION_POOL; y++) for (let x = rx * REGION_POOL; x < (rx + 1) * REGION_POOL; x++) sum += embedding[(y * 7 + x) * CHANNELS + c];
    out[(ry * 2 + rx) * CHANNELS + c] = (sum / (REGION_POOL * REGION_POOL)) * REGION_SCALE;
  }
  return out;
}

/** An embedding [7, 7, 256] that the head pools to exactly `point` (cells no window reads stay 0). */
function embeddingFor(point: Float32Array, pooling: Pooling): Float32Array {
  const embedding = new Float32Array(EMBEDDING_LENGTH);
  for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) for (let c = 0; c < CHANNELS; c++) {
    if (pooling === 'average') embedding[(y * 7 + x) * CHANNELS + c] = point[c];
    else if (y < 2 * REGION_POOL && x < 2 * REGION_POOL) {
      const region = Math.floor(y / REGION_POOL) * 2 + Math.floor(x / REGION_POOL);
      embedding[(y * 7 + x) * CHANNELS + c] = point[region * CHANNELS + c] / REGION_SCALE;
    }
  }
  return embedding;
}

describe('embedding map in the worker', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['average', 'regions'] as const)("%s head: the map is the PCA of what the head reads, and the decision regions are the head's own predictions on the plane", (kind) => {
    const trained = headOf(kind);
    const { view, classes } = fakeStudio(trained);
    const images = classes.flatMap((c, classIndex) => c.imageIds.map((imageId) => ({ imageId, classIndex, pooled: pooledByHand(view.embedding(imageId)!, kind) })));
    const width = kind === 'average' ? CHANNELS : 4 * CHANNELS;
    const { points, pca } = projectImages(images, width);
    const map = embeddingMap(view, classes);
    map.points.forEach((point, n) => {
      expect(point.x).toBeCloseTo(points[n].x, 3);
      expect(point.y).toBeCloseTo(points[n].y, 3);
    });
    const pooling = mapPooling(trained);
    if (typeof pooling === 'string') throw new Error(pooling);
    expect(pooling.width).toBe(width);
    const extent = extentOf(points);
    const size = 10; // computed in chunks of 8 grid rows: two chunks
    const regions = decisionRegions(trained, pooling, pca, extent, size);
    // The full head on [7, 7, 256] embeddings that pool to each grid point.
    const grid = planeGrid(pca, extent, size);
    const full = new Float32Array(size * size * EMBEDDING_LENGTH);
    for (let cell = 0; cell < size * size; cell++) full.set(embeddingFor(grid.subarray(cell * width, (cell + 1) * width), kind), cell * EMBEDDING_LENGTH);
    const expected = tf.tidy(() => (trained.tail.predict(tf.tensor4d(full, [size * size, ...EMBEDDING_SHAPE])) as tf.Tensor).arraySync() as number[][]);
    expected.forEach((probabilities, cell) => {
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(regions.classes[cell]).toBe(best);
      expect(regions.confidence[cell]).toBeCloseTo(probabilities[best], 5);
    });
    expect(regions.labels).toEqual(trained.labels);
    disposeModel(trained.tail);
  });

  it('says why there are no regions: untrained, a flatten head (12,544 values), fine-tuned', () => {
    const flatten = headOf('flatten');
    const average = headOf('average');
    expect(mapPooling(null)).toBe('untrained');
    expect(mapPooling(flatten)).toBe('flatten');
    expect(mapPooling({ ...average, cut: 'conv_pw_12_relu' })).toBe('fineTuned');
    const { view, classes } = fakeStudio(flatten);
    expect(embeddingMap(view, classes).regionsUnavailable).toBe('flatten');
    disposeModel(flatten.tail);
    disposeModel(average.tail);
  });

  it('embeds missing images, answers with one point per image, drops overtaken requests, leaks no tensor', async () => {
    const trained = headOf('regions', 16);
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
