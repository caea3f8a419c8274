import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { csp } from './scripts/csp.ts';
import { sharedModels } from './scripts/sharedModels.ts';

// https://vite.dev/config/
export default defineConfig({
  plugins: [react(), sharedModels(), csp()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
