/**
 * The bad-input matrix, models and training: hostile model.json imports, training that cannot
 * start (one class, an empty class, empty or duplicate names) and a learning rate that diverges.
 * Each ends with a translated message, and the project loaded before is still there.
 */
import type { Page } from '@playwright/test';
import { expectProject, loadProject, type Project } from './badInput';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

test.setTimeout(180_000);

const PROJECT: Project = { names: ['fist', 'one finger'], counts: [4, 4], epochs: 12 };
const METADATA = { name: 'metadata.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'neural-playground-classifier', version: 1, labels: ['fist', 'one finger'] })) };

/** A layers-model model.json: Flatten of a 224² RGB image → Dense(2), with this weights manifest. */
function modelJson(weightsManifest: unknown): { name: string; mimeType: string; buffer: Buffer } {
  const modelTopology = {
    class_name: 'Sequential',
    config: {
      name: 'hostile',
      layers: [
        { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 224, 224, 3], dtype: 'float32' } },
        { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax', use_bias: true } },
      ],
    },
  };
  return { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'layers-model', modelTopology, weightsManifest })) };
}

const weightsFile = (name: string, bytes: number) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(bytes) });
const kernelAndBias = (kernel: number[]) => [
  { name: 'out/kernel', shape: kernel, dtype: 'float32' },
  { name: 'out/bias', shape: [2], dtype: 'float32' },
];

/** Sends a command as if from the page's code, through the `?debug=1` client. */
async function sendTransfer(page: Page, message: object): Promise<void> {
  await page.evaluate((m) => (window as unknown as { __neuralPlayground: { client: { sendTransfer(m: object): void } } }).__neuralPlayground.client.sendTransfer(m), message);
}

test('hostile model.json imports are refused with a message each; the project stays', async ({ page }) => {
  await openStudio(page, '');
  await loadProject(page, PROJECT);
  const error = page.getByTestId('transfer-error');
  const cases: { files: { name: string; mimeType: string; buffer: Buffer }[]; message: string }[] = [
    { files: [{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": {') }, METADATA], message: 'These files are not a classifier exported from Neural Playground' },
    // Wrong shapes: the kernel declared [3, 2] where the layer needs [150528, 2].
    { files: [modelJson([{ paths: ['w.bin'], weights: kernelAndBias([3, 2]) }]), weightsFile('w.bin', 32), METADATA], message: 'The weights do not fit the model (wrong shapes)' },
    // Missing shards: two listed, one given.
    {
      files: [modelJson([{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: kernelAndBias([150528, 2]) }]), weightsFile('group1-shard1of2.bin', 600_000), METADATA],
      message: 'model.json needs weight files that were not given, or they are shorter than it declares: group1-shard2of2.bin.',
    },
    // A shard shorter than the manifest declares.
    { files: [modelJson([{ paths: ['w.bin'], weights: kernelAndBias([150528, 2]) }]), weightsFile('w.bin', 1000), METADATA], message: 'shorter than it declares: w.bin.' },
    // Gigabytes declared: 100,000² float32 = 40 GB.
    { files: [modelJson([{ paths: ['w.bin'], weights: kernelAndBias([100_000, 100_000]) }]), weightsFile('w.bin', 64), METADATA], message: 'model.json declares 40000 MB of weights, more than an import may hold (256 MB), so it was not loaded.' },
  ];
  for (const { files, message } of cases) {
    await page.getByTestId('import-model').setInputFiles(files);
    await expect(error).toContainText(message);
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await expect(error).toHaveCount(0);
  }
  await expect(page.getByTestId('classifier-source')).toHaveCount(0);
  // "Load model…" (the base) checks its model.json the same way, and keeps the base it has.
  await page.getByTestId('model-files').setInputFiles([modelJson([{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: kernelAndBias([150528, 2]) }]), weightsFile('group1-shard1of2.bin', 600_000)]);
  await expect(page.getByTestId('model-error')).toContainText('model.json needs weight files that were not given, or they are shorter than it declares: group1-shard2of2.bin.');
  await expect(page.getByTestId('model-status')).toHaveText('ready');
  await expectProject(page, PROJECT);
});

test('training that cannot start says why: an empty class, empty or duplicate names, one class', async ({ page }) => {
  await openStudio(page, '&debug=1');
  await loadProject(page, { ...PROJECT, counts: [4, 0] });
  const cards = page.getByTestId('class-card');
  const train = page.getByRole('button', { name: /^Train/ });
  const reason = page.getByTestId('train-blocked');
  await expect(train).toBeDisabled();
  await expect(reason).toHaveText('“one finger” has no images yet: every class needs at least one image to train.');
  await cards.nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(0, PROJECT.counts[1]));
  await expect(train).toBeEnabled({ timeout: 30_000 });
  await expect(reason).toHaveCount(0);

  await cards.nth(1).getByTestId('class-name').fill('  ');
  await expect(train).toBeDisabled();
  await expect(reason).toHaveText('A class has no name: every class needs one to train.');
  await expect(cards.nth(1)).toContainText('A class needs a name.');
  await cards.nth(1).getByTestId('class-name').fill('fist');
  await expect(train).toBeDisabled();
  await expect(reason).toHaveText('Two classes are called “fist”: every class needs its own name to train.');
  await expect(cards.nth(1)).toContainText('Two classes have this name.');
  await cards.nth(1).getByTestId('class-name').fill('one finger');
  await expect(train).toBeEnabled();

  // Two classes are the least: neither can be deleted.
  for (const k of [0, 1]) await expect(cards.nth(k).getByRole('button', { name: /^Delete class/ })).toBeDisabled();
  // The worker refuses one class, or an empty one, even when asked directly.
  await sendTransfer(page, { type: 'transfer/train', jobId: 1000, classes: [{ id: 'a', name: 'fist', imageIds: [] }], head: { epochs: 1 } });
  await expect(page.getByTestId('transfer-error')).toHaveText(/^Training needs at least two classes\./);
  await sendTransfer(page, { type: 'transfer/train', jobId: 1001, classes: [{ id: 'a', name: 'a', imageIds: ['nope'] }, { id: 'b', name: 'b', imageIds: [] }], head: { epochs: 1 } });
  await expect(page.getByTestId('transfer-error')).toHaveText(/^Every class needs at least one image\./);
  await expect(page.getByTestId('train-status')).toHaveText('idle');
  await expectProject(page, PROJECT);
});

test('a learning rate that diverges stops with a message instead of NaN curves; a sane one then trains', async ({ page }) => {
  await openStudio(page, '');
  await loadProject(page, PROJECT);
  // Plain SGD at the field's largest rate, on the global averages through a Dense 100 ReLU layer
  // (the default regions head scales its inputs by 0.1, which keeps even this step finite).
  await page.getByTestId('head-pooling').selectOption('average');
  await page.getByTestId('head-units').fill('100');
  await page.getByTestId('head-optimizer').selectOption('sgd');
  await page.getByTestId('head-learning-rate').fill('1');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('error', { timeout: 120_000 });
  await expect(page.getByTestId('transfer-error')).toContainText('Training diverged: the loss became NaN or infinite, or stayed far above a guess\'s. The learning rate is too high');
  // The curves hold only finite numbers.
  const charts = page.getByTestId('transfer-charts');
  await expect(charts).not.toContainText('NaN');
  const paths = await charts.locator('path').evaluateAll((all) => all.map((path) => path.getAttribute('d') ?? ''));
  expect(paths.filter((d) => /NaN|Infinity/.test(d))).toEqual([]);
  await expectProject(page, PROJECT);
  await expect(page.getByTestId('head-learning-rate')).toHaveValue('1');

  await page.getByTestId('head-optimizer').selectOption('adam');
  await page.getByTestId('head-learning-rate').fill('0.001');
  await page.getByRole('button', { name: /^Train/ }).click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('transfer-error')).toHaveCount(0);
  expect(Number(await page.getByTestId('val-accuracy').textContent())).toBeGreaterThanOrEqual(0.5);
});
