/**
 * `scripts/fetch-model.mjs` end to end: run as a child process against a loopback server that serves
 * the shared models folder (../shared/models or $SHARED_MODELS_DIR). Never touches the internet.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locateSharedModels } from './sharedModels';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'fetch-model.mjs');
const MODEL = 'mobilenet_v1_0.25_224';

const sharedDir = locateSharedModels(REPO_ROOT);
if (!sharedDir) {
  throw new Error(`shared models folder not found: set SHARED_MODELS_DIR or put it at ${path.resolve(REPO_ROOT, '../shared/models')}`);
}
const modelDir = path.join(sharedDir, MODEL);

interface StaticServer {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` at `/` on 127.0.0.1 (random port); `notFound` paths get 404, `truncate` paths half the file. */
async function startStaticServer(dir: string, opts: { notFound?: string[]; truncate?: string[] } = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(urlPath);
    const file = path.join(dir, urlPath);
    let size = -1;
    try {
      const stats = statSync(file);
      if (stats.isFile() && file.startsWith(dir + path.sep)) size = stats.size;
    } catch {
      // 404 below
    }
    if (size < 0 || opts.notFound?.includes(urlPath)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const end = opts.truncate?.includes(urlPath) ? Math.floor(size / 2) : size;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(end) });
    if (end === 0) res.end();
    else createReadStream(file, { start: 0, end: end - 1 }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runFetchModel(args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: REPO_ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** model.json and its 55 shards, in manifest order */
function expectedFiles(): string[] {
  const model = JSON.parse(readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[] }[];
  };
  return ['model.json', ...model.weightsManifest.flatMap((g) => g.paths)];
}

describe('npm run fetch-model', () => {
  let server: StaticServer;
  const temps: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fetch-model-test-'));
    temps.push(dir);
    return dir;
  };

  beforeAll(async () => {
    server = await startStaticServer(sharedDir);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('downloads model.json, all 55 shards and imagenet_classes.json byte-identical', async () => {
    const out = path.join(tempDir(), 'nested', MODEL);
    const result = await runFetchModel(['--from', `${server.origin}/${MODEL}/model.json`, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sizes match the manifest for 55/55 groups');
    expect(result.stdout).toContain('[56/56]');

    const files = expectedFiles();
    expect(files).toHaveLength(56);
    expect(readdirSync(out).sort()).toEqual([...files, 'imagenet_classes.json'].sort());
    for (const name of [...files, 'imagenet_classes.json']) {
      expect(sha256(path.join(out, name)), name).toBe(sha256(path.join(modelDir, name)));
    }
    // PROVENANCE.md's checksum of model.json
    expect(sha256(path.join(out, 'model.json'))).toBe('d14c680e069d74143e3771c291cf3fd153ee88b6ea9ee44bfaf84e2008ded44e');
  });

  it('accepts --from=URL --out=DIR and skips a missing imagenet_classes.json', async () => {
    const optional = await startStaticServer(sharedDir, { notFound: [`/${MODEL}/imagenet_classes.json`] });
    try {
      const out = tempDir();
      const result = await runFetchModel([`--from=${optional.origin}/${MODEL}/model.json`, `--out=${out}`]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/imagenet_classes\.json: not available at the source \(HTTP 404\)/);
      expect(readdirSync(out).sort()).toEqual(expectedFiles().sort());
    } finally {
      await optional.close();
    }
  });

  it('fails with a message and leaves no files when a shard is missing (404)', async () => {
    const failing = await startStaticServer(sharedDir, { notFound: [`/${MODEL}/group27-shard1of1`] });
    try {
      const out = tempDir();
      const result = await runFetchModel(['--from', `${failing.origin}/${MODEL}/model.json`, '--out', out]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/FAILED: HTTP 404.*group27-shard1of1/);
      expect(failing.requests).toContain(`/${MODEL}/group27-shard1of1`);
      expect(existsSync(path.join(out, 'group27-shard1of1'))).toBe(false);
      expect(existsSync(path.join(out, 'model.json'))).toBe(false);
      // no temp files and no other partial results either
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    } finally {
      await failing.close();
    }
  });

  it('fails when a shard is shorter than the manifest implies', async () => {
    const failing = await startStaticServer(sharedDir, { truncate: [`/${MODEL}/group3-shard1of1`] });
    try {
      const out = tempDir();
      const result = await runFetchModel(['--from', `${failing.origin}/${MODEL}/model.json`, '--out', out]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/weight group 3 \(group3-shard1of1\): got [\d,]+ bytes, the manifest implies [\d,]+/);
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    } finally {
      await failing.close();
    }
  });

  it('fails with exit code 1 when model.json is missing, and 2 on bad arguments', async () => {
    const out = tempDir();
    const missing = await runFetchModel(['--from', `${server.origin}/nope/model.json`, '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HTTP 404');
    const bad = await runFetchModel(['--from', 'ftp://example.invalid/model.json', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from must be an http(s) URL');
    expect(readdirSync(out)).toEqual([]);
  });
});
