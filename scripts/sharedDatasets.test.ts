/**
 * The sharedDatasets() Vite plugin and `npm run fetch-samples`: real `vite preview` and dev servers
 * serving ../shared/datasets at /samples/ with the index the studio reads, traversal refused, a
 * public/samples copy (licence files kept) taking precedence.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSampleIndex } from '../src/features/transfer/sampleSets';
import { fetchSamples } from './fetch-samples.mjs';
import { buildSampleIndex } from './sampleSets.mjs';
import { locateSharedDatasets, sharedDatasets } from './sharedDatasets';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = locateSharedDatasets(REPO_ROOT);
if (!sharedDir) throw new Error(`shared datasets folder not found: set SHARED_DATASETS_DIR or put it at ${path.resolve(REPO_ROOT, '../shared/datasets')}`);

function get(origin: string, rawPath: string, method = 'GET'): Promise<{ status: number; type: string; body: Buffer }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port: Number(port), path: rawPath, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the sample index', () => {
  it('lists both sets with 10 classes of 50 photos, in MANIFEST.tsv order, and their licence files', () => {
    const index = parseSampleIndex(buildSampleIndex(sharedDir!));
    expect(index!.sets.map((set) => set.id)).toEqual(['sign-language-digits', 'grocery-store']);
    const [digits, grocery] = index!.sets;
    expect(digits.classes.map((c) => c.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(digits.classes.every((c) => c.files.length === 50)).toBe(true);
    expect(digits.classes[0].files[0]).toBe('0/IMG_5028.jpg'); // MANIFEST.tsv's first row, not the first name
    expect(digits.licence).toBe('Apache-2.0');
    expect(digits.documents).toEqual(['MANIFEST.tsv', 'PROVENANCE.md']);
    expect(grocery.classes.map((c) => c.name)).toEqual(['apple', 'avocado', 'banana', 'carrots', 'kiwi', 'lemon', 'onion', 'pepper', 'potato', 'tomato']);
    expect(grocery.documents).toContain('LICENSE-GroceryStoreDataset-MIT.txt');
    expect(grocery.attribution).toContain('Marcus Klasson');
  });

  it('is empty for a folder without the sets', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'samples-empty-'));
    try {
      expect(buildSampleIndex(empty)).toEqual({ version: 1, sets: [] });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

function serverChecks(getOrigin: () => string) {
  it('serves the index and the photos', async () => {
    const index = await get(getOrigin(), '/samples/index.json');
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/^application\/json/);
    expect(parseSampleIndex(JSON.parse(index.body.toString('utf8')))!.sets).toHaveLength(2);
    const photo = await get(getOrigin(), '/samples/grocery-store/kiwi/test-Kiwi_001.jpg');
    expect(photo.status).toBe(200);
    expect(photo.type).toBe('image/jpeg');
    expect(photo.body.equals(readFileSync(path.join(sharedDir!, 'grocery-store/kiwi/test-Kiwi_001.jpg')))).toBe(true);
    const licence = await get(getOrigin(), '/samples/grocery-store/LICENSE-GroceryStoreDataset-MIT.txt');
    expect(licence.body.toString('utf8')).toContain('MIT License');
  });

  it('refuses traversal and lists no folders', async () => {
    for (const p of ['/samples/../package.json', '/samples/%2e%2e/package.json', '/samples/grocery-store/..%2f..%2fpackage.json', '/samples/', '/samples/grocery-store/']) {
      const res = await get(getOrigin(), p);
      expect([400, 404], p).toContain(res.status);
      expect(res.body.toString('utf8'), p).not.toContain('neural-playground');
    }
    expect((await get(getOrigin(), '/samples/index.json', 'POST')).status).toBe(405);
  });
}

describe('sharedDatasets() in vite preview', () => {
  let server: Awaited<ReturnType<typeof preview>>;
  let outDir: string;
  let origin = '';
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'shared-datasets-preview-'));
    writeFileSync(path.join(outDir, 'index.html'), '<!doctype html><title>preview</title>');
    server = await preview({ configFile: false, root: REPO_ROOT, logLevel: 'silent', plugins: [sharedDatasets()], build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: true } });
    origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  });
  serverChecks(() => origin);
});

describe('sharedDatasets() in the vite dev server', () => {
  let server: Awaited<ReturnType<typeof createServer>>;
  let origin = '';
  beforeAll(async () => {
    server = await createServer({ configFile: false, root: REPO_ROOT, logLevel: 'silent', plugins: [sharedDatasets()], optimizeDeps: { noDiscovery: true, include: [] }, server: { host: '127.0.0.1', port: 0, strictPort: true, watch: null, hmr: false } });
    await server.listen();
    origin = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
  });
  serverChecks(() => origin);
});

describe('npm run fetch-samples, and a public/samples copy', () => {
  it('copies the listed photos with their licence files and the index; the dev server then serves the copy', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'fetch-samples-'));
    try {
      const out = path.join(root, 'public', 'samples');
      const { sets, copied } = fetchSamples(sharedDir!, out);
      expect(sets).toEqual(['sign-language-digits', 'grocery-store']);
      expect(copied).toBe(1000 + 2 + 3 + 1); // + the Apache-2.0 text for sign-language-digits, which has none in its folder
      expect(existsSync(path.join(out, 'grocery-store', 'LICENSE-GroceryStoreDataset-MIT.txt'))).toBe(true);
      expect(existsSync(path.join(out, 'sign-language-digits', 'PROVENANCE.md'))).toBe(true);
      expect(readFileSync(path.join(out, 'sign-language-digits', 'LICENSE-Apache-2.0.txt'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
      expect(existsSync(path.join(out, 'grocery-store', 'LICENSE-MIT.txt'))).toBe(false);
      writeFileSync(path.join(out, 'index.json'), '{"version":1,"sets":[],"from":"public"}');
      mkdirSync(path.join(root, 'src'));
      const server = await createServer({ configFile: false, root, logLevel: 'silent', plugins: [sharedDatasets({ dir: sharedDir! })], optimizeDeps: { noDiscovery: true, include: [] }, server: { host: '127.0.0.1', port: 0, strictPort: true, watch: null, hmr: false } });
      try {
        await server.listen();
        const origin = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
        expect(JSON.parse((await get(origin, '/samples/index.json')).body.toString('utf8')).from).toBe('public');
      } finally {
        await server.close();
      }
      expect(() => fetchSamples(path.join(root, 'missing'), out)).toThrow(/no sample set/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
