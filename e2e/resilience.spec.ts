/**
 * The bad-input matrix, the environment: a reload in the middle of training, a lost WebGL context
 * and a crashed worker. The studio carries on each time with the user's images, classes and
 * settings, says what happened, and trains again.
 */
import type { Page } from '@playwright/test';
import { expectProject, loadProject, type Project } from './badInput';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

test.setTimeout(240_000);

const PROJECT: Project = { names: ['fist', 'one finger'], counts: [8, 8], epochs: 500 };

/** Sends a debug-only command through the `?debug=1` client. */
async function debug(page: Page, type: 'debug/crash' | 'debug/loseWebglContext'): Promise<void> {
  await page.evaluate((t) => (window as unknown as { __neuralPlayground: { client: { debug(m: { type: string }): void } } }).__neuralPlayground.client.debug({ type: t }), type);
}

/** Predicts one held-out photo; returns the text shown (top class first). */
async function predict(page: Page, digit: string): Promise<string> {
  const shown = page.getByTestId('prediction');
  const before = (await shown.count()) > 0 ? Number(await shown.getAttribute('data-request')) : 0;
  await page.getByTestId('predict-input').setInputFiles(imagesOf(digit)[45]);
  const ready = page.locator(`[data-testid="prediction"][data-request="${before + 1}"][data-ready="true"]`);
  await expect(ready).toBeVisible({ timeout: 60_000 });
  return (await ready.textContent()) ?? '';
}

/** Trains with few epochs and waits until done. */
async function trainBriefly(page: Page, epochs: number): Promise<void> {
  await page.getByTestId('head-epochs').fill(String(epochs));
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
}

/** Starts a long run (batch size 1, 500 epochs) and waits until it is training. */
async function startLongRun(page: Page): Promise<void> {
  await page.getByTestId('head-batch-size').fill('1');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'training', { timeout: 60_000 });
}

test('a reload in the middle of training keeps the project; the studio is idle and trains again', async ({ page }) => {
  await openStudio(page, '');
  await loadProject(page, PROJECT);
  await page.getByTestId('head-optimizer').selectOption('rmsprop');
  await startLongRun(page);
  await expect(page.getByText(/^Epoch [1-9]\d* of 500/)).toBeVisible({ timeout: 30_000 });

  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
  await expectProject(page, PROJECT);
  await expect(page.getByTestId('head-optimizer')).toHaveValue('rmsprop');
  await expect(page.getByTestId('head-batch-size')).toHaveValue('1');
  await expect(page.getByTestId('train-status')).toHaveText('idle');
  await page.getByTestId('head-batch-size').fill('16');
  await trainBriefly(page, 5);
  expect(await predict(page, '1')).toMatch(/^(fist|one finger) \(/);
});

test('a lost WebGL context: the studio switches to wasm, says so, keeps everything and trains again', async ({ page }) => {
  await openStudio(page, '&backend=webgl&debug=1');
  await expect(page.getByTestId('backend')).toHaveText('webgl', { timeout: 30_000 });
  await loadProject(page, { ...PROJECT, epochs: 10 });
  await trainBriefly(page, 10);
  const before = await predict(page, '0');

  await debug(page, 'debug/loseWebglContext');
  const notice = page.getByTestId('reliability-notice');
  await expect(notice).toHaveAttribute('data-kind', 'backendLost', { timeout: 30_000 });
  await expect(notice).toContainText("The graphics card's WebGL context was lost (a driver reset, or out of GPU memory). The studio carries on with wasm");
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
  await expectProject(page, { ...PROJECT, epochs: 10 });
  // The trained classifier came back on wasm (from IndexedDB) and gives the same answer.
  expect((await predict(page, '0')).split(' (')[0]).toBe(before.split(' (')[0]);
  await trainBriefly(page, 5);
  await expect(page.getByTestId('transfer-error')).toHaveCount(0);
});

test('a crashed worker is restarted: images, classes and settings come back and training works', async ({ page }) => {
  await openStudio(page, '&debug=1');
  await loadProject(page, PROJECT);
  await page.getByTestId('head-optimizer').selectOption('sgd');
  await startLongRun(page);

  await debug(page, 'debug/crash');
  const notice = page.getByTestId('reliability-notice');
  await expect(notice).toHaveAttribute('data-kind', 'workerRestarted');
  await expect(notice).toContainText('The training worker stopped unexpectedly and was restarted. Your images, classes and settings were restored');
  await expect(page.getByTestId('train-status')).toHaveText('error');
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
  await expectProject(page, PROJECT);
  await expect(page.getByTestId('head-optimizer')).toHaveValue('sgd');
  // The new worker holds the images again: training and predicting work.
  await page.getByTestId('head-optimizer').selectOption('adam');
  await page.getByTestId('head-batch-size').fill('16');
  await trainBriefly(page, 10);
  expect(await predict(page, '1')).toMatch(/^(fist|one finger) \(/);
  // The playground runs in the same worker: it came back too.
  await page.getByRole('link', { name: 'Playground' }).click();
  await expect(page.getByTestId('train-loss')).toHaveText(/^\d+\.\d+$/);
});
