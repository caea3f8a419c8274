/** The diverging colour scale of TF Playground: orange for −1, white for 0, blue for +1. */
const NEGATIVE = [245, 147, 34];
const ZERO = [232, 234, 235];
const POSITIVE = [8, 119, 189];

/** RGB for a value in [−1, 1] (clamped). */
export function colorOf(value: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const s = Math.abs(t);
  return [0, 1, 2].map((k) => Math.round(ZERO[k] + (end[k] - ZERO[k]) * s)) as [number, number, number];
}

export function cssColorOf(value: number): string {
  const [r, g, b] = colorOf(value);
  return `rgb(${r},${g},${b})`;
}

/** 256-entry lookup table over [−1, 1], RGBA, for fast heatmap drawing. */
export const COLOR_TABLE: Uint8ClampedArray = (() => {
  const table = new Uint8ClampedArray(256 * 4);
  for (let k = 0; k < 256; k++) {
    const [r, g, b] = colorOf((k / 255) * 2 - 1);
    table.set([r, g, b, 255], k * 4);
  }
  return table;
})();

/** Fills RGBA pixels from values in [−1, 1]; `discretize` maps each value to its sign. */
export function paintValues(values: Float32Array, offset: number, count: number, pixels: Uint8ClampedArray, discretize = false): void {
  for (let n = 0; n < count; n++) {
    let v = values[offset + n];
    if (discretize) v = v >= 0 ? 1 : -1;
    const k = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255))) * 4;
    pixels[n * 4] = COLOR_TABLE[k];
    pixels[n * 4 + 1] = COLOR_TABLE[k + 1];
    pixels[n * 4 + 2] = COLOR_TABLE[k + 2];
    pixels[n * 4 + 3] = 255;
  }
}
