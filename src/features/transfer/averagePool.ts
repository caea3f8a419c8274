/**
 * Average pooling of one embedding in plain arrays (no tensors): the pooling the default head's
 * first layers do, for the code that works on a few photos' values at a time (instant predictions,
 * the embedding map). The head's own training pools through its tfjs layers (worker/pooled.ts).
 */

/**
 * An embedding (row-major [grid, grid, channels], grid² = length / channels) averaged over
 * window × window cells with stride `window` ('valid', as Keras pools: cells past the last whole
 * window are left out), written into `out` flattened as Keras flattens [windows, windows, channels]:
 * out[(wy · windows + wx) · channels + c]. window = grid: the global average (one value per channel).
 */
export function averagePool<T extends Float32Array | Float64Array>(embedding: ArrayLike<number>, channels: number, window: number, out: (length: number) => T): T {
  const grid = Math.round(Math.sqrt(embedding.length / channels));
  const windows = Math.floor(grid / window);
  const pooled = out(windows * windows * channels);
  const cells = window * window;
  for (let wy = 0; wy < windows; wy++) {
    for (let wx = 0; wx < windows; wx++) {
      const at = (wy * windows + wx) * channels;
      for (let y = wy * window; y < (wy + 1) * window; y++) {
        for (let x = wx * window; x < (wx + 1) * window; x++) {
          const cell = (y * grid + x) * channels;
          for (let c = 0; c < channels; c++) pooled[at + c] += embedding[cell + c];
        }
      }
      for (let c = 0; c < channels; c++) pooled[at + c] /= cells;
    }
  }
  return pooled;
}
