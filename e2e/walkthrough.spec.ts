import { expect, test } from './offline';
import { numberOf, openPlayground, waitForNumber } from './helpers';

test('walks through one sample phase by phase, then trains on it', async ({ page }) => {
  await openPlayground(page, 'hidden=3&batch=1');
  await page.getByTestId('step-sample').click();
  await waitForNumber(page, 'samples-seen', (n) => n === 1);
  await page.getByTestId('walkthrough').click();
  // 2 layers after the inputs: forward 1, forward 2, loss, backward 2, backward 1, update.
  const expected = ['forward', 'forward', 'loss', 'backward', 'backward', 'update'];
  for (const [n, kind] of expected.entries()) {
    await expect(page.getByTestId('walkthrough-phase')).toHaveAttribute('data-phase', kind);
    await expect(page.getByTestId('walkthrough-phase')).toContainText(`Phase ${n + 1} of ${expected.length}`);
    if (kind === 'forward') await expect(page.getByTestId('backprop-panel').locator('[inert]').first()).toBeAttached();
    await page.getByTestId('next-phase').click();
  }
  await waitForNumber(page, 'samples-seen', (n) => n === 2);
  await expect(page.getByTestId('walkthrough-bar')).toBeHidden();
  expect(await numberOf(page, 'updates')).toBe(2);
});

test('the gradient check agrees with backprop for a chosen weight', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('gradcheck-panel').getByRole('button').click();
  await expect(page.getByTestId('gc-relative-error')).toHaveText(/e/);
  const analytic = await numberOf(page, 'gc-analytic');
  const numeric = await numberOf(page, 'gc-numeric');
  expect(Math.abs(analytic - numeric)).toBeLessThan(1e-5 + 1e-4 * Math.abs(analytic));
  expect(await numberOf(page, 'gc-relative-error')).toBeLessThan(1e-4);
  await expect(page.getByTestId('gc-verdict')).toHaveClass(/maths-pass/);
});
