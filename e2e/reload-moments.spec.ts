/**
 * Nothing shown as saved is lost on a reload, at any moment: while photos are being added, right
 * after the last one shows, while embedding, while training, and while a second add is running.
 * Each moment is repeated (E2E_RELOAD_REPEATS, default 3) on one growing project, and the whole
 * set runs again with Chromium's CPU slowed 4× (a slow school laptop). Before each reload a class
 * is renamed and a setting changed, the instant before: those must come back too.
 */
import type { Page } from '@playwright/test';
import { expect, test, throttleCpu } from './offline';
import { imagesOf, openStudio } from './studio';

const REPEATS = Math.max(1, Number(process.env.E2E_RELOAD_REPEATS ?? 3) || 3);

/** What the page shows of the project: each class's name and photo ids (and any not saved), and two settings. */
interface Shown {
  classes: { name: string; ids: string[]; unsaved: number }[];
  epochs: string;
  optimizer: string;
}

async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => ({
    classes: [...document.querySelectorAll('[data-testid="class-card"]')].map((card) => ({
      name: (card.querySelector('[data-testid="class-name"]') as HTMLInputElement).value,
      ids: [...card.querySelectorAll('li[data-image-id]')].map((li) => li.getAttribute('data-image-id')!),
      unsaved: card.querySelectorAll('li.unsaved').length,
    })),
    epochs: (document.querySelector('[data-testid="head-epochs"]') as HTMLInputElement).value,
    optimizer: (document.querySelector('[data-testid="head-optimizer"]') as HTMLSelectElement).value,
  }));
}

/** Every photo shown before the reload is back in its class (none twice), with the names and settings. */
async function expectKept(page: Page, before: Shown): Promise<void> {
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 120_000 });
  await expect
    .poll(async () => {
      const after = await shown(page);
      const missing = before.classes.flatMap((c, k) => c.ids.filter((id) => !after.classes[k]?.ids.includes(id)).map((id) => `${c.name}/${id}`));
      return { names: after.classes.map((c) => c.name), missing, epochs: after.epochs, optimizer: after.optimizer };
    }, { timeout: 60_000 })
    .toEqual({ names: before.classes.map((c) => c.name), missing: [], epochs: before.epochs, optimizer: before.optimizer });
  const after = await shown(page);
  for (const c of after.classes) {
    expect(new Set(c.ids).size, `photos of ${c.name} shown once each`).toBe(c.ids.length);
    expect(c.unsaved).toBe(0);
  }
}

const cards = (page: Page) => page.getByTestId('class-card');
const photos = (digit: string, rep: number, count: number) => imagesOf(digit).slice((rep * 12) % 36, ((rep * 12) % 36) + count);
const countOf = async (page: Page, k: number) => cards(page).nth(k).locator('li[data-image-id]').count();

/** Renames a class and changes the epochs, then reloads at once: the instant before the reload counts too. */
async function changeThenReload(page: Page, rep: number, tag: string): Promise<Shown> {
  await cards(page).nth(rep % 2).getByTestId('class-name').fill(`${tag} ${rep}`);
  await page.getByTestId('head-epochs').fill(String(20 + rep));
  const before = await shown(page);
  await page.reload();
  return before;
}

/** Waits until a class shows at least `count` photos. */
async function untilShown(page: Page, k: number, count: number): Promise<void> {
  await expect.poll(() => countOf(page, k), { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
}

type Moment = (page: Page, rep: number) => Promise<Shown>;

const MOMENTS: Record<string, Moment> = {
  'while adding': async (page, rep) => {
    const start = await countOf(page, 0);
    await cards(page).nth(0).locator('input[type=file]').setInputFiles(photos('0', rep, 12));
    await untilShown(page, 0, start + 3);
    return changeThenReload(page, rep, 'adding');
  },
  'right after the last photo shows': async (page, rep) => {
    const start = await countOf(page, 1);
    await cards(page).nth(1).locator('input[type=file]').setInputFiles(photos('1', rep, 8));
    await untilShown(page, 1, start + 8);
    return changeThenReload(page, rep, 'last');
  },
  'while embedding': async (page, rep) => {
    const start = [await countOf(page, 0), await countOf(page, 1)];
    await cards(page).nth(0).locator('input[type=file]').setInputFiles(photos('2', rep, 6));
    await cards(page).nth(1).locator('input[type=file]').setInputFiles(photos('3', rep, 6));
    await untilShown(page, 0, start[0] + 6);
    await untilShown(page, 1, start[1] + 6);
    await page.getByRole('button', { name: /^Train/ }).click();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', /embedding|training|fineTuning|refitting|done/);
    return changeThenReload(page, rep, 'embedding');
  },
  'while training': async (page, rep) => {
    await page.getByTestId('head-batch-size').fill('1');
    await page.getByTestId('head-optimizer').selectOption(rep % 2 ? 'sgd' : 'rmsprop');
    await page.getByTestId('head-epochs').fill('500');
    await page.getByRole('button', { name: /^Train/ }).click();
    await expect(page.getByText(/^Epoch [1-9]\d* of 500/)).toBeVisible({ timeout: 60_000 });
    return changeThenReload(page, rep, 'training');
  },
  'while a second add is running': async (page, rep) => {
    const start = await countOf(page, 1);
    await cards(page).nth(0).locator('input[type=file]').setInputFiles(photos('4', rep, 6));
    await cards(page).nth(1).locator('input[type=file]').setInputFiles(photos('5', rep, 10));
    await untilShown(page, 1, start + 2);
    return changeThenReload(page, rep, 'second');
  },
};

/** Photos in both classes, so Train can run. */
async function seed(page: Page): Promise<void> {
  for (const k of [0, 1]) await cards(page).nth(k).locator('input[type=file]').setInputFiles(imagesOf(String(k + 6)).slice(0, 3));
  for (const k of [0, 1]) await untilShown(page, k, 3);
}

for (const cpu of [1, 4]) {
  for (const [moment, reloadAt] of Object.entries(MOMENTS)) {
    test(`a reload ${moment} loses no photo, name or setting shown (×${REPEATS}${cpu > 1 ? `, CPU ${cpu}× slower` : ''})`, async ({ page }) => {
      test.setTimeout((60_000 + REPEATS * 90_000) * cpu);
      if (cpu > 1) await throttleCpu(page, cpu);
      await openStudio(page, '');
      await seed(page);
      for (let rep = 0; rep < REPEATS; rep++) {
        const before = await reloadAt(page, rep);
        await expectKept(page, before);
      }
    });
  }
}
