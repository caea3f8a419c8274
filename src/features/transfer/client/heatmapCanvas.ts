/**
 * Drawing Grad-CAM and saliency maps: bilinear upsampling of a small map to the image, a colour
 * scale, statistics for the test ids, and the canvas painting. Pure except `paint`.
 */

/** The colour scale's stops (value, r, g, b): dark blue → blue → cyan → yellow → red, as in the Grad-CAM paper's figures. */
export const COLOUR_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 0, 128],
  [0.25, 0, 64, 255],
  [0.5, 0, 224, 224],
  [0.75, 255, 224, 0],
  [1, 220, 0, 0],
];

/** The colour scale at v in [0, 1] (clamped), as [r, g, b]. */
export function colourAt(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  const k = Math.min(COLOUR_STOPS.length - 2, Math.floor(x * (COLOUR_STOPS.length - 1)));
  const [v0, ...c0] = COLOUR_STOPS[k];
  const [v1, ...c1] = COLOUR_STOPS[k + 1];
  const t = (x - v0) / (v1 - v0);
  return [0, 1, 2].map((i) => Math.round(c0[i] + t * (c1[i] - c0[i]))) as [number, number, number];
}

/** The scale as a CSS gradient, for the legend. */
export const COLOUR_GRADIENT = `linear-gradient(to right, ${COLOUR_STOPS.map(([v, r, g, b]) => `rgb(${r} ${g} ${b}) ${v * 100}%`).join(', ')})`;

/**
 * A square map [n × n] upsampled to [size × size] by bilinear interpolation between cell centres
 * (edges held), row-major.
 */
export function upsample(map: ArrayLike<number>, n: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  const at = (p: number) => {
    const c = Math.min(n - 1, Math.max(0, ((p + 0.5) * n) / size - 0.5));
    const i = Math.min(n - 2, Math.floor(c));
    return n === 1 ? ([0, 0, 0] as const) : ([i, i + 1, c - i] as const);
  };
  for (let y = 0; y < size; y++) {
    const [y0, y1, fy] = at(y);
    for (let x = 0; x < size; x++) {
      const [x0, x1, fx] = at(x);
      const top = map[y0 * n + x0] * (1 - fx) + map[y0 * n + x1] * fx;
      const bottom = map[y1 * n + x0] * (1 - fx) + map[y1 * n + x1] * fx;
      out[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

export interface MapStats {
  min: number;
  max: number;
  mean: number;
  /** standard deviation of the values (0: uniform) */
  std: number;
}

export function mapStats(map: ArrayLike<number>): MapStats {
  let [min, max, sum, squares] = [Infinity, -Infinity, 0, 0];
  for (let k = 0; k < map.length; k++) {
    const v = map[k];
    [min, max, sum, squares] = [Math.min(min, v), Math.max(max, v), sum + v, squares + v * v];
  }
  const mean = sum / Math.max(1, map.length);
  return { min, max, mean, std: Math.sqrt(Math.max(0, squares / Math.max(1, map.length) - mean * mean)) };
}

/**
 * RGBA pixels [size × size × 4]: the image (RGB, size²) under the map coloured with opacity
 * `opacity`·v (stronger where the map is higher), or the map alone on black without an image.
 */
export function composite(map: Float32Array, size: number, opacity: number, image?: Uint8Array): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const [r, g, b] = colourAt(map[p]);
    const alpha = image ? opacity * (0.35 + 0.65 * map[p]) : 1;
    const under = image ? [image[p * 3], image[p * 3 + 1], image[p * 3 + 2]] : [0, 0, 0];
    pixels[p * 4] = under[0] * (1 - alpha) + r * alpha;
    pixels[p * 4 + 1] = under[1] * (1 - alpha) + g * alpha;
    pixels[p * 4 + 2] = under[2] * (1 - alpha) + b * alpha;
    pixels[p * 4 + 3] = 255;
  }
  return pixels;
}

/** Paints RGBA pixels [size × size × 4] onto a canvas of that size. */
export function paint(canvas: HTMLCanvasElement, pixels: Uint8ClampedArray, size: number): void {
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  if (!context) return;
  const data = context.createImageData(size, size);
  data.data.set(pixels);
  context.putImageData(data, 0, 0);
}

/** The map divided by its q-quantile and clipped to 1: a spiky map (saliency) becomes visible. */
export function stretch(map: Float32Array, q = 0.99): Float32Array {
  const sorted = Float32Array.from(map).sort();
  const top = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return top > 0 ? map.map((v) => Math.min(1, v / top)) : map.slice();
}
