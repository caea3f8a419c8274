import { test as base, expect, type Page } from '@playwright/test';

/**
 * Chromium's CPU slowed this many times for every page (`E2E_CPU_THROTTLE=4`: how a slow school
 * laptop looks), through the DevTools protocol; 1 (the default) leaves it alone.
 */
export const CPU_THROTTLE = Math.max(1, Number(process.env.E2E_CPU_THROTTLE ?? 1) || 1);

/** Slows the page's CPU `rate` times (DevTools protocol Emulation.setCPUThrottlingRate); kept across reloads. */
export async function throttleCpu(page: Page, rate: number): Promise<void> {
  const session = await page.context().newCDPSession(page);
  await session.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * A test whose page may not send any request off its own origin (no CDN, no telemetry, no hosted
 * model): every request is recorded and the test fails if one leaves. With E2E_CPU_THROTTLE, the
 * page's CPU is slowed and each test gets that many times longer.
 */
export const test = base.extend<{ offOriginRequests: string[] }>({
  offOriginRequests: [
    async ({ page, baseURL }, use, testInfo) => {
      if (CPU_THROTTLE > 1) {
        await throttleCpu(page, CPU_THROTTLE);
        testInfo.setTimeout(testInfo.timeout * CPU_THROTTLE);
      }
      const origin = new URL(baseURL!).origin;
      const offOrigin: string[] = [];
      page.on('request', (request) => {
        const url = request.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) offOrigin.push(url);
      });
      await use(offOrigin);
      expect(offOrigin, 'requests that left the page origin').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
