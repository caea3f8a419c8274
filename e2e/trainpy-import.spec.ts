/**
 * Back to the studio (issue 12): the classifier the exported train.py trained on real TensorFlow
 * (npm run test:python keeps its studio/ files, 5 photos and its model's predictions on them in
 * .python-out/<base>/<run>/) is imported into the built app on a fresh profile with "Import a
 * model", and predicts the same photos: the same top class, every probability within 1e-3. And a
 * classifier trained on another base than the one loaded, or on other classes than those holding
 * photos, is refused, changing nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from './offline';
import { chooseBase, imagesOf, openStudio, predictProbabilities } from './studio';

test.setTimeout(240_000);

const OUT = resolve(process.env.PYTHON_OUT_DIR ?? '.python-out');
const MISSING = `no ${OUT}/<base>/<run>/predictions.json: run \`npm run test:python\` first (it runs train.py on real TensorFlow and keeps what it wrote there)`;
const RUNS: [string, string][] = [['mobilenet_v2_0.35', 'head-only'], ['mobilenet_v2_0.35', 'fine-tuned'], ['mobilenet_v1_0.25', 'head-only']];

interface Kept {
  labels: string[];
  predictions: { photo: string; top: string; probabilities: number[] }[];
}

const studioFiles = (dir: string) => readdirSync(join(dir, 'studio')).map((name) => join(dir, 'studio', name));

for (const [baseId, run] of RUNS) {
  test(`train.py's classifier (${baseId}, ${run}) imported into the studio predicts as train.py does`, async ({ page }) => {
    const dir = join(OUT, baseId, run);
    expect(existsSync(join(dir, 'predictions.json')), MISSING).toBe(true);
    const kept = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as Kept;
    expect(kept.predictions).toHaveLength(5);
    await openStudio(page, '');
    await chooseBase(page, baseId);
    await page.getByTestId('import-model').setInputFiles(studioFiles(dir));
    await expect(page.getByTestId('classifier-source')).toContainText('imported');
    await expect(page.getByTestId('classifier-source')).toContainText(kept.labels.join(', '));
    for (const expected of kept.predictions) {
      const probabilities = await predictProbabilities(page, join(dir, 'photos', expected.photo));
      expect(probabilities, expected.photo).toHaveLength(kept.labels.length);
      const top = kept.labels[probabilities.indexOf(Math.max(...probabilities))];
      expect(top, `${expected.photo}: the studio's top class`).toBe(expected.top);
      probabilities.forEach((p, k) => expect(Math.abs(p - expected.probabilities[k]), `${expected.photo}: ${kept.labels[k]} ${p} vs train.py's ${expected.probabilities[k]}`).toBeLessThan(1e-3));
    }
  });
}

test("train.py's classifier of another base is refused and nothing changes", async ({ page }) => {
  const dir = join(OUT, 'mobilenet_v1_0.25', 'head-only');
  expect(existsSync(join(dir, 'predictions.json')), MISSING).toBe(true);
  await openStudio(page, '');
  await chooseBase(page, 'mobilenet_v2_0.35');
  await page.getByTestId('import-model').setInputFiles(studioFiles(dir));
  await expect(page.getByTestId('transfer-error')).toContainText('trained on MobileNet v1 0.25');
  await expect(page.getByTestId('classifier-source')).toHaveCount(0);
});

test("a classifier whose labels are not the classes holding photos is refused, and the one in use stays", async ({ page }) => {
  const dir = join(OUT, 'mobilenet_v2_0.35', 'head-only');
  expect(existsSync(join(dir, 'predictions.json')), MISSING).toBe(true);
  const { labels } = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as Kept;
  expect(labels).toEqual(['0', '1', '2']);
  await openStudio(page, '');
  await chooseBase(page, 'mobilenet_v2_0.35');
  const cards = page.getByTestId('class-card');
  for (const k of [0, 1]) await cards.nth(k).locator('input[type=file]').setInputFiles(imagesOf(String(k)).slice(0, 2));
  for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText(/^2\b/, { timeout: 30_000 });
  // "Class 1", "Class 2" hold photos: labels 0, 1, 2 are another project's
  await page.getByTestId('import-model').setInputFiles(studioFiles(dir));
  await expect(page.getByTestId('transfer-error')).toContainText('0, 1, 2');
  await expect(page.getByTestId('transfer-error')).toContainText('not the classes of the open project');
  await expect(page.getByTestId('classifier-source')).toHaveCount(0);
  for (const k of [0, 1]) await expect(cards.nth(k).getByTestId('class-count')).toHaveText(/^2\b/);
  // named as the labels, the same files are taken
  await page.getByTestId('add-class').click();
  await cards.nth(2).locator('input[type=file]').setInputFiles(imagesOf('2').slice(0, 2));
  await expect(cards.nth(2).getByTestId('class-count')).toHaveText(/^2\b/, { timeout: 30_000 });
  for (const k of [0, 1, 2]) await cards.nth(k).getByTestId('class-name').fill(String(k));
  await page.getByTestId('import-model').setInputFiles(studioFiles(dir));
  await expect(page.getByTestId('classifier-source')).toContainText('imported');
  await expect(page.getByTestId('classifier-source')).toContainText('0, 1, 2');
  // a class renamed: refused again, and the classifier imported before stays in use
  await cards.nth(2).getByTestId('class-name').fill('two');
  await page.getByTestId('import-model').setInputFiles(studioFiles(dir));
  await expect(page.getByTestId('transfer-error')).toContainText('not the classes of the open project');
  await expect(page.getByTestId('classifier-source')).toContainText('0, 1, 2');
});
