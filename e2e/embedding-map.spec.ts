import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

test.describe('embedding map', () => {
  test.setTimeout(240_000);

  test('one point per image, updated as images are added; decision regions after training; hover shows the thumbnail', async ({ page }) => {
    await openStudio(page, '');
    await page.getByTestId('add-class').click();
    const cards = page.getByTestId('class-card');
    await expect(cards).toHaveCount(3);
    for (const [k, digit] of ['0', '1', '2'].entries()) {
      await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);
      await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(digit).slice(0, 6));
    }
    for (const k of [0, 1, 2]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('6 images', { timeout: 30_000 });

    const toggle = page.getByTestId('embedding-map-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    const map = page.getByTestId('embedding-map');
    await expect(map).toHaveAttribute('data-points', '18', { timeout: 60_000 });
    await expect(map.getByTestId('embedding-point')).toHaveCount(18);
    await expect(map.locator('[data-testid="embedding-point"][data-class="digit 1"]')).toHaveCount(6);
    await expect(map).toContainText(/PC1 \(\d+\.\d % of variance\)/);
    await expect(map.getByTestId('decision-regions')).toHaveCount(0);
    test.info().annotations.push({ type: 'map of 18 (embedding, PCA, regions ms)', description: `${await map.getAttribute('data-embed-ms')}, ${await map.getAttribute('data-pca-ms')}, ${await map.getAttribute('data-regions-ms')}` });

    // Two more photos: the map follows.
    await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(6, 8));
    await expect(cards.nth(0).getByTestId('class-count')).toHaveText('8 images', { timeout: 30_000 });
    await expect(map).toHaveAttribute('data-points', '20', { timeout: 60_000 });
    await expect(map.getByTestId('embedding-point')).toHaveCount(20);
    await expect(map.locator('[data-testid="embedding-point"][data-class="digit 0"]')).toHaveCount(8);

    // Hover a point (the last drawn: no other lies on it): its thumbnail and name.
    const point = map.getByTestId('embedding-point').last();
    await expect(point).toHaveAttribute('data-class', 'digit 2');
    await point.hover();
    const tooltip = map.getByTestId('embedding-map-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip.locator('img')).toHaveAttribute('src', /^blob:/);
    await expect(tooltip).toContainText(`${imagesOf('2')[5].split('/').pop()} (digit 2)`);
    // The keyboard reaches every point too.
    await page.mouse.move(0, 0);
    await expect(tooltip).toHaveCount(0);
    await map.getByRole('listbox').focus();
    await page.keyboard.press('ArrowRight');
    await expect(tooltip).toBeVisible();

    // Train (the embeddings are cached already): the head's decision regions appear behind the points.
    await page.getByRole('button', { name: /^Train/ }).click();
    await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
    await expect(page.getByTestId('train-timings')).toHaveAttribute('data-embedded', '0');
    const regions = map.getByTestId('decision-regions');
    await expect(regions).toBeVisible({ timeout: 30_000 });
    await expect(map.getByTestId('embedding-point')).toHaveCount(20);
    // The canvas is painted: its cells hold more than one class colour, none fully transparent.
    const painted = await regions.evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<string>();
      let transparent = 0;
      for (let p = 0; p < data.length; p += 4) {
        colours.add(`${data[p]},${data[p + 1]},${data[p + 2]}`);
        if (data[p + 3] === 0) transparent++;
      }
      return { colours: colours.size, transparent };
    });
    expect(painted.colours).toBeGreaterThan(1);
    expect(painted.transparent).toBe(0);
    // No serious or critical accessibility issue in the map (a point selected, regions drawn).
    await map.getByRole('listbox').focus();
    await page.keyboard.press('ArrowLeft');
    const { violations } = await new AxeBuilder({ page }).include('.embedding-map-panel').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`)).toEqual([]);
    test.info().annotations.push({ type: 'map of 20 after training (embedding, PCA, regions ms)', description: `${await map.getAttribute('data-embed-ms')}, ${await map.getAttribute('data-pca-ms')}, ${await map.getAttribute('data-regions-ms')}` });
  });
});
