/**
 * Vite plugin: serves the read-only shared photo sets (`../shared/datasets` beside the repo, or
 * `$SHARED_DATASETS_DIR`) at `<base>samples/` in `vite` (dev) and `vite preview`, the sibling of
 * sharedModels() (whose middleware it uses: files only, GET/HEAD, no listings, no traversal), with
 * the index the studio's "Try a sample set" fetches, `<base>samples/index.json`, made from the
 * folder (scripts/sampleSets.mjs).
 *
 * Nothing is copied into the repo or into `dist/`: a deployment that should offer the sets runs
 * `npm run fetch-samples`, which copies them with their licence files and the index into
 * `public/samples/` (git-ignored), and Vite ships that. Where a file exists there (dev) or in the
 * build output (preview), this plugin steps aside. A build served without either has no index, and
 * the studio hides the menu.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Plugin } from 'vite';
import { buildSampleIndex, SAMPLE_INDEX_FILE, SAMPLES_URL_SEGMENT } from './sampleSets.mjs';
import { createModelsMiddleware, isFile, locateSharedFolder, prefixFor } from './sharedModels.ts';

export interface SharedDatasetsOptions {
  /** The datasets folder; overrides `SHARED_DATASETS_DIR` and `<root>/../shared/datasets`. Relative to the root. */
  dir?: string;
  /** Environment to read `SHARED_DATASETS_DIR` from (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** The shared datasets folder, absolute, or null: `dir`, else `SHARED_DATASETS_DIR`, else `<root>/../shared/datasets`. */
export function locateSharedDatasets(root: string, env: Record<string, string | undefined> = process.env, dir?: string): string | null {
  return locateSharedFolder(root, 'datasets', dir ?? (env.SHARED_DATASETS_DIR || undefined));
}

type Next = (err?: unknown) => void;

/** Connect middleware: `<prefix>index.json` made from `dir` (unless a `deferTo` folder has samples/index.json), then the files. */
export function createSamplesMiddleware(dir: string, prefix: string, deferTo: string[]) {
  const files = createModelsMiddleware({ dir, prefix, deferTo, segment: SAMPLES_URL_SEGMENT });
  const indexPath = `${prefix}${SAMPLE_INDEX_FILE}`;
  return function sharedDatasetsMiddleware(req: IncomingMessage, res: ServerResponse, next: Next): void {
    const rawPath = (req.url ?? '').split(/[?#]/, 1)[0];
    if (rawPath !== indexPath) return files(req, res, next);
    if (deferTo.some((folder) => isFile(path.join(folder, SAMPLES_URL_SEGMENT, SAMPLE_INDEX_FILE)))) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.end();
      return;
    }
    const body = Buffer.from(JSON.stringify(buildSampleIndex(dir)));
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', String(body.length));
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

export function sharedDatasets(options: SharedDatasetsOptions = {}): Plugin {
  let sharedDir: string | null = null;
  return {
    name: 'neural-playground:shared-datasets',
    configResolved(config) {
      sharedDir = locateSharedDatasets(config.root, options.env ?? process.env, options.dir);
    },
    configureServer(server) {
      if (!sharedDir) return;
      const prefix = prefixFor(server.config.base, SAMPLES_URL_SEGMENT);
      server.middlewares.use(createSamplesMiddleware(sharedDir, prefix, server.config.publicDir ? [server.config.publicDir] : []));
      server.config.logger.info(`[shared-datasets] serving ${sharedDir} at ${prefix}`, { timestamp: true });
    },
    configurePreviewServer(server) {
      if (!sharedDir) return;
      const prefix = prefixFor(server.config.base, SAMPLES_URL_SEGMENT);
      const outDir = path.resolve(server.config.root, server.config.build.outDir);
      server.middlewares.use(createSamplesMiddleware(sharedDir, prefix, [outDir]));
      server.config.logger.info(`[shared-datasets] serving ${sharedDir} at ${prefix}`, { timestamp: true });
    },
  };
}

export default sharedDatasets;
