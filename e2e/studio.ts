import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
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
