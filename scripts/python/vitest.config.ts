/**
 * `npm run test:python`'s first step (scripts/test-python.sh): Vitest runs exportZips.ts alone, to
 * make the export zips in Node with the worker's own modules (TypeScript, resolved as in the app).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { include: ['scripts/python/exportZips.ts'], environment: 'node', testTimeout: 120_000 },
});
