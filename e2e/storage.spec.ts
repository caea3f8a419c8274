/**
 * Storage full: when the browser refuses to save (the `?debug=1` hook makes the next writes fail
 * as a full disk does), the studio says so in both languages, marks what is not saved, keeps what
 * was saved before (a reload shows it), and saves the rest when asked to try again. It shows how
 * much storage the project uses.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/** Makes the project store's next `count` writes fail with QuotaExceededError. */
async function failWrites(page: Page, count: number): Promise<void> {
  await page.evaluate((n) => (window as unknown as { __neuralPlayground: { client: { debug(m: { type: string; count: number }): void } } }).__neuralPlayground.client.debug({ type: 'debug/failWrites', count: n }), count);
}

const cards = (page: Page) => page.getByTestId('class-card');

test('a full disk: refused photos are marked, saved ones kept over a reload, and saved on a retry', async ({ page }) => {
  await openStudio(page, '&debug=1');
  await expect(page.getByTestId('storage-status')).toContainText('Kept in this browser');
  await cards(page).nth(0).getByTestId('class-name').fill('fist');
  await cards(page).nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 3));
  await expect(cards(page).nth(0).getByTestId('class-count')).toHaveText('3 images');
  await expect(page.getByTestId('storage-error')).toHaveCount(0);
  // The usage is read again after photos are added, and the browser was asked to keep the project.
  await expect.poll(async () => Number(await page.getByTestId('storage-status').getAttribute('data-usage')), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('storage-status')).toHaveAttribute('data-persisted', /^(true|false)$/);

  await failWrites(page, 2);
  await cards(page).nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(0, 3));
  await expect(cards(page).nth(1).getByTestId('class-count')).toHaveText('3 images');
  const error = page.getByTestId('storage-error');
  await expect(error).toContainText("The browser's storage is full");
  await expect(error).toContainText('2 photos are not saved');
  await expect(error).toContainText('Everything saved before is kept');
  await expect(cards(page).nth(1).locator('li.unsaved')).toHaveCount(2);
  await expect(cards(page).nth(1).getByRole('img', { name: /\(not saved\)$/ })).toHaveCount(2);

  // What was saved stays; the refused photos are gone after a reload, as the message said.
  await page.reload();
  await expect(cards(page).nth(0).getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });
  await expect(cards(page).nth(1).getByTestId('class-count')).toHaveText('1 images', { timeout: 30_000 });
  await expect(cards(page).nth(0).getByTestId('class-name')).toHaveValue('fist');
  await expect(page.getByTestId('storage-error')).toHaveCount(0);

  // Refused once more, then saved by "Try saving again": they survive a reload.
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
  await failWrites(page, 2);
  await cards(page).nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(3, 5));
  await expect(cards(page).nth(1).locator('li.unsaved')).toHaveCount(2);
  await page.getByTestId('storage-retry').click();
  await expect(cards(page).nth(1).locator('li.unsaved')).toHaveCount(0);
  await expect(page.getByTestId('storage-error')).toHaveCount(0);
  await page.reload();
  await expect(cards(page).nth(1).getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });
});

test('the storage-full message is translated (?lang=zh-CN)', async ({ page }) => {
  await page.goto('/?lang=zh-CN&debug=1#transfer');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await failWrites(page, 1);
  await cards(page).nth(0).locator('input[type=file]').setInputFiles(imagesOf('2').slice(0, 2));
  const error = page.getByTestId('storage-error');
  await expect(error).toContainText('浏览器的存储空间已满');
  await expect(error).toContainText('1 张照片未保存');
  await expect(page.getByTestId('storage-retry')).toHaveText('重新保存');
});
