/**
 * Instant predictions (issue 11, item 2): once two classes hold a photo, a prediction answers before
 * any training (the nearest class mean of the embedded photos, `data-source="instant"`), follows the
 * photos as they are added and removed, and gives way to the trained classifier after Train.
 */
import { expect, test } from './offline';
import { imagesOf, openStudio, predictShown } from './studio';

const DIGITS = ['0', '1', '2'];

test.describe('instant predictions', () => {
  test.setTimeout(300_000);

  test('before Train: the nearest class mean of the photos, live as photos come and go; after Train: the trained classifier', async ({ page }) => {
    await openStudio(page, '');
    const predictInput = page.getByTestId('predict-input');
    const live = page.getByTestId('webcam-predict');
    await expect(predictInput).toBeDisabled();
    await expect(live).toBeDisabled();
    await expect(page.getByText('Add a photo to two classes to predict')).toBeVisible();

    await page.getByTestId('add-class').click();
    const cards = page.getByTestId('class-card');
    for (const [k, digit] of DIGITS.entries()) await cards.nth(k).getByTestId('class-name').fill(`digit ${digit}`);
    // One class with a photo: nothing to choose between yet.
    await cards.nth(0).locator('input[type=file]').setInputFiles(imagesOf('0').slice(0, 10));
    await expect(cards.nth(0).getByTestId('class-count')).toHaveText('10 images', { timeout: 30_000 });
    await expect(predictInput).toBeDisabled();
    await cards.nth(1).locator('input[type=file]').setInputFiles(imagesOf('1').slice(0, 10));
    await expect(cards.nth(1).getByTestId('class-count')).toHaveText('10 images', { timeout: 30_000 });
    await expect(predictInput).toBeEnabled();
    await expect(live).toBeEnabled();

    // A photo of a 2 while "digit 2" has no photos: it can only be 0 or 1, and "digit 2" gets 0.
    const prediction = page.getByTestId('prediction');
    const twoPhoto = imagesOf('2')[45];
    await predictInput.setInputFiles(twoPhoto);
    const ready = page.locator('[data-testid="prediction"][data-ready="true"]');
    await expect(ready).toHaveAttribute('data-source', 'instant', { timeout: 60_000 });
    await expect(page.getByTestId('prediction-source')).toHaveText(/^Before training/);
    await expect(ready).toHaveText(/^digit [01] \(/);
    expect(JSON.parse((await ready.getAttribute('data-probabilities'))!)[2]).toBe(0);
    await expect(page.getByTestId('train-status')).toHaveText('idle'); // nothing was trained

    // Photos added to "digit 2": the same photo is predicted again by itself, now as a 2.
    const before = Number(await prediction.getAttribute('data-request'));
    await cards.nth(2).locator('input[type=file]').setInputFiles(imagesOf('2').slice(0, 10));
    await expect(cards.nth(2).getByTestId('class-count')).toHaveText('10 images', { timeout: 30_000 });
    await expect.poll(async () => Number(await prediction.getAttribute('data-request')), { timeout: 30_000 }).toBeGreaterThan(before);
    await expect(ready).toHaveText(/^digit 2 \(/, { timeout: 30_000 });
    await expect(ready).toHaveAttribute('data-source', 'instant');

    // Photos removed from "digit 2" (down to none): asked again, and "digit 2" is out of the running.
    const card = cards.nth(2);
    for (let left = 10; left > 0; left--) {
      await card.locator('.remove-image').first().click();
      await expect(card.getByTestId('class-count')).toHaveText(`${left - 1} images`);
    }
    await expect.poll(async () => JSON.parse((await ready.getAttribute('data-probabilities')) ?? '[1, 1, 1]')[2], { timeout: 30_000 }).toBe(0);
    await expect(ready).toHaveText(/^digit [01] \(/);
    await card.locator('input[type=file]').setInputFiles(imagesOf('2').slice(0, 10));
    await expect(card.getByTestId('class-count')).toHaveText('10 images', { timeout: 30_000 });
    await expect(ready).toHaveText(/^digit 2 \(/, { timeout: 30_000 });

    // Held-back photos (never added), before Train: most are the right class.
    let correct = 0;
    const trials = DIGITS.flatMap((digit) => imagesOf(digit).slice(40, 43).map((path) => ({ digit, path })));
    for (const { digit, path } of trials) {
      const shown = await predictShown(page, path);
      await expect(shown).toHaveAttribute('data-source', 'instant');
      if ((await shown.textContent())!.startsWith(`digit ${digit} (`)) correct++;
    }
    test.info().annotations.push({ type: 'held-out instant predictions correct', description: `${correct}/${trials.length}` });
    expect(correct).toBeGreaterThanOrEqual(6);

    // Train: the prediction shown is made again by the trained classifier, and so is every new one.
    await page.getByRole('button', { name: /^Train model/ }).click();
    await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
    await expect(ready).toHaveAttribute('data-source', 'trained', { timeout: 30_000 });
    await expect(page.getByTestId('prediction-source')).toHaveText('Trained classifier');
    const trained = await predictShown(page, imagesOf('1')[44]);
    await expect(trained).toHaveAttribute('data-source', 'trained');
    await expect(trained).toHaveText(/^digit \d \(/);
  });

  test('in Chinese: shown as before training', async ({ page }) => {
    await page.goto('/?lang=zh-CN#transfer');
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
    const cards = page.getByTestId('class-card');
    for (const k of [0, 1]) {
      await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(String(k)).slice(0, 3));
      await expect(cards.nth(k).getByTestId('class-count')).toHaveText(/^3\b/, { timeout: 30_000 });
    }
    await expect(page.getByTestId('predict-input')).toBeEnabled();
    await page.getByTestId('predict-input').setInputFiles(imagesOf('0')[45]);
    await expect(page.locator('[data-testid="prediction"][data-ready="true"]')).toHaveAttribute('data-source', 'instant', { timeout: 60_000 });
    await expect(page.getByTestId('prediction-source')).toHaveText(/^训练之前/);
  });
});
