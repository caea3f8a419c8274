/**
 * The default head's refit (issue 10): after the run with a validation set (its curves and its
 * evaluation), the head trains again on every photo, and that classifier is the one kept. A new
 * project starts on MobileNet v2 0.35 with the refit on.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio, predictProbabilities } from './studio';

test.setTimeout(240_000);

const cards = (page: Page) => page.getByTestId('class-card');

async function trainAndRead(page: Page, refit: boolean, photo: string) {
  // Every phase the worker reports until done, recorded from its messages (?debug=1 exposes the
  // client): the page may draw a short phase in the same frame as the next, so the DOM can skip one.
  await page.evaluate(() => {
    const w = window as unknown as { __phases: string[]; __neuralPlayground: { client: { subscribe(l: { onMessage(m: { type: string; phase?: string }): void }): () => void } } };
    w.__phases = [];
    w.__neuralPlayground.client.subscribe({
      onMessage: (m) => {
        if (m.type === 'transfer/trainProgress' && m.phase && w.__phases.at(-1) !== m.phase) w.__phases.push(m.phase);
      },
    });
  });
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const phases = await page.evaluate(() => (window as unknown as { __phases: string[] }).__phases);
  // The refit comes after the curves' epochs, and only when it is on.
  expect(phases.join(' → ')).toBe(refit ? 'embedding → training → refitting' : 'embedding → training');
  await expect(page.getByText('Epoch 6 of 6')).toBeVisible();
  const valAccuracy = await page.getByTestId('val-accuracy').textContent();
  return { valAccuracy, probabilities: await predictProbabilities(page, photo) };
}

test('a new project is on MobileNet v2 0.35 and refits the head on every photo after its validated run', async ({ page }) => {
  await openStudio(page, '&debug=1');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-base', 'mobilenet_v2_0.35');
  await expect(page.getByTestId('base-model')).toHaveValue('mobilenet_v2_0.35');
  const refit = page.getByTestId('head-refit');
  await expect(refit).toBeChecked();
  for (const [k, digit] of ['3', '8'].entries()) {
    await cards(page).nth(k).getByTestId('class-name').fill(`digit ${digit}`);
    await cards(page).nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 10));
  }
  for (const k of [0, 1]) await expect(cards(page).nth(k).getByTestId('class-count')).toHaveText('10 images', { timeout: 60_000 });
  await page.getByTestId('head-epochs').fill('6');
  const photo = imagesOf('8')[47];

  // Refit on: 6 epochs with validation (the curves' 6), then 6 more on all 20 photos.
  const withRefit = await trainAndRead(page, true, photo);

  // Refit off: the same first run (the same split and seed), and its head is the one kept.
  await refit.uncheck();
  const without = await trainAndRead(page, false, photo);
  expect(without.valAccuracy).toBe(withRefit.valAccuracy);
  const largest = Math.max(...without.probabilities.map((p, k) => Math.abs(p - withRefit.probabilities[k])));
  expect(largest, 'the refit head has learned from the validation photos too: other weights').toBeGreaterThan(1e-4);

  // Off again: the first run repeats exactly (so the difference above is the refit, not noise).
  const again = await trainAndRead(page, false, photo);
  again.probabilities.forEach((p, k) => expect(p).toBeCloseTo(without.probabilities[k], 5));
});
