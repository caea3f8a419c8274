import type { Locator } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

const DIGITS = ['0', '1'];

/** A map canvas's statistics (data-*) as numbers. */
async function statsOf(canvas: Locator) {
  const read = async (name: string) => Number(await canvas.getAttribute(`data-${name}`));
  return { classIndex: await read('class'), size: await read('size'), min: await read('min'), max: await read('max'), mean: await read('mean'), std: await read('std') };
}

test.describe('Grad-CAM and saliency', () => {
  test.setTimeout(300_000);

  test('2 classes → train → predict a held-out photo → Grad-CAM not uniform, per class; saliency; the Tiny VGG too', async ({ page }) => {
    await openStudio(page, '');
    const backend = (await page.getByTestId('backend').textContent()) ?? '';
    test.info().annotations.push({ type: 'backend', description: backend });
    const cards = page.getByTestId('class-card');
    for (const [k, digit] of DIGITS.entries()) {
      await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);
      await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 8));
    }
    for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
    await page.getByTestId('head-epochs').fill('20');
    await page.getByRole('button', { name: /^Train/ }).click();
    await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });

    await page.getByTestId('predict-input').setInputFiles(imagesOf('1')[45]);
    await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toHaveText(/^digit \d \(/, { timeout: 30_000 });
    const probabilities = JSON.parse((await page.getByTestId('prediction').getAttribute('data-probabilities'))!) as number[];
    const top = probabilities.indexOf(Math.max(...probabilities));

    // The top class by default: a 7 × 7 map at conv_pw_13_relu, normalised to a maximum of 1, not uniform.
    const gradcam = page.getByTestId('gradcam');
    await expect(gradcam).toBeVisible({ timeout: 30_000 });
    await expect(gradcam).toHaveAttribute('data-class', String(top));
    const first = await statsOf(gradcam);
    test.info().annotations.push({ type: 'Grad-CAM (top class)', description: JSON.stringify(first) });
    expect(first.size).toBe(7);
    expect(first.max).toBe(1);
    expect(first.min).toBeGreaterThanOrEqual(0);
    expect(first.std).toBeGreaterThan(0.05);
    const time = page.getByTestId('explain-time');
    const gradCamMs = Number(await time.getAttribute('data-gradcam-ms'));
    test.info().annotations.push({ type: `Grad-CAM time in the browser (${backend}), ms`, description: String(gradCamMs) });
    expect(gradCamMs).toBeGreaterThan(0);

    // Another class: another map.
    const other = 1 - top;
    await page.getByTestId('explain-class').selectOption(String(other));
    await expect(gradcam).toHaveAttribute('data-class', String(other), { timeout: 30_000 });
    const second = await statsOf(gradcam);
    test.info().annotations.push({ type: 'Grad-CAM (other class)', description: JSON.stringify(second) });
    expect([second.mean, second.std]).not.toEqual([first.mean, first.std]);
    await page.getByTestId('explain-class').selectOption('top');
    await expect(gradcam).toHaveAttribute('data-class', String(top), { timeout: 30_000 });

    // The saliency map, on request: 224 × 224 gradients, normalised, not uniform.
    await expect(page.getByTestId('saliency')).toHaveCount(0);
    await page.getByTestId('explain-saliency-toggle').check();
    const saliency = page.getByTestId('saliency');
    await expect(saliency).toBeVisible({ timeout: 60_000 });
    const map = await statsOf(saliency);
    expect(map.size).toBe(224);
    expect(map.max).toBe(1);
    expect(map.std).toBeGreaterThan(0.01);
    test.info().annotations.push({ type: `saliency time in the browser (${backend}), ms`, description: (await time.getAttribute('data-saliency-ms')) ?? '' });

    // The Tiny VGG from scratch: its last convolution (conv_4) is a 26 × 26 grid.
    await page.getByTestId('head-epochs').fill('15');
    await page.getByTestId('train-scratch').click();
    await expect(page.getByTestId('scratch-status')).toHaveText('done', { timeout: 180_000 });
    await page.getByTestId('explain-model').selectOption('scratch');
    await expect(gradcam).toHaveAttribute('data-size', '26', { timeout: 30_000 });
    const vgg = await statsOf(gradcam);
    test.info().annotations.push({ type: 'Grad-CAM (Tiny VGG)', description: JSON.stringify(vgg) });
    expect(vgg.max).toBe(1);
    expect(vgg.std).toBeGreaterThan(0.01);
    await expect(saliency).toHaveAttribute('data-size', '64');
  });
});
