/** The performance chart (docs/performance.svg) from a bench JSON fixture. */
import { describe, expect, it } from 'vitest';
import { buildAccuracyChart, buildChart } from './perfChart.mjs';

const BENCH = {
  'transfer.backend': 'wasm',
  'transfer.headTrainSeconds': 2,
  'transfer.totalSecondsToModel': 10,
  'transfer.heldOutAccuracy': 0.95,
  'transfer.heldOutAccuracyRuns': [0.94, 0.95, 0.96],
  'transfer.trainFps': 59.8,
  'transfer.trainLongTasks': 0,
  'tm.backend': 'webgl',
  'tm.embedSeconds': 45,
  'tm.trainSeconds': 150,
  'tm.totalSeconds': 195,
  'tm.heldOutAccuracy': 0.5,
  'tm.heldOutAccuracyRuns': [0.48, 0.5, 0.55],
  'tm.fps': 45,
  'tm.longTasks': 250,
  'compare.speedupVsTm': 19.5,
  setup: { classes: 10, trainPerClass: 30, testPerClass: 20, epochs: 50, testImages: 200 },
  browser: 'chromium 156.0.1',
  date: '2026-11-29T10:00:00.000Z',
};

/** Widths of the bars (rects with a fill that is not white), in document order. */
const barWidths = (svg: string) => [...svg.matchAll(/<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="24" fill="#(?!fff)/g)].map((m) => Number(m[1]));

describe('buildChart', () => {
  it('draws one well-formed SVG with the figures, the names and the date', () => {
    const svg = buildChart(BENCH);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const text of ['10.0 s', '195.0 s', 'ours 19.5× faster', 'median 0.950', 'median 0.500', '59.8 fps, 0 long tasks', '45.0 fps, 250 long tasks', 'Neural Playground (wasm)', 'Teachable Machine (webgl)', '2026-11-29', 'target: theirs + 0.03', 'target 55', '200 photos']) {
      expect(svg).toContain(text);
    }
  });

  it('sizes the bars in proportion to the values', () => {
    const [oursIn, oursTrain, theirsIn, theirsTrain, oursAccuracy, theirsAccuracy, oursFps, theirsFps] = barWidths(buildChart(BENCH));
    expect(oursIn / oursTrain).toBeCloseTo(8 / 2, 1);
    expect((theirsIn + theirsTrain) / (oursIn + oursTrain)).toBeCloseTo(19.5, 0);
    expect(theirsIn / theirsTrain).toBeCloseTo(45 / 150, 2); // total − training : training
    expect(oursAccuracy / theirsAccuracy).toBeCloseTo(0.95 / 0.5, 2);
    expect(oursFps / theirsFps).toBeCloseTo(59.8 / 45, 2);
  });

  it('draws each accuracy run as a dot and says "slower" when ours is', () => {
    const svg = buildChart({ ...BENCH, 'compare.speedupVsTm': 0.5 });
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain('ours 2.0× slower');
  });

  it('escapes text from the JSON', () => {
    expect(buildChart({ ...BENCH, browser: 'a <b> & "c"' })).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
  });
});

describe('buildAccuracyChart', () => {
  it("draws ours and theirs for each run, an alternative head's run without theirs, bars in proportion", () => {
    const grocery = { ...BENCH, 'transfer.dataset': 'grocery-store', 'transfer.base': 'mobilenet_v2_0.35', 'tm.base': 'v2-0.35', 'transfer.heldOutAccuracy': 0.9, 'tm.heldOutAccuracy': 0.6 };
    const alternative = { ...grocery, 'transfer.headOverrides': { units: 100 }, 'transfer.heldOutAccuracy': 0.8, 'tm.heldOutAccuracy': undefined };
    const svg = buildAccuracyChart([BENCH, grocery, alternative]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const text of ['sign-language-digits, 30/class: ours, default head', 'grocery-store, 30/class: Teachable Machine', 'grocery-store, 30/class: ours, alternative head', '0.900 (mobilenet_v2_0.35)', '0.600 (v2-0.35)']) expect(svg).toContain(text);
    const widths = barWidths(svg);
    expect(widths).toHaveLength(5);
    expect(widths[0] / widths[1]).toBeCloseTo(0.95 / 0.5, 2);
    expect(widths[2] / widths[3]).toBeCloseTo(0.9 / 0.6, 2);
    expect(widths[4] / widths[2]).toBeCloseTo(0.8 / 0.9, 2);
  });
});
