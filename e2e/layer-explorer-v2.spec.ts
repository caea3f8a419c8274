/**
 * The layer explorer on MobileNet v2 0.35: its 62 stages, grouped by block (17 inverted-residual
 * blocks: expansion → depthwise → projection, and the residual addition where the block's input
 * and output match), drawn as maps; an expansion's, a depthwise convolution's, a projection's and
 * an addition's cell each show a formula whose numbers, read back from the page, add up to the value
 * shown (within the rounding of the numbers printed), and that value is TensorFlow.js's. After
 * training, the head's cells read out_relu.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

test.setTimeout(300_000);

const RESIDUAL = [2, 4, 5, 7, 8, 9, 11, 12, 14, 15];
const STAGES = [
  'Conv1_relu', 'expanded_conv_depthwise_relu', 'expanded_conv_project_BN',
  ...Array.from({ length: 16 }, (_, k) => k + 1).flatMap((n) => [`block_${n}_expand_relu`, `block_${n}_depthwise_relu`, `block_${n}_project_BN`, ...(RESIDUAL.includes(n) ? [`block_${n}_add`] : [])]),
  'out_relu',
];

/** A number as printed (4 or 3 decimals, a true minus sign, brackets when negative in a product). */
const value = (text: string) => Number(text.replace(/[()]/g, '').replace('−', '-'));
/** Half a unit of the last printed decimal. */
const half = (text: string) => 0.5 * 10 ** -(text.split('.')[1]?.replace(/\D/g, '').length ?? 0);

/** Opens a stage's first map; returns its formula once the cell's numbers are there. */
async function openCell(page: Page, layer: string): Promise<Locator> {
  await page.locator(`[data-testid="layer-maps"][data-layer="${layer}"] [data-testid="layer-map"]`).first().click();
  const formula = page.getByRole('dialog').getByTestId('layer-formula');
  await expect(formula.locator(`[data-layer="${layer}"]`)).toBeVisible({ timeout: 30_000 });
  const cell = formula.locator(`[data-layer="${layer}"]`);
  const [shown, model] = [Number(await cell.getAttribute('data-value')), Number(await cell.getAttribute('data-model'))];
  expect(Math.abs(shown - model), `${layer}: the formula's value is tfjs's`).toBeLessThan(1e-4);
  test.info().annotations.push({ type: `formula of ${layer}`, description: (await formula.innerText()).slice(0, 700) });
  return formula;
}

/** Clicks cell (y, x) of the enlarged map and waits for its formula. */
async function clickCell(page: Page, layer: string, y: number, x: number): Promise<void> {
  const enlarged = page.getByRole('dialog').getByTestId('layer-enlarged');
  const [h, w] = await enlarged.evaluate((canvas: HTMLCanvasElement) => [canvas.height, canvas.width]);
  const box = (await enlarged.boundingBox())!;
  await page.mouse.click(box.x + ((x + 0.5) * box.width) / w, box.y + ((y + 0.5) * box.height) / h);
  await expect(page.getByRole('dialog').getByTestId('layer-formula').locator(`[data-layer="${layer}"][data-y="${y}"][data-x="${x}"]`)).toBeVisible();
}

async function close(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

/** Σ w·x as printed ("z = w·x + w·x + … = z", every term shown): the sum of the printed products matches the printed z. */
async function checkSum(formula: Locator): Promise<number> {
  const text = (await formula.getByTestId('layer-sum').textContent())!;
  expect(text, 'every term shown').not.toContain('…');
  const [, terms, total] = /^z = (.+) = (\S+)$/.exec(text)!;
  let [sum, tolerance] = [0, half(total)];
  for (const term of terms.split(' + ')) {
    const [w, x] = term.split('·');
    sum += value(w) * value(x);
    tolerance += Math.abs(value(w)) * half(x) + Math.abs(value(x)) * half(w) + half(w) * half(x);
  }
  expect(Math.abs(sum - value(total)), text).toBeLessThanOrEqual(tolerance + 1e-9);
  return value(total);
}

/** "(z − μ) / √(σ² + ε) · γ + β = v": recomputed from the printed numbers (tolerance: their rounding, propagated). */
async function checkBatchNorm(formula: Locator, z?: number): Promise<string> {
  const text = (await formula.getByTestId('layer-bn').textContent())!;
  const parts = /^\((\S+) − (\S+)\) \/ √\((\S+) \+ (\S+)\) · (\S+) \+ (\S+) = (\S+)$/.exec(text)!.slice(1);
  const [zz, mean, variance, epsilon, gamma, beta, out] = parts.map(value);
  if (z !== undefined) expect(zz).toBeCloseTo(z, 4);
  const s = Math.sqrt(variance + epsilon);
  const [dz, dMean, dVariance, , dGamma, dBeta, dOut] = parts.map(half);
  const tolerance = (Math.abs(gamma) / s) * (dz + dMean) + (Math.abs((zz - mean) * gamma) / (2 * s ** 3)) * dVariance + (Math.abs(zz - mean) / s) * dGamma + dBeta + dOut;
  expect(Math.abs(((zz - mean) / s) * gamma + beta - out), text).toBeLessThanOrEqual(tolerance * 1.01 + 1e-9);
  return parts[6];
}

test('MobileNet v2 0.35: 62 stages grouped by block; an expansion, a depthwise, a projection and an addition, each formula adding up', async ({ page }) => {
  await openStudio(page, '');
  await page.getByTestId('base-model').selectOption('mobilenet_v2_0.35');
  const status = page.getByTestId('model-status');
  await expect(status).toHaveAttribute('data-base', 'mobilenet_v2_0.35', { timeout: 120_000 });
  await expect(status).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  const cards = page.getByTestId('class-card');
  for (const [k, digit] of ['2', '5'].entries()) await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 3));
  for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });

  const explorer = page.getByTestId('layer-explorer');
  await explorer.getByTestId('layer-explorer-toggle').click();
  const sections = explorer.getByTestId('layer-maps');
  await expect(sections).toHaveCount(62, { timeout: 60_000 });
  await expect(explorer.getByTestId('layer-error')).toHaveCount(0);
  expect(await sections.evaluateAll((all) => all.map((s) => (s as HTMLElement).dataset.layer))).toEqual(STAGES);
  const blocks = explorer.getByTestId('layer-block');
  await expect(blocks).toHaveCount(17);
  expect(await blocks.evaluateAll((all) => all.map((b) => [(b as HTMLElement).dataset.block, b.querySelectorAll('[data-testid="layer-maps"]').length]))).toEqual(
    Array.from({ length: 17 }, (_, n) => [String(n), n === 0 ? 2 : RESIDUAL.includes(n) ? 4 : 3]),
  );
  await expect(blocks.nth(5).locator('h3')).toHaveText('Block 5: expansion → depthwise → projection → residual addition');
  await expect(explorer.getByTestId('layer-explorer-ms')).toHaveText(/^62 layers in \d+ ms/);
  test.info().annotations.push({ type: 'layer maps for one image (MobileNet v2 0.35, 62 stages), ms in the worker', description: (await explorer.getByTestId('layer-explorer-ms').getAttribute('data-ms')) ?? '' });
  // At alpha 0.35, blocks 0–2 project to 8 channels (block 2's addition too); every other stage has 16 or more (16 shown).
  const narrow = ['expanded_conv_project_BN', 'block_1_project_BN', 'block_2_project_BN', 'block_2_add'];
  expect(await sections.evaluateAll((all) => all.filter((s) => (s as HTMLElement).dataset.channels !== '16').map((s) => [(s as HTMLElement).dataset.layer, (s as HTMLElement).dataset.channels]))).toEqual(narrow.map((n) => [n, '8']));
  await expect(explorer.getByTestId('layer-map')).toHaveCount(58 * 16 + 4 * 8);

  // An expansion: 1 × 1 over the block's 8 input channels (some terms hidden), BN, then ReLU6.
  let formula = await openCell(page, 'block_3_expand_relu');
  await expect(formula).toContainText('Expansion (1 × 1 convolution, MobileNet v2)');
  let bn = await checkBatchNorm(formula);
  await expect(formula.getByTestId('layer-activation')).toHaveText(`min(max(0, ${bn}), 6) = ${num(Math.min(Math.max(0, value(bn)), 6))}`);
  await close(page);

  // A depthwise convolution: one channel, 3 × 3, stride 2 here; every term shown and summed. Its
  // input is a ReLU6's: a cell whose window holds a non-zero input is looked for along the diagonal.
  formula = await openCell(page, 'block_3_depthwise_relu');
  const nonZero = async () => /·[1-9(]|·0\.0*[1-9]/.test((await formula.getByTestId('layer-sum').textContent()) ?? '');
  for (let k = 1; k < 28 && !(await nonZero()); k++) await clickCell(page, 'block_3_depthwise_relu', k, k);
  expect(await nonZero(), 'a depthwise cell with a non-zero input').toBe(true);
  test.info().annotations.push({ type: 'the depthwise cell summed', description: (await formula.innerText()).slice(0, 900) });
  await expect(formula).toContainText(/\b[469] terms/);
  bn = await checkBatchNorm(formula, await checkSum(formula));
  await expect(formula.getByTestId('layer-activation')).toHaveText(`min(max(0, ${bn}), 6) = ${num(Math.min(Math.max(0, value(bn)), 6))}`);
  await close(page);

  // A projection: 1 × 1, BN and no ReLU6 (the linear bottleneck): the value is the BN's.
  formula = await openCell(page, 'block_3_project_BN');
  await expect(formula).toContainText('Linear bottleneck');
  await expect(formula).not.toContainText('min(max(0');
  bn = await checkBatchNorm(formula);
  await expect(formula.getByTestId('layer-activation')).toHaveText(`a = v = ${bn}`);
  await close(page);

  // A residual addition: the block's input plus its projection.
  formula = await openCell(page, 'block_5_add');
  await expect(formula).toContainText("The block's input (block_4_add) and its projection (block_5_project_BN) at this cell, added:");
  const add = (await formula.getByTestId('layer-add').textContent())!;
  const [a, b, out] = /^out = (\S+) \+ (\S+) = (\S+)$/.exec(add)!.slice(1);
  expect(Math.abs(value(a) + value(b) - value(out)), add).toBeLessThanOrEqual(half(a) + half(b) + half(out) + 1e-9);
  await close(page);

  // After training: the head's cells read v2's out_relu (7 × 7 × 1280).
  await page.getByTestId('head-epochs').fill('5');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
  await explorer.getByTestId('layer-image').nth(4).click();
  const head = explorer.getByTestId('layer-head');
  await expect(head).toBeVisible({ timeout: 30_000 });
  await expect(head).toContainText(/Average of the region rows [0-9]–[0-9], columns [0-9]–[0-9] of out_relu/);
  await expect(head).toContainText(/Flatten: the 5,?120 values in one row\./);
  await expect(head).toContainText(/p = e\^/);
});

/** As the page prints it: 4 decimals, a true minus sign. */
const num = (v: number) => v.toFixed(4).replace('-', '−');
