import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from './offline';
import { imagesOf, openStudio } from './studio';

/** Width and height from a JPEG's start-of-frame marker (SOF0–SOF15 except DHT, JPG, DAC). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  for (let at = 2; at + 9 < bytes.length;) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    at += 2 + length;
  }
  return null;
}

const stem = (path: string) => path.split('/').pop()!.replace(/\.[^.]*$/, '');

test('the image set downloads as a zip: one folder per class with the 224² JPEGs, and train.py', async ({ page }) => {
  test.setTimeout(120_000);
  await openStudio(page, '');
  const cards = page.getByTestId('class-card');
  await expect(page.getByTestId('export-dataset')).toBeDisabled();
  const names = ['digit 0', '数字 1'];
  const photos = [imagesOf('0').slice(0, 4), imagesOf('1').slice(0, 3)];
  for (const k of [0, 1]) {
    await cards.nth(k).getByTestId('class-name').fill(names[k]);
    await cards.nth(k).locator('input[type=file]').setInputFiles(photos[k]);
  }
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText('4 images', { timeout: 30_000 });
  await expect(cards.nth(1).getByTestId('class-count')).toHaveText('3 images', { timeout: 30_000 });

  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-dataset').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('neural-playground-dataset.zip');
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  await expect(page.getByTestId('dataset-status')).toHaveAttribute('data-images', '7');
  await expect(page.getByTestId('dataset-status')).toHaveAttribute('data-skipped', '0');

  const expected = names.flatMap((name, k) => [`dataset/${name}/`, ...photos[k].map((path, n) => `dataset/${name}/000${n + 1}-${stem(path)}.jpg`)]);
  // base/: the base as the browser uses it (MobileNet v2 0.35 from /models/), with its provenance, for train.py offline
  expect(Object.keys(files)).toEqual(['README.txt', 'train.py', 'base/', 'base/model.json', 'base/weights.bin', 'base/PROVENANCE.md', 'base/ABOUT.txt', 'dataset/', ...expected]);
  expect(JSON.parse(strFromU8(files['base/model.json'])).weightsManifest[0].paths).toEqual(['weights.bin']);
  expect(strFromU8(files['base/PROVENANCE.md'])).toContain('mobilenet_v2_0.35_224');
  for (const path of expected.filter((p) => p.endsWith('.jpg'))) expect(jpegSize(files[path]), path).toEqual({ width: 224, height: 224 });

  const script = strFromU8(files['train.py']);
  expect(script).toContain('CLASS_NAMES = [\n    "digit 0",  # 4 images\n    "数字 1",  # 3 images\n]');
  expect(script).toContain('EXPECTED_IMAGES = [4, 3]');
  expect(strFromU8(files['README.txt'])).toContain('python train.py');
});

test('a class name that cannot be a folder is refused with a message, and nothing is downloaded', async ({ page }) => {
  await openStudio(page, '');
  const cards = page.getByTestId('class-card');
  await cards.nth(0).getByTestId('class-name').fill('cats/dogs');
  await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 2));
  await expect(cards.nth(0).getByTestId('class-count')).toHaveText('2 images', { timeout: 30_000 });
  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));

  await page.getByTestId('export-dataset').click();
  const status = page.getByTestId('dataset-status');
  await expect(status).toHaveAttribute('data-code', 'datasetBadName');
  await expect(status).toContainText('“cats/dogs” cannot be a folder name');

  await cards.nth(1).getByTestId('class-name').fill('Cats');
  await cards.nth(0).getByTestId('class-name').fill('cats');
  await page.getByTestId('export-dataset').click();
  await expect(status).toHaveAttribute('data-code', 'datasetDuplicateName');
  expect(downloads).toEqual([]);

  await cards.nth(0).getByTestId('class-name').fill('cats 2');
  await page.getByTestId('export-dataset').click();
  await expect(status).toHaveAttribute('data-status', 'done');
  await expect.poll(() => downloads).toEqual(['neural-playground-dataset.zip']);
});
