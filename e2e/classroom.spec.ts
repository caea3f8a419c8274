import type { Locator, Page } from '@playwright/test';
import { expect, test } from './offline';
import { numbersOf, openPlayground, waitForNumber } from './helpers';
import { imagesOf, openStudio } from './studio';

/** The `n`-th step (0-based) of the open lesson. */
const stepOf = (page: Page, n: number): Locator => page.getByTestId('lesson-step').nth(n);

async function check(step: Locator, answer?: string): Promise<void> {
  if (answer !== undefined) await step.getByTestId('lesson-answer').fill(answer);
  await step.getByTestId('lesson-check').click();
}

async function expectDone(step: Locator): Promise<void> {
  await expect(step.getByTestId('lesson-step-status')).toHaveAttribute('data-done', 'true');
}

/** A maths-panel number as shown (4 significant digits, true minus sign), typed back as is. */
const shown = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

test('presenter view from the URL: large type, high contrast, advanced controls hidden', async ({ page }) => {
  await openPlayground(page, 'presenter=1');
  const root = page.locator('.app');
  await expect(root).toHaveClass(/\bpresenter\b/);
  const sizes = await page.evaluate(() => ({
    root: parseFloat(getComputedStyle(document.querySelector('.app')!).fontSize),
    control: parseFloat(getComputedStyle(document.querySelector('.control')!).fontSize),
  }));
  expect(sizes.root).toBeGreaterThanOrEqual(20);
  expect(sizes.control).toBeGreaterThanOrEqual(16);
  // advanced controls are gone; the lesson essentials stay
  await expect(page.getByTestId('backend-choice')).toHaveCount(0);
  await expect(page.getByTestId('batch-size')).toHaveCount(0);
  await expect(page.getByTestId('regenerate')).toHaveCount(0);
  await expect(page.getByTestId('learning-rate')).toBeVisible();
  await expect(page.getByTestId('dataset-circle')).toBeVisible();
  await expect(page.getByTestId('backend')).toHaveText(/^(webgl|wasm|cpu)$/, { timeout: 30_000 });
});

test('?hide=learningRate,activation hides exactly those two controls', async ({ page }) => {
  await openPlayground(page, 'hide=learningRate,activation');
  await expect(page.getByTestId('learning-rate')).toHaveCount(0);
  await expect(page.getByTestId('activation')).toHaveCount(0);
  for (const id of ['regularization', 'regularization-rate', 'speed', 'batch-size', 'train-ratio', 'noise', 'dataset-circle', 'backend-choice', 'language', 'step-epoch', 'walkthrough', 'forward-panel']) {
    await expect(page.getByTestId(id), id).toBeVisible();
  }
  await expect(page.locator('.app')).not.toHaveClass(/presenter/);
  await expect(page.getByTestId('url-notice')).toHaveCount(0);
});

test('?lock=dataset disables the dataset buttons (shown, not editable); unknown ids get the link notice', async ({ page }) => {
  await openPlayground(page, 'lock=dataset&hide=bogus');
  for (const name of ['circle', 'xor', 'gauss', 'spiral', 'plane', 'multiGauss']) {
    await expect(page.getByTestId(`dataset-${name}`)).toBeVisible();
    await expect(page.getByTestId(`dataset-${name}`)).toBeDisabled();
  }
  await expect(page.getByTestId('dataset-circle')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('learning-rate')).toBeEnabled();
  await expect(page.getByTestId('url-notice')).toContainText('hide=bogus');
  // the flags survive the playground's own URL updates
  await page.getByTestId('step-epoch').click();
  await waitForNumber(page, 'epoch', (n) => n === 1);
  expect(new URL(page.url()).searchParams.get('lock')).toBe('dataset');
});

test('lessons page: the neurons explainer, then lesson 1 (a forward pass by hand) step by step', async ({ page }) => {
  await openPlayground(page);
  await page.getByRole('link', { name: 'Lessons' }).click();
  const explainer = page.getByTestId('neuron-explainer');
  await expect(explainer).toBeVisible();
  for (const word of ['Dendrites', 'Soma', 'Axon', 'Synapse', 'Cerebral cortex', 'Cerebellum', 'Brainstem', 'Spinal cord']) await expect(explainer).toContainText(word);
  await expect(explainer).not.toContainText(/prostate/i);
  await expect(explainer.locator('svg')).toHaveCount(3);

  await page.getByTestId('lesson-open-1').click();
  await expect(page).toHaveURL(/#playground$/);
  const lesson = page.getByTestId('lesson-1');
  await expect(lesson).toBeVisible();
  await expect(page.getByTestId('lesson-step')).toHaveCount(3);
  await expect(stepOf(page, 1).getByTestId('lesson-check')).toBeDisabled();

  await check(stepOf(page, 0));
  await expectDone(stepOf(page, 0));

  // z of neuron 1 in layer 1: a wrong answer is refused, the real number (from the forward panel) is accepted
  await check(stepOf(page, 1), '123');
  await expect(stepOf(page, 1).getByTestId('lesson-step-status')).toHaveAttribute('data-done', 'false');
  await expect(stepOf(page, 1).getByTestId('lesson-step-status')).toContainText('Not quite');
  await check(stepOf(page, 1), await shown(page, 'z-1-0'));
  await expectDone(stepOf(page, 1));

  await check(stepOf(page, 2), await shown(page, 'a-1-0'));
  await expectDone(stepOf(page, 2));
  await expect(page.getByTestId('lesson-complete')).toBeVisible();

  // progress is kept: after a reload (the URL names the lesson) every step is still done
  await page.reload();
  await expect(page.getByTestId('lesson-1')).toBeVisible();
  for (let n = 0; n < 3; n++) await expectDone(stepOf(page, n));
});

test('lesson 2 (the gradient of one weight), opened by ?lesson=2, checked against the backprop panel', async ({ page }) => {
  await openPlayground(page, 'lesson=2');
  await expect(page.getByTestId('lesson-2')).toBeVisible();
  await check(stepOf(page, 0));
  await expectDone(stepOf(page, 0));
  const [y, yHat] = await numbersOf(page, ['y-true', 'y-hat']);
  const delta = (yHat - y) * (1 - yHat * yHat); // tanh output: f′ = 1 − ŷ²
  await check(stepOf(page, 1), delta.toPrecision(4));
  await expectDone(stepOf(page, 1));
  await check(stepOf(page, 2), await shown(page, 'grad-3-0-0'));
  await expectDone(stepOf(page, 2));
  await expect(page.getByTestId('lesson-complete')).toBeVisible();
});

test('lesson 3: make training diverge with a high learning rate, then recover', async ({ page }) => {
  await openPlayground(page);
  await page.getByRole('link', { name: 'Lessons' }).click();
  await page.getByTestId('lesson-open-3').click();
  await expect(page.getByTestId('lesson-3')).toBeVisible();
  await check(stepOf(page, 0));
  await expect(stepOf(page, 0).getByTestId('lesson-step-status')).toHaveAttribute('data-done', 'false');
  await page.getByTestId('lesson-setup').click();
  await expect(page.getByTestId('dataset-plane')).toHaveAttribute('aria-checked', 'true');
  await check(stepOf(page, 0));
  await expectDone(stepOf(page, 0));

  await page.getByTestId('learning-rate').selectOption('3');
  await page.getByRole('button', { name: /^Play/ }).click();
  await expect(page.getByTestId('error-message')).toBeVisible({ timeout: 20_000 });
  await check(stepOf(page, 1));
  await expectDone(stepOf(page, 1));

  await page.getByTestId('learning-rate').selectOption('0.03');
  await page.getByTestId('restore-weights').click();
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  await check(stepOf(page, 2));
  await expectDone(stepOf(page, 2));

  await page.getByRole('button', { name: /^Play/ }).click();
  await waitForNumber(page, 'test-loss', (loss) => loss < 0.01, 30_000);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await check(stepOf(page, 3));
  await expectDone(stepOf(page, 3));
  await expect(page.getByTestId('lesson-complete')).toBeVisible();
});

test('lesson 4: overfitting, then L2 regularisation narrows the gap', async ({ page }) => {
  await openPlayground(page, 'lesson=4');
  await page.getByTestId('lesson-setup').click();
  await expect(page.getByTestId('train-ratio')).toHaveValue('10');
  await check(stepOf(page, 0));
  await expectDone(stepOf(page, 0));
  await check(stepOf(page, 1));
  await expect(stepOf(page, 1).getByTestId('lesson-step-status')).toContainText('epochs');

  await page.getByRole('button', { name: /^Play/ }).click();
  await waitForNumber(page, 'epoch', (n) => n >= 300, 60_000);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await check(stepOf(page, 1));
  await expectDone(stepOf(page, 1));

  await page.getByTestId('regularization').selectOption('L2');
  await page.getByTestId('regularization-rate').selectOption('0.1');
  await page.getByRole('button', { name: 'Reset' }).click();
  await waitForNumber(page, 'epoch', (n) => n === 0);
  await page.getByRole('button', { name: /^Play/ }).click();
  await waitForNumber(page, 'epoch', (n) => n >= 300, 60_000);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await check(stepOf(page, 2));
  await expectDone(stepOf(page, 2));
  await expect(page.getByTestId('lesson-complete')).toBeVisible();
});

test('lesson 5 asks for the studio first; the lessons and the explainer read in Chinese', async ({ page }) => {
  await page.goto('/?lang=zh-CN&lesson=5#lessons');
  await expect(page.getByTestId('lesson-5')).toContainText('迁移学习与从零训练');
  await check(stepOf(page, 0));
  await expect(stepOf(page, 0).getByTestId('lesson-step-status')).toContainText('请先打开迁移学习工作室');
  await expect(page.getByTestId('neuron-explainer')).toContainText('树突');
  await expect(page.getByTestId('neuron-explainer')).toContainText('小脑');
  // No English left on the lessons page with a lesson open (names and notation excepted).
  await page.getByTestId('lesson-close').click();
  await page.getByTestId('lesson-open-1').click();
  await expect(page.getByTestId('lesson-numbers')).toBeVisible();
  await page.getByRole('link', { name: '课程' }).click();
  const allowed = new Set(['TensorFlow', 'TENSORFLOW', 'webgl', 'wasm', 'cpu', 'English', 'ReLU', 'tanh', 'sigmoid', 'max', 'Tiny', 'VGG', 'Web', 'Worker']);
  const text = await page.evaluate(() => document.body.innerText);
  const english = [...new Set(text.match(/[A-Za-z][A-Za-z'’-]{2,}/g) ?? [])].filter((word) => !allowed.has(word));
  expect(english).toEqual([]);
});

test('lesson 5: transfer learning vs a Tiny VGG from scratch on a few images', async ({ page }) => {
  test.setTimeout(480_000);
  await openStudio(page, '&lesson=5');
  await expect(page.getByTestId('lesson-5')).toBeVisible();
  await page.getByTestId('lesson-fold').click();
  await expect(page.getByTestId('lesson-step').first()).toBeHidden();
  await page.getByTestId('lesson-fold').click();
  await check(stepOf(page, 0));
  await expect(stepOf(page, 0).getByTestId('lesson-step-status')).toContainText('images');
  const cards = page.getByTestId('class-card');
  for (const [k, digit] of ['3', '7'].entries()) {
    await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);
    await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 6));
    await expect(cards.nth(k).getByTestId('class-count')).toHaveText('6 images', { timeout: 30_000 });
  }
  await check(stepOf(page, 0));
  await expectDone(stepOf(page, 0));

  await page.getByTestId('head-epochs').fill('10');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  await check(stepOf(page, 1));
  await expectDone(stepOf(page, 1));

  await check(stepOf(page, 2));
  await expect(stepOf(page, 2).getByTestId('lesson-step-status')).toHaveAttribute('data-done', 'false');
  await page.getByTestId('train-scratch').click();
  await expect(page.getByTestId('scratch-status')).toHaveText('done', { timeout: 300_000 });
  await check(stepOf(page, 2));
  await expectDone(stepOf(page, 2));

  const [transfer, scratch] = await numbersOf(page, ['transfer-val-accuracy', 'scratch-val-accuracy']);
  const answer = Math.abs(transfer - scratch) < 0.05 ? 'tie' : transfer > scratch ? 'transfer' : 'scratch';
  test.info().annotations.push({ type: 'validation accuracy: transfer / scratch', description: `${transfer} / ${scratch}` });
  const wrong = answer === 'transfer' ? 'scratch' : 'transfer';
  await stepOf(page, 3).getByTestId(`lesson-choice-${wrong}`).check();
  await check(stepOf(page, 3));
  await expect(stepOf(page, 3).getByTestId('lesson-step-status')).toHaveAttribute('data-done', 'false');
  await stepOf(page, 3).getByTestId(`lesson-choice-${answer}`).check();
  await check(stepOf(page, 3));
  await expectDone(stepOf(page, 3));
  await expect(page.getByTestId('lesson-complete')).toBeVisible();
});
