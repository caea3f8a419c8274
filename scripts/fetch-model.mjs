#!/usr/bin/env node
/**
 * `npm run fetch-model [-- --from URL] [-- --out DIR]`: downloads a TensorFlow.js layers model
 * (model.json plus every shard its weightsManifest lists) into public/models/mobilenet_v1_0.25_224/
 * (git-ignored), so that builds without ../shared/models still serve the model locally.
 *
 *   --from URL   model.json to download (default: the hosted MobileNet v1 0.25 @ 224)
 *   --out DIR    folder to write into (default: public/models/mobilenet_v1_0.25_224 in the repo)
 *
 * Every file is downloaded to a temp file in the output folder, checked (shard sizes against the
 * manifest: bytes per element × product of shape, summed over a group's weights), and only renamed into
 * place once everything has arrived, model.json last. On any failure the temp files are removed, nothing
 * is renamed, and the exit code is 1 (2 for bad arguments). `imagenet_classes.json` is copied too when
 * the source has it (a 403/404 for it is ignored). Plain Node 20 (global fetch), no dependencies.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Same value as HOSTED_MOBILENET_URL in src/features/transfer/meta.ts: keep the two in step. */
const HOSTED_MOBILENET_URL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** public/ + LOCAL_MOBILENET_PATH's folder (src/features/transfer/meta.ts). */
const DEFAULT_OUT = path.join(REPO_ROOT, 'public', 'models', 'mobilenet_v1_0.25_224');
const OPTIONAL_FILES = ['imagenet_classes.json'];
const CONCURRENCY = 6;
const TIMEOUT_MS = Number(process.env.FETCH_MODEL_TIMEOUT_MS ?? 120_000);

/** bytes per element of each tfjs dtype (string tensors have no fixed size) */
const DTYPE_BYTES = { float32: 4, int32: 4, bool: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, float16: 2, complex64: 8 };

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { from: HOSTED_MOBILENET_URL, out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (name === '--help' || name === '-h') {
      opts.help = true;
      continue;
    }
    if (name !== '--from' && name !== '--out') throw new UsageError(`unknown argument: ${arg}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (!value) throw new UsageError(`${name} needs a value`);
    opts[name.slice(2)] = value;
  }
  try {
    const url = new URL(opts.from);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    opts.from = url;
  } catch {
    throw new UsageError(`--from must be an http(s) URL, got ${opts.from}`);
  }
  opts.out = path.resolve(opts.out);
  return opts;
}

class HttpError extends Error {
  constructor(url, status, statusText) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''} for ${url}`);
    this.status = status;
  }
}

async function download(url) {
  let res;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  } catch (err) {
    const cause = err?.cause?.message ?? err?.message ?? String(err);
    throw new Error(`could not fetch ${url}: ${cause}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new HttpError(url, res.status, res.statusText);
  }
  return Buffer.from(await res.arrayBuffer());
}

/** The shard's file name below the output folder; refuses anything that could escape it. */
function safeRelativePath(p) {
  if (typeof p !== 'string' || p === '' || p.includes('\\') || p.includes('\0') || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('/')) {
    throw new Error(`unsupported shard path in weightsManifest: ${JSON.stringify(p)}`);
  }
  let decoded;
  try {
    decoded = decodeURIComponent(p.split(/[?#]/, 1)[0]);
  } catch {
    throw new Error(`unsupported shard path in weightsManifest: ${JSON.stringify(p)}`);
  }
  if (decoded.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new Error(`unsupported shard path in weightsManifest: ${JSON.stringify(p)}`);
  }
  return decoded;
}

/** bytes the group's weights take, or null when that cannot be known (e.g. string tensors) */
function expectedGroupBytes(group) {
  let total = 0;
  for (const w of group.weights ?? []) {
    const dtype = w.quantization?.dtype ?? w.dtype ?? 'float32';
    const size = DTYPE_BYTES[dtype];
    if (!size || !Array.isArray(w.shape)) return null;
    total += size * w.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function readManifest(json, url) {
  let model;
  try {
    model = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new Error(`${url} is not JSON: ${err.message}`);
  }
  const manifest = model?.weightsManifest;
  if (!Array.isArray(manifest) || manifest.some((g) => !Array.isArray(g?.paths))) {
    throw new Error(`${url} has no valid weightsManifest (is it a tfjs model.json?)`);
  }
  return manifest;
}

const fmt = (n) => n.toLocaleString('en-US');

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`fetch-model: ${err.message}\nusage: npm run fetch-model [-- --from URL] [-- --out DIR]`);
    return 2;
  }
  if (opts.help) {
    console.log('usage: npm run fetch-model [-- --from URL] [-- --out DIR]');
    return 0;
  }

  const { from, out } = opts;
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  /** [temp file, final file] in rename order */
  const staged = [];
  const tempFiles = new Set();
  let renamed = 0;
  const cleanup = async () => {
    await Promise.all([...tempFiles].map((f) => rm(f, { force: true })));
    tempFiles.clear();
  };
  const onSignal = (signal) => {
    for (const f of tempFiles) {
      try {
        rmSync(f, { force: true });
      } catch {
        // best effort
      }
    }
    console.error(`\nfetch-model: interrupted (${signal}); temp files removed`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const stage = async (rel, data) => {
    const final = path.join(out, rel);
    const temp = path.join(path.dirname(final), `.${path.basename(final)}.${tag}.tmp`);
    await mkdir(path.dirname(final), { recursive: true });
    tempFiles.add(temp);
    await writeFile(temp, data);
    staged.push([temp, final]);
  };

  try {
    console.log(`fetch-model: ${from.href}\n          -> ${out}`);
    const modelJson = await download(from);
    const manifest = readManifest(modelJson, from.href);
    const shards = manifest.flatMap((group, g) =>
      group.paths.map((p, i) => ({ group: g, index: i, rel: safeRelativePath(p), url: new URL(p, from) })),
    );
    const total = shards.length + 1;
    console.log(`[1/${total}] model.json ${fmt(modelJson.length)} bytes, ${manifest.length} weight groups, ${shards.length} shards`);

    await mkdir(out, { recursive: true });
    const sizes = new Map(); // group -> bytes received
    let done = 1;
    let next = 0;
    let bytes = 0;
    let failed = false;
    const worker = async () => {
      while (next < shards.length && !failed) {
        const shard = shards[next++];
        const data = await download(shard.url);
        await stage(shard.rel, data);
        sizes.set(shard.group, (sizes.get(shard.group) ?? 0) + data.length);
        bytes += data.length;
        done++;
        console.log(`[${done}/${total}] ${shard.rel} ${fmt(data.length)} bytes`);
      }
    };
    // allSettled: on a failure, wait for the other downloads to stop before cleaning up their temp files
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(CONCURRENCY, shards.length) }, () =>
        worker().catch((err) => {
          failed = true;
          throw err;
        }),
      ),
    );
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected) throw rejected.reason;

    let checked = 0;
    manifest.forEach((group, g) => {
      const expected = expectedGroupBytes(group);
      if (expected === null) return;
      const got = sizes.get(g) ?? 0;
      if (got !== expected) {
        throw new Error(
          `weight group ${g + 1} (${group.paths.join(', ')}): got ${fmt(got)} bytes, the manifest implies ${fmt(expected)}`,
        );
      }
      checked++;
    });
    console.log(`shards: ${fmt(bytes)} bytes; sizes match the manifest for ${checked}/${manifest.length} groups`);

    for (const name of OPTIONAL_FILES) {
      const url = new URL(name, from);
      try {
        const data = await download(url);
        JSON.parse(data.toString('utf8'));
        await stage(name, data);
        console.log(`${name} ${fmt(data.length)} bytes`);
      } catch (err) {
        if (err instanceof HttpError && (err.status === 404 || err.status === 403)) {
          console.log(`${name}: not available at the source (HTTP ${err.status}), skipped`);
        } else if (err instanceof SyntaxError) {
          throw new Error(`${url} is not JSON: ${err.message}`);
        } else {
          throw err;
        }
      }
    }

    // Everything arrived and checked: move into place, model.json last so that a reader never sees a
    // model.json whose shards are missing.
    await stage('model.json', modelJson);
    for (const [temp, final] of staged) {
      await rename(temp, final);
      tempFiles.delete(temp);
      renamed++;
    }
    console.log(`fetch-model: done, ${staged.length} files in ${out}`);
    return 0;
  } catch (err) {
    await cleanup();
    console.error(`fetch-model: FAILED: ${err.message}`);
    console.error(
      renamed === 0
        ? 'fetch-model: nothing was written (temp files removed)'
        : `fetch-model: only ${renamed} of ${staged.length} files were moved into place; run it again`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main();
