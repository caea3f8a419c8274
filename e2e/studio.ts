import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FileChooser, Locator, Page } from '@playwright/test';
import { expect } from './offline';

/** ../shared (beside the checkout, in CI too), or SHARED_DIR. */
export const SHARED = resolve(process.env.SHARED_DIR ?? join(process.cwd(), '..', 'shared'));
const DATASET = join(SHARED, 'datasets', 'sign-language-digits');

/** The photos of one digit, sorted by name. */
export const imagesOf = (digit: string) => readdirSync(join(DATASET, digit)).sort().map((name) => join(DATASET, digit, name));

/** Opens the transfer studio and waits until the base model is ready. */
export async function openStudio(page: Page, query: string): Promise<void> {
  await page.goto(`/?lang=en${query}`);
  await page.getByRole('link', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
}

/** Chooses a base model in the studio's select and waits until it is the one loaded and ready. */
export async function chooseBase(page: Page, id: string): Promise<void> {
  await page.getByTestId('base-model').selectOption(id);
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-base', id, { timeout: 120_000 });
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
}

/**
 * File choosers, intercepted from now on. `page.waitForEvent('filechooser')` switches Chromium's
 * interception on without waiting for it, so a key press or tap sent at once can open the real
 * dialog instead (no event; seen in CI as a 5-minute hang). One listener kept for the whole test
 * keeps interception on; `next()` gives the next chooser the page opens (or fails after a timeout).
 */
export function fileChoosers(page: Page): { next(timeoutMs?: number): Promise<FileChooser> } {
  const opened: FileChooser[] = [];
  const waiting: ((chooser: FileChooser) => void)[] = [];
  page.on('filechooser', (chooser) => {
    const take = waiting.shift();
    if (take) take(chooser);
    else opened.push(chooser);
  });
  return {
    next: (timeoutMs = 20_000) => {
      const ready = opened.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const take = (chooser: FileChooser) => {
          clearTimeout(timer);
          resolve(chooser);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new Error(`no file chooser opened within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.push(take);
      });
    },
  };
}

/** Predicts one image in the Predict panel; returns the prediction shown for it, once answered. */
export async function predictShown(page: Page, path: string): Promise<Locator> {
  const current = page.getByTestId('prediction');
  const before = (await current.count()) > 0 ? Number(await current.getAttribute('data-request')) : 0;
  await page.getByTestId('predict-input').setInputFiles(path);
  const shown = page.locator(`[data-testid="prediction"][data-request="${before + 1}"][data-ready="true"]`);
  await expect(shown).toBeVisible({ timeout: 60_000 });
  return shown;
}

/** Predicts one image with the studio's classifier; returns the class probabilities shown (full precision). */
export async function predictProbabilities(page: Page, path: string): Promise<number[]> {
  return JSON.parse((await (await predictShown(page, path)).getAttribute('data-probabilities'))!);
}
