/**
 * Vite plugin: serves the read-only shared models folder (`../shared/models` beside the repo, or
 * `$SHARED_MODELS_DIR`) at `<base>models/` in `vite` (dev) and `vite preview`, and defines the app's
 * default model URL at build time:
 *
 *   import.meta.env.VITE_DEFAULT_MODEL_URL =
 *     LOCAL_MOBILENET_PATH   ('models/mobilenet_v1_0.25_224/model.json', relative to the app's base URL)
 *                            when the shared folder holds the model or `public/models/` has a copy
 *                            (made by `npm run fetch-model`);
 *     HOSTED_MOBILENET_URL   otherwise.
 *
 * The folder is never copied into the repo or into `dist/`. `public/models/` (git-ignored) is served and
 * copied by Vite itself; where a requested file exists there (dev) or in the build output (preview),
 * this plugin steps aside so that it does not shadow it.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Plugin } from 'vite';
import { BASES } from '../src/features/transfer/bases.ts';
import { HOSTED_MOBILENET_URL, LOCAL_MOBILENET_PATH } from '../src/features/transfer/meta.ts';

/** URL path segment under the app's base where models are served (and where public/models lives). */
export const MODELS_URL_SEGMENT = 'models/';
/** The model's path inside the models folder: 'mobilenet_v1_0.25_224/model.json'. */
export const MOBILENET_IN_MODELS_DIR = LOCAL_MOBILENET_PATH.slice(MODELS_URL_SEGMENT.length);

export interface SharedModelsOptions {
  /** The models folder; overrides `SHARED_MODELS_DIR` and `<root>/../shared/models`. Relative to the root. */
  dir?: string;
  /** Environment to read `SHARED_MODELS_DIR` from (default: process.env). */
  env?: Record<string, string | undefined>;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The shared models folder, absolute, or null when there is none: `dir` if given, else
 * `SHARED_MODELS_DIR` if set (no fallback when it points nowhere), else `<root>/../shared/models`.
 */
export function locateSharedModels(
  root: string,
  env: Record<string, string | undefined> = process.env,
  dir?: string,
): string | null {
  return locateSharedFolder(root, 'models', dir ?? (env.SHARED_MODELS_DIR || undefined));
}

/** A folder of ../shared, absolute, or null when there is none: `configured` (relative to root) if given, else `<root>/../shared/<name>`. */
export function locateSharedFolder(root: string, name: string, configured?: string): string | null {
  const candidate = configured !== undefined ? path.resolve(root, configured) : path.resolve(root, '..', 'shared', name);
  return isDirectory(candidate) ? candidate : null;
}

/**
 * The value for `import.meta.env.VITE_DEFAULT_MODEL_URL`: the relative LOCAL_MOBILENET_PATH when the
 * shared folder holds the model or `<publicDir>/models/…/model.json` exists, else HOSTED_MOBILENET_URL.
 */
export function computeDefaultModelUrl(sharedDir: string | null, publicDir: string | null): string {
  if (sharedDir && isFile(path.join(sharedDir, MOBILENET_IN_MODELS_DIR))) return LOCAL_MOBILENET_PATH;
  if (publicDir && isFile(path.join(publicDir, LOCAL_MOBILENET_PATH))) return LOCAL_MOBILENET_PATH;
  return HOSTED_MOBILENET_URL;
}

/**
 * The registry's bases (their folders, bases.ts) that this build serves itself: found in the shared
 * folder or in `<publicDir>/models/`. The others load from their hosted copy.
 */
export function localBaseFolders(sharedDir: string | null, publicDir: string | null): string[] {
  return Object.values(BASES)
    .map((spec) => spec.folder)
    .filter((folder) => (sharedDir && isFile(path.join(sharedDir, folder, 'model.json'))) || (publicDir && isFile(path.join(publicDir, MODELS_URL_SEGMENT, folder, 'model.json'))));
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
};

function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export interface ModelsMiddlewareOptions {
  /** the folder to serve (absolute) */
  dir: string;
  /** URL path prefix, with leading and trailing slash (default '/models/') */
  prefix?: string;
  /**
   * Folders that mirror the URL space below the prefix's parent (e.g. the public dir in dev, the build
   * output in preview): when `<folder>/models/<file>` exists, the request is left to Vite (next()).
   */
  deferTo?: string[];
  /** the URL segment `deferTo` folders hold the files under (default MODELS_URL_SEGMENT, 'models/') */
  segment?: string;
}

type Next = (err?: unknown) => void;

/** Connect middleware serving `dir` at `prefix`: files only, GET/HEAD only, no listings, no traversal. */
export function createModelsMiddleware(options: ModelsMiddlewareOptions) {
  const prefix = options.prefix ?? `/${MODELS_URL_SEGMENT}`;
  const deferTo = (options.deferTo ?? []).filter(Boolean);
  const segment = options.segment ?? MODELS_URL_SEGMENT;
  let realDir: string | null = null;

  function fail(res: ServerResponse, status: number, message: string): void {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(`${status} ${message}\n`);
  }

  return function sharedModelsMiddleware(req: IncomingMessage, res: ServerResponse, next: Next): void {
    const rawUrl = req.url ?? '';
    const rawPath = rawUrl.split(/[?#]/, 1)[0];
    if (!rawPath.startsWith(prefix)) return next();

    const rawRel = rawPath.slice(prefix.length);
    let rel: string;
    try {
      rel = decodeURIComponent(rawRel);
    } catch {
      return fail(res, 400, 'Bad Request');
    }
    const segments = rel.split('/');
    if (
      rel.includes('\0') ||
      rel.includes('\\') ||
      segments.some((s) => s === '..' || s === '.') ||
      rawRel.split('/').some((s) => s === '..' || s === '.') ||
      path.isAbsolute(rel)
    ) {
      return fail(res, 400, 'Bad Request');
    }
    if (rel === '' || rel.endsWith('/') || segments.some((s) => s === '')) return fail(res, 404, 'Not Found');

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return fail(res, 405, 'Method Not Allowed');
    }

    // Vite serves public/models itself (dev) and dist/models after a build with a copy (preview).
    for (const folder of deferTo) {
      if (isFile(path.join(folder, segment, rel))) return next();
    }

    const file = path.resolve(options.dir, rel);
    if (!isInside(options.dir, file)) return fail(res, 400, 'Bad Request');
    let stats;
    let realFile: string;
    try {
      realDir ??= realpathSync(options.dir);
      realFile = realpathSync(file);
      stats = statSync(realFile);
    } catch {
      return fail(res, 404, 'Not Found');
    }
    if (!stats.isFile() || !isInside(realDir, realFile)) return fail(res, 404, 'Not Found');

    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypeFor(realFile));
    res.setHeader('Content-Length', String(stats.size));
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Last-Modified', stats.mtime.toUTCString());
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(realFile);
    stream.on('error', (err) => {
      if (!res.headersSent) fail(res, 500, 'Internal Server Error');
      else res.destroy(err);
    });
    stream.pipe(res);
  };
}

/** `<base><segment>` (default `<base>models/`) when the base is an absolute path, else `/<segment>`. */
export function prefixFor(base: string, segment: string = MODELS_URL_SEGMENT): string {
  const b = base.startsWith('/') ? (base.endsWith('/') ? base : `${base}/`) : '/';
  return `${b}${segment}`;
}

export function sharedModels(options: SharedModelsOptions = {}): Plugin {
  let sharedDir: string | null = null;
  let defaultUrl = HOSTED_MOBILENET_URL;

  return {
    name: 'neural-playground:shared-models',
    config: {
      // 'pre': runs before Vitest's own config hook, which turns import.meta.env.* defines into the
      // test run's import.meta.env (otherwise tests would see undefined)
      order: 'pre',
      handler(userConfig) {
        const root = path.resolve(userConfig.root ?? process.cwd());
        const publicDir = userConfig.publicDir === false ? null : path.resolve(root, userConfig.publicDir ?? 'public');
        sharedDir = locateSharedModels(root, options.env ?? process.env, options.dir);
        defaultUrl = computeDefaultModelUrl(sharedDir, publicDir);
        const local = localBaseFolders(sharedDir, publicDir).join(',');
        return { define: { 'import.meta.env.VITE_DEFAULT_MODEL_URL': JSON.stringify(defaultUrl), 'import.meta.env.VITE_LOCAL_MODELS': JSON.stringify(local) } };
      },
    },
    configureServer(server) {
      if (!sharedDir) return;
      const prefix = prefixFor(server.config.base);
      server.middlewares.use(
        createModelsMiddleware({ dir: sharedDir, prefix, deferTo: server.config.publicDir ? [server.config.publicDir] : [] }),
      );
      server.config.logger.info(`[shared-models] serving ${sharedDir} at ${prefix}`, { timestamp: true });
    },
    configurePreviewServer(server) {
      if (!sharedDir) return;
      const prefix = prefixFor(server.config.base);
      const outDir = path.resolve(server.config.root, server.config.build.outDir);
      server.middlewares.use(createModelsMiddleware({ dir: sharedDir, prefix, deferTo: [outDir] }));
      server.config.logger.info(`[shared-models] serving ${sharedDir} at ${prefix}`, { timestamp: true });
    },
  };
}

export default sharedModels;
