/**
 * The app's Content-Security-Policy: everything from the app's own origin only, plus the origins
 * models may be loaded from (the hosted default MobileNet and any the deployment adds with
 * `VITE_MODEL_ORIGINS`, comma-separated). The built index.html carries it as a <meta> tag, and
 * `vite preview` also sends it as a header, which is what governs the worker (a worker gets its
 * policy from its own response, not from the page). Static hosts should send the same header: the
 * build writes it to dist/_headers (the Netlify / Cloudflare Pages format).
 */
import type { Plugin } from 'vite';
import { HOSTED_MOBILENET_URL } from '../src/features/transfer/meta.ts';

/** Origins (scheme://host[:port]) models may come from besides the app's own. */
export function modelOrigins(env: Record<string, string | undefined> = process.env): string[] {
  const extra = (env.VITE_MODEL_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const origins = [HOSTED_MOBILENET_URL, ...extra].map((url) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`model origin must be http(s): ${url}`);
    return parsed.origin;
  });
  return [...new Set(origins)];
}

/** The policy for the built app. `header` adds what only a header may carry (frame-ancestors). */
export function contentSecurityPolicy(connectOrigins: string[], header = false): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    // tfjs-backend-wasm compiles WebAssembly: 'wasm-unsafe-eval' allows that and nothing else (no JS eval).
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['worker-src', ["'self'"]],
    ['connect-src', ["'self'", ...connectOrigins]],
    // thumbnails and previews are blob: URLs made in the page
    ['img-src', ["'self'", 'blob:', 'data:']],
    ['media-src', ["'self'", 'blob:', 'mediastream:']],
    // React sets style attributes (bars, chart sizes)
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['font-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ...(header ? ([['frame-ancestors', ["'self'"]]] as [string, string[]][]) : []),
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Vite plugin: the policy in the built index.html, in `vite preview`'s responses and in dist/_headers. */
export function csp(env: Record<string, string | undefined> = process.env): Plugin {
  const origins = modelOrigins(env);
  return {
    name: 'neural-playground-csp',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (context.server) return html; // the dev server needs inline HMR scripts and a websocket
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(origins) }, injectTo: 'head-prepend' }];
      },
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: `/*\n  Content-Security-Policy: ${contentSecurityPolicy(origins, true)}\n` });
    },
    configurePreviewServer(server) {
      server.middlewares.use((_request, response, next) => {
        response.setHeader('Content-Security-Policy', contentSecurityPolicy(origins, true));
        next();
      });
    },
  };
}
