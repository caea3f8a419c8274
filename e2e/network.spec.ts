import { expect, test } from './offline';
import { numberOf, openPlayground, waitForNumber } from './helpers';

test('layers, neurons and features are edited in the diagram and land in the URL', async ({ page }) => {
  await openPlayground(page);
  await page.getByRole('button', { name: 'Add a hidden layer' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('hidden')).toBe('4,2,2');
  await page.getByRole('button', { name: 'Add a neuron to layer 1' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('hidden')).toBe('5,2,2');
  await page.getByRole('button', { name: 'Use feature sin(x₁) as an input' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('features')).toBe('x1,x2,sinX1');
  // 3 inputs · 5 + 5 · 2 + 2 · 2 + 2 · 1 links
  await expect(page.getByTestId('link')).toHaveCount(15 + 10 + 4 + 2);
  await page.getByRole('button', { name: 'Remove the last hidden layer' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('hidden')).toBe('5,2');
});

test('clicking a link edits its weight, and the forward pass uses the new value', async ({ page }) => {
  await openPlayground(page, 'hidden=2');
  // Links are listed layer by layer: the first is w₁₁ of hidden layer 1.
  await page.getByTestId('link').first().click({ force: true });
  const editor = page.getByTestId('weight-editor');
  await editor.fill('1.5');
  await editor.press('Enter');
  await expect(page.getByTestId('forward-neuron-1-0')).toContainText('1.5');
});

test('settings apply live without resetting the run', async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId('step-epoch').click();
  await waitForNumber(page, 'epoch', (n) => n === 1);
  await page.getByTestId('learning-rate').selectOption('0.1');
  await page.getByTestId('step-epoch').click();
  await waitForNumber(page, 'epoch', (n) => n === 2);
  expect(await numberOf(page, 'samples-seen')).toBe(500);
  expect(new URL(page.url()).searchParams.get('lr')).toBe('0.1');
});
