import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/**
 * Offline-first: after one visit (the service worker has cached the app shell; the base model is
 * in IndexedDB and the service worker's model cache), the network is cut and the page reloaded:
 * the app still starts, the model is ready, and a model still trains and predicts.
 */
test('with the network cut, a reload gives a working app with the model ready', async ({ page, context }) => {
  test.setTimeout(180_000);
  await openStudio(page, '');
  // The service worker controls the page once it is active (it claims clients on activation).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });

  await context.setOffline(true);
  const failed: string[] = [];
  page.on('requestfailed', (request) => failed.push(request.url()));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
  // The network is really cut: a request the service worker does not answer from its caches fails.
  // (Not navigator.onLine: Chromium's emulated flag can lag behind a reload, while requests are
  // already refused; seen in CI.)
  const probe = await page.evaluate(() => fetch(`/offline-probe-${Date.now()}`, { cache: 'no-store' }).then((response) => `reached (${response.status})`, () => 'failed'));
  expect(probe).toBe('failed');
  // (and the sample sets' index, which the service worker keeps once seen online: on a first visit
  // it can be fetched before the worker controls the page; offline, the menu then stays hidden)
  failed.splice(0, failed.length, ...failed.filter((url) => !url.includes('/offline-probe-') && !url.endsWith('/samples/index.json')));

  const cards = page.getByTestId('class-card');
  for (const [k, digit] of ['0', '1'].entries()) await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 5));
  for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('5 images', { timeout: 30_000 });
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
  await page.getByTestId('predict-input').setInputFiles(imagesOf('1')[45]);
  await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toHaveText(/\(/, { timeout: 30_000 });
  // The playground works offline too.
  await page.getByRole('link', { name: 'Playground' }).click();
  await page.getByRole('button', { name: /^Play/ }).click();
  await expect.poll(async () => Number(await page.getByTestId('epoch').textContent()), { timeout: 20_000 }).toBeGreaterThan(2);
  expect(failed).toEqual([]);
});
