/**
 * Webcam capture and live webcam predictions, with Chromium's fake camera (a generated test
 * pattern; the flags are in playwright.config.ts).
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

const imageCount = async (card: Locator) => Number((await card.getByTestId('class-count').textContent())!.match(/\d+/)![0]);
const framesCaptured = async (card: Locator) => Number(await card.getByTestId('webcam-frames').getAttribute('data-count'));

/** Holds the card's record button with the mouse for `ms`; checks thumbnails arrive while it is held. */
async function holdToRecord(page: Page, card: Locator, ms: number): Promise<number> {
  const before = await imageCount(card);
  const record = card.getByTestId('webcam-record');
  await expect(record).toBeEnabled({ timeout: 20_000 });
  await record.hover();
  await page.mouse.down();
  await expect(record).toHaveAttribute('aria-pressed', 'true');
  // Frames go to the class in small batches, so images are added while recording (still held below).
  await expect.poll(() => imageCount(card), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(record).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(Math.max(ms - 500, 0));
  await page.mouse.up();
  await expect(record).toHaveAttribute('aria-pressed', 'false');
  // Frames grabbed while held may finish encoding after the release.
  await expect(card.getByTestId('webcam-frames')).toHaveAttribute('aria-busy', 'false');
  const captured = await framesCaptured(card);
  await expect(card.getByTestId('class-count')).toHaveText(`${before + captured} images`, { timeout: 30_000 });
  return captured;
}

test.describe('transfer studio webcam', () => {
  test.setTimeout(240_000);

  test('hold to record (mouse, then Space held) adds frames to the class; one camera at a time', async ({ page }) => {
    await openStudio(page, '');
    const cards = page.getByTestId('class-card');
    const card = cards.first();
    await card.getByTestId('webcam-open').click();
    await expect(card.locator('video')).toBeVisible();

    const captured = await holdToRecord(page, card, 1200);
    test.info().annotations.push({ type: 'frames in a 1.2 s hold', description: String(captured) });
    expect(captured).toBeGreaterThanOrEqual(5);
    await expect(card.locator('.thumbnails img')).toHaveCount(captured);
    await expect(card.locator('.thumbnails img').first()).toHaveAttribute('alt', /^webcam-\d+\.jpg$/);
    await expect.poll(() => card.locator('.thumbnails img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    // Keyboard: Space held on the focused button records; the count starts again at zero.
    const record = card.getByTestId('webcam-record');
    await record.focus();
    await page.keyboard.down('Space');
    await expect(record).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => framesCaptured(card), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.keyboard.up('Space');
    await expect(record).toHaveAttribute('aria-pressed', 'false');
    await expect(card.getByTestId('webcam-frames')).toHaveAttribute('aria-busy', 'false');
    const byKey = await framesCaptured(card);
    expect(byKey).toBeGreaterThanOrEqual(2);
    expect(byKey).toBeLessThan(captured + 10);
    await expect(card.getByTestId('class-count')).toHaveText(`${captured + byKey} images`, { timeout: 30_000 });
    await expect(page.getByTestId('rejections')).toHaveCount(0);

    // Opening the camera in another card closes it in the first.
    await cards.nth(1).getByTestId('webcam-open').click();
    await expect(cards.nth(1).locator('video')).toBeVisible();
    await expect(card.locator('video')).toHaveCount(0);
    await expect(card.getByTestId('webcam-open')).toHaveAttribute('aria-expanded', 'false');
    await cards.nth(1).getByTestId('webcam-open').click();
    await expect(page.locator('video')).toHaveCount(0);
  });

  test('a denied camera permission shows a message and loses nothing', async ({ page }) => {
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await openStudio(page, '');
    const card = page.getByTestId('class-card').first();
    await card.locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 3));
    await expect(card.getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });

    await card.getByTestId('webcam-open').click();
    await expect(card.getByTestId('webcam-error')).toContainText('Camera access was denied');
    await expect(card.getByTestId('webcam-record')).toHaveCount(0);
    await expect(card.getByTestId('class-count')).toHaveText('3 images');
    await expect(card.locator('.thumbnails img')).toHaveCount(3);
    await expect(page.getByTestId('model-status')).toHaveText('ready');
    await card.getByTestId('webcam-open').click();
    await expect(card.getByTestId('webcam-error')).toHaveCount(0);
  });

  test('live webcam predictions: a frame whenever the previous prediction is back; off stops', async ({ page }) => {
    await openStudio(page, '');
    const cards = page.getByTestId('class-card');
    await cards.nth(0).getByTestId('class-name').fill('camera');
    await cards.nth(1).getByTestId('class-name').fill('hand');
    await cards.nth(0).getByTestId('webcam-open').click();
    await holdToRecord(page, cards.nth(0), 1200);
    await cards.nth(0).getByTestId('webcam-open').click();
    // Only one class with photos: nothing to predict with yet.
    const live = page.getByTestId('webcam-predict');
    await expect(live).toBeDisabled();
    await cards.nth(1).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 10));
    await expect(cards.nth(1).getByTestId('class-count')).toHaveText('10 images', { timeout: 30_000 });

    // Two classes with photos: live predictions before Train, by the nearest class mean.
    const prediction = page.getByTestId('prediction');
    const shown = page.locator('[data-testid="prediction"][data-ready="true"]');
    await live.click();
    await expect(live).toHaveAttribute('aria-pressed', 'true');
    await expect(shown).toHaveAttribute('data-source', 'instant', { timeout: 30_000 });
    await expect(shown).toHaveText(/^camera \(/);
    await live.click();
    await expect(live).toHaveAttribute('aria-pressed', 'false');

    await page.getByRole('button', { name: /^Train model/ }).click();
    await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });

    await live.click();
    await expect(live).toHaveAttribute('aria-pressed', 'true');
    await expect(prediction).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
    await expect(shown).toHaveAttribute('data-source', 'trained', { timeout: 30_000 });
    const request = async () => Number(await prediction.getAttribute('data-request'));
    const first = await request();
    const started = Date.now();
    await expect.poll(request, { timeout: 30_000 }).toBeGreaterThanOrEqual(first + 5);
    const rate = ((await request()) - first) / ((Date.now() - started) / 1000);
    test.info().annotations.push({ type: 'live predictions per second', description: rate.toFixed(1) });
    expect(rate).toBeLessThanOrEqual(6);
    // The fake camera's pattern looks nothing like a hand.
    await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toHaveText(/^camera \(/);

    await live.click();
    await expect(live).toHaveAttribute('aria-pressed', 'false');
    await expect(page.locator('.predict video')).toHaveCount(0);
    // A frame already sent may still come back: wait for it, then nothing more is asked.
    await expect(prediction).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
    const stopped = await request();
    await page.waitForTimeout(1000);
    expect(await request()).toBe(stopped);
  });
});
