import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/random';
import { pca, project, symmetricEigen, unproject } from './pca';

/** |a·b| for unit vectors: 1 when they are the same axis up to sign. */
const alignment = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.abs(Array.from(a).reduce((sum, value, j) => sum + value * b[j], 0));

describe('PCA', () => {
  // A 5 × 3 matrix built as X = μ + Z·Qᵀ: the columns of Z are centred and orthogonal (squared
  // lengths 90, 16, 10), Q is orthogonal. So by hand: the axes are Q's columns, the variances
  // 90/4, 16/4, 10/4 (total 29), and the coordinates are Z's columns.
  const q = [[1, 2, 2], [2, 1, -2], [2, -2, 1]].map((column) => column.map((value) => value / 3));
  const z = [[6, 3, 0, -3, -6], [2, -2, 0, -2, 2], [1, -2, 0, 2, -1]];
  const mu = [1, -2, 5];
  const rows = z[0].map((_, i) => mu.map((m, j) => m + z.reduce((sum, column, k) => sum + column[i] * q[k][j], 0)));

  it('matches a hand computation on a 5 × 3 matrix with known eigenvectors (up to sign)', () => {
    for (const via of ['covariance', 'gram'] as const) {
      const result = pca(rows, 3, 3, { via });
      expect(Array.from(result.mean)).toEqual(mu.map((m) => expect.closeTo(m, 12)));
      result.axes.forEach((axis, k) => expect(alignment(axis, q[k])).toBeCloseTo(1, 10));
      expect(result.variances.map((v) => Number(v.toFixed(10)))).toEqual([22.5, 4, 2.5]);
      expect(result.totalVariance).toBeCloseTo(29, 10);
      expect(result.explained[0]).toBeCloseTo(22.5 / 29, 10);
      expect(result.explained.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      // The coordinates are Z's columns, up to each axis's sign.
      for (let k = 0; k < 3; k++) expect(alignment(result.projections.map((p) => p[k]), z[k]) / z[k].reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 10);
    }
  });

  it('matches the published reference (L. I. Smith, "A tutorial on PCA", 2002)', () => {
    const x = [2.5, 0.5, 2.2, 1.9, 3.1, 2.3, 2, 1, 1.5, 1.1];
    const y = [2.4, 0.7, 2.9, 2.2, 3.0, 2.7, 1.6, 1.1, 1.6, 0.9];
    const result = pca(x.map((value, i) => [value, y[i]]), 2);
    expect(result.variances[0]).toBeCloseTo(1.28402771, 8);
    expect(result.variances[1]).toBeCloseTo(0.0490833989, 8);
    expect(alignment(result.axes[0], [-0.677873399, -0.735178656])).toBeCloseTo(1, 8);
    expect(alignment(result.axes[1], [-0.735178656, 0.677873399])).toBeCloseTo(1, 8);
    // The sign convention: the largest coefficient is positive.
    expect(result.axes[0][1]).toBeGreaterThan(0);
    expect(result.explained[0] + result.explained[1]).toBeCloseTo(1, 12);
  });

  it('gives the same axes by the Gram (n < d) and covariance routes, and explained shares ≤ 1 in order', () => {
    const rng = mulberry32(7);
    const data = Array.from({ length: 12 }, () => Array.from({ length: 40 }, () => rng() * (rng() < 0.2 ? 5 : 1)));
    const gram = pca(data, 2, 40, { via: 'gram' });
    const covariance = pca(data, 2, 40, { via: 'covariance' });
    for (let k = 0; k < 2; k++) {
      expect(Math.max(...gram.axes[k].map((v, j) => Math.abs(v - covariance.axes[k][j])))).toBeLessThan(1e-8);
      expect(gram.variances[k]).toBeCloseTo(covariance.variances[k], 8);
    }
    expect(gram.explained[0]).toBeGreaterThanOrEqual(gram.explained[1]);
    expect(gram.explained[0] + gram.explained[1]).toBeLessThanOrEqual(1 + 1e-12);
    expect(alignment(gram.axes[0], gram.axes[1])).toBeLessThan(1e-10);
    // project and unproject are inverse on the plane.
    const coords = project(gram, data[3]);
    expect(coords[0]).toBeCloseTo(gram.projections[3][0], 10);
    expect(project(gram, unproject(gram, [1.5, -2]))).toEqual([expect.closeTo(1.5, 10), expect.closeTo(-2, 10)]);
  });

  it('is deterministic', () => {
    const rng = mulberry32(3);
    const data = Array.from({ length: 30 }, () => Array.from({ length: 8 }, () => rng()));
    expect(pca(data)).toEqual(pca(data));
  });

  it('gives no NaN for degenerate input: no rows, one row, identical rows, collinear rows', () => {
    const cases = [
      { rows: [] as number[][], d: 4 },
      { rows: [[1, 2, 3, 4]], d: 4 },
      { rows: [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], d: 4 },
      { rows: [[0, 0, 0, 0], [1, 2, 3, 4], [2, 4, 6, 8]], d: 4 },
      { rows: [[0, 0, 0, 0], [1, 2, 3, 4]], d: 4 },
    ];
    for (const { rows: data, d } of cases) {
      for (const via of ['covariance', 'gram'] as const) {
        const result = pca(data, 2, d, { via });
        const numbers = [...result.mean, ...result.axes.flatMap((a) => [...a]), ...result.variances, ...result.explained, result.totalVariance, ...result.projections.flat()];
        expect(numbers.every(Number.isFinite), JSON.stringify(data)).toBe(true);
        expect(result.axes).toHaveLength(2);
        expect(alignment(result.axes[0], result.axes[1])).toBeLessThan(1e-9);
        result.axes.forEach((axis) => expect(alignment(axis, axis)).toBeCloseTo(1, 10));
        expect(result.projections).toHaveLength(data.length);
      }
    }
    const collinear = pca(cases[3].rows, 2, 4);
    expect(collinear.explained[0]).toBeCloseTo(1, 12);
    expect(collinear.explained[1]).toBeCloseTo(0, 12);
    expect(pca([[5, 5]], 2).explained).toEqual([0, 0]);
  });

  it('symmetricEigen diagonalises a small symmetric matrix', () => {
    const { values, vectors } = symmetricEigen([[2, 1, 0], [1, 2, 0], [0, 0, 5]]);
    expect(values.map((v) => Number(v.toFixed(12)))).toEqual([5, 3, 1]);
    expect(alignment(vectors[1], [Math.SQRT1_2, Math.SQRT1_2, 0])).toBeCloseTo(1, 12);
  });

  it('symmetricEigen: A·v = λ·v with orthonormal vectors on a random 60 × 60 symmetric matrix', () => {
    const rng = mulberry32(5);
    const m = 60;
    const a = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    for (let i = 0; i < m; i++) for (let j = i; j < m; j++) a[i][j] = a[j][i] = rng() * 2 - 1;
    const { values, vectors } = symmetricEigen(a);
    let residual = 0;
    vectors.forEach((v, k) => a.forEach((row, i) => (residual = Math.max(residual, Math.abs(row.reduce((s, x, j) => s + x * v[j], 0) - values[k] * v[i])))));
    expect(residual).toBeLessThan(1e-12);
    for (let k = 0; k < m; k++) for (let l = k; l < m; l++) expect(alignment(vectors[k], vectors[l])).toBeCloseTo(k === l ? 1 : 0, 12);
    for (let k = 1; k < m; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    const trace = a.reduce((s, row, i) => s + row[i], 0);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
  });

  it('projects 1000 images of 256 values (its CPU time printed: a benchmark figure, not a verdict)', () => {
    const rng = mulberry32(11);
    const data = Array.from({ length: 1000 }, () => Float32Array.from({ length: 256 }, () => Math.max(0, rng() - 0.6) * 4));
    // CPU time, not wall time: other processes share this machine.
    const started = process.cpuUsage();
    const result = pca(data, 2);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    console.log(`PCA of 1000 × 256: ${ms.toFixed(0)} ms of CPU`);
    expect(result.projections).toHaveLength(1000);
    expect(result.projections.every((p) => p.every(Number.isFinite))).toBe(true);
  });
});
