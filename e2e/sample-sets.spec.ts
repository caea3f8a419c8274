/**
 * "Try a sample set": the public photo sets served from the app's own origin (../shared/datasets at
 * /samples/, by the preview server's sharedDatasets() plugin), with attribution and licence shown;
 * one click fills the classes through the drops' path (saved: a reload keeps them), and before any
 * training the instant prediction names the class of photos of the set that were held back.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './offline';
import { join } from 'node:path';
import { openStudio, predictShown, SHARED } from './studio';

test('a sample set fills 10 classes from the app itself, with its attribution and licence', async ({ page }) => {
  test.setTimeout(240_000);
  const sampleRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.includes('/samples/')) sampleRequests.push(request.url());
  });
  await openStudio(page, '');
  const menu = page.getByTestId('sample-sets');
  await menu.locator('summary').click();
  const digits = menu.locator('article', { has: page.getByTestId('sample-set-sign-language-digits') });
  const grocery = menu.locator('article', { has: page.getByTestId('sample-set-grocery-store') });
  await expect(digits.getByTestId('sample-licence')).toContainText('Apache-2.0');
  await expect(digits.getByTestId('sample-attribution')).toContainText('Ankara Ayrancı Anadolu High School');
  await expect(grocery.getByTestId('sample-licence')).toContainText('MIT');
  await expect(grocery.getByTestId('sample-licence')).toContainText('LICENSE-GroceryStoreDataset-MIT.txt');
  await expect(grocery.getByTestId('sample-attribution')).toContainText('Marcus Klasson, Cheng Zhang and Hedvig Kjellström');
  // the open menu and the import panel: no serious or critical WCAG 2.1 A/AA violation
  await page.locator('.photo-sets summary').last().click();
  const { violations } = await new AxeBuilder({ page }).include('.photo-sets').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
  // the licence file is served beside the photos
  const licence = await page.request.get('/samples/grocery-store/LICENSE-GroceryStoreDataset-MIT.txt');
  expect(licence.status()).toBe(200);
  expect(await licence.text()).toContain('Permission is hereby granted');

  await digits.getByTestId('sample-per-class').selectOption('5');
  await page.getByTestId('sample-set-sign-language-digits').click();
  await expect(page.getByTestId('photo-set-progress')).toBeVisible();
  const status = page.getByTestId('photo-set-status');
  await expect(status).toHaveAttribute('data-phase', 'done', { timeout: 180_000 });
  await expect(status.locator('[data-photos]')).toHaveAttribute('data-photos', '50');
  const cards = page.getByTestId('class-card');
  await expect(cards).toHaveCount(10);
  for (let k = 0; k < 10; k++) {
    await expect(cards.nth(k).getByTestId('class-name')).toHaveValue(String(k));
    await expect(cards.nth(k).getByTestId('class-count')).toHaveText('5 images');
  }
  await expect(page.getByTestId('rejections')).toHaveCount(0);
  // 50 photos + the index, all from this origin (the offline fixture fails the test on any other)
  expect(sampleRequests.filter((url) => url.endsWith('.jpg'))).toHaveLength(50);

  // Before any training, the instant prediction: one held-back photo of each class (the set's own
  // order, past the 5 loaded), right in most cases.
  const index = await (await page.request.get('/samples/index.json')).json();
  const set = index.sets.find((s: { id: string }) => s.id === 'sign-language-digits');
  let right = 0;
  for (const [k, { name, files }] of (set.classes as { name: string; files: string[] }[]).entries()) {
    const shown = await predictShown(page, join(SHARED, 'datasets', 'sign-language-digits', files.at(-1)!));
    await expect(shown).toHaveAttribute('data-source', 'instant');
    if ((await shown.textContent())!.startsWith(`${name} (`)) right++;
    expect(name).toBe(String(k));
  }
  console.log(`instant prediction on 10 held-back photos of the sample set: ${right} right`);
  expect(right, 'held-back photos whose class the instant prediction named, of 10').toBeGreaterThanOrEqual(6);

  // saved photo by photo: a reload brings back the same classes
  await page.reload();
  await page.getByRole('link', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('class-card')).toHaveCount(10);
  for (let k = 0; k < 10; k++) await expect(page.getByTestId('class-card').nth(k).getByTestId('class-count')).toHaveText('5 images', { timeout: 60_000 });
});

test.describe('a build without the sets', () => {
  // page.route does not see the service worker's own requests (it fetches the index network-first
  // once it controls the page): no service worker here, so the 404 below is what the page gets.
  test.use({ serviceWorkers: 'block' });
  test('without an index (a build shipped without the sets) the menu is hidden', async ({ page }) => {
    await page.route('**/samples/index.json', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await openStudio(page, '');
    await expect(page.getByTestId('class-card')).toHaveCount(2);
    await expect(page.getByTestId('sample-sets')).toHaveCount(0);
    await expect(page.getByTestId('import-dataset')).toHaveCount(1);
  });
});
