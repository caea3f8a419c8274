import type { Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/** Trains the same seeded head on the same photos with one backend; returns its results. */
async function trainWith(page: Page, backend: 'webgl' | 'cpu') {
  await openStudio(page, `&backend=${backend}`);
  await expect(page.getByTestId('backend')).toHaveText(backend, { timeout: 30_000 });
  // The start-up self-check: 32-bit floats, ε = 1e-7, the base model's output within 1 % of cpu's.
  const check = page.getByTestId('numerics-check');
  await expect(check).toHaveAttribute('data-backend', backend);
  expect(Number(await check.getAttribute('data-float-precision'))).toBe(32);
  expect(Number(await check.getAttribute('data-epsilon'))).toBeLessThanOrEqual(1e-6);
  expect(Number(await check.getAttribute('data-relative-error'))).toBeLessThan(0.01);
  test.info().annotations.push({ type: `${backend}: base model vs cpu, max relative error`, description: String(await check.getAttribute('data-relative-error')) });
  const cards = page.getByTestId('class-card');
  for (const [k, digit] of ['3', '7'].entries()) {
    await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);
    await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 8));
  }
  for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
  await page.getByTestId('head-epochs').fill('30');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
  const accuracy = Number(await page.getByTestId('val-accuracy').textContent());
  await page.getByTestId('predict-input').setInputFiles(imagesOf('7')[45]);
  const shown = page.locator('[data-testid="prediction"][data-request="1"][data-ready="true"]');
  await expect(shown).toBeVisible({ timeout: 60_000 });
  return { accuracy, probabilities: JSON.parse((await shown.getAttribute('data-probabilities'))!) as number[] };
}

test('the same seeded head on webgl and on cpu: the same accuracy, the same predictions', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const results = [];
  const offOrigin: string[] = [];
  for (const backend of ['webgl', 'cpu'] as const) {
    // A fresh context each: nothing (project, cached model) carries over from the other backend's run.
    const context = await browser.newContext({ baseURL });
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== new URL(baseURL!).origin) offOrigin.push(url);
    });
    results.push(await trainWith(await context.newPage(), backend));
    await context.close();
  }
  expect(offOrigin, 'requests that left the page origin').toEqual([]);
  const [webgl, cpu] = results;
  test.info().annotations.push({ type: 'validation accuracy (webgl, cpu)', description: `${webgl.accuracy}, ${cpu.accuracy}` });
  expect(webgl.accuracy).toBe(cpu.accuracy);
  // 30 epochs of Adam amplify float rounding a little: the same top class, probabilities within 0.02.
  const top = (p: number[]) => p.indexOf(Math.max(...p));
  expect(top(webgl.probabilities)).toBe(top(cpu.probabilities));
  webgl.probabilities.forEach((p, k) => expect(Math.abs(p - cpu.probabilities[k])).toBeLessThan(0.02));
});
