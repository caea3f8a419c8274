import { expect, test } from './offline';
import { numberOf, numbersOf, openPlayground, waitForNumber } from './helpers';

test('shows the active tfjs backend, chosen in the worker', async ({ page }) => {
  await openPlayground(page);
  await expect(page.getByTestId('backend')).toHaveText(/^(webgl|wasm|cpu)$/, { timeout: 30_000 });
  test.info().annotations.push({ type: 'backend', description: (await page.getByTestId('backend').textContent()) ?? '' });
});

test('a backend forced by the URL is the one used', async ({ page }) => {
  await openPlayground(page, 'backend=cpu');
  await expect(page.getByTestId('backend')).toHaveText('cpu', { timeout: 30_000 });
});

test('Play on the default network reaches test loss < 0.05 within 20 s', async ({ page }) => {
  await openPlayground(page);
  const start = Date.now();
  await page.getByRole('button', { name: /^Play/ }).click();
  await expect(page.getByRole('button', { name: /^Pause/ })).toBeVisible();
  await waitForNumber(page, 'test-loss', (loss) => loss < 0.05, 20_000);
  const seconds = (Date.now() - start) / 1000;
  test.info().annotations.push({ type: 'seconds to test loss < 0.05', description: seconds.toFixed(1) });
  await page.getByRole('button', { name: /^Pause/ }).click();
  await expect(page.getByRole('button', { name: /^Play/ })).toBeVisible();
});

test('the loss panel agrees with itself: sample-loss = ½(y − ŷ)²', async ({ page }) => {
  await openPlayground(page);
  for (let round = 0; round < 3; round++) {
    const [y, yHat, loss] = await numbersOf(page, ['y-true', 'y-hat', 'sample-loss']);
    expect(Math.abs(loss - 0.5 * (y - yHat) ** 2)).toBeLessThan(1e-4 + 1e-4 * loss);
    await page.getByTestId('step-epoch').click();
    await waitForNumber(page, 'epoch', (epoch) => epoch === round + 1);
    await page.getByTestId('random-sample').click();
  }
});

test('each step button advances by exactly one sample, one batch, one epoch', async ({ page }) => {
  await openPlayground(page, 'batch=10&ratio=50');
  await page.getByTestId('step-sample').click();
  await waitForNumber(page, 'samples-seen', (n) => n === 1);
  expect(await numberOf(page, 'updates')).toBe(0);
  expect(await numberOf(page, 'epoch')).toBe(0);
  // Completes the mini-batch that the single sample started: 9 more samples, one update.
  await page.getByTestId('step-batch').click();
  await waitForNumber(page, 'updates', (n) => n === 1);
  expect(await numberOf(page, 'samples-seen')).toBe(10);
  await page.getByTestId('step-batch').click();
  await waitForNumber(page, 'updates', (n) => n === 2);
  expect(await numberOf(page, 'samples-seen')).toBe(20);
  await page.getByTestId('step-epoch').click();
  await waitForNumber(page, 'epoch', (n) => n === 1);
  // 250 training points (50 % of 500): the epoch ends exactly at sample 250, after 25 updates.
  expect(await numberOf(page, 'samples-seen')).toBe(250);
  expect(await numberOf(page, 'updates')).toBe(25);
  await page.getByTestId('step-epoch').click();
  await waitForNumber(page, 'epoch', (n) => n === 2);
  expect(await numberOf(page, 'samples-seen')).toBe(500);
});

test('a URL copied after N steps reproduces the same loss', async ({ page, context }) => {
  await openPlayground(page, 'dataset=spiral&hidden=6,4&activation=relu&seed=42&features=x1,x2,sinX1');
  for (let n = 0; n < 3; n++) await page.getByTestId('step-epoch').click();
  await page.getByTestId('step-sample').click();
  await waitForNumber(page, 'samples-seen', (n) => n === 751);
  const trainLoss = await page.getByTestId('train-loss').textContent();
  const testLoss = await page.getByTestId('test-loss').textContent();
  const url = page.url();
  expect(url).toContain('step=751');
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId('samples-seen')).toHaveText('751');
  await expect(other.getByTestId('train-loss')).toHaveText(trainLoss ?? 'missing');
  await expect(other.getByTestId('test-loss')).toHaveText(testLoss ?? 'missing');
  // And a different seed gives a different run.
  await other.goto(url.replace('seed=42', 'seed=43'));
  await expect(other.getByTestId('samples-seen')).toHaveText('751');
  await expect(other.getByTestId('train-loss')).not.toHaveText(trainLoss ?? 'missing');
});

test('a learning rate that blows up stops training with a message, and the weights can be restored', async ({ page }) => {
  await openPlayground(page, 'dataset=plane&activation=relu&hidden=8,8,8&lr=10&batch=1&speed=normal');
  await page.getByRole('button', { name: /^Play/ }).click();
  await expect(page.getByTestId('error-message')).toContainText('NaN', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: /^Play/ })).toBeVisible();
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'diverged');
  await page.getByTestId('restore-weights').click();
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('error-message')).toBeHidden();
  await expect(page.getByTestId('train-loss')).toHaveText(/^\d+\.\d+$/);
  const samples = await numberOf(page, 'samples-seen');
  // The page is still alive: stepping works after the restore.
  await page.getByTestId('learning-rate').selectOption('0.001');
  await page.getByTestId('step-sample').click();
  await waitForNumber(page, 'samples-seen', (n) => n === samples + 1);
});

test('garbage URL values fall back to defaults with a notice', async ({ page }) => {
  await openPlayground(page, 'lr=banana&hidden=99,2&dataset=moon&noise=-3');
  await expect(page.getByTestId('url-notice')).toContainText('lr');
  await expect(page.getByTestId('url-notice')).toContainText('hidden');
  await expect(page.getByTestId('url-notice')).toContainText('dataset');
  await expect(page.getByTestId('learning-rate')).toHaveValue('0.03');
  await expect(page.getByTestId('dataset-circle')).toHaveAttribute('aria-checked', 'true');
  expect(page.url()).toContain('lr=0.03');
});

test('the open view stays in the URL while the playground writes its settings there, so a reload keeps it', async ({ page }) => {
  await page.goto('/?lang=en&seed=7#lessons');
  await expect(page.getByRole('link', { name: 'Lessons' })).toHaveAttribute('aria-current', 'page');
  // the playground still runs behind the lessons and writes its state (seed, step) into the URL
  await expect.poll(() => new URL(page.url()).searchParams.get('step'), { timeout: 20_000 }).not.toBeNull();
  expect(new URL(page.url()).hash).toBe('#lessons');
  await page.getByRole('link', { name: 'Playground' }).click();
  await page.getByTestId('step-epoch').click();
  await waitForNumber(page, 'epoch', (n) => n === 1);
  await expect.poll(() => page.url()).toContain('#playground');
  await page.reload();
  await expect(page.getByRole('link', { name: 'Playground' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('epoch')).toHaveText('1');
});
