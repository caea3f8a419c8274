/**
 * Principal component analysis (PCA) in plain TypeScript: no DOM, no tfjs. For n rows xᵢ ∈ ℝᵈ:
 * centre them (xᵢ − μ), then find the k directions u₁ … u_k (unit, orthogonal) along which the
 * centred rows vary most: the top eigenvectors of the covariance C = XᵀX / (n − 1).
 *
 * The eigenvectors come from an eigen-decomposition of the smaller of XᵀX (d × d) and the Gram
 * matrix XXᵀ (n × n): both have the same non-zero eigenvalues, and an eigenvector v of XXᵀ gives
 * the axis u = Xᵀv / ‖Xᵀv‖. Deterministic: each axis's largest-magnitude coefficient is positive.
 */

export interface Pca {
  /** μ: the mean of the rows (length d) */
  mean: Float64Array;
  /** u₁ … u_k: the principal axes, unit length and orthogonal, in order of decreasing variance */
  axes: Float64Array[];
  /** λ_k = Σᵢ ((xᵢ − μ)·u_k)² / (n − 1): the variance of the rows along each axis (0 for n < 2) */
  variances: number[];
  /** tr C: the total variance, summed over all d coordinates */
  totalVariance: number;
  /** λ_k / tr C: the share of the total variance along each axis (0 when the total is 0) */
  explained: number[];
  /** each row's coordinates on the axes: [(xᵢ − μ)·u₁, …] */
  projections: number[][];
}

export interface PcaOptions {
  /** force the d × d (covariance) or n × n (Gram) route; by default the smaller */
  via?: 'covariance' | 'gram';
}

/**
 * The first `components` principal axes of the rows. `dimension` is d when there are no rows.
 * Never NaN: with fewer than 2 distinct rows the variances are 0 and the axes are completed from
 * the coordinate axes.
 */
export function pca(rows: ArrayLike<number>[], components = 2, dimension = rows[0]?.length ?? 0, options: PcaOptions = {}): Pca {
  const n = rows.length;
  const d = dimension;
  const k = Math.min(components, d);
  const { centred, mean } = centre(rows, d);
  let totalVariance = 0;
  for (let p = 0; p < centred.length; p++) totalVariance += centred[p] * centred[p];
  totalVariance = n > 1 ? totalVariance / (n - 1) : 0;

  let axes: Float64Array[] = [];
  if (totalVariance > 0 && k > 0) {
    const via = options.via ?? (n < d ? 'gram' : 'covariance');
    if (via === 'covariance') {
      axes = topEigenvectors(crossProduct(centred, n, d, 'columns'), d, k);
    } else {
      const vectors = topEigenvectors(crossProduct(centred, n, d, 'rows'), n, Math.min(k, n));
      axes = orthonormalise(vectors.map((v) => transposeTimes(centred, n, d, v)), d);
    }
  }
  axes = completeBasis(axes, d, k);
  axes.forEach(fixSign);

  const projections = Array.from({ length: n }, (_, i) => axes.map((axis) => dot(centred, i * d, axis, d)));
  const variances = axes.map((_, a) => (n > 1 ? projections.reduce((sum, coords) => sum + coords[a] * coords[a], 0) / (n - 1) : 0));
  const explained = variances.map((variance) => (totalVariance > 0 ? variance / totalVariance : 0));
  return { mean, axes, variances, totalVariance, explained, projections };
}

/** A point's coordinates on the axes: (x − μ)·u_k. */
export function project(result: Pca, x: ArrayLike<number>): number[] {
  return result.axes.map((axis) => {
    let sum = 0;
    for (let j = 0; j < axis.length; j++) sum += (x[j] - result.mean[j]) * axis[j];
    return sum;
  });
}

/** The point of ℝᵈ at these coordinates in the plane of the axes: μ + Σ c_k·u_k. */
export function unproject(result: Pca, coordinates: number[], into = new Float64Array(result.mean.length)): Float64Array {
  into.set(result.mean);
  result.axes.forEach((axis, a) => {
    const c = coordinates[a] ?? 0;
    for (let j = 0; j < axis.length; j++) into[j] += c * axis[j];
  });
  return into;
}

/** X = rows − μ, row-major n × d, and μ. */
function centre(rows: ArrayLike<number>[], d: number): { centred: Float64Array; mean: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(d);
  const centred = new Float64Array(n * d);
  // Identical rows: exactly no variance (a computed mean could differ from them by rounding).
  if (rows.every((row) => Array.prototype.every.call(row, (value: number, j: number) => value === rows[0][j]))) {
    if (n > 0) mean.set(Array.from({ length: d }, (_, j) => rows[0][j]));
    return { centred, mean };
  }
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += row[j] / n;
  rows.forEach((row, i) => {
    for (let j = 0; j < d; j++) centred[i * d + j] = row[j] - mean[j];
  });
  return { centred, mean };
}

/** XᵀX (d × d, `columns`) or XXᵀ (n × n, `rows`), row-major; symmetric, so one triangle is computed. */
function crossProduct(x: Float64Array, n: number, d: number, of: 'columns' | 'rows'): Float64Array {
  const m = of === 'columns' ? d : n;
  const s = new Float64Array(m * m);
  if (of === 'rows') {
    for (let a = 0; a < n; a++) for (let b = a; b < n; b++) s[a * m + b] = s[b * m + a] = dotRows(x, a * d, b * d, d);
    return s;
  }
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let a = 0; a < d; a++) {
      const xa = x[row + a];
      if (xa === 0) continue;
      for (let b = a; b < d; b++) s[a * m + b] += xa * x[row + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) s[b * m + a] = s[a * m + b];
  return s;
}

/** The top k eigenvectors of a symmetric m × m matrix (row-major), in order of decreasing eigenvalue. */
function topEigenvectors(s: Float64Array, m: number, k: number): Float64Array[] {
  const rows = Array.from({ length: m }, (_, r) => s.slice(r * m, (r + 1) * m));
  const { vectors } = symmetricEigen(rows);
  return vectors.slice(0, k).map((vector) => Float64Array.from(vector));
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix, in order of decreasing eigenvalue
 * (vectors[a] belongs to values[a]): Householder reduction to tridiagonal form, then the QL
 * algorithm with implicit shifts (tred2 and tql2 of the public-domain JAMA library, after
 * EISPACK). O(m³), exact up to rounding, whatever the gaps between the eigenvalues.
 */
export function symmetricEigen(matrix: ArrayLike<number>[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const v = matrix.map((row) => Float64Array.from(row));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: [], vectors: [] };
  tridiagonalise(v, d, e);
  // Qᵀ: the QL steps rotate pairs of Q's columns, which are rows here (contiguous in memory).
  const w = v.map((_, i) => Float64Array.from(v, (row) => row[i]));
  diagonalise(w, d, e);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j] - d[i]);
  return { values: order.map((i) => d[i]), vectors: order.map((i) => Array.from(w[i])) };
}

/** tred2: V ← the orthogonal Q with QᵀAQ tridiagonal; d ← its diagonal, e ← its sub-diagonal. */
function tridiagonalise(v: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = v.length;
  for (let j = 0; j < n; j++) d[j] = v[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[i - 1][j];
        v[i][j] = 0;
        v[j][i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j][i] = f;
        g = e[j] + v[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k][j] * d[k];
          e[k] += v[k][j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k][j] -= f * e[k] + g * d[k];
        d[j] = v[i - 1][j];
        v[i][j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    v[n - 1][i] = v[i][i];
    v[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k][i + 1] * v[k][j];
        for (let k = 0; k <= i; k++) v[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[n - 1][j];
    v[n - 1][j] = 0;
  }
  v[n - 1][n - 1] = 1;
  e[0] = 0;
}

/** tql2: diagonalises the tridiagonal (d, e) by QL steps, rotating the rows of W = Qᵀ along; d ← the eigenvalues, W's rows ← the eigenvectors. */
function diagonalise(w: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = w.length;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      for (let iteration = 0; iteration < 60 && Math.abs(e[l]) > eps * tst1; iteration++) {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const wi = w[i];
          const wNext = w[i + 1];
          for (let k = 0; k < n; k++) {
            h = wNext[k];
            wNext[k] = s * wi[k] + c * h;
            wi[k] = c * wi[k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Modified Gram–Schmidt. A vector that vanishes (the data has fewer independent directions than
 * asked for) is replaced by the next coordinate axis orthogonal to the ones before.
 */
function orthonormalise(vectors: Float64Array[], m: number): Float64Array[] {
  const scale = Math.max(...vectors.map((vector) => Math.sqrt(dotRows2(vector, vector))));
  const done: Float64Array[] = [];
  for (const vector of vectors) {
    const u = Float64Array.from(vector);
    for (const previous of done) axpy(u, -dotRows2(u, previous), previous);
    const norm = Math.sqrt(dotRows2(u, u));
    if (norm > 1e-10 * scale && norm > 0) done.push(u.map((value) => value / norm));
    else done.push(...completeBasis(done, m, done.length + 1).slice(done.length));
  }
  return done;
}

/** The axes, completed to k with coordinate axes e₀, e₁, … made orthogonal to those before. */
function completeBasis(axes: Float64Array[], d: number, k: number): Float64Array[] {
  const basis = [...axes];
  for (let j = 0; j < d && basis.length < k; j++) {
    const u = new Float64Array(d);
    u[j] = 1;
    for (const previous of basis) axpy(u, -previous[j], previous);
    const norm = Math.sqrt(dotRows2(u, u));
    if (norm > 1e-6) basis.push(u.map((value) => value / norm));
  }
  return basis;
}

/** Makes the coefficient of largest magnitude positive (the first such, on ties), in place. */
function fixSign(axis: Float64Array): void {
  let largest = 0;
  for (let j = 1; j < axis.length; j++) if (Math.abs(axis[j]) > Math.abs(axis[largest]) + 1e-12) largest = j;
  if (axis[largest] < 0) for (let j = 0; j < axis.length; j++) axis[j] = -axis[j];
}

/** Xᵀv (length √λ): along the axis in ℝᵈ of an eigenvector v of XXᵀ. */
function transposeTimes(x: Float64Array, n: number, d: number, v: Float64Array): Float64Array {
  const u = new Float64Array(d);
  for (let i = 0; i < n; i++) axpy(u, v[i], x.subarray(i * d, (i + 1) * d));
  return u;
}

/** y ← y + a·x */
function axpy(y: Float64Array, a: number, x: ArrayLike<number>): void {
  for (let j = 0; j < y.length; j++) y[j] += a * x[j];
}

function dot(matrix: Float64Array, offset: number, v: ArrayLike<number>, length: number): number {
  let sum = 0;
  for (let j = 0; j < length; j++) sum += matrix[offset + j] * v[j];
  return sum;
}

function dotRows(x: Float64Array, a: number, b: number, length: number): number {
  let sum = 0;
  for (let j = 0; j < length; j++) sum += x[a + j] * x[b + j];
  return sum;
}

function dotRows2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}
