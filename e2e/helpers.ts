import { expect, type Page } from '@playwright/test';

/** Reads a test-id element whose text is a plain number. */
export async function numberOf(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent())?.trim() ?? '';
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new Error(`${testId} is not a number: "${text}"`);
  return value;
}

/** Opens the app and waits until the worker has sent its first snapshot. */
export async function openPlayground(page: Page, query = ''): Promise<void> {
  const separator = query ? '&' : '';
  await page.goto(`/?lang=en${separator}${query}`);
  await expect(page.getByTestId('train-loss')).not.toHaveText('');
}

/** Waits until a numeric test id satisfies the predicate. */
export async function waitForNumber(page: Page, testId: string, predicate: (value: number) => boolean, timeout = 20_000): Promise<number> {
  let last = NaN;
  await expect
    .poll(async () => {
      last = await numberOf(page, testId).catch(() => NaN);
      return predicate(last);
    }, { timeout })
    .toBe(true);
  return last;
}

/** Reads several numeric test ids in one go (one consistent render). */
export async function numbersOf(page: Page, testIds: string[]): Promise<number[]> {
  const texts = await page.evaluate((ids) => ids.map((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? ''), testIds);
  return texts.map((text, n) => {
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) throw new Error(`${testIds[n]} is not a number: "${text}"`);
    return value;
  });
}
