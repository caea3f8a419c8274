import { readFileSync } from 'node:fs';
import { expect, test } from './offline';
import { dropFiles } from './badInput';
import { imagesOf, openStudio } from './studio';

const DIGITS = ['0', '1', '2'];

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
      // The photos were embedded as they were added: Train had none left to embed.
      await expect(page.getByTestId('train-timings')).toHaveAttribute('data-embedded', '0');
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
