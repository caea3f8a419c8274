import { describe, expect, it } from 'vitest';
import { averagePool } from './averagePool';

/** A grid × grid × channels embedding (row-major, channels last) from a function of the cell. */
function embedding(grid: number, channels: number, value: (y: number, x: number, c: number) => number): Float64Array {
  const out = new Float64Array(grid * grid * channels);
  for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) for (let c = 0; c < channels; c++) out[(y * grid + x) * channels + c] = value(y, x, c);
  return out;
}

describe('averagePool', () => {
  it('with window = grid is the mean of every cell, per channel', () => {
    const pooled = averagePool(embedding(7, 3, (y, x, c) => (c === 0 ? 1 : c === 1 ? 7 * y + x : y === 3 && x === 3 ? 49 : 0)), 3, 7, (n) => new Float64Array(n));
    expect(Array.from(pooled)).toEqual([1, 24, 1]);
  });

  it("drops the cells past the last whole window, as Keras's 'valid' pooling does", () => {
    // 5 × 5, windows of 2: the 2 × 2 windows of the top-left 4 × 4 cells; row and column 4 unused
    const pooled = averagePool(embedding(5, 1, (y, x) => (y === 4 || x === 4 ? 1000 : 5 * y + x)), 1, 2, (n) => new Float32Array(n));
    expect(pooled).toBeInstanceOf(Float32Array);
    expect(Array.from(pooled)).toEqual([3, 5, 13, 15]);
  });
});
