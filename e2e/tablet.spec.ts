/**
 * Tablets and phones: every view works by touch at 1024×768 (an iPad in landscape, a Chromebook)
 * without horizontal scrolling, and predicting works on a 390 × 844 phone.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './offline';
import { fileChoosers, imagesOf } from './studio';

/** Fails when the page scrolls sideways; names the elements that stick out past the viewport. */
async function expectNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const width = page.viewportSize()!.width;
  const overflow = await page.evaluate((viewport) => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > viewport + 1 && el.getClientRects().length > 0)
      .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= viewport + 1)
      .slice(0, 8)
      .map((el) => {
        const path: string[] = [];
        for (let node: HTMLElement | null = el; node && node !== document.body && path.length < 4; node = node.parentElement)
          path.unshift(`${node.tagName.toLowerCase()}${node.className && typeof node.className === 'string' ? `.${node.className.trim().split(/\s+/).join('.')}` : ''}${node.dataset.testid ? `[${node.dataset.testid}]` : ''}`);
        return `${path.join(' > ')} right=${Math.round(el.getBoundingClientRect().right)}`;
      });
    return { scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, wide };
  }, width);
  expect(overflow.scrollWidth, `${where}: page wider than ${width} px: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(width);
  expect(overflow.innerWidth, `${where}: layout viewport`).toBe(width);
}

/** Picks photos by tapping the class card's file button (as on a tablet: the file chooser opens). */
async function tapToPick(choosers: ReturnType<typeof fileChoosers>, card: Locator, files: string[]): Promise<void> {
  await card.locator('.file-button').tap();
  await (await choosers.next()).setFiles(files);
}

/** Main buttons are at least 32 px tall and wide on a touch screen. */
async function expectTouchSize(target: Locator): Promise<void> {
  const box = (await target.boundingBox())!;
  expect(Math.min(box.width, box.height), `touch target ${await target.evaluate((el) => el.outerHTML.slice(0, 80))}`).toBeGreaterThanOrEqual(32);
}

test.describe('tablet 1024×768, touch', () => {
  test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true });

  test('playground: tap play/pause and a dataset, no horizontal scrolling', async ({ page }) => {
    await page.goto('/?lang=en');
    await expect(page.getByTestId('train-loss')).not.toHaveText('');
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    await expectNoHorizontalScroll(page, 'playground');
    for (const id of ['play-pause', 'step-sample', 'step-batch', 'step-epoch', 'walkthrough', 'dataset-xor']) await expectTouchSize(page.getByTestId(id));
    await expectTouchSize(page.getByRole('button', { name: 'Reset' }));

    await page.getByTestId('play-pause').tap();
    await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'playing');
    await expect.poll(() => page.getByTestId('epoch').textContent().then(Number)).toBeGreaterThan(1);
    await page.getByTestId('play-pause').tap();
    await expect(page.getByTestId('toolbar')).not.toHaveAttribute('data-status', 'playing');
    await page.getByTestId('dataset-xor').tap();
    await expect(page.getByTestId('dataset-xor')).toHaveAttribute('aria-checked', 'true');
    await page.getByTestId('step-epoch').tap();
    await expect(page.getByTestId('epoch')).toHaveText('1');
    await expectNoHorizontalScroll(page, 'playground after training');
    for (const lang of ['zh-CN']) {
      await page.goto(`/?lang=${lang}`);
      await expect(page.getByTestId('train-loss')).not.toHaveText('');
      await expectNoHorizontalScroll(page, `playground (${lang})`);
    }
  });

  test('studio: tap to add a class, pick photos and train; charts and confusion matrix fit', async ({ page }) => {
    test.setTimeout(300_000);
    const choosers = fileChoosers(page);
    await page.goto('/?lang=en');
    await page.getByRole('link', { name: 'Transfer learning' }).tap();
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
    await expectNoHorizontalScroll(page, 'studio empty');
    await expectTouchSize(page.getByTestId('add-class'));
    await page.getByTestId('add-class').tap();
    const cards = page.getByTestId('class-card');
    await expect(cards).toHaveCount(3);
    for (const [k, digit] of ['0', '1', '2'].entries()) await tapToPick(choosers, cards.nth(k), imagesOf(digit).slice(0, 5));
    for (const k of [0, 1, 2]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('5 images', { timeout: 30_000 });
    await expectNoHorizontalScroll(page, 'studio with images');

    const train = page.getByRole('button', { name: /^Train/ });
    await expectTouchSize(train);
    await train.tap();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
    await expect(page.getByTestId('confusion-matrix')).toBeVisible();
    await expect(page.getByTestId('transfer-charts')).toBeVisible();
    await expectNoHorizontalScroll(page, 'studio trained');
    await page.getByTestId('predict-input').setInputFiles(imagesOf('2')[40]);
    await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
    await expectNoHorizontalScroll(page, 'studio with a prediction');
  });
});

test.describe('phone 390×844, touch', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('playground fits the width', async ({ page }) => {
    await page.goto('/?lang=en');
    await expect(page.getByTestId('train-loss')).not.toHaveText('');
    await expectNoHorizontalScroll(page, 'playground on a phone');
    await page.getByTestId('play-pause').tap();
    await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'playing');
  });

  test('studio: train a tiny model and predict a photo, no horizontal scrolling', async ({ page }) => {
    test.setTimeout(300_000);
    const choosers = fileChoosers(page);
    await page.goto('/?lang=en#transfer');
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
    await expectNoHorizontalScroll(page, 'studio on a phone');
    const cards = page.getByTestId('class-card');
    for (const [k, digit] of ['0', '1'].entries()) await tapToPick(choosers, cards.nth(k), imagesOf(digit).slice(0, 4));
    for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText('4 images', { timeout: 30_000 });
    await page.getByRole('button', { name: /^Train/ }).tap();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
    await expectNoHorizontalScroll(page, 'studio trained on a phone');

    await page.locator('.predict .file-button').tap();
    await (await choosers.next()).setFiles(imagesOf('1')[40]);
    const prediction = page.locator('[data-testid="prediction"][data-ready="true"]');
    await expect(prediction).toHaveText(/^Class [12] \(/, { timeout: 30_000 });
    await expect(prediction).toBeInViewport({ ratio: 0.5 }).catch(async () => {
      await prediction.scrollIntoViewIfNeeded();
      await expect(prediction).toBeInViewport();
    });
    await expectNoHorizontalScroll(page, 'studio with a prediction on a phone');
    await page.getByTestId('show-code').tap();
    await page.getByTestId('embedding-map-toggle').tap();
    await expect(page.getByTestId('embedding-map')).toHaveAttribute('data-points', '8', { timeout: 30_000 });
    await page.getByTestId('embedding-point').first().tap();
    await expectNoHorizontalScroll(page, 'studio on a phone, code and embedding map open');
  });
});

test.describe('classroom views at 1024×768 and 390×844', () => {
  for (const [width, height] of [[1024, 768], [390, 844]]) {
    test(`lessons, a lesson open, presenter view: no horizontal scrolling (${width} px)`, async ({ browser }) => {
      const context = await browser.newContext({ viewport: { width, height }, hasTouch: true, isMobile: true });
      const page = await context.newPage();
      await page.goto('/?lang=en#lessons');
      await expect(page.getByTestId('lesson-card-1')).toBeVisible();
      await expectNoHorizontalScroll(page, 'lessons');
      await page.getByTestId('lesson-open-1').tap();
      await expect(page.getByTestId('lesson-1')).toBeVisible();
      await expectNoHorizontalScroll(page, 'lesson 1 open');
      await page.goto('/?lang=en&presenter=1');
      await expect(page.getByTestId('train-loss')).not.toHaveText('');
      await expectNoHorizontalScroll(page, 'presenter view');
      await context.close();
    });
  }
});
