/**
 * One screen for the main flow (issue 11): at 1366 × 768, with three classes of 10 photos, every
 * class card, the Train button and the prediction are in the viewport together, without scrolling;
 * after Train the curves are one click away. On a tablet the same parts come in one column, in
 * the same order.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/** The element's box lies wholly inside the viewport (not only partly). */
async function expectWhollyInView(page: Page, target: Locator, what: string): Promise<void> {
  const box = await target.boundingBox();
  const view = page.viewportSize()!;
  expect(box, `${what}: not rendered`).not.toBeNull();
  const { x, y, width, height } = box!;
  expect(x >= 0 && y >= 0 && x + width <= view.width + 0.5 && y + height <= view.height + 0.5, `${what}: ${JSON.stringify(box)} outside ${view.width}×${view.height}`).toBe(true);
  // …and not clipped by a scrolling column either
  await expect(target, what).toBeInViewport({ ratio: 0.99 });
}

async function fillThreeClasses(page: Page): Promise<Locator> {
  await page.getByTestId('add-class').click();
  const cards = page.getByTestId('class-card');
  await expect(cards).toHaveCount(3);
  for (const k of [0, 1, 2]) await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(String(k)).slice(0, 10));
  for (const k of [0, 1, 2]) await expect(cards.nth(k).getByTestId('class-count')).toContainText('10', { timeout: 60_000 });
  return cards;
}

test('1366 × 768: class cards, Train and the prediction on one screen; the curves one click away', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await openStudio(page, '');
  const cards = await fillThreeClasses(page);
  const train = page.getByRole('button', { name: 'Train model', exact: true });
  await train.click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  await page.getByTestId('predict-input').setInputFiles(imagesOf('2').at(-1)!);
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });

  // From the top of the page, with no scrolling:
  await page.evaluate(() => window.scrollTo(0, 0));
  const flow = page.getByTestId('main-flow');
  await expect(flow).toBeVisible();
  for (const k of [0, 1, 2]) await expectWhollyInView(page, cards.nth(k), `class card ${k + 1}`);
  await expectWhollyInView(page, train, 'Train');
  await expectWhollyInView(page, page.getByTestId('prediction'), 'prediction');
  // the three are inside the main-flow region
  expect(await flow.getByTestId('class-card').count()).toBe(3);
  expect(await flow.getByTestId('prediction').count()).toBe(1);
  expect(await flow.getByRole('button', { name: 'Train model', exact: true }).count()).toBe(1);

  // The curves: one click.
  const curves = page.locator('#studio-curves');
  await expect(curves).not.toBeInViewport();
  await page.getByTestId('show-curves').click();
  await expect(curves.getByRole('heading').first()).toBeInViewport();
  await expect(curves.locator('.recharts-surface').first()).toBeVisible();
  // …and from the bar of links too, for any panel
  await page.getByTestId('more-code').click();
  await expect(page.locator('#studio-code')).toBeInViewport();
});

test('1280 × 720: the same three, with the instant prediction (before any training)', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openStudio(page, '');
  const cards = await fillThreeClasses(page);
  await page.getByTestId('predict-input').setInputFiles(imagesOf('2').at(-1)!);
  await expect(page.getByTestId('prediction')).toHaveAttribute('data-source', 'instant', { timeout: 60_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const k of [0, 1, 2]) await expectWhollyInView(page, cards.nth(k), `class card ${k + 1}`);
  await expectWhollyInView(page, page.getByRole('button', { name: 'Train model', exact: true }), 'Train');
  await expectWhollyInView(page, page.getByTestId('prediction'), 'prediction');
});

test('1024 × 768 tablet: one column in the main flow\'s order (classes, Train, prediction), then the rest', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openStudio(page, '');
  const top = async (target: Locator) => (await target.boundingBox())!.y;
  const classes = await top(page.getByTestId('class-card').first());
  const train = await top(page.getByRole('button', { name: 'Train model', exact: true }));
  const predict = await top(page.getByTestId('predict-input').locator('xpath=ancestor::section[1]'));
  const more = await top(page.getByTestId('more-nav'));
  expect(classes).toBeLessThan(train);
  expect(train).toBeLessThan(predict);
  expect(predict).toBeLessThan(more);
  const lefts = await Promise.all([page.getByTestId('class-card').first(), page.getByTestId('predict-input').locator('xpath=ancestor::section[1]')].map(async (l) => (await l.boundingBox())!.x));
  expect(Math.abs(lefts[0] - lefts[1])).toBeLessThan(40);
});
