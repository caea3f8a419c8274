import { defineConfig } from '@playwright/test';

/** Debian's Chromium (Playwright must not download browsers here); CHROMIUM_PATH overrides. */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.E2E_PORT ?? 4173);
/** the built app to serve (a second checkout or helper can build elsewhere and use another port) */
const outDir = process.env.E2E_OUT_DIR ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  // E2E_CPU_THROTTLE=4 slows every page's CPU 4× (e2e/offline.ts); waits grow with it.
  expect: { timeout: 20_000 * Math.max(1, Number(process.env.E2E_CPU_THROTTLE ?? 1) || 1) },
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath,
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // Software WebGL (SwiftShader) where there is no GPU, so the webgl backend can be tested too.
        '--enable-unsafe-swiftshader',
        // A fake camera (a generated test pattern), allowed without a prompt: the studio's webcam.
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort --outDir ${outDir}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
