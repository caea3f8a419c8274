#!/usr/bin/env node
// @ts-check
/**
 * Draws docs/performance.svg from the bench JSON (`npm run bench -- --out docs/bench-latest.json`):
 * ours vs Teachable Machine's library, three panels of bars — time from photos to a trained model
 * (median total, split into training (median) and the rest: photos in + embedding), held-out accuracy (median, with each run as a
 * dot) and frames per second while training (with the long-task count). Targets are dashed lines.
 *
 *   node scripts/perfChart.mjs [bench.json] [out.svg]     (defaults: docs/bench-latest.json, docs/performance.svg)
 *
 *   node scripts/perfChart.mjs --accuracy out.svg a.json b.json …   held-out accuracy of several bench runs
 *                                     (photo sets, heads, Teachable Machine's bases) side by side
 *
 * `buildChart` and `buildAccuracyChart` are pure (tested in perfChart.test.ts); only the command line reads and writes files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const WIDTH = 760;
const LABEL_WIDTH = 190;
const BAR_WIDTH = 440;
const BAR_HEIGHT = 24;
const PANEL_HEIGHT = 118;
/** top of the first panel, below the title lines */
const TOP = 58;
const COLORS = { ours: '#1a73e8', oursLight: '#8ab4f8', theirs: '#e8710a', theirsLight: '#fbbc8c', target: '#5f6368', text: '#202124' };

/** @param {string} text */
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** @param {number} ratio  their time / ours */
const speedup = (ratio) => (ratio >= 1 ? `ours ${fixed(ratio)}× faster` : `ours ${fixed(1 / ratio)}× slower`);
/** @param {number} x */
const fixed = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/**
 * @param {number} x  left of the bar area
 * @param {number} y  top of the bar
 * @param {{ value: number, color: string }[]} segments  stacked left to right
 * @param {number} max  the value at the right edge
 */
function bar(x, y, segments, max) {
  let left = x;
  return segments
    .map(({ value, color }) => {
      const width = Math.max(0, (Math.max(0, value) / max) * BAR_WIDTH);
      const rect = `<rect x="${left.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"/>`;
      left += width;
      return rect;
    })
    .join('');
}

/**
 * A dashed vertical line at `value` with its label above the panel's bars.
 * @param {number} x  left of the bar area
 * @param {number} top  top of the first bar
 * @param {number} value
 * @param {number} max  the value at the right edge
 * @param {string} label
 */
function target(x, top, value, max, label) {
  const at = (x + (value / max) * BAR_WIDTH).toFixed(1);
  return `<line x1="${at}" y1="${top - 4}" x2="${at}" y2="${top + 2 * BAR_HEIGHT + 12}" stroke="${COLORS.target}" stroke-dasharray="4 3"/>` +
    `<text x="${at}" y="${top - 7}" text-anchor="middle" font-size="11" fill="${COLORS.target}">${escape(label)}</text>`;
}

/**
 * One panel: a title, then ours and theirs as bars with a value label.
 * @param {number} top
 * @param {string} title
 * @param {{ label: string, segments: { value: number, color: string }[], text: string, dots?: number[], dotColor?: string }[]} rows
 * @param {number} max
 * @param {string} extra  more SVG inside the panel, drawn first (a target line)
 */
function panel(top, title, rows, max, extra = '') {
  const x = LABEL_WIDTH;
  const parts = [`<text x="12" y="${top + 14}" font-size="14" font-weight="600" fill="${COLORS.text}">${escape(title)}</text>`];
  rows.forEach((row, index) => {
    const y = top + 34 + index * (BAR_HEIGHT + 10);
    const length = row.segments.reduce((sum, s) => sum + Math.max(0, s.value), 0);
    parts.push(`<text x="${x - 8}" y="${y + 16}" text-anchor="end" font-size="12" fill="${COLORS.text}">${escape(row.label)}</text>`);
    parts.push(bar(x, y, row.segments, max));
    const end = Math.max(length, ...(row.dots ?? []));
    parts.push(`<text x="${(x + Math.min(1, end / max) * BAR_WIDTH + 8).toFixed(1)}" y="${y + 16}" font-size="12" fill="${COLORS.text}" stroke="#fff" stroke-width="3" paint-order="stroke">${escape(row.text)}</text>`);
    for (const dot of row.dots ?? []) {
      parts.push(`<circle cx="${(x + (dot / max) * BAR_WIDTH).toFixed(1)}" cy="${y + BAR_HEIGHT / 2}" r="3.5" fill="#fff" stroke="${row.dotColor ?? COLORS.text}" stroke-width="1.5"/>`);
    }
  });
  return extra + parts.join('');
}

/**
 * The SVG (a string) for one bench result.
 * @param {Record<string, any>} bench  the bench JSON (needs the transfer.* and tm.* keys)
 * @returns {string}
 */
export function buildChart(bench) {
  const oursName = `Neural Playground (${bench['transfer.backend']})`;
  const theirsName = `Teachable Machine (${bench['tm.backend']})`;
  const oursTrain = bench['transfer.headTrainSeconds'];
  const oursTotal = bench['transfer.totalSecondsToModel'];
  const theirsTrain = bench['tm.trainSeconds'];
  const theirsTotal = bench['tm.totalSeconds'];
  const timeMax = Math.max(oursTotal, theirsTotal) * 1.25 || 1;
  const panels = [
    panel(TOP, `Photos → trained model, seconds (lower is better): ${speedup(bench['compare.speedupVsTm'])}`, [
      { label: oursName, segments: [{ value: oursTotal - oursTrain, color: COLORS.oursLight }, { value: oursTrain, color: COLORS.ours }], text: `${fixed(oursTotal)} s` },
      { label: theirsName, segments: [{ value: theirsTotal - theirsTrain, color: COLORS.theirsLight }, { value: theirsTrain, color: COLORS.theirs }], text: `${fixed(theirsTotal)} s` },
    ], timeMax),
    panel(TOP + PANEL_HEIGHT, `Held-out accuracy, ${bench.setup?.testImages ?? ''} photos (median; dots: each run)`, [
      { label: oursName, segments: [{ value: bench['transfer.heldOutAccuracy'], color: COLORS.ours }], text: `median ${fixed(bench['transfer.heldOutAccuracy'], 3)}`, dots: bench['transfer.heldOutAccuracyRuns'] },
      { label: theirsName, segments: [{ value: bench['tm.heldOutAccuracy'], color: COLORS.theirs }], text: `median ${fixed(bench['tm.heldOutAccuracy'], 3)}`, dots: bench['tm.heldOutAccuracyRuns'] },
    ], 1.2, target(LABEL_WIDTH, TOP + PANEL_HEIGHT + 34, Math.min(1.2, bench['tm.heldOutAccuracy'] + 0.03), 1.2, 'target: theirs + 0.03')),
    panel(TOP + 2 * PANEL_HEIGHT, 'Frames per second while training (higher is better)', [
      { label: oursName, segments: [{ value: bench['transfer.trainFps'], color: COLORS.ours }], text: `${fixed(bench['transfer.trainFps'])} fps, ${bench['transfer.trainLongTasks']} long tasks` },
      { label: theirsName, segments: [{ value: bench['tm.fps'], color: COLORS.theirs }], text: `${fixed(bench['tm.fps'])} fps, ${bench['tm.longTasks']} long tasks` },
    ], 80, target(LABEL_WIDTH, TOP + 2 * PANEL_HEIGHT + 34, 55, 80, 'target 55')),
  ];
  const height = TOP + 3 * PANEL_HEIGHT + 20;
  const legend = `<rect x="${LABEL_WIDTH}" y="${height - 22}" width="12" height="12" fill="${COLORS.oursLight}"/><rect x="${LABEL_WIDTH + 14}" y="${height - 22}" width="12" height="12" fill="${COLORS.theirsLight}"/>` +
    `<text x="${LABEL_WIDTH + 32}" y="${height - 12}" font-size="11" fill="${COLORS.text}">photos in + embedding</text>` +
    `<rect x="${LABEL_WIDTH + 170}" y="${height - 22}" width="12" height="12" fill="${COLORS.ours}"/><rect x="${LABEL_WIDTH + 184}" y="${height - 22}" width="12" height="12" fill="${COLORS.theirs}"/>` +
    `<text x="${LABEL_WIDTH + 202}" y="${height - 12}" font-size="11" fill="${COLORS.text}">training</text>`;
  const subtitle = `${setLabel(bench)}: ${bench.setup?.classes ?? '?'} classes × ${bench.setup?.trainPerClass ?? '?'} photos, ${bench.setup?.epochs ?? '?'} epochs · ours on ${bench['transfer.base'] ?? '?'}, theirs on ${bench['tm.base'] ?? '?'} · ${bench.browser ?? ''} · ${String(bench.date ?? '').slice(0, 10)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" role="img" aria-label="Neural Playground vs Teachable Machine">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="700" fill="${COLORS.text}">Neural Playground vs Teachable Machine, same photos, each on its default base</text>`,
    `<text x="12" y="40" font-size="11" fill="${COLORS.target}">${escape(subtitle)}</text>`,
    ...panels,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

/** @param {Record<string, any>} bench */
const setLabel = (bench) => bench['transfer.dataset'] ?? 'sign-language-digits';

/**
 * Held-out accuracy of several bench runs side by side: per run, ours (its head: the default, or the
 * settings it replaced) and, when the run has them, Teachable Machine's on its base; each median a bar,
 * each run a dot, with the accuracy target (theirs + 0.03) of each photo set's run as a tick.
 * @param {Record<string, any>[]} benches
 * @returns {string}
 */
export function buildAccuracyChart(benches) {
  /** @type {{ label: string, segments: { value: number, color: string }[], text: string, dots?: number[], dotColor?: string }[]} */
  const rows = [];
  for (const bench of benches) {
    const set = `${setLabel(bench)}, ${bench.setup?.trainPerClass ?? '?'}/class`;
    const head = bench['transfer.headOverrides'] ? 'alternative head' : 'default head';
    rows.push({ label: `${set}: ours, ${head}`, segments: [{ value: bench['transfer.heldOutAccuracy'], color: bench['transfer.headOverrides'] ? COLORS.oursLight : COLORS.ours }], text: `${fixed(bench['transfer.heldOutAccuracy'], 3)} (${bench['transfer.base'] ?? '?'})`, dots: bench['transfer.heldOutAccuracyRuns'] });
    if (bench['tm.heldOutAccuracy'] !== undefined) {
      rows.push({ label: `${set}: Teachable Machine`, segments: [{ value: bench['tm.heldOutAccuracy'], color: bench['tm.base'] === 'v1-0.25' ? COLORS.theirsLight : COLORS.theirs }], text: `${fixed(bench['tm.heldOutAccuracy'], 3)} (${bench['tm.base'] ?? '?'})`, dots: bench['tm.heldOutAccuracyRuns'] });
    }
  }
  const height = TOP + 34 + rows.length * (BAR_HEIGHT + 10) + 10;
  const dates = [...new Set(benches.map((bench) => String(bench.date ?? '').slice(0, 10)))].join(', ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH + 160}" height="${height}" viewBox="0 0 ${WIDTH + 160} ${height}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" role="img" aria-label="Held-out accuracy on each photo set">`,
    `<rect width="${WIDTH + 160}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="700" fill="${COLORS.text}">Held-out accuracy on each photo set: Neural Playground vs Teachable Machine</text>`,
    `<text x="12" y="40" font-size="11" fill="${COLORS.target}">${escape(`20 held-out photos per class; bars: medians, dots: runs; dark orange: Teachable Machine on v2 0.35 (its web app's base), light: on v1 0.25 · ${dates}`)}</text>`,
    `<g transform="translate(160 0)">`,
    panel(TOP, 'Held-out accuracy (higher is better)', rows, 1.1),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--accuracy') {
    const [, output, ...inputs] = args;
    writeFileSync(output, buildAccuracyChart(inputs.map((input) => JSON.parse(readFileSync(input, 'utf8')))));
    console.log(`wrote ${output}`);
  } else {
    const [input = 'docs/bench-latest.json', output = 'docs/performance.svg'] = args;
    writeFileSync(output, buildChart(JSON.parse(readFileSync(input, 'utf8'))));
    console.log(`wrote ${output}`);
  }
}
