/**
 * Our transfer-learning studio, measured the way a person uses it (`npm run bench`): the built app
 * in headless Chromium, photos dropped into class cards, default head, Train. Then the 200
 * held-out photos go through the worker (`?debug=1` exposes the worker client as
 * `window.__neuralPlayground.client`) as `transfer/predict` messages, as the Predict panel sends them.
 * The instant predictions (nearest class mean, before any training) are measured the same way, on the
 * same split, in a context of their own where Train is never pressed (transfer.instantHeldOutAccuracy).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argmax, accuracy, median, spread, datasetSplit } from './benchStats.mjs';

/** Page-side instrumentation: long tasks (start and duration), and an animation-frame counter the bench starts and stops. */
function instrument() {
  window.__longTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => window.__longTasks.push({ start: entry.startTime, ms: entry.duration }))).observe({ type: 'longtask' });
  window.__frames = { count: 0, running: false };
  window.__startFrames = () => {
    window.__frames = { count: 0, running: true, start: performance.now() };
    const frame = () => {
      if (!window.__frames.running) return;
      window.__frames.count++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    return window.__frames.start;
  };
}

/**
 * Overrides the head's seed in the `transfer/train` message (the UI has no seed field), so runs
 * differ as the library's do, and any other head settings given (BENCH_HEAD: an alternative head).
 */
async function useHead(page, seed, overrides) {
  await page.evaluate(({ seed, overrides }) => {
    const { client } = window.__neuralPlayground;
    const send = client.sendTransfer.bind(client);
    client.sendTransfer = (message) => send(message.type === 'transfer/train' ? { ...message, head: { ...message.head, ...overrides, seed } } : message);
  }, { seed, overrides });
}

/**
 * Records in the page which photos the worker added to which class (the cards' `transfer/addImages`,
 * in card order, and each `transfer/imageAdded`): the classes an instant prediction is asked with.
 */
async function recordClasses(page) {
  await page.evaluate(() => {
    const { client } = window.__neuralPlayground;
    const classes = (window.__benchClasses = []);
    const send = client.sendTransfer.bind(client);
    client.sendTransfer = (message) => {
      if (message.type === 'transfer/addImages' && !classes.some((c) => c.id === message.classId)) classes.push({ id: message.classId, imageIds: [] });
      return send(message);
    };
    client.subscribe({ onMessage: (message) => message.type === 'transfer/imageAdded' && classes.find((c) => c.id === message.classId)?.imageIds.push(message.imageId) });
  });
}

/**
 * Sends each held-out photo as `transfer/predict` and returns the predicted class index per photo.
 * `names`: the classes' names, to send the classes recorded by recordClasses with each photo, as the
 * Predict panel does (what the nearest-class-mean prediction needs before training).
 */
async function predictHeldOut(page, urls, names) {
  return page.evaluate(
    async ({ urls, names }) => {
      const { client } = window.__neuralPlayground;
      const classes = names && window.__benchClasses.map((c, k) => ({ id: c.id, name: names[k], imageIds: c.imageIds }));
      const files = await Promise.all(urls.map(async (url) => (await fetch(url)).blob()));
      const base = 1_000_000; // far from the Predict panel's request ids
      return new Promise((resolve, reject) => {
        const replies = new Array(files.length);
        let pending = files.length;
        const stop = client.subscribe({
          onMessage: (message) => {
            const index = message.requestId - base;
            if (!(index >= 0 && index < files.length)) return;
            if (message.type === 'transfer/error') return (stop(), reject(new Error(`predict failed: ${message.code} ${message.detail ?? ''}`)));
            if (message.type !== 'transfer/prediction') return;
            replies[index] = { probabilities: Array.from(message.probabilities), labels: message.labels, source: message.source };
            if (--pending === 0) (stop(), resolve(replies));
          },
        });
        files.forEach((file, index) => client.sendTransfer({ type: 'transfer/predict', requestId: base + index, file, ...(classes && { classes }) }));
      });
    },
    { urls, names },
  );
}

/** Measures the worker's plain `model.predict` on the truncated base (batch 16) and its embedImages on the loaded photos, for transfer.embedVsRawPredict. */
async function rawPredict(page, batches) {
  return page.evaluate(
    (count) =>
      new Promise((resolve) => {
        const { client } = window.__neuralPlayground;
        const stop = client.subscribe({
          onMessage: (message) => {
            if (message.type !== 'transfer/rawPredictMeasured') return;
            stop();
            resolve(message);
          },
        });
        client.sendTransfer({ type: 'transfer/measureRawPredict', batches: count });
      }),
    batches,
  );
}

/** Adds the classes and drops the training photos into them; returns when they started and seconds until all are listed. */
async function addThroughUi(page, split, options) {
  for (let k = 2; k < split.length; k++) await page.getByTestId('add-class').click();
  const cards = page.getByTestId('class-card');
  for (let c = 0; c < split.length; c++) await cards.nth(c).getByTestId('class-name').fill(split[c].name);
  const started = Date.now();
  for (let c = 0; c < split.length; c++) {
    await cards.nth(c).locator('input[type=file]').setInputFiles(split[c].train.map((name) => join(options.datasetDir, split[c].name, name)));
  }
  for (let c = 0; c < split.length; c++) {
    await cards.nth(c).getByTestId('class-count').filter({ hasText: `${split[c].train.length} ` }).waitFor({ timeout: 120_000 });
  }
  return { started, addSeconds: (Date.now() - started) / 1000 };
}

/** Adds the classes, drops the training photos, trains; returns wall-clock seconds and what the page saw. */
async function trainThroughUi(page, split, options) {
  if (options.epochs !== 50) await page.getByTestId('head-epochs').fill(String(options.epochs));
  const { started, addSeconds } = await addThroughUi(page, split, options);
  // The training window starts once the page is idle: the last thumbnails decoded and drawn (as
  // Teachable Machine's window is its train() call alone, after its examples are in).
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(undefined), { timeout: 2000 })));
  const trainStart = await page.evaluate(() => window.__startFrames());
  await page.getByRole('button', { name: /^Train/ }).click();
  await page.locator('[data-testid=train-status][data-phase=done]').waitFor({ timeout: 900_000 });
  const totalSeconds = (Date.now() - started) / 1000;
  const seen = await page.evaluate((start) => {
    window.__frames.running = false;
    const seconds = (performance.now() - window.__frames.start) / 1000;
    const tasks = window.__longTasks.filter((task) => task.start >= start);
    return { fps: window.__frames.count / seconds, longTasks: tasks.length, longTaskList: tasks.map((task) => ({ atMs: Math.round(task.start - start), ms: Math.round(task.ms) })) };
  }, trainStart);
  const timings = page.getByTestId('train-timings');
  const embedMs = Number(await timings.getAttribute('data-embed-ms'));
  const trainMs = Number(await timings.getAttribute('data-train-ms'));
  return { totalSeconds, addSeconds, trainFps: seen.fps, trainLongTasks: seen.longTasks, trainLongTaskList: seen.longTaskList, embedMs, trainMs };
}

/** A fresh browser context (fresh IndexedDB) with the studio open and its base ready; `measure(page, baseId)` runs in it. */
async function inStudio(browser, options, blocked, measure) {
  // No service worker (the PWA's): Playwright's routing must see every request, and a first visit gains nothing from one.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    // Nothing may leave the machine: requests off the app's origin are aborted and counted.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(options.base) || url.startsWith('data:') || url.startsWith('blob:')) return route.fallback();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    await page.addInitScript(instrument);
    // The held-out photos, served on the app's own origin (bench only): the page fetches them as Blobs.
    await page.route(`${options.base}/__bench/data/**`, (route) => {
      const [folder, name] = new URL(route.request().url()).pathname.split('/').slice(-2).map(decodeURIComponent);
      return route.fulfill({ status: 200, contentType: 'image/jpeg', body: readFileSync(join(options.datasetDir, folder, name)) });
    });
    await page.goto(`${options.base}/?lang=en&debug=1${options.backend ? `&backend=${options.backend}` : ''}#transfer`);
    await page.locator('[data-testid=model-status][data-status=ready]').waitFor({ timeout: 120_000 });
    if (options.baseId) {
      await page.getByTestId('base-model').selectOption(options.baseId);
      await page.locator(`[data-testid=model-status][data-status=ready][data-base="${options.baseId}"]`).waitFor({ timeout: 120_000 });
    }
    return await measure(page, await page.getByTestId('model-status').getAttribute('data-base'));
  } finally {
    await context.close();
  }
}

const heldOutUrls = (options, split) => split.flatMap((s) => s.test.map((name) => `${options.base}/__bench/data/${encodeURIComponent(s.name)}/${encodeURIComponent(name)}`));
const heldOutTruth = (split) => split.flatMap((s, c) => s.test.map(() => c));

/** One run: train through the UI, then the held-out photos. */
function runOnce(browser, options, split, seed, withRawPredict, blocked) {
  return inStudio(browser, options, blocked, async (page, baseId) => {
    await useHead(page, seed, options.head ?? {});
    const trained = await trainThroughUi(page, split, options);
    const urls = heldOutUrls(options, split);
    const truth = heldOutTruth(split);
    const replies = await predictHeldOut(page, urls);
    const names = split.map((s) => s.name);
    const predicted = predictedIndexes(replies, names);
    // As many batches of 16 as there are training photos (all loaded in the worker).
    const raw = withRawPredict ? await rawPredict(page, Math.ceil(split.reduce((n, s) => n + s.train.length, 0) / 16)) : null;
    return { ...trained, baseId, heldOutAccuracy: accuracy(predicted, truth), testImages: truth.length, raw };
  });
}

/** Each reply's top class as an index into `names` (the classes in folder order). */
const predictedIndexes = (replies, names) => replies.map((reply) => names.indexOf(reply.labels[argmax(reply.probabilities)]));

/**
 * The instant predictions: the same photos dropped, never trained; the held-out photos predicted by
 * the nearest class mean (the worker's answer must say `source: 'instant'`). Deterministic (no seed): one pass.
 */
function instantOnce(browser, options, split, blocked) {
  return inStudio(browser, options, blocked, async (page) => {
    await recordClasses(page);
    await addThroughUi(page, split, options);
    const names = split.map((s) => s.name);
    const replies = await predictHeldOut(page, heldOutUrls(options, split), names);
    if (replies.some((reply) => reply.source !== 'instant')) throw new Error('an instant prediction was answered by a trained classifier');
    return accuracy(predictedIndexes(replies, names), heldOutTruth(split));
  });
}

/**
 * The studio on `classes` × `trainPerClass` photos, `runs` times (head seeds 1, 2, 3, …), held-out
 * accuracy on the last `testPerClass` photos of each class.
 * @param {import('@playwright/test').Browser} browser
 * @param {{ base: string, datasetDir: string, classes: number, trainPerClass: number, testPerClass: number, runs: number,
 *           epochs: number, baseId?: string, head?: object, backend?: string, log?: (line: string) => void }} options
 *   baseId: the base model to pick in the studio's select (the app's default when absent)
 *   head: head settings that replace the default's (an alternative head, BENCH_HEAD)
 */
export async function measureStudio(browser, options) {
  const log = options.log ?? (() => undefined);
  const split = datasetSplit(options);
  const runs = [];
  const blocked = [];
  for (let n = 0; n < options.runs; n++) {
    const run = await runOnce(browser, options, split, n + 1, n === 0, blocked);
    log(`ours run ${n + 1}/${options.runs}: to a model ${run.totalSeconds.toFixed(1)} s (adding photos ${run.addSeconds.toFixed(1)} s, embedding left for Train ${(run.embedMs / 1000).toFixed(1)} s, train ${(run.trainMs / 1000).toFixed(1)} s), held-out ${run.heldOutAccuracy.toFixed(3)}, ${run.trainFps.toFixed(1)} fps, ${run.trainLongTasks} long tasks${run.trainLongTaskList.map((task) => ` (${task.ms} ms at +${task.atMs} ms)`).join('')}`);
    runs.push(run);
  }
  const instantHeldOutAccuracy = await instantOnce(browser, options, split, blocked);
  log(`ours before training (nearest class mean): held-out ${instantHeldOutAccuracy.toFixed(3)}`);
  const pick = (key) => runs.map((run) => run[key]);
  const accuracies = pick('heldOutAccuracy');
  const raw = runs[0].raw;
  // Images are embedded as they are added (before Train), so the studio's embedding rate is measured apart, on the same images.
  const embedImagesPerSec = raw.embedImagesPerSec;
  return {
    backend: raw.backend,
    baseId: runs[0].baseId,
    runs: runs.length,
    testImages: runs[0].testImages,
    embedImagesPerSec,
    rawPredictImagesPerSec: raw.imagesPerSec,
    embedVsRawPredict: embedImagesPerSec / raw.imagesPerSec,
    addSeconds: median(pick('addSeconds')),
    embedSeconds: median(pick('embedMs')) / 1000,
    headTrainSeconds: median(pick('trainMs')) / 1000,
    totalSecondsToModel: median(pick('totalSeconds')),
    totalSecondsToModelRuns: pick('totalSeconds'),
    heldOutAccuracy: median(accuracies),
    heldOutAccuracyRuns: accuracies,
    heldOutAccuracySpread: spread(accuracies),
    instantHeldOutAccuracy,
    trainFps: median(pick('trainFps')),
    trainLongTasks: median(pick('trainLongTasks')),
    trainLongTasksRuns: pick('trainLongTasks'),
    trainLongTaskMs: runs.map((run) => run.trainLongTaskList.map((task) => task.ms)),
    offMachineRequests: blocked.length,
  };
}
