/// <reference types="vite/client" />
/**
 * The sharedModels() Vite plugin: real `vite preview` and dev servers on 127.0.0.1 serving the shared
 * models folder at /models/, path traversal refused, and the build-time default model URL.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview, type Plugin, type UserConfig } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOSTED_MOBILENET_URL, LOCAL_MOBILENET_PATH } from '../src/features/transfer/meta';
import { computeDefaultModelUrl, locateSharedModels, sharedModels } from './sharedModels';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = 'mobilenet_v1_0.25_224';
const sharedDir = locateSharedModels(REPO_ROOT);
if (!sharedDir) {
  throw new Error(`shared models folder not found: set SHARED_MODELS_DIR or put it at ${path.resolve(REPO_ROOT, '../shared/models')}`);
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An HTTP request whose path is sent exactly as given (fetch() would resolve `..` first). */
function rawRequest(origin: string, rawPath: string, method = 'GET'): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port: Number(port), path: rawPath, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const TRAVERSALS = [
  '/models/../package.json',
  `/models/${MODEL}/../../package.json`,
  '/models/%2e%2e/package.json',
  '/models/%2E%2E/package.json',
  '/models/.%2e/package.json',
  '/models/..%2fpackage.json',
  '/models/%2e%2e%2fpackage.json',
  `/models/${MODEL}/..%2f..%2fpackage.json`,
  `/models/${MODEL}/%2e%2e%2f%2e%2e%2fpackage.json`,
  '/models/..%5cpackage.json',
  '/models/%2e%2e%5c%2e%2e%5cpackage.json',
  '/models/%252e%252e/package.json',
  '/models/%ZZ',
];

/** The same checks against a running server (preview or dev). */
function serverChecks(getOrigin: () => string) {
  it('serves model.json as JSON with a weightsManifest, no-cache', async () => {
    const res = await rawRequest(getOrigin(), `/models/${MODEL}/model.json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const model = JSON.parse(res.body.toString('utf8')) as { weightsManifest: { paths: string[] }[] };
    expect(model.weightsManifest).toHaveLength(55);
    expect(res.body.equals(readFileSync(path.join(sharedDir!, MODEL, 'model.json')))).toBe(true);
  });

  it('serves shards byte-identical as application/octet-stream', async () => {
    for (const shard of ['group1-shard1of1', 'group55-shard1of1']) {
      const res = await rawRequest(getOrigin(), `/models/${MODEL}/${shard}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['cache-control']).toBe('no-cache');
      const source = readFileSync(path.join(sharedDir!, MODEL, shard));
      expect(Number(res.headers['content-length'])).toBe(source.length);
      expect(sha256(res.body)).toBe(sha256(source));
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await rawRequest(getOrigin(), `/models/${MODEL}/group2-shard1of1`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const post = await rawRequest(getOrigin(), `/models/${MODEL}/model.json`, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('refuses path traversal, plain and encoded', async () => {
    for (const p of TRAVERSALS) {
      const res = await rawRequest(getOrigin(), p);
      expect([400, 404], p).toContain(res.status);
      expect(res.body.toString('utf8'), p).not.toContain('neural-playground');
    }
  });

  it('lists no directories and 404s missing files', async () => {
    for (const p of ['/models/', `/models/${MODEL}/`, `/models/${MODEL}`, `/models/${MODEL}/nope.json`]) {
      const res = await rawRequest(getOrigin(), p);
      expect(res.status, p).toBe(404);
      expect(res.body.toString('utf8'), p).not.toContain('group1-shard1of1');
    }
  });
}

describe('sharedModels() in vite preview', () => {
  let server: Awaited<ReturnType<typeof preview>>;
  let outDir: string;
  let origin = '';

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'shared-models-preview-'));
    writeFileSync(path.join(outDir, 'index.html'), '<!doctype html><title>preview</title>');
    server = await preview({
      configFile: false,
      root: REPO_ROOT,
      logLevel: 'silent',
      plugins: [sharedModels()],
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: true },
    });
    origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  serverChecks(() => origin);
});

describe('sharedModels() in the vite dev server', () => {
  let server: Awaited<ReturnType<typeof createServer>>;
  let origin = '';

  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root: REPO_ROOT,
      logLevel: 'silent',
      plugins: [sharedModels()],
      optimizeDeps: { noDiscovery: true, include: [] },
      server: { host: '127.0.0.1', port: 0, strictPort: true, watch: null, hmr: false },
    });
    await server.listen();
    origin = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  serverChecks(() => origin);
});

describe('sharedModels() beside a public/models copy', () => {
  it('leaves files that public/models has to Vite and serves the rest from the shared folder', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shared-models-public-'));
    mkdirSync(path.join(root, 'public', 'models', MODEL), { recursive: true });
    writeFileSync(path.join(root, 'public', LOCAL_MOBILENET_PATH), '{"from":"public"}');
    const server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [sharedModels({ dir: sharedDir! })],
      optimizeDeps: { noDiscovery: true, include: [] },
      server: { host: '127.0.0.1', port: 0, strictPort: true, watch: null, hmr: false },
    });
    try {
      await server.listen();
      const origin = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
      const fromPublic = await rawRequest(origin, `/models/${MODEL}/model.json`);
      expect(fromPublic.status).toBe(200);
      expect(JSON.parse(fromPublic.body.toString('utf8'))).toEqual({ from: 'public' });
      const shard = await rawRequest(origin, `/models/${MODEL}/group1-shard1of1`);
      expect(shard.status).toBe(200);
      expect(shard.body.equals(readFileSync(path.join(sharedDir!, MODEL, 'group1-shard1of1')))).toBe(true);
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Calls the plugin's config() hook as Vite would and returns the define it adds. */
async function defineFor(plugin: Plugin, config: UserConfig): Promise<Record<string, string>> {
  const hook = plugin.config;
  const fn = typeof hook === 'function' ? hook : hook?.handler;
  if (!fn) throw new Error('no config hook');
  const result = (await fn.call({} as never, config, { command: 'build', mode: 'production' })) as UserConfig | null;
  return (result?.define ?? {}) as Record<string, string>;
}

describe('the default model URL', () => {
  const temps: string[] = [];
  const tempRoot = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shared-models-root-'));
    temps.push(dir);
    return dir;
  };
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const KEY = 'import.meta.env.VITE_DEFAULT_MODEL_URL';

  it('is the relative local path when ../shared/models exists', async () => {
    expect(LOCAL_MOBILENET_PATH).toBe(`models/${MODEL}/model.json`);
    const define = await defineFor(sharedModels({ env: {} }), { root: REPO_ROOT });
    expect(define[KEY]).toBe(JSON.stringify(LOCAL_MOBILENET_PATH));
  });

  it('is the local path when SHARED_MODELS_DIR points at the folder', async () => {
    vi.stubEnv('SHARED_MODELS_DIR', sharedDir);
    const define = await defineFor(sharedModels(), { root: tempRoot() });
    expect(define[KEY]).toBe(JSON.stringify(LOCAL_MOBILENET_PATH));
  });

  it('is the hosted URL when SHARED_MODELS_DIR points to a missing folder and public/models is absent', async () => {
    const root = tempRoot();
    vi.stubEnv('SHARED_MODELS_DIR', path.join(root, 'missing'));
    expect(locateSharedModels(root)).toBeNull();
    const define = await defineFor(sharedModels(), { root });
    expect(define[KEY]).toBe(JSON.stringify(HOSTED_MOBILENET_URL));
    expect(computeDefaultModelUrl(null, path.join(root, 'public'))).toBe(HOSTED_MOBILENET_URL);
  });

  it('is the local path when only public/models has a copy (npm run fetch-model)', async () => {
    const root = tempRoot();
    vi.stubEnv('SHARED_MODELS_DIR', path.join(root, 'missing'));
    mkdirSync(path.join(root, 'public', 'models', MODEL), { recursive: true });
    writeFileSync(path.join(root, 'public', LOCAL_MOBILENET_PATH), '{}');
    const define = await defineFor(sharedModels(), { root });
    expect(define[KEY]).toBe(JSON.stringify(LOCAL_MOBILENET_PATH));
    // ... but not when public/ is switched off
    const off = await defineFor(sharedModels(), { root, publicDir: false });
    expect(off[KEY]).toBe(JSON.stringify(HOSTED_MOBILENET_URL));
  });

  it('reaches the code through a real vite build', async () => {
    const root = tempRoot();
    writeFileSync(path.join(root, 'entry.js'), 'export const url = import.meta.env.VITE_DEFAULT_MODEL_URL;\n');
    const bundle = async (dir: string) => {
      const result = await build({
        configFile: false,
        root,
        logLevel: 'silent',
        plugins: [sharedModels({ dir })],
        build: { write: false, minify: false, lib: { entry: path.join(root, 'entry.js'), formats: ['es'] } },
      });
      const outputs = Array.isArray(result) ? result : [result];
      return outputs
        .flatMap((o) => ('output' in o ? o.output : []))
        .map((chunk) => ('code' in chunk ? chunk.code : ''))
        .join('\n');
    };
    expect(await bundle(sharedDir)).toContain(JSON.stringify(LOCAL_MOBILENET_PATH));
    expect(await bundle(path.join(root, 'missing'))).toContain(JSON.stringify(HOSTED_MOBILENET_URL));
  });

  it('is what this test run sees (vite.config.ts uses the plugin)', () => {
    const expected = computeDefaultModelUrl(locateSharedModels(REPO_ROOT), path.join(REPO_ROOT, 'public'));
    expect(import.meta.env.VITE_DEFAULT_MODEL_URL).toBe(expected);
  });
});
