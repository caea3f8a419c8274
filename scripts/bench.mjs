#!/usr/bin/env node
/**
 * `npm run bench`: runs the built app in headless Chromium and prints one JSON object as the last
 * line of stdout. Not a test: it measures speed; the tests check correctness.
 *
 *   playground.default.epochsPerSec  circle, 2-4-2-1 tanh, batch 10, α 0.03, speed max
 *   playground.big.epochsPerSec      spiral, all 7 features, 6 × 8 ReLU, batch 1, α 0.03, L2 0.001
 *   playground.fps                   requestAnimationFrame rate while the big config trains at max speed
 *   playground.longTasks             main-thread tasks > 50 ms during that
 *   transfer.dataset                 the photo set (BENCH_DATASET's folder name); transfer.base the studio's base model
 *   transfer.embedImagesPerSec       the studio's embedding path (embedImages) on the 300 loaded photos
 *   transfer.rawPredictImagesPerSec  plain model.predict on the truncated base, batch 16, same backend, same run
 *   transfer.embedVsRawPredict       their ratio (target ≥ 0.9)
 *   transfer.headTrainSeconds        default head on those 300 cached embeddings (target ≤ 2 s)
 *   transfer.trainLongTasks          main-thread tasks > 50 ms while that head trains, live curves drawn (target 0)
 *   transfer.backend                 the tfjs backend used
 *   transfer.totalSecondsToModel     photos dropped → trained model, through the UI (median of runs), and …Runs
 *   transfer.addImagesSeconds        of which: photos dropped → all 300 listed (decoded, saved, embedded as they come)
 *   transfer.embedSeconds            of which: embedding still left for Train (0 when all were embedded as added)
 *   transfer.heldOutAccuracy         on the last 20 photos per class (200), median of runs; …Runs, …Spread (max − min)
 *   transfer.instantHeldOutAccuracy  the same photos and split before any training: nearest class mean of the embeddings (one pass, no seed)
 *   transfer.trainFps / trainLongTasks  the page from Train to done (embedding + head), median of runs
 *   tm.*                             Teachable Machine's own library (scripts/benchTm.mjs), same photos, on its web app's
 *                                    base (tm.base v2-0.35; BENCH_TM_BASE=v1-0.25 runs its library's default instead)
 *   compare.speedupVsTm              tm.totalSeconds / transfer.totalSecondsToModel
 *   compare.accuracyVsTm             transfer.heldOutAccuracy − tm.heldOutAccuracy (target ≥ 0.03 on each photo set)
 *
 * Environment: BENCH_DATASET (a folder of class folders, any names; ../shared/datasets/sign-language-digits),
 * BENCH_BASE (the studio's base model id; the app's default), BENCH_HEAD (JSON: head settings replacing the default's,
 * e.g. '{"pooling":"average"}'), BENCH_TM_BASE (v2-0.35). To shorten runs while developing: BENCH_RUNS (ours, 3), BENCH_TM_RUNS (3),
 * BENCH_TM_BACKENDS (webgl; e.g. webgl,cpu:1 = cpu too, one run), BENCH_CLASSES (10), BENCH_TRAIN (30), BENCH_TEST (20),
 * BENCH_EPOCHS (50), BENCH_SKIP_PLAYGROUND=1, BENCH_DIST (the build to serve, dist), BENCH_SKIP_TM=1, BENCH_OUT=file (or `-- --out file`):
 * also write the JSON there (pretty-printed). Progress goes to stderr.
 */
import { preview } from 'vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { round } from './benchStats.mjs';
import { measureStudio } from './benchStudio.mjs';
import { measureTeachableMachine } from './benchTm.mjs';

const PORT = Number(process.env.BENCH_PORT ?? 4179);
const BASE = `http://127.0.0.1:${PORT}`;
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 8000);
const WARMUP_MS = 1500;
const TARGETS = { defaultEpochsPerSec: 1100, bigEpochsPerSec: 280, fps: 55, longTasks: 0 };

const CONFIGS = {
  default: 'dataset=circle&features=x1,x2&hidden=4,2&activation=tanh&batch=10&lr=0.03&reg=none&ratio=50&noise=0',
  big: 'dataset=spiral&features=x1,x2,x1Squared,x2Squared,x1x2,sinX1,sinX2&hidden=8,8,8,8,8,8&activation=relu&batch=1&lr=0.03&reg=L2&regRate=0.001&ratio=50&noise=0',
};

/** `vite preview` of the build, in this process (so it always stops with the benchmark). */
async function startServer() {
  return preview({ preview: { host: '127.0.0.1', port: PORT, strictPort: true }, build: { outDir: process.env.BENCH_DIST ?? 'dist' }, logLevel: 'warn' });
}

async function readNumber(page, testId) {
  return Number((await page.getByTestId(testId).textContent()).trim());
}

/** Trains a config at max speed and measures epochs/s (from samples seen), fps and long tasks. */
async function measure(browser, name) {
  const page = await browser.newPage();
  await page.goto(`${BASE}/?lang=en&speed=max&seed=1&${CONFIGS[name]}`);
  await page.getByTestId('train-loss').filter({ hasText: /\d/ }).waitFor();
  const trainCount = 250;
  await page.getByRole('button', { name: /^Play/ }).click();
  await page.waitForTimeout(WARMUP_MS);
  await page.evaluate(() => {
    const w = window;
    w.__bench = { frames: 0, longTasks: 0, running: true };
    const frame = () => {
      if (!w.__bench.running) return;
      w.__bench.frames++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => (w.__bench.longTasks += list.getEntries().length)).observe({ type: 'longtask' });
  });
  const samples0 = await readNumber(page, 'samples-seen');
  const t0 = Date.now();
  await page.waitForTimeout(MEASURE_MS);
  const samples1 = await readNumber(page, 'samples-seen');
  const seconds = (Date.now() - t0) / 1000;
  const { frames, longTasks } = await page.evaluate(() => {
    window.__bench.running = false;
    return window.__bench;
  });
  const backend = (await page.getByTestId('backend').textContent())?.trim();
  await page.getByRole('button', { name: /^Pause/ }).click();
  await page.close();
  return { epochsPerSec: (samples1 - samples0) / trainCount / seconds, fps: frames / seconds, longTasks, backend };
}

const SHARED = resolve(process.env.SHARED_DIR ?? join(process.cwd(), '..', 'shared'));
const DATASET = resolve(process.env.BENCH_DATASET ?? join(SHARED, 'datasets', 'sign-language-digits'));
const TM_BASE = process.env.BENCH_TM_BASE ?? 'v2-0.35';
const HEAD_OVERRIDES = process.env.BENCH_HEAD ? JSON.parse(process.env.BENCH_HEAD) : undefined;
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SIZE = { classes: env('BENCH_CLASSES', 10), trainPerClass: env('BENCH_TRAIN', 30), testPerClass: env('BENCH_TEST', 20), epochs: env('BENCH_EPOCHS', 50) };
const outArg = process.argv.indexOf('--out');
const OUT = outArg >= 0 ? process.argv[outArg + 1] : process.env.BENCH_OUT;
const log = (line) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Our studio's keys (transfer.*). */
function transferKeys(ours) {
  return {
    'transfer.dataset': basename(DATASET),
    'transfer.base': ours.baseId,
    ...(HEAD_OVERRIDES && { 'transfer.headOverrides': HEAD_OVERRIDES }),
    'transfer.embedImagesPerSec': round(ours.embedImagesPerSec),
    'transfer.rawPredictImagesPerSec': round(ours.rawPredictImagesPerSec),
    'transfer.embedVsRawPredict': round(ours.embedVsRawPredict, 3),
    'transfer.headTrainSeconds': round(ours.headTrainSeconds, 2),
    'transfer.addImagesSeconds': round(ours.addSeconds, 2),
    'transfer.embedSeconds': round(ours.embedSeconds, 2),
    'transfer.totalSecondsToModel': round(ours.totalSecondsToModel, 2),
    'transfer.totalSecondsToModelRuns': ours.totalSecondsToModelRuns.map((x) => round(x, 2)),
    'transfer.heldOutAccuracy': round(ours.heldOutAccuracy, 3),
    'transfer.heldOutAccuracyRuns': ours.heldOutAccuracyRuns.map((x) => round(x, 3)),
    'transfer.heldOutAccuracySpread': round(ours.heldOutAccuracySpread, 3),
    'transfer.instantHeldOutAccuracy': round(ours.instantHeldOutAccuracy, 3),
    'transfer.trainFps': round(ours.trainFps),
    'transfer.trainLongTasks': ours.trainLongTasks,
    'transfer.trainLongTasksRuns': ours.trainLongTasksRuns,
    'transfer.trainLongTaskMsRuns': ours.trainLongTaskMs,
    'transfer.backend': ours.backend,
    'transfer.offMachineRequests': ours.offMachineRequests,
  };
}

/** Teachable Machine's keys (tm.*): its best backend, plus tm.byBackend when more than one ran. */
function tmKeys(tm) {
  const { best, byBackend } = tm;
  const keys = {
    'tm.base': best.base,
    'tm.library': `@teachablemachine/image@${JSON.parse(readFileSync('node_modules/@teachablemachine/image/package.json', 'utf8')).version}`,
    'tm.tfjs': best.tfjsVersion,
    'tm.backend': best.backend,
    'tm.floatPrecision': best.floatPrecision,
    'tm.epsilon': best.epsilon,
    'tm.embedSeconds': round(best.embedSeconds, 2),
    'tm.trainSeconds': round(best.trainSeconds, 2),
    'tm.totalSeconds': round(best.totalSeconds, 2),
    'tm.totalSecondsRuns': best.totalSecondsRuns.map((x) => round(x, 2)),
    'tm.heldOutAccuracy': round(best.heldOutAccuracy, 3),
    'tm.heldOutAccuracyRuns': best.heldOutAccuracyRuns.map((x) => round(x, 3)),
    'tm.heldOutAccuracySpread': round(best.heldOutAccuracySpread, 3),
    'tm.fps': round(best.fps),
    'tm.longTasks': best.longTasks,
    'tm.longTasksRuns': best.longTasksRuns,
    'tm.embedFps': round(best.embedFps),
    'tm.embedLongTasks': best.embedLongTasks,
    'tm.offMachineRequests': Object.values(byBackend).reduce((sum, b) => sum + b.offMachineRequests, 0),
  };
  if (Object.keys(byBackend).length > 1) {
    keys['tm.byBackend'] = Object.fromEntries(Object.entries(byBackend).map(([name, b]) => [name, { totalSeconds: round(b.totalSeconds, 2), embedSeconds: round(b.embedSeconds, 2), trainSeconds: round(b.trainSeconds, 2), heldOutAccuracy: round(b.heldOutAccuracy, 3), heldOutAccuracyRuns: b.heldOutAccuracyRuns.map((x) => round(x, 3)), fps: round(b.fps), longTasks: b.longTasks, runs: b.runs }]));
  }
  return keys;
}

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-swiftshader'],
});
try {
  const skipPlayground = process.env.BENCH_SKIP_PLAYGROUND === '1';
  const small = skipPlayground ? null : await measure(browser, 'default');
  const big = skipPlayground ? null : await measure(browser, 'big');
  if (big) log(`playground: default ${small.epochsPerSec.toFixed(0)} epochs/s, big ${big.epochsPerSec.toFixed(0)} epochs/s, ${big.fps.toFixed(1)} fps`);
  const ours = await measureStudio(browser, { base: BASE, datasetDir: DATASET, ...SIZE, runs: env('BENCH_RUNS', 3), baseId: process.env.BENCH_BASE, head: HEAD_OVERRIDES, backend: process.env.BENCH_BACKEND, log });
  const tm =
    process.env.BENCH_SKIP_TM === '1'
      ? null
      : await measureTeachableMachine(browser, { datasetDir: DATASET, modelsDir: join(SHARED, 'models'), tmBase: TM_BASE, ...SIZE, runs: env('BENCH_TM_RUNS', 3), backends: (process.env.BENCH_TM_BACKENDS ?? 'webgl').split(','), log });
  const result = {
    ...(big && {
      'playground.default.epochsPerSec': round(small.epochsPerSec),
      'playground.big.epochsPerSec': round(big.epochsPerSec),
      'playground.fps': round(big.fps),
      'playground.longTasks': big.longTasks,
      'playground.default.vsTarget': round(small.epochsPerSec / TARGETS.defaultEpochsPerSec, 2),
      'playground.big.vsTarget': round(big.epochsPerSec / TARGETS.bigEpochsPerSec, 2),
    }),
    ...transferKeys(ours),
    ...(tm && tmKeys(tm)),
    ...(tm && { 'compare.speedupVsTm': round(tm.best.totalSeconds / ours.totalSecondsToModel, 2), 'compare.accuracyVsTm': round(ours.heldOutAccuracy - tm.best.heldOutAccuracy, 3) }),
    targets: {
      'transfer.embedVsRawPredict': 0.9, 'transfer.headTrainSeconds': 2, 'transfer.trainLongTasks': 0,
      'transfer.heldOutAccuracy': 'tm.heldOutAccuracy + 0.03 on each photo set, + 0.05 on average', 'transfer.heldOutAccuracySpread': 0.05, 'transfer.trainFps': TARGETS.fps, 'compare.speedupVsTm': 5,
      'playground.default.epochsPerSec': TARGETS.defaultEpochsPerSec, 'playground.big.epochsPerSec': TARGETS.bigEpochsPerSec, 'playground.fps': TARGETS.fps, 'playground.longTasks': TARGETS.longTasks,
    },
    setup: { ...SIZE, testImages: ours.testImages, runs: ours.runs, tmRuns: tm ? tm.best.runs : 0, head: `ours: the default head (2 × 2 regions → softmax, Adam 0.003, batch 64, 50 epochs, 15 % validation, then the refit on every photo)${HEAD_OVERRIDES ? ', with transfer.headOverrides' : ''}; theirs: ${TM_BASE === 'v1-0.25' ? 'flatten' : 'global average'} → Dense 100 → softmax, Adam 0.001, batch 16, 50 epochs` },
    backend: big?.backend ?? ours.backend,
    browser: `chromium ${browser.version()}`,
    measuredSeconds: MEASURE_MS / 1000,
    date: new Date().toISOString(),
  };
  if (OUT) writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
