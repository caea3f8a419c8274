import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './offline';
import { imagesOf, openStudio, predictProbabilities } from './studio';

test.setTimeout(240_000);


for (const blocks of [0, 1]) {
  test(`the project survives a reload, and an exported model imported again predicts the same (${blocks ? 'fine-tuned' : 'head only'})`, async ({ page }) => {
    await openStudio(page, '');
    const cards = page.getByTestId('class-card');
    await cards.nth(0).getByTestId('class-name').fill('fist');
    await cards.nth(1).getByTestId('class-name').fill('one finger');
    await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 8));
    await cards.nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(0, 8));
    for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
    if (blocks > 0) {
      await page.getByTestId('fine-tune-blocks').fill(String(blocks));
      await page.getByTestId('fine-tune-epochs').fill('1');
    }
    await page.getByRole('button', { name: /^Train/ }).click();
    await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
    const probe = imagesOf('1')[45];
    const trained = await predictProbabilities(page, probe);
    expect(trained).toHaveLength(2);

    const folder = mkdtempSync(join(tmpdir(), 'np-export-'));
    const downloads: string[] = [];
    page.on('download', async (download) => {
      const path = join(folder, download.suggestedFilename());
      await download.saveAs(path);
      downloads.push(path);
    });
    await page.getByTestId('export-model').click();
    await expect.poll(() => downloads.length, { timeout: 60_000 }).toBe(3); // (a fine-tuned model's export took over 30 s once on a loaded machine)
    expect(downloads.map((path) => path.split('/').pop()).sort()).toEqual(['classifier.weights.bin', 'metadata.json', 'model.json']);

    await page.reload();
    await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
    await expect(cards.nth(0).getByTestId('class-name')).toHaveValue('fist');
    await expect(cards.nth(1).getByTestId('class-name')).toHaveValue('one finger');
    for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('8 images');
    await expect(page.getByTestId('classifier-source')).toBeVisible();
    const restored = await predictProbabilities(page, probe);
    restored.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-5));

    await page.getByTestId('import-model').setInputFiles(downloads);
    await expect(page.getByTestId('classifier-source')).toContainText('imported');
    const imported = await predictProbabilities(page, probe);
    imported.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-5));
    await expect(page.getByTestId('prediction')).toHaveText(trained[1] > trained[0] ? /^one finger/ : /^fist/);
    const metadata = JSON.parse(readFileSync(downloads.find((path) => path.endsWith('metadata.json'))!, 'utf8'));
    expect(metadata.fineTunedBlocks).toBe(blocks);
    expect(metadata.baseId).toBe('mobilenet_v2_0.35'); // a new project's base: exported and imported on v2 0.35
  });
}

test('a malformed model import is refused with a message and the project is kept', async ({ page }) => {
  await openStudio(page, '');
  const cards = page.getByTestId('class-card');
  await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 3));
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });
  await page.getByTestId('import-model').setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": 42}') },
    { name: 'metadata.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "neural-playground-classifier", "labels": ["a", "b"]}') },
  ]);
  await expect(page.getByTestId('transfer-error')).toContainText('not a classifier exported');
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText('3 images');
});
