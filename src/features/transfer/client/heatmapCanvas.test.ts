import { describe, expect, it } from 'vitest';
import { colourAt, composite, mapStats, stretch, upsample, COLOUR_STOPS } from './heatmapCanvas';

describe('heatmap drawing', () => {
  it('upsamples bilinearly between cell centres, holding the edges', () => {
    // 2 × 2 → 4 × 4: cell centres sit at pixels 0.5 and 2.5 (in map units 0 and 1).
    const out = upsample([0, 1, 2, 3], 2, 4);
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(out.slice(12, 16))).toEqual([2, 2.25, 2.75, 3]);
    expect(Array.from(upsample([0.5], 1, 3))).toEqual(Array(9).fill(0.5));
  });

  it('colours: the stops exactly, clamped outside [0, 1], NaN as 0', () => {
    for (const [v, r, g, b] of COLOUR_STOPS) expect(colourAt(v)).toEqual([r, g, b]);
    expect(colourAt(-1)).toEqual(colourAt(0));
    expect(colourAt(2)).toEqual(colourAt(1));
    expect(colourAt(Number.NaN)).toEqual(colourAt(0));
  });

  it('statistics and stretching', () => {
    expect(mapStats([0, 1, 0, 1])).toEqual({ min: 0, max: 1, mean: 0.5, std: 0.5 });
    expect(mapStats([0.2, 0.2]).std).toBeCloseTo(0, 12);
    expect(Array.from(stretch(new Float32Array([0, 0.5, 0.25, 0.5]), 0.5))).toEqual([0, 1, 0.5, 1]);
    expect(Array.from(stretch(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('composites the map over the image (opaque pixels), or alone', () => {
    const image = new Uint8Array([10, 20, 30]);
    const over = composite(new Float32Array([1]), 1, 0, image);
    expect(Array.from(over)).toEqual([10, 20, 30, 255]);
    const [r, g, b] = colourAt(1);
    expect(Array.from(composite(new Float32Array([1]), 1, 1, image))).toEqual([r, g, b, 255]);
    expect(Array.from(composite(new Float32Array([1]), 1, 0.3))).toEqual([r, g, b, 255]);
  });
});
