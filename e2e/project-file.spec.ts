/**
 * Project files: save a trained three-class project, open it in a fresh browser profile (same
 * classes, counts and prediction, also after a reload); a corrupt file, a foreign zip, a newer
 * format, an unknown base and a base that cannot be loaded each show their message and change
 * nothing; opening over a project asks first (Cancel keeps it), and Undo brings the replaced project
 * back. A fine-tuned project on another base opens on that base with the same prediction.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { expectProject, loadProject } from './badInput';
import { expect, test } from './offline';
import { chooseBase, imagesOf, openStudio, predictProbabilities } from './studio';

test.setTimeout(300_000);

const NAMES = ['zero', 'one', 'two'];
const PER_CLASS = 6;
const probe = imagesOf('1')[45];

/** The project's zip with its manifest (and entries) changed by `edit`. */
function rewrite(path: string, out: string, edit: (manifest: Record<string, unknown>, entries: Record<string, Uint8Array>) => void): string {
  const entries = unzipSync(readFileSync(path));
  const manifest = JSON.parse(strFromU8(entries['manifest.json']));
  edit(manifest, entries);
  entries['manifest.json'] = strToU8(JSON.stringify(manifest));
  writeFileSync(out, zipSync(entries));
  return out;
}

const top = (probabilities: number[]) => probabilities.indexOf(Math.max(...probabilities));

test('save a project, open it in a fresh profile: same classes, counts and prediction; bad files change nothing; open asks first and undo restores', async ({ page, browser }) => {
  const folder = mkdtempSync(join(tmpdir(), 'np-project-'));
  // 1. A trained project with three classes.
  await openStudio(page, '');
  await page.getByTestId('add-class').click();
  await loadProject(page, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });
  await page.getByRole('button', { name: /^Train/ }).first().click(); // the Train button (first in the page's order)
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  const trained = await predictProbabilities(page, probe);
  await expect(page.getByTestId('prediction')).toHaveText(new RegExp(`^${NAMES[top(trained)]}`));

  const download = page.waitForEvent('download');
  await page.getByTestId('save-project').click();
  const saved = join(folder, (await download).suggestedFilename());
  await (await download).saveAs(saved);
  expect(saved.endsWith('neural-playground-project.zip')).toBe(true);
  await expect(page.getByTestId('project-status')).toHaveAttribute('data-photos', String(3 * PER_CLASS));
  const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(saved))['manifest.json']));
  expect(manifest).toMatchObject({ format: 'neural-playground-project', version: 1, base: 'mobilenet_v2_0.35', classifier: { labels: NAMES } });

  // 2. A fresh profile: an empty studio opens it without asking.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await openStudio(other, '');
  await other.getByTestId('open-project').setInputFiles(saved);
  await expect(other.getByTestId('project-status')).toHaveAttribute('data-status', 'opened', { timeout: 60_000 });
  await expect(other.getByTestId('project-confirm')).toHaveCount(0);
  await expectProject(other, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });
  const opened = await predictProbabilities(other, probe);
  expect(top(opened)).toBe(top(trained));
  opened.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-4));
  await expect(other.getByTestId('prediction')).toHaveText(new RegExp(`^${NAMES[top(trained)]}`));
  // … and it is that profile's project now: a reload keeps it.
  await other.reload();
  await expect(other.getByTestId('model-status')).toHaveText('ready', { timeout: 60_000 });
  await expectProject(other, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });
  const reloaded = await predictProbabilities(other, probe);
  reloaded.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-4));

  // 3. Bad files: each its own message, nothing asked, nothing changed.
  const corrupt = join(folder, 'corrupt.zip');
  writeFileSync(corrupt, readFileSync(saved).subarray(0, 2000));
  const foreign = join(folder, 'photos.zip');
  writeFileSync(foreign, zipSync({ 'dataset/cat/0001.jpg': readFileSync(imagesOf('0')[0]), 'train.py': strToU8('print(1)') }));
  const newer = rewrite(saved, join(folder, 'newer.zip'), (m) => (m.version = 2));
  const unknownBase = rewrite(saved, join(folder, 'unknown-base.zip'), (m) => (m.base = 'efficientnet_b0'));
  for (const [file, code, text] of [
    [corrupt, 'projectCorrupt', /damaged or not a zip/],
    [foreign, 'projectForeign', /not a Neural Playground project/],
    [newer, 'projectNewer', /newer version .*format 2; this version reads up to 1/],
    [unknownBase, 'projectBaseUnknown', /does not know \(efficientnet_b0\)/],
  ] as const) {
    await other.getByTestId('open-project').setInputFiles(file);
    const status = other.getByTestId('project-status');
    await expect(status).toHaveAttribute('data-code', code, { timeout: 30_000 });
    await expect(status).toHaveText(text);
    await expect(other.getByTestId('project-confirm')).toHaveCount(0);
    await expectProject(other, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });
  }
  // A base that cannot be loaded (its hosted folder unreachable): said, and the project and its base stay.
  await fresh.route('https://storage.googleapis.com/**', (route) => route.abort());
  await other.getByTestId('open-project').setInputFiles(rewrite(saved, join(folder, 'other-base.zip'), (m) => (m.base = 'mobilenet_v2_0.50')));
  await other.getByTestId('project-replace').click(); // the file is fine: asked first, then its base fails to load
  await expect(other.getByTestId('project-status')).toHaveAttribute('data-code', 'projectBaseUnavailable', { timeout: 60_000 });
  await expect(other.getByTestId('project-status')).toHaveText(/MobileNet v2 0\.5.*could not be loaded/);
  await expect(other.getByTestId('model-status')).toHaveAttribute('data-base', 'mobilenet_v2_0.35');
  await expectProject(other, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });
  const kept = await predictProbabilities(other, probe);
  kept.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-4));

  // 4. Over a project it asks first: Cancel keeps it; Replace opens the other; Undo brings this one back.
  const small = rewrite(saved, join(folder, 'small.zip'), (m, entries) => {
    const classes = m.classes as { name: string; photos: { file: string }[] }[];
    for (const photo of classes[2].photos) delete entries[photo.file];
    m.classes = classes.slice(0, 2).map((c, k) => ({ ...c, name: `small ${k}`, photos: c.photos.slice(0, 2) }));
    m.classifier = null;
    for (const name of Object.keys(entries)) if (name.startsWith('classifier/')) delete entries[name];
  });
  await other.getByTestId('open-project').setInputFiles(small);
  await expect(other.getByTestId('project-confirm')).toBeVisible({ timeout: 30_000 });
  await expect(other.getByTestId('project-confirm')).toContainText(`(${3 * PER_CLASS} photos in 3 classes) with the one in this file (4 photos in 2 classes)`);
  await other.getByTestId('project-cancel').click();
  await expect(other.getByTestId('project-confirm')).toHaveCount(0);
  await expectProject(other, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });

  await other.getByTestId('open-project').setInputFiles(small);
  await other.getByTestId('project-replace').click();
  await expect(other.getByTestId('project-status')).toHaveAttribute('data-status', 'opened', { timeout: 60_000 });
  await expectProject(other, { names: ['small 0', 'small 1'], counts: [2, 2] });
  await expect(other.getByTestId('classifier-source')).toHaveCount(0);

  await other.getByTestId('project-undo').click();
  await expect(other.getByTestId('project-status')).toHaveAttribute('data-status', 'undone', { timeout: 60_000 });
  await expectProject(other, { names: NAMES, counts: [PER_CLASS, PER_CLASS, PER_CLASS] });
  await expect(other.getByTestId('project-undo')).toHaveCount(0);
  const undone = await predictProbabilities(other, probe);
  undone.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-4));
  await fresh.close();
});

test('a fine-tuned project on another base (MobileNet v1 0.25) opens in a fresh profile on that base, with the same prediction', async ({ page, browser }) => {
  const folder = mkdtempSync(join(tmpdir(), 'np-project-ft-'));
  await openStudio(page, '');
  await chooseBase(page, 'mobilenet_v1_0.25');
  await loadProject(page, { names: NAMES.slice(0, 2), counts: [5, 5] });
  await page.getByTestId('fine-tune-blocks').fill('1');
  await page.getByTestId('fine-tune-epochs').fill('1');
  await page.getByRole('button', { name: /^Train/ }).first().click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 180_000 });
  const trained = await predictProbabilities(page, probe);
  const download = page.waitForEvent('download');
  await page.getByTestId('save-project').click();
  const saved = join(folder, 'project.zip');
  await (await download).saveAs(saved);
  const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(saved))['manifest.json']));
  expect(manifest.base).toBe('mobilenet_v1_0.25');
  expect(manifest.classifier.cut).toBe('conv_pw_12_relu'); // the tail starts lower: the fine-tuned block is in it
  expect(manifest.head).toMatchObject({ fineTuneBlocks: 1, fineTuneEpochs: 1 });

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await openStudio(other, '');
  await other.getByTestId('open-project').setInputFiles(saved);
  await expect(other.getByTestId('project-status')).toHaveAttribute('data-status', 'opened', { timeout: 60_000 });
  await expectProject(other, { names: NAMES.slice(0, 2), counts: [5, 5] });
  await expect(other.getByTestId('model-status')).toHaveAttribute('data-base', 'mobilenet_v1_0.25');
  await expect(other.getByTestId('fine-tune-blocks')).toHaveValue('1');
  const opened = await predictProbabilities(other, probe);
  expect(top(opened)).toBe(top(trained));
  opened.forEach((p, k) => expect(Math.abs(p - trained[k])).toBeLessThan(1e-4));
  await fresh.close();
});
