/**
 * "Import a photo set": the zip "Export images (.zip)" writes, imported into a fresh profile, gives
 * the same classes and counts (and merges by name when imported again); a zip declaring too much, one
 * with too many files, and a corrupt one are refused whole with a translated message, and what was
 * loaded stays; a bad entry is refused alone, like a dropped file. The zips are built in the test.
 */
import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import type { Page } from '@playwright/test';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/** A zip that is only a central directory: entries declare `size` bytes each and hold none. */
function declaredOnly(count: number, size: number): Buffer {
  const records: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const name = strToU8(`cat/${k}.jpg`);
    const record = new Uint8Array(46 + name.length);
    const view = new DataView(record.buffer);
    view.setUint32(0, 0x02014b50, true);
    view.setUint32(20, size, true);
    view.setUint32(24, size, true);
    view.setUint16(28, name.length, true);
    record.set(name, 46);
    records.push(record);
  }
  const directory = Buffer.concat(records);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  return Buffer.concat([directory, end]);
}

async function importZip(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('import-dataset').setInputFiles({ name, mimeType: 'application/zip', buffer });
}

async function counts(page: Page): Promise<[string, string][]> {
  const cards = page.getByTestId('class-card');
  const out: [string, string][] = [];
  for (let k = 0; k < (await cards.count()); k++) out.push([await cards.nth(k).getByTestId('class-name').inputValue(), (await cards.nth(k).getByTestId('class-count').textContent())!]);
  return out;
}

test('export images → import into a fresh profile: the same classes and counts; again: merged by name', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await openStudio(page, '');
  const cards = page.getByTestId('class-card');
  await page.getByTestId('add-class').click();
  const names = ['digit 0', '数字 1', 'three'];
  const photos = [imagesOf('0').slice(0, 4), imagesOf('1').slice(0, 3), imagesOf('3').slice(0, 2)];
  for (const k of [0, 1, 2]) {
    await cards.nth(k).getByTestId('class-name').fill(names[k]);
    await cards.nth(k).locator('input[type=file]').setInputFiles(photos[k]);
    await expect(cards.nth(k).getByTestId('class-count')).toHaveText(`${photos[k].length} images`, { timeout: 30_000 });
  }
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-dataset').click();
  const zip = readFileSync((await (await downloading).path())!);

  const context = await browser.newContext(); // a fresh profile: its own IndexedDB
  const fresh = await context.newPage();
  try {
    await openStudio(fresh, '');
    await importZip(fresh, 'neural-playground-dataset.zip', zip);
    await expect(fresh.getByTestId('photo-set-status')).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
    expect(await counts(fresh)).toEqual([['digit 0', '4 images'], ['数字 1', '3 images'], ['three', '2 images']]);
    await expect(fresh.getByTestId('rejections')).toHaveCount(0);
    await importZip(fresh, 'neural-playground-dataset.zip', zip);
    await expect(fresh.getByTestId('photo-set-status').locator('[data-photos="9"]')).toBeVisible({ timeout: 60_000 });
    await expect(fresh.getByTestId('class-card').nth(2).getByTestId('class-count')).toHaveText('4 images', { timeout: 30_000 });
    expect(await counts(fresh)).toEqual([['digit 0', '8 images'], ['数字 1', '6 images'], ['three', '4 images']]);
  } finally {
    await context.close();
  }
});

test('too big, too many files or corrupt: refused whole with a translated message, and what was loaded stays', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, '');
  const cards = page.getByTestId('class-card');
  await cards.nth(0).getByTestId('class-name').fill('cat');
  await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 2));
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText('2 images', { timeout: 30_000 });
  const before = await counts(page);
  const status = page.getByTestId('photo-set-status');

  await importZip(page, 'big.zip', declaredOnly(2, 600_000_000));
  await expect(status).toHaveAttribute('data-code', 'photoSetTooBig');
  await expect(status).toContainText('more than 1 GB');
  expect(await counts(page)).toEqual(before);

  await importZip(page, 'many.zip', Buffer.from(zipSync(Object.fromEntries(Array.from({ length: 5001 }, (_, k) => [`dog/${k}.jpg`, new Uint8Array(0)])))));
  await expect(status).toHaveAttribute('data-code', 'photoSetTooManyFiles');
  await expect(status).toContainText('more than 5,000 files');
  expect(await counts(page)).toEqual(before);

  await page.getByTestId('language').selectOption('zh-CN');
  await importZip(page, 'broken.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(4000, 7)]));
  await expect(status).toHaveAttribute('data-code', 'photoSetCorrupt');
  await expect(status).toContainText('无法读取这个 zip 文件');
  expect((await counts(page)).map(([name]) => name)).toEqual(before.map(([name]) => name));
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText(/^2/);
  await page.getByTestId('language').selectOption('en');

  // a bad entry is refused alone, as a dropped file is; the good one joins "cat"
  const mixed = zipSync({ 'cat/notes.jpg': strToU8('not a photo'), 'cat/good.jpg': new Uint8Array(readFileSync(imagesOf('0')[5])) });
  await importZip(page, 'mixed.zip', Buffer.from(mixed));
  await expect(page.getByTestId('rejections')).toContainText('“notes.jpg” is not an image', { timeout: 30_000 });
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });
  await expect(cards).toHaveCount(before.length);
});
