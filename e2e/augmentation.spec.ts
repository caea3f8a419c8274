import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

test.describe('data augmentation', () => {
  test.setTimeout(240_000);

  test('a live preview of the settings; the Tiny VGG without, then with augmentation, the previous run drawn beside', async ({ page }) => {
    await openStudio(page, '');
    const cards = page.getByTestId('class-card');
    for (const [k, digit] of ['0', '1'].entries()) {
      await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);
      await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 6));
    }
    for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('6 images', { timeout: 30_000 });

    // The preview: 8 versions of the first image of the first class (the default flip + zoom).
    const preview = page.getByTestId('augment-preview');
    await expect(preview).toHaveAttribute('data-count', '8', { timeout: 30_000 });
    await expect(preview.locator('img')).toHaveCount(8);
    await expect(page.getByTestId('fine-tune-augment')).toBeChecked();
    await expect(page.getByTestId('augment-flip')).toBeChecked();
    const hashes = [await preview.getAttribute('data-hash')];
    expect(hashes[0]).toMatch(/^[0-9a-f]{8}$/);
    const settled = async () => {
      await expect(preview).not.toHaveAttribute('data-hash', hashes.at(-1)!);
      await expect(preview).toHaveAttribute('aria-busy', 'false');
      hashes.push(await preview.getAttribute('data-hash'));
    };

    // Each change of a setting gives another preview.
    await page.getByTestId('augment-flip').uncheck();
    await settled();
    await page.getByTestId('augment-rotation').focus();
    for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowRight');
    await settled();
    await page.getByTestId('augment-brightness').focus();
    await page.keyboard.press('ArrowRight');
    await settled();
    await page.getByTestId('augment-contrast').focus();
    await page.keyboard.press('ArrowRight');
    await settled();
    await page.getByTestId('augment-zoom').focus();
    await page.keyboard.press('Home');
    await settled();
    expect(new Set(hashes).size).toBe(hashes.length);
    await expect(preview.locator('img')).toHaveCount(8);
    // Another image: another preview.
    const picker = page.getByTestId('augment-image');
    await picker.selectOption({ index: 7 });
    await settled();

    // The Tiny VGG from scratch, first without augmentation, then with it.
    await page.getByTestId('head-epochs').fill('4');
    const scratchCharts = page.getByTestId('scratch-charts');
    await expect(page.getByTestId('augment-scratch')).not.toBeChecked();
    await page.getByTestId('train-scratch').click();
    await expect(page.getByTestId('scratch-status')).toHaveText('done', { timeout: 120_000 });
    await expect(scratchCharts.getByTestId('previous-run')).toHaveCount(0);
    await expect(scratchCharts.locator('.recharts-line')).toHaveCount(4);

    await page.getByTestId('augment-scratch').check();
    await page.getByTestId('train-scratch').click();
    await expect(page.getByTestId('scratch-status')).toHaveText('done', { timeout: 120_000 });
    // Loss and accuracy: each with this run's two lines and the previous run's two (dashed).
    await expect(scratchCharts.getByTestId('previous-run')).toHaveCount(2);
    await expect(scratchCharts.getByTestId('previous-run').first()).toHaveText(/previous run \(augmentation off\)/);
    await expect(scratchCharts.getByTestId('previous-run').first()).toHaveAttribute('data-augmented', 'false');
    await expect(scratchCharts.locator('.recharts-line')).toHaveCount(8, { timeout: 10_000 });
    await expect(scratchCharts.locator('.recharts-line-curve[stroke-dasharray="5 4"]')).toHaveCount(4);

    // Once more: the previous run is now the augmented one.
    await page.getByTestId('train-scratch').click();
    await expect(page.getByTestId('scratch-status')).toHaveText('done', { timeout: 120_000 });
    await expect(scratchCharts.getByTestId('previous-run').first()).toHaveText(/previous run \(augmentation on\)/);
    await expect(page.getByTestId('transfer-charts').getByTestId('previous-run')).toHaveCount(0);
  });
});
