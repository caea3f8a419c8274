import { describe, expect, it } from 'vitest';
import { DATASETS, DATASET_NAMES, generateDataset, type Point } from './datasets';
import { mulberry32 } from './random';

describe('generateDataset', () => {
  for (const name of DATASET_NAMES) {
    describe(name, () => {
      it('gives numSamples points inside [−6, 6]², including odd counts', () => {
        for (const numSamples of [500, 101, 1]) {
          for (const noise of [0, 25, 50]) {
            const points = generateDataset(name, numSamples, noise, mulberry32(1));
            expect(points).toHaveLength(numSamples);
            for (const p of points) {
              expect(Math.abs(p.x1)).toBeLessThanOrEqual(6);
              expect(Math.abs(p.x2)).toBeLessThanOrEqual(6);
            }
          }
        }
      });

      it('labels ±1 for classification, [−1, 1] for regression', () => {
        for (const noise of [0, 50]) {
          const labels = generateDataset(name, 500, noise, mulberry32(2)).map((p) => p.label);
          if (DATASETS[name].kind === 'classification') {
            expect(labels.every((y) => y === 1 || y === -1)).toBe(true);
            const positives = labels.filter((y) => y === 1).length;
            expect(positives).toBeGreaterThan(150);
            expect(positives).toBeLessThan(350);
          } else {
            expect(labels.every((y) => y >= -1 && y <= 1)).toBe(true);
            expect(new Set(labels).size).toBeGreaterThan(100);
          }
        }
      });

      it('is deterministic per seed, and seeds and noise matter', () => {
        const a = generateDataset(name, 200, 10, mulberry32(3));
        const b = generateDataset(name, 200, 10, mulberry32(3));
        const c = generateDataset(name, 200, 10, mulberry32(4));
        expect(b).toEqual(a);
        expect(c).not.toEqual(a);
        const clean = generateDataset(name, 200, 0, mulberry32(5));
        const noisy = generateDataset(name, 200, 50, mulberry32(5));
        expect(noisy).not.toEqual(clean);
      });
    });
  }

  it('comes out shuffled (classes interleaved)', () => {
    const labels = generateDataset('spiral', 500, 0, mulberry32(6)).map((p) => p.label);
    expect(labels.slice(0, 250).filter((y) => y === 1).length).toBeLessThan(200);
  });

  /** fraction of points whose label agrees with rule(x₁, x₂) */
  const agreement = (points: Point[], rule: (p: Point) => number) =>
    points.filter((p) => Math.abs(p.label - rule(p)) < 1e-12).length / points.length;

  it('without noise follows the defining rule exactly', () => {
    const rng = mulberry32(7);
    const inCircle = (p: Point) => (Math.hypot(p.x1, p.x2) < 2.5 ? 1 : -1);
    expect(agreement(generateDataset('circle', 500, 0, rng), inCircle)).toBe(1);
    const sameSign = (p: Point) => (p.x1 * p.x2 >= 0 ? 1 : -1);
    expect(agreement(generateDataset('xor', 500, 0, rng), sameSign)).toBe(1);
    const quadrant = (p: Point) => (p.x1 + p.x2 > 0 ? 1 : -1);
    expect(agreement(generateDataset('gauss', 500, 0, rng), quadrant)).toBeGreaterThan(0.99);
    const plane = (p: Point) => Math.max(-1, Math.min(1, (p.x1 + p.x2) / 10));
    expect(agreement(generateDataset('plane', 500, 0, rng), plane)).toBe(1);
    const spiral = generateDataset('spiral', 500, 0, rng);
    expect(spiral.every((p) => Math.hypot(p.x1, p.x2) <= 5)).toBe(true);
  });

  it('with noise flips some labels of circle and xor', () => {
    const rng = mulberry32(8);
    const inCircle = (p: Point) => (Math.hypot(p.x1, p.x2) < 2.5 ? 1 : -1);
    const circle = agreement(generateDataset('circle', 500, 50, rng), inCircle);
    expect(circle).toBeLessThan(0.97);
    expect(circle).toBeGreaterThan(0.5);
    const sameSign = (p: Point) => (p.x1 * p.x2 >= 0 ? 1 : -1);
    expect(agreement(generateDataset('xor', 500, 50, rng), sameSign)).toBeLessThan(0.97);
  });

  it('multiGauss peaks at ±1 on its bump centres and is 0 far from them', () => {
    const points = generateDataset('multiGauss', 2000, 0, mulberry32(9));
    const near = points.filter((p) => Math.hypot(p.x1 + 4, p.x2 - 2.5) < 0.4);
    expect(near.length).toBeGreaterThan(0);
    expect(near.every((p) => p.label > 0.79)).toBe(true);
    const far = points.filter((p) => Math.abs(p.x2) > 5 && Math.abs(p.x1 - 2) < 0.5);
    expect(far.every((p) => p.label === 0)).toBe(true);
  });
});
