#!/usr/bin/env node
/**
 * `npm run bench`: runs the built app in headless Chromium and prints one JSON object as the last
 * line of stdout. Not a test: it measures speed; the tests check correctness.
 *
 *   playground.default.epochsPerSec  circle, 2-4-2-1 tanh, batch 10, α 0.03, speed max
 *   playground.big.epochsPerSec      spiral, all 7 features, 6 × 8 ReLU, batch 1, α 0.03, L2 0.001
 *   playground.fps                   requestAnimationFrame rate while the big config trains at max speed
 *   playground.longTasks             main-thread tasks > 50 ms during that
 *   transfer.embedImagesPerSec       the studio's embedding path, 10 classes × 30 photos (sign-language digits)
 *   transfer.rawPredictImagesPerSec  plain model.predict on the truncated base, batch 16, same backend, same run
 *   transfer.embedVsRawPredict       their ratio (target ≥ 0.9)
 *   transfer.headTrainSeconds        default head, 50 epochs, on those 300 cached embeddings (target ≤ 5 s)
 *   transfer.trainLongTasks          main-thread tasks > 50 ms while that head trains, live curves drawn (target 0)
 *   transfer.backend                 the tfjs backend used
 */
import { preview } from 'vite';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';

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
  return preview({ preview: { host: '127.0.0.1', port: PORT, strictPort: true }, logLevel: 'warn' });
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

const DATASET = join(resolve(process.env.SHARED_DIR ?? join(process.cwd(), '..', 'shared')), 'datasets', 'sign-language-digits');
const TRANSFER_CLASSES = 10;
const TRANSFER_IMAGES = 30;

/** The studio on 10 classes × 30 photos: embedding rate, head training time, and raw predict for comparison. */
async function measureTransfer(browser, backend) {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => window.__longTasks.push(entry.startTime))).observe({ type: 'longtask' });
  });
  await page.goto(`${BASE}/?lang=en&debug=1${backend ? `&backend=${backend}` : ''}#transfer`);
  await page.locator('[data-testid=model-status][data-status=ready]').waitFor({ timeout: 120_000 });
  for (let k = 2; k < TRANSFER_CLASSES; k++) await page.getByTestId('add-class').click();
  const cards = page.getByTestId('class-card');
  for (let digit = 0; digit < TRANSFER_CLASSES; digit++) {
    const files = readdirSync(join(DATASET, String(digit))).sort().slice(0, TRANSFER_IMAGES).map((name) => join(DATASET, String(digit), name));
    await cards.nth(digit).getByTestId('class-name').fill(`digit ${digit}`);
    await cards.nth(digit).locator('input[type=file]').setInputFiles(files);
  }
  for (let digit = 0; digit < TRANSFER_CLASSES; digit++) {
    await cards.nth(digit).getByTestId('class-count').filter({ hasText: `${TRANSFER_IMAGES} ` }).waitFor({ timeout: 120_000 });
  }
  const trainStart = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: /^Train/ }).click();
  await page.locator('[data-testid=train-status][data-phase=done]').waitFor({ timeout: 900_000 });
  const trainLongTasks = await page.evaluate((start) => window.__longTasks.filter((time) => time >= start).length, trainStart);
  const timings = page.getByTestId('train-timings');
  const embedded = Number(await timings.getAttribute('data-embedded'));
  const embedMs = Number(await timings.getAttribute('data-embed-ms'));
  const trainMs = Number(await timings.getAttribute('data-train-ms'));
  const raw = await page.evaluate(
    (batches) =>
      new Promise((resolve) => {
        const { client } = window.__neuralPlayground;
        const stop = client.subscribe({
          onMessage: (message) => {
            if (message.type !== 'transfer/rawPredictMeasured') return;
            stop();
            resolve(message);
          },
        });
        client.sendTransfer({ type: 'transfer/measureRawPredict', batches });
      }),
    Math.ceil((TRANSFER_CLASSES * TRANSFER_IMAGES) / 16),
  );
  await page.close();
  const embedImagesPerSec = embedded / (embedMs / 1000);
  return { embedImagesPerSec, rawPredictImagesPerSec: raw.imagesPerSec, embedVsRawPredict: embedImagesPerSec / raw.imagesPerSec, headTrainSeconds: trainMs / 1000, trainLongTasks, backend: raw.backend };
}

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-swiftshader'],
});
try {
  const small = await measure(browser, 'default');
  const big = await measure(browser, 'big');
  const transfer = await measureTransfer(browser, process.env.BENCH_BACKEND);
  const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
  const result = {
    'playground.default.epochsPerSec': round(small.epochsPerSec),
    'playground.big.epochsPerSec': round(big.epochsPerSec),
    'playground.fps': round(big.fps),
    'playground.longTasks': big.longTasks,
    'playground.default.vsTarget': round(small.epochsPerSec / TARGETS.defaultEpochsPerSec, 2),
    'playground.big.vsTarget': round(big.epochsPerSec / TARGETS.bigEpochsPerSec, 2),
    'transfer.embedImagesPerSec': round(transfer.embedImagesPerSec),
    'transfer.rawPredictImagesPerSec': round(transfer.rawPredictImagesPerSec),
    'transfer.embedVsRawPredict': round(transfer.embedVsRawPredict, 3),
    'transfer.headTrainSeconds': round(transfer.headTrainSeconds, 2),
    'transfer.trainLongTasks': transfer.trainLongTasks,
    'transfer.backend': transfer.backend,
    targets: { 'transfer.embedVsRawPredict': 0.9, 'transfer.headTrainSeconds': 5, 'transfer.trainLongTasks': 0, 'playground.default.epochsPerSec': TARGETS.defaultEpochsPerSec, 'playground.big.epochsPerSec': TARGETS.bigEpochsPerSec, 'playground.fps': TARGETS.fps, 'playground.longTasks': TARGETS.longTasks },
    backend: big.backend,
    browser: `chromium ${browser.version()}`,
    measuredSeconds: MEASURE_MS / 1000,
    date: new Date().toISOString(),
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
