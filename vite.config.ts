import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { csp } from './scripts/csp.ts';
import { sharedModels } from './scripts/sharedModels.ts';
import { sharedDatasets } from './scripts/sharedDatasets.ts';

// https://vite.dev/config/
export default defineConfig({
  plugins: [
    react(),
    sharedModels(),
    sharedDatasets(), // ../shared/datasets at /samples/ (the studio's sample photo sets)
    csp(),
    // Offline-first: the service worker precaches the app shell (HTML, JS, CSS, the wasm binaries)
    // and caches model files on first use; the base model is also kept in IndexedDB by the app.
    VitePWA({
      injectRegister: null, // registered in src/app/serviceWorker.ts (no inline script: CSP)
      registerType: 'autoUpdate',
      manifest: {
        name: 'Neural Playground',
        short_name: 'Neural Playground',
        description: 'See neural networks learn, live, and teach one your own images, in the browser.',
        start_url: '.',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#183d4e',
        icons: [{ src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,wasm}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        runtimeCaching: [
          // The sample photo sets' index: fresh when online, the last one seen when offline.
          {
            urlPattern: ({ url }) => url.pathname.endsWith('/samples/index.json'),
            handler: 'NetworkFirst',
            options: { cacheName: 'neural-playground-samples-index', networkTimeoutSeconds: 5 },
          },
          // Sample photos (and their licence files) once loaded: a set used once loads again offline.
          {
            urlPattern: ({ url }) => url.pathname.includes('/samples/'),
            handler: 'CacheFirst',
            options: { cacheName: 'neural-playground-samples', expiration: { maxEntries: 2000 } },
          },
          {
            urlPattern: ({ url }) => url.pathname.includes('/models/'),
            handler: 'CacheFirst',
            options: { cacheName: 'neural-playground-models', expiration: { maxEntries: 200 } },
          },
        ],
      },
    }),
  ],
  worker: { format: 'es' },
  // A stable first load of `npm start`: every dependency is pre-bundled before the first page is
  // served. Left to discovery, the worker's imports (TensorFlow.js and its backends) were found only
  // once the worker started, and Vite reloaded the page, swallowing the user's first click.
  optimizeDeps: {
    entries: ['index.html', 'src/worker/training.worker.ts'],
    include: [
      '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl',
      'react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'recharts', 'fflate',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Files run in forked workers, Vitest's default of cores − 1 at a time: one at a time on CI's 2
    // cores (two at once were slower there, and doubled the slowest files' times). Tests that train
    // on the real MobileNet set their own, longer timeouts.
    testTimeout: 30_000,
  },
});
