/**
 * The base-model registry in the studio: MobileNet v2 0.35 (served from ../shared/models) is chosen,
 * loads, trains, predicts, explains (Grad-CAM at out_relu) and exports, also fine-tuned (and the
 * generated code fine-tunes v2 the same way); switching bases keeps every
 * photo and drops the classifier of the old base (after asking); the choice survives a reload, and
 * a classifier saved on another base says so. A larger alpha loads from its hosted folder (answered
 * here from the 0.35 files: no request leaves the machine).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './offline';
import { chooseBase, imagesOf, openStudio, predictProbabilities, SHARED } from './studio';

test.setTimeout(300_000);

const cards = (page: Page) => page.getByTestId('class-card');
const status = (page: Page) => page.getByTestId('model-status');

async function addPhotos(page: Page): Promise<void> {
  for (const [k, digit] of ['0', '1'].entries()) {
    await cards(page).nth(k).getByTestId('class-name').fill(`digit ${digit}`);
    await cards(page).nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 8));
  }
  for (const k of [0, 1]) await expect(cards(page).nth(k).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
}


test('MobileNet v2 0.35: chosen, trains, predicts, explains, exports; kept over a reload; switching keeps every photo', async ({ page }) => {
  await openStudio(page, '');
  const select = page.getByTestId('base-model');
  // A new project starts on v2 0.35; the photos go in on v1 0.25 here, to switch with them.
  await expect(select).toHaveValue('mobilenet_v2_0.35');
  const labels = await select.locator('option').allTextContents();
  expect(labels).toHaveLength(5);
  expect(labels[1]).toMatch(/^MobileNet v2 0\.35 · 1\.7 MB · ImageNet top-1 60\.3 %/);
  expect(labels[4]).toMatch(/MobileNet v2 1\.0 · 9\.1 MB · ImageNet top-1 71\.8 % \(downloaded when chosen/);
  await chooseBase(page, 'mobilenet_v1_0.25');
  await addPhotos(page);

  await chooseBase(page, 'mobilenet_v2_0.35');
  for (const k of [0, 1]) await expect(cards(page).nth(k).getByTestId('class-count')).toHaveText('8 images');
  await page.getByTestId('head-epochs').fill('20');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  await expect(page.getByTestId('train-timings')).toHaveAttribute('data-embedded', /^\d+$/);
  const probabilities = await predictProbabilities(page, imagesOf('1')[45]);
  expect(probabilities).toHaveLength(2);
  // Grad-CAM on v2's last feature map (out_relu, 7 × 7): a real map.
  const gradcam = page.getByTestId('gradcam');
  await expect(gradcam).toHaveAttribute('data-size', '7', { timeout: 60_000 });
  await expect(gradcam).toHaveAttribute('data-max', /^1(\.0+)?$/);
  // The layer explorer reads v2 too (its stages: e2e/layer-explorer-v2.spec.ts), up to out_relu.
  await page.getByTestId('layer-explorer-toggle').click();
  await expect(page.locator('[data-testid="layer-maps"][data-layer="out_relu"]')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('layer-error')).toHaveCount(0);

  // Exported: the metadata names the base.
  const downloads: Record<string, string> = {};
  page.on('download', async (download) => void (downloads[download.suggestedFilename()] = (await download.path()) ?? ''));
  await page.getByTestId('export-model').click();
  await expect.poll(() => Object.keys(downloads).length, { timeout: 30_000 }).toBe(3);
  await expect.poll(() => downloads['metadata.json'] ?? '', { timeout: 30_000 }).not.toBe('');
  const metadata = JSON.parse(readFileSync(downloads['metadata.json'], 'utf8'));
  expect(metadata.baseId).toBe('mobilenet_v2_0.35');
  expect(metadata.base).toMatch(/^MobileNet v2 0\.35 @ 224 \(ImageNet\), cut at out_relu/);

  // Reload: the base, the photos and the trained classifier come back.
  await page.reload();
  await expect(status(page)).toHaveAttribute('data-base', 'mobilenet_v2_0.35', { timeout: 120_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await expect(select).toHaveValue('mobilenet_v2_0.35');
  for (const k of [0, 1]) await expect(cards(page).nth(k).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
  await expect(page.getByTestId('classifier-source')).toBeVisible();
  const restored = await predictProbabilities(page, imagesOf('1')[45]);
  restored.forEach((p, k) => expect(Math.abs(p - probabilities[k])).toBeLessThan(1e-5));

  // Back to v1: asked first (a classifier is trained); the photos stay, the classifier goes.
  page.once('dialog', (dialog) => void dialog.accept());
  await chooseBase(page, 'mobilenet_v1_0.25');
  await expect(page.getByTestId('classifier-source')).toHaveCount(0);
  for (const k of [0, 1]) await expect(cards(page).nth(k).getByTestId('class-count')).toHaveText('8 images');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  expect(await predictProbabilities(page, imagesOf('1')[45])).toHaveLength(2);
});

test('MobileNet v2 0.35 fine-tuned (the top block, 1 epoch): predicts, explains at out_relu, reloads; the generated code fine-tunes v2', async ({ page }) => {
  await openStudio(page, '');
  await addPhotos(page);
  await chooseBase(page, 'mobilenet_v2_0.35');
  await page.getByTestId('head-epochs').fill('10');
  await page.getByTestId('fine-tune-blocks').fill('1');
  await page.getByTestId('fine-tune-epochs').fill('1');
  // v2 has 17 blocks to fine-tune (v1: 13)
  await expect(page.getByTestId('fine-tune-blocks')).toHaveAttribute('max', '17');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'fineTuning', { timeout: 120_000 });
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  await expect(page.getByText('Epoch 11 of 11')).toBeVisible();

  const probabilities = await predictProbabilities(page, imagesOf('1')[45]);
  expect(probabilities).toHaveLength(2);
  expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  // Grad-CAM at out_relu, inside the fine-tuned tail: a 7 × 7 map, normalised, not uniform; then for the other class.
  const gradcam = page.getByTestId('gradcam');
  await expect(gradcam).toHaveAttribute('data-size', '7', { timeout: 60_000 });
  await expect(gradcam).toHaveAttribute('data-max', /^1(\.0+)?$/);
  expect(Number(await gradcam.getAttribute('data-std'))).toBeGreaterThan(0);
  const top = probabilities.indexOf(Math.max(...probabilities));
  await page.getByTestId('explain-class').selectOption(String(1 - top));
  await expect(gradcam).toHaveAttribute('data-class', String(1 - top), { timeout: 60_000 });
  await expect(gradcam).toHaveAttribute('data-size', '7');
  await page.getByTestId('explain-saliency-toggle').check();
  await expect(page.getByTestId('saliency')).toHaveAttribute('data-size', '224', { timeout: 60_000 });
  await expect(page.getByTestId('saliency')).toHaveAttribute('data-max', /^1(\.0+)?$/);

  // The generated code fine-tunes v2's top block and Conv_1, as the studio did.
  await page.getByTestId('show-code').click();
  const code = page.getByTestId('generated-code');
  await expect(code).toContainText('# train.py: transfer learning on MobileNet v2 0.35');
  const python = (await code.textContent())!;
  expect(python).toContain('fine-tuning: top 1 block(s) (block 16, then Conv_1), 1 epochs');
  expect(python).toContain('FINE_TUNE_BLOCKS = 1');
  expect(python).toContain("layer.trainable = in_top_blocks or layer.name == 'Conv_1'");
  expect(python).toContain('fine_tune(model, base, train_ds, val_ds, args, strategy)');
  expect(python).toContain('tf.keras.applications.MobileNetV2(');
  await page.getByRole('tab', { name: /TensorFlow\.js/ }).click();
  await expect(code).toContainText('// Transfer learning on MobileNet v2 0.35 with TensorFlow.js');
  const js = (await code.textContent())!;
  expect(js).toContain("if (below === 0) return 'expanded_conv_project_BN';");
  expect(js).toContain('await fineTune(base, head, split, onEpochEnd);');
  expect(js).toContain('fineTuneBlocks: 1,');

  // Reload: the fine-tuned classifier (base up to block_15_add, then the tail) comes back with the same predictions.
  await page.reload();
  await expect(status(page)).toHaveAttribute('data-base', 'mobilenet_v2_0.35', { timeout: 120_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('classifier-source')).toBeVisible({ timeout: 30_000 });
  const restored = await predictProbabilities(page, imagesOf('1')[45]);
  restored.forEach((p, k) => expect(Math.abs(p - probabilities[k])).toBeLessThan(1e-5));
  await expect(gradcam).toHaveAttribute('data-size', '7', { timeout: 60_000 });
});

test('a classifier saved on another base says so after the base was switched; a larger alpha loads from its hosted folder', async ({ page, offOriginRequests }) => {
  // The hosted MobileNet v2 0.50 folder, answered from the 0.35 files (the same layout): no request leaves the machine.
  const folder = join(SHARED, 'models', 'mobilenet_v2_0.35_224');
  const files = new Map(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name))]));
  const hosted: string[] = [];
  await page.context().route('https://storage.googleapis.com/teachable-machine-models/**', async (route) => {
    const url = route.request().url();
    hosted.push(url);
    const body = files.get(url.split('/').pop()!);
    await route.fulfill(body ? { status: 200, body, contentType: url.endsWith('.json') ? 'application/json' : 'application/octet-stream', headers: { 'access-control-allow-origin': '*' } } : { status: 404 });
  });
  await openStudio(page, '');
  await chooseBase(page, 'mobilenet_v1_0.25');
  await addPhotos(page);
  // Fine-tuned on v1 (the top block): the base's lower part is in use when the base changes.
  await page.getByTestId('head-epochs').fill('10');
  await page.getByTestId('fine-tune-blocks').fill('1');
  await page.getByTestId('fine-tune-epochs').fill('1');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  await page.getByTestId('fine-tune-blocks').fill('0');

  page.once('dialog', (dialog) => void dialog.accept());
  await chooseBase(page, 'mobilenet_v2_0.50');
  expect(hosted.some((url) => url.endsWith('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.50_224_no_top/model.json'))).toBe(true);
  await expect(status(page).locator('xpath=..')).toContainText('downloaded');

  // A reload before training again: the classifier saved on v1 0.25 is not used, and the studio says why.
  await page.reload();
  await expect(status(page)).toHaveAttribute('data-base', 'mobilenet_v2_0.50', { timeout: 120_000 });
  await expect(page.getByTestId('base-mismatch')).toContainText('trained on MobileNet v1 0.25; the base now is MobileNet v2 0.5');
  await expect(page.getByTestId('classifier-source')).toHaveCount(0);
  for (const k of [0, 1]) await expect(cards(page).nth(k).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  expect(await predictProbabilities(page, imagesOf('0')[45])).toHaveLength(2);

  // Loaded once, it is kept in this browser: with the hosted folder unreachable, a reload loads it from IndexedDB.
  await page.context().unroute('https://storage.googleapis.com/teachable-machine-models/**');
  await page.context().route('https://storage.googleapis.com/**', (route) => route.abort());
  await page.reload();
  await expect(status(page)).toHaveAttribute('data-base', 'mobilenet_v2_0.50', { timeout: 120_000 });
  await expect(status(page)).toHaveText('ready');
  await expect(status(page).locator('xpath=..')).toContainText("from this browser's cache");
  await expect(page.getByTestId('classifier-source')).toBeVisible();

  // The hosted requests above were answered here; nothing else left the origin.
  offOriginRequests.splice(0, offOriginRequests.length, ...offOriginRequests.filter((url) => !url.startsWith('https://storage.googleapis.com/teachable-machine-models/')));
});
