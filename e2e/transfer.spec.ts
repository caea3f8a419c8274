import { readFileSync } from 'node:fs';
import type { Locator } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

const DIGITS = ['0', '1', '2'];

/** A real drop event on `target` carrying these files (built in the page from the bytes). */
async function dropFiles(target: Locator, files: { name: string; type: string; bytes: Buffer }[]): Promise<void> {
  const payload = files.map((file) => ({ name: file.name, type: file.type, data: file.bytes.toString('base64') }));
  const transfer = await target.page().evaluateHandle((items) => {
    const dataTransfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (c) => c.charCodeAt(0));
      dataTransfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return dataTransfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

for (const backend of ['auto', 'webgl'] as const) {
  test.describe(`transfer studio (backend ${backend})`, () => {
    test.setTimeout(240_000);

    test('3 classes × 10 photos by file input and by drop → train → validation accuracy ≥ 0.8 → predictions', async ({ page }) => {
      await openStudio(page, backend === 'auto' ? '' : `&backend=${backend}`);
      if (backend !== 'auto') await expect(page.getByTestId('backend')).toHaveText(backend, { timeout: 30_000 });
      test.info().annotations.push({ type: 'backend', description: (await page.getByTestId('backend').textContent()) ?? '' });
      await page.getByTestId('add-class').click();
      const cards = page.getByTestId('class-card');
      await expect(cards).toHaveCount(3);
      for (const [k, digit] of DIGITS.entries()) await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);

      await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 10));
      await cards.nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(0, 10));
      const photos = imagesOf('2').slice(0, 10).map((path) => ({ name: path.split('/').pop()!, type: 'image/jpeg', bytes: readFileSync(path) }));
      const notAnImage = { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('these are not pixels') };
      await dropFiles(cards.nth(2), [...photos.slice(0, 5), notAnImage, ...photos.slice(5)]);

      for (const k of [0, 1, 2]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('10 images', { timeout: 30_000 });
      await expect(page.getByTestId('rejections')).toContainText('notes.txt');
      await expect(page.getByTestId('rejections')).toContainText('not an image');

      await page.getByRole('button', { name: /^Train/ }).click();
      await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
      const accuracy = Number(await page.getByTestId('val-accuracy').textContent());
      test.info().annotations.push({ type: 'validation accuracy', description: String(accuracy) });
      expect(accuracy).toBeGreaterThanOrEqual(0.8);

      let correct = 0;
      const trials = DIGITS.flatMap((digit) => imagesOf(digit).slice(40, 43).map((path) => ({ digit, path })));
      for (const [n, { digit, path }] of trials.entries()) {
        await page.getByTestId('predict-input').setInputFiles(path);
        const prediction = page.locator(`[data-testid="prediction"][data-request="${n + 1}"][data-ready="true"]`);
        await expect(prediction).toHaveText(/^digit \d \(/, { timeout: 30_000 });
        if ((await prediction.textContent())!.startsWith(`digit ${digit}`)) correct++;
      }
      test.info().annotations.push({ type: 'held-out predictions correct', description: `${correct}/${trials.length}` });
      expect(correct).toBeGreaterThanOrEqual(Math.ceil(trials.length * 0.66));
    });
  });
}
