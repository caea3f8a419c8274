/**
 * Teachable Machine's own library, side by side with ours (`npm run bench`, issue 5's "proof").
 *
 * A loopback server (node:http) serves bench/tm.html, the UMD bundles of tfjs 1.3.1 (the npm alias
 * `tfjs-131`) and @teachablemachine/image, and the photos. Their base-model download (a URL
 * hard-coded in the library: TM_BASES) is answered from the local copy in ../shared/models by
 * Playwright's routing; any other request that would leave the machine is aborted and counted
 * (`offMachineRequests`, expected 0).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetSplit, median, spread } from './benchStats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The bases the library can be run on (BENCH_TM_BASE): the one its web app uses (MobileNet v2 0.35,
 * global average pooling) and its library's default (v1 0.25, flattened). `url` is where the library
 * fetches it from (custom-mobilenet.ts, `parseModelOptions`); `folder` is our copy under ../shared/models.
 */
export const TM_BASES = {
  'v2-0.35': { version: 2, alpha: 0.35, url: 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/', folder: 'mobilenet_v2_0.35_224' },
  'v1-0.25': { version: 1, alpha: 0.25, url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/', folder: 'mobilenet_v1_0.25_224' },
};
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.jpg': 'image/jpeg', '.png': 'image/png' };

/** URL path prefix → folder on disk. */
function mounts(datasetDir) {
  return {
    '/tm/tf.min.js': join(ROOT, 'node_modules', 'tfjs-131', 'dist', 'tf.min.js'),
    '/tm/teachablemachine-image.min.js': join(ROOT, 'node_modules', '@teachablemachine', 'image', 'dist', 'teachablemachine-image.min.js'),
    '/tm/tm.js': join(ROOT, 'bench', 'tm.js'),
    '/tm.html': join(ROOT, 'bench', 'tm.html'),
    '/data/': datasetDir + sep,
  };
}

/** Resolves a URL path to a file under one of the mounts, or null (no `..` escapes). */
function fileFor(table, urlPath) {
  for (const [prefix, target] of Object.entries(table)) {
    if (urlPath === prefix) return target;
    if (prefix.endsWith('/') && urlPath.startsWith(prefix)) {
      const file = resolve(target, decodeURIComponent(urlPath.slice(prefix.length)));
      return file.startsWith(target) ? file : null;
    }
  }
  return null;
}

/** A static server on 127.0.0.1 (an ephemeral port); resolves to { origin, close }. */
async function startStaticServer(datasetDir) {
  const table = mounts(datasetDir);
  for (const file of Object.values(table)) if (!existsSync(file)) throw new Error(`missing ${file} (npm install?)`);
  const server = http.createServer((request, response) => {
    const file = fileFor(table, new URL(request.url ?? '/', 'http://localhost').pathname);
    if (!file || !existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) };
}

/** Local origin passes, their model URL is answered from disk, anything else is aborted and counted. */
async function routeOffline(context, origin, base, modelDir, counter) {
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    if (url.startsWith(base.url)) {
      const file = join(modelDir, new URL(url).pathname.split('/').pop());
      if (existsSync(file)) {
        return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'access-control-allow-origin': '*', 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
      }
    }
    counter.blocked.push(url);
    return route.abort('blockedbyclient');
  });
}

/**
 * One fresh page (its own browser context, so its own tfjs): load, add examples, train, test.
 * @returns the page's result (see bench/tm.js)
 */
async function runOnce(browser, server, options, counter) {
  const context = await browser.newContext();
  try {
    await routeOffline(context, server.origin, options.tmBase, options.modelDir, counter);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${server.origin}/tm.html`);
    await page.waitForFunction(() => 'tmBench' in window);
    const urls = (names, folder) => names.map((name) => `${server.origin}/data/${encodeURIComponent(folder)}/${encodeURIComponent(name)}`);
    const train = options.split.map((split) => urls(split.train, split.name));
    const test = options.split.map((split) => urls(split.test, split.name));
    const params = { denseUnits: options.denseUnits, epochs: options.epochs, batchSize: options.batchSize, learningRate: options.learningRate };
    const base = { version: options.tmBase.version, alpha: options.tmBase.alpha };
    const result = await page.evaluate((args) => window.tmBench.run(args), { backend: options.backend, base, train, test, params });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await context.close();
  }
}

/** Medians over runs of one backend, with the per-run lists that matter. */
function summarise(runs, blocked) {
  const pick = (key) => runs.map((run) => run[key]);
  const totals = runs.map((run) => (run.embedMs + run.trainMs) / 1000);
  const accuracies = runs.map((run) => run.heldOut.correct / run.heldOut.total);
  return {
    backend: runs[0].backend,
    tfjsVersion: runs[0].tfjsVersion,
    libraryVersion: runs[0].libraryVersion,
    floatPrecision: runs[0].floatPrecision,
    epsilon: runs[0].epsilon,
    examples: runs[0].examples,
    testImages: runs[0].heldOut.total,
    runs: runs.length,
    embedSeconds: median(pick('embedMs')) / 1000,
    trainSeconds: median(pick('trainMs')) / 1000,
    totalSeconds: median(totals),
    totalSecondsRuns: totals,
    heldOutAccuracy: median(accuracies),
    heldOutAccuracyRuns: accuracies,
    heldOutAccuracySpread: spread(accuracies),
    fps: median(pick('trainFps')),
    longTasks: median(pick('trainLongTasks')),
    longTasksRuns: pick('trainLongTasks'),
    embedFps: median(pick('embedFps')),
    embedLongTasks: median(pick('embedLongTasks')),
    offMachineRequests: blocked.length,
  };
}

/**
 * Teachable Machine's library on `classes` × `trainPerClass` photos, tested on the last
 * `testPerClass` photos of each class, `runs` times per backend.
 * @param {import('@playwright/test').Browser} browser
 * @param {{ datasetDir: string, modelsDir: string, tmBase: string, classes: number, trainPerClass: number, testPerClass: number,
 *           backends: string[], runs: number, epochs: number, denseUnits?: number, batchSize?: number, learningRate?: number,
 *           log?: (line: string) => void }} options
 *   tmBase: a key of TM_BASES; modelsDir: the folder holding TM_BASES' folders (../shared/models)
 *   backends: e.g. ['webgl', 'cpu:1'] (`:n` = n runs on that backend instead of `runs`)
 * @returns {Promise<{ best: object, byBackend: Record<string, object> }>} best = the backend with the shortest time to a model
 */
export async function measureTeachableMachine(browser, options) {
  const log = options.log ?? (() => undefined);
  const split = datasetSplit(options);
  const tmBase = TM_BASES[options.tmBase];
  if (!tmBase) throw new Error(`unknown Teachable Machine base ${options.tmBase} (one of ${Object.keys(TM_BASES).join(', ')})`);
  const modelDir = join(options.modelsDir, tmBase.folder);
  const server = await startStaticServer(options.datasetDir);
  const byBackend = {};
  try {
    for (const entry of options.backends) {
      const [backend, ownRuns] = entry.split(':');
      const count = Number(ownRuns ?? options.runs);
      const counter = { blocked: [] };
      const runs = [];
      for (let n = 0; n < count; n++) {
        const run = await runOnce(browser, server, { denseUnits: 100, batchSize: 16, learningRate: 0.001, ...options, tmBase, modelDir, backend, split }, counter);
        log(`tm ${backend} run ${n + 1}/${count}: add ${(run.embedMs / 1000).toFixed(1)} s, train ${(run.trainMs / 1000).toFixed(1)} s, held-out ${run.heldOut.correct}/${run.heldOut.total}, ${run.trainFps.toFixed(1)} fps, ${run.trainLongTasks} long tasks`);
        runs.push(run);
      }
      byBackend[backend] = summarise(runs, counter.blocked);
      if (counter.blocked.length) log(`tm ${backend}: blocked off-machine requests: ${counter.blocked.slice(0, 5).join(', ')}`);
    }
  } finally {
    await server.close();
  }
  const best = Object.values(byBackend).reduce((a, b) => (b.totalSeconds < a.totalSeconds ? b : a));
  return { best: { ...best, base: options.tmBase }, byBackend };
}
