/**
 * Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules) on each main view, in English and Chinese.
 * A serious or critical violation fails the test; moderate and minor ones are listed as annotations.
 * Keyboard: the playground's shortcuts, Tab through the main controls with a visible focus ring,
 * Train started from the keyboard.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { numberOf, openPlayground, waitForNumber } from './helpers';
import { expect, test } from './offline';
import { fileChoosers, imagesOf } from './studio';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const LANGUAGES = [
  { lang: 'en', train: /^Train/ },
  { lang: 'zh-CN', train: /^训练模型/ },
] as const;

/** Runs axe on the page as it is; fails (softly, so every view is checked) on serious or critical issues. */
async function audit(page: Page, view: string): Promise<void> {
  const { violations, passes, incomplete } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const counts: Record<string, number> = {};
  for (const violation of violations) counts[violation.impact ?? 'unknown'] = (counts[violation.impact ?? 'unknown'] ?? 0) + 1;
  test.info().annotations.push({ type: `axe ${view}`, description: `violations ${JSON.stringify(counts)}; rules passed ${passes.length}; to review by hand: ${incomplete.map((r) => `${r.id} (${r.nodes.length}×)`).join(', ') || 'none'}` });
  const describe = (v: (typeof violations)[number]) => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.nodes.slice(0, 12).map((node) => node.target.join(' ')).join(' | ')}`;
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((v) => !blocking.includes(v))) test.info().annotations.push({ type: `axe ${view} ${v.impact}`, description: describe(v) });
  expect.soft(blocking.map(describe), `serious/critical axe violations on ${view}`).toEqual([]);
}

for (const { lang, train } of LANGUAGES) {
  test.describe(`axe (${lang})`, () => {
    test(`playground: idle and playing, maths panels open (${lang})`, async ({ page }) => {
      await page.goto(`/?lang=${lang}`);
      await expect(page.getByTestId('train-loss')).not.toHaveText('');
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      // every collapsible part of the maths panels open
      await page.locator('[data-testid="maths-panels"] details:not([open]) > summary').evaluateAll((summaries) => summaries.forEach((s) => s.parentElement!.setAttribute('open', '')));
      await audit(page, `playground idle (${lang})`);
      await page.getByTestId('play-pause').click();
      await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'playing');
      await expect.poll(() => page.getByTestId('epoch').textContent().then(Number)).toBeGreaterThan(2);
      await audit(page, `playground playing (${lang})`);
      await page.getByTestId('play-pause').click();
    });

    test(`classroom: lessons view, a lesson open, presenter view (${lang})`, async ({ page }) => {
      await page.goto(`/?lang=${lang}#lessons`);
      await expect(page.getByTestId('lesson-card-1')).toBeVisible();
      await audit(page, `lessons (${lang})`);
      await page.getByTestId('lesson-open-1').click();
      await expect(page.getByTestId('lesson-1')).toBeVisible();
      await audit(page, `lesson 1 open (${lang})`);
      await page.goto(`/?lang=${lang}&presenter=1`);
      await expect(page.getByTestId('train-loss')).not.toHaveText('');
      await audit(page, `presenter view (${lang})`);
    });

    test(`transfer studio: empty, then 2 classes trained and a prediction (${lang})`, async ({ page }) => {
      test.setTimeout(300_000);
      await page.goto(`/?lang=${lang}#transfer`);
      await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await audit(page, `studio empty (${lang})`);

      const cards = page.getByTestId('class-card');
      await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 6));
      await cards.nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(0, 6));
      for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText(/^6\b/, { timeout: 30_000 });
      await audit(page, `studio with images (${lang})`);

      await page.getByRole('button', { name: train }).click();
      await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
      await page.getByTestId('predict-input').setInputFiles(imagesOf('1')[40]);
      await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toBeVisible({ timeout: 30_000 });
      await audit(page, `studio trained + prediction (${lang})`);
      // Every optional panel open: the code, the embedding map, the saliency map.
      await page.getByTestId('show-code').click();
      await page.getByTestId('embedding-map-toggle').click();
      await expect(page.getByTestId('embedding-map')).toHaveAttribute('data-points', '12', { timeout: 30_000 });
      await page.getByTestId('explain-saliency-toggle').check();
      await expect(page.getByTestId('explain-time')).toHaveAttribute('data-saliency-ms', /\d/, { timeout: 30_000 });
      await audit(page, `studio, every panel open (${lang})`);
    });
  });
}

interface Focused {
  name: string;
  testId: string;
  /** a visible outline of at least 2 px on the element (or, for an invisible file input, its label) */
  ring: boolean;
}

/** Presses Tab until `done` holds for the focused element (or `max` presses); returns every stop. */
async function tabUntil(page: Page, done: (focused: Focused) => boolean, max = 120): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let n = 0; n < max; n++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((): Focused => {
      const el = document.activeElement as HTMLElement;
      let ring = false;
      for (let node: HTMLElement | null = el, depth = 0; node && depth < 2 && !ring; node = node.parentElement, depth++) {
        const style = getComputedStyle(node);
        ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && style.opacity !== '0' && style.visibility === 'visible';
      }
      const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '';
      return { name: `${el.tagName.toLowerCase()} "${label.trim().slice(0, 40)}"`, testId: el.dataset.testid ?? '', ring };
    });
    stops.push(focused);
    if (done(focused)) return stops;
  }
  throw new Error(`not reached in ${max} Tab presses: ${stops.map((stop) => stop.testId || stop.name).join(', ')}`);
}

test.describe('keyboard', () => {
  test('playground shortcuts: Space play/pause, → sample, Shift+→ batch, E epoch, R reset; not while typing in a field', async ({ page }) => {
    await openPlayground(page);
    await page.keyboard.press('ArrowRight');
    await waitForNumber(page, 'samples-seen', (n) => n === 1);
    await page.keyboard.press('Shift+ArrowRight');
    await waitForNumber(page, 'updates', (n) => n === 1);
    expect(await numberOf(page, 'samples-seen')).toBe(10);
    await page.keyboard.press('e');
    await waitForNumber(page, 'epoch', (n) => n === 1);
    await page.keyboard.press('Space');
    await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'playing');
    await expect(page.getByRole('button', { name: /^Pause/ })).toBeVisible();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('toolbar')).not.toHaveAttribute('data-status', 'playing');
    await page.keyboard.press('r');
    await waitForNumber(page, 'samples-seen', (n) => n === 0);

    // Typing in a number field (the weight editor) or choosing in a select is not a shortcut.
    await page.getByTestId('link').first().click({ force: true });
    const editor = page.getByTestId('weight-editor');
    await expect(editor).toBeFocused();
    await editor.press('ArrowRight');
    await editor.pressSequentially('1e r');
    await page.getByTestId('learning-rate').focus();
    for (const key of ['e', 'r', 'ArrowRight', 'Shift+ArrowRight']) await page.keyboard.press(key);
    await page.getByTestId('batch-size').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('batch-size')).toHaveValue('11');
    await page.waitForTimeout(300);
    expect(await numberOf(page, 'samples-seen')).toBe(0);
    expect(await numberOf(page, 'epoch')).toBe(0);
    await expect(page.getByTestId('toolbar')).not.toHaveAttribute('data-status', 'playing');
    // Browser shortcuts with Ctrl/Alt are left alone.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Alt+ArrowRight');
    await page.waitForTimeout(300);
    expect(await numberOf(page, 'samples-seen')).toBe(0);
  });

  test('playground: every main control is reached with Tab and shows a focus ring', async ({ page }) => {
    await openPlayground(page);
    const stops = await tabUntil(page, (focused) => focused.testId === 'random-sample');
    const reached = new Set(stops.map((stop) => stop.testId));
    for (const id of ['language', 'play-pause', 'step-sample', 'step-batch', 'step-epoch', 'walkthrough', 'learning-rate', 'activation', 'speed', 'dataset-circle', 'dataset-spiral', 'batch-size', 'noise', 'train-ratio']) expect(reached, id).toContain(id);
    expect(stops.filter((stop) => !stop.ring).map((stop) => stop.testId || stop.name), 'focused without a visible ring').toEqual([]);
    // Enter on the focused play button starts training (a button's own key, not only the shortcut).
    await page.getByTestId('play-pause').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('toolbar')).toHaveAttribute('data-status', 'playing');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('toolbar')).not.toHaveAttribute('data-status', 'playing');
  });

  test('studio: Tab through the main controls, pick photos and train with the keyboard', async ({ page }) => {
    test.setTimeout(300_000);
    const choosers = fileChoosers(page);
    await page.goto('/?lang=en#transfer');
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
    const cards = page.getByTestId('class-card');
    // Tab to each card's file picker and open it with the keyboard.
    const stops: Focused[] = [];
    for (const [k, digit] of ['0', '1'].entries()) {
      stops.push(...(await tabUntil(page, (focused) => focused.name.startsWith('input "Choose images'))));
      await page.keyboard.press('Space');
      await (await choosers.next()).setFiles(imagesOf(digit).slice(0, 5));
      await expect(cards.nth(k).getByTestId('class-count')).toHaveText('5 images', { timeout: 30_000 });
    }
    stops.push(...(await tabUntil(page, (focused) => /^button "Train/.test(focused.name))));
    const names = stops.map((stop) => stop.testId || stop.name);
    test.info().annotations.push({ type: 'studio Tab order', description: names.join(' → ') });
    for (const expected of [/^class-name$/, /^input "Choose images/, /^button "Remove image/, /^add-class$/, /^base-model$/, /^button "Train/]) expect(names.some((name) => expected.test(name)), String(expected)).toBe(true);
    expect(stops.filter((stop) => !stop.ring).map((stop) => stop.testId || stop.name), 'focused without a visible ring').toEqual([]);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  });
});
