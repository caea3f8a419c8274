import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/**
 * A whole session — playground, images in, train, predict, export the classifier and the image
 * set — records every request (page and worker) and every Content-Security-Policy violation: all
 * requests stay on the app's origin, and the policy is in force yet blocks nothing the app does.
 */
test('a full session sends nothing off the origin, under a CSP that allows only the origin', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => w.__violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const violations = () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

  // The playground trains for a moment.
  await page.goto('/?lang=en');
  const workerScript = page.waitForResponse((response) => /\/assets\/training\.worker-[^/]*\.js$/.test(response.url()));
  await page.getByRole('button', { name: /^Play/ }).click();
  await expect.poll(async () => Number(await page.getByTestId('epoch').textContent()), { timeout: 20_000 }).toBeGreaterThan(5);
  await page.getByRole('button', { name: /^Pause/ }).click();
  // The worker runs under the policy too: it comes from its own response's header.
  expect((await workerScript).headers()['content-security-policy']).toContain("connect-src 'self'");

  // The studio: images in, train, predict, export both ways.
  await openStudio(page, '');
  const cards = page.getByTestId('class-card');
  for (const [k, digit] of ['0', '1'].entries()) await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 6));
  for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('6 images', { timeout: 30_000 });
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
  await page.getByTestId('predict-input').setInputFiles(imagesOf('1')[45]);
  await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));
  await page.getByTestId('export-model').click();
  await page.getByTestId('export-dataset').click();
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(4);

  const content = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(content).toContain("default-src 'self'");
  expect(content).not.toMatch(/(^|\s)(\*|https?:)(\s|;|$)/);
  expect(await violations()).toEqual([]);
  const offOrigin = requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin);
  expect(offOrigin).toEqual([]);
  expect(requests.some((url) => url.includes('/models/mobilenet_v2_0.35_224/'))).toBe(true);

  // The policy is enforced: a request elsewhere is blocked by the browser before it leaves.
  const blocked = await page.evaluate(() => fetch('https://example.org/collect').then(() => 'sent', (error: Error) => `blocked: ${error.message}`));
  expect(blocked).toMatch(/^blocked/);
  // (reported once per policy in force: the <meta> and the header)
  await expect.poll(async () => (await violations()).length).toBeGreaterThan(0);
  expect(await violations()).toEqual((await violations()).map(() => expect.stringMatching(/^connect-src https:\/\/example\.org/)));
});
