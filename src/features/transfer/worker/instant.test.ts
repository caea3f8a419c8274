import { describe, expect, it } from 'vitest';
import { InstantFeatures, mean, nearestMeanProbabilities, normalize, poolRegions, spread } from './instant';

const vectors = (...rows: number[][]) => rows.map((row) => Float32Array.from(row));

/** A 7 × 7 × channels embedding (row-major, channels last) from a function of the cell. */
function embedding(channels: number, value: (y: number, x: number, c: number) => number): Float32Array {
  const out = new Float32Array(7 * 7 * channels);
  for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) for (let c = 0; c < channels; c++) out[(y * 7 + x) * channels + c] = value(y, x, c);
  return out;
}

describe('poolRegions (the default head\'s 3 × 3 windows, stride 3)', () => {
  it('averages the 2 × 2 regions of the top-left 6 × 6 cells, flattened as [wy, wx, channel]', () => {
    // channel 0 = 7y + x (the cell's index); channel 1 = 9 at (0, 0) and 100 at (6, 6), which no window covers
    const pooled = poolRegions(embedding(2, (y, x, c) => (c === 0 ? 7 * y + x : y === 0 && x === 0 ? 9 : y === 6 && x === 6 ? 100 : 0)), 2);
    expect(Array.from(pooled)).toEqual([8, 1, 11, 0, 29, 0, 32, 0]);
  });
});

describe('normalize', () => {
  it('scales to length 1, and leaves 0 alone', () => {
    expect(Array.from(normalize(Float32Array.from([3, 4])))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(normalize(new Float32Array(2)))).toEqual([0, 0]);
  });
});

describe('nearestMeanProbabilities', () => {
  it('is softmax(−d² / s) over the class means, s = the mean squared distance of the photos to their class mean', () => {
    const classes = [vectors([0, 0], [4, 0]), vectors([10, 0], [10, 4])]; // means (2, 0) and (10, 2); every photo 2 from its mean: s = 4
    expect(spread(classes, classes.map(mean))).toBe(4);
    const p = nearestMeanProbabilities(Float32Array.from([5, 1]), classes)!;
    // d² = 10 and 26 → logits −2.5 and −6.5 → 1 / (1 + e⁻⁴)
    expect(p[0]).toBeCloseTo(0.982014, 5);
    expect(p[1]).toBeCloseTo(0.017986, 5);
  });

  it('goes by the class mean, not the nearest photo', () => {
    // (4.6, 0) is nearest to B's photo (5, 0), but nearer A's mean (2, 0) than B's (12.5, 0)
    const p = nearestMeanProbabilities(Float32Array.from([4.6, 0]), [vectors([0, 0], [4, 0]), vectors([5, 0], [20, 0])])!;
    expect(p[0]).toBeGreaterThan(0.5);
  });

  it('with one photo per class, s is half the mean squared distance between the means', () => {
    const p = nearestMeanProbabilities(Float32Array.from([1, 0]), [vectors([0, 0]), vectors([4, 0])])!; // s = 16 / 2
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 5); // logits −1/8, −9/8
  });

  it('gives a class without photos 0, and needs two classes with a photo', () => {
    const p = nearestMeanProbabilities(Float32Array.from([1, 0]), [vectors([0, 0]), [], vectors([4, 0])])!;
    expect(p[1]).toBe(0);
    expect(p[0] + p[2]).toBeCloseTo(1, 6);
    expect(nearestMeanProbabilities(Float32Array.from([1, 0]), [vectors([0, 0]), []])).toBeNull();
    expect(nearestMeanProbabilities(Float32Array.from([1, 0]), [])).toBeNull();
  });
});

describe('InstantFeatures', () => {
  // Same global average (9 active cells each), different place: only the regions tell them apart.
  const left = embedding(1, (y, x) => (y < 3 && x < 3 ? 1 : 0));
  const right = embedding(1, (y, x) => (y < 3 && x >= 3 && x < 6 ? 1 : 0));

  it('tells apart photos that differ only in where a feature is', () => {
    const p = new InstantFeatures().probabilities(Float32Array.from(left), [[left, left], [right]], 1)!;
    // features (1,0,0,0) and (0,1,0,0); no spread within a class → s = 2 / 2; logits 0 and −2
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    expect(new InstantFeatures().probabilities(Float32Array.from(right), [[left], [right, right]], 1)![1]).toBeGreaterThan(0.5);
  });

  it('compares directions: a photo that only activates more strongly stays in its class', () => {
    const a = embedding(1, (y, x) => (y < 3 && x < 3 ? 1 : 0)); // features (1, 0, 0, 0)
    const b = embedding(1, (y, x) => (y < 3 && x < 6 ? 3 : 0)); // (3, 3, 0, 0): length 1 → (0.707, 0.707, 0, 0)
    const query = embedding(1, (y, x) => (y < 3 && x < 3 ? 5 : 0)); // (5, 0, 0, 0): nearer b unscaled (13 vs 16), on a's direction
    const p = new InstantFeatures().probabilities(query, [[a], [b]], 1)!;
    // d² = 0 and 2 − √2; one photo per class: s = (2 − √2) / 2 → logits 0 and −2
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
  });

  it('pools each cached embedding once', () => {
    const instant = new InstantFeatures();
    expect(instant.features(left, 1)).toBe(instant.features(left, 1));
    expect(instant.features(Float32Array.from(left), 1)).not.toBe(instant.features(left, 1));
  });
});
