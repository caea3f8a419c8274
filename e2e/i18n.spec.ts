import { expect, test } from './offline';

/** Latin words that stay as they are in the Chinese UI: product and backend names, activation names, maths notation. */
const ALLOWED = new Set(['TensorFlow', 'TENSORFLOW', 'webgl', 'wasm', 'cpu', 'English', 'ReLU', 'Tanh', 'Sigmoid', 'Leaky', 'sin', 'tanh', 'out', 'prev', 'num', 'Web', 'Worker']);

async function latinWords(page: import('@playwright/test').Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  return [...new Set(text.match(/[A-Za-z][A-Za-z'’-]{2,}/g) ?? [])];
}

test('the Chinese UI shows Chinese everywhere (?lang=zh-CN)', async ({ page }) => {
  await page.goto('/?lang=zh-CN');
  await expect(page.getByTestId('train-loss')).not.toHaveText('');
  await expect(page.getByRole('heading', { name: '前向传播' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const english = (await latinWords(page)).filter((word) => !ALLOWED.has(word));
  expect(english).toEqual([]);
  // Error and notice texts too.
  await page.goto('/?lang=zh-CN&lr=abc');
  await expect(page.getByTestId('url-notice')).toContainText('链接中的某些值无效');
});

test('the language switch changes the UI and the URL, and the browser language is the default', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('神经网络游乐场');
  await page.getByTestId('language').selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neural Playground');
  await expect.poll(() => new URL(page.url()).searchParams.get('lang')).toBe('en');
  await context.close();
});
