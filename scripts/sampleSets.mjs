/**
 * The sample photo sets the studio offers ("Try a sample set"): which folders of ../shared/datasets
 * they are, who made them and under which licence, and the index the app fetches
 * (`samples/index.json`, the SampleIndex type in src/features/transfer/sampleSets.ts):
 *
 *   { version: 1, sets: [{ id, title, attribution, licence, source, documents, classes: [{ name, files }] }] }
 *
 * `files` are paths inside the set's folder (`<class>/<file>`), in MANIFEST.tsv's order (each set's
 * own deterministic shuffle) when the set has one, else by name; `documents` are the licence and
 * provenance files that go with every copy. Plain Node (no dependencies): the Vite plugin
 * (sharedDatasets.ts) and `npm run fetch-samples` both use it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const SAMPLE_INDEX_VERSION = 1;
/** URL segment under the app's base (and folder under public/) where the sets live */
export const SAMPLES_URL_SEGMENT = 'samples/';
export const SAMPLE_INDEX_FILE = 'index.json';
const IMAGE_FILE = /\.(jpe?g|png|gif|bmp|webp)$/i;
/** licence, notice and provenance files, kept with every copy of a set */
const DOCUMENT_FILE = /^(licen[cs]e|copying|notice|provenance|manifest)/i;

/**
 * The known sets (a folder in the datasets folder with this id). Attribution and licence as each
 * set's PROVENANCE.md states them; `licenceFile` is the file holding the licence's terms for this copy.
 */
export const SAMPLE_SETS = [
  {
    id: 'sign-language-digits',
    title: 'Sign Language Digits',
    attribution:
      'Sign Language Digits Dataset by Arda Mavi and the students of Ankara Ayrancı Anadolu High School, https://github.com/ardamavi/Sign-Language-Digits-Dataset (Mavi, A. (2020), arXiv:2011.08927).',
    licence: 'Apache-2.0',
    licenceUrl: 'https://www.apache.org/licenses/LICENSE-2.0',
    source: 'https://github.com/ardamavi/Sign-Language-Digits-Dataset',
  },
  {
    id: 'grocery-store',
    title: 'Grocery Store',
    attribution:
      'Grocery Store Dataset by Marcus Klasson, Cheng Zhang and Hedvig Kjellström (KTH), https://github.com/marcusklasson/GroceryStoreDataset — MIT License, Copyright (c) 2019 Marcus Klasson.',
    licence: 'MIT',
    licenceUrl: 'https://opensource.org/license/mit',
    source: 'https://github.com/marcusklasson/GroceryStoreDataset',
  },
];

function isDirectory(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Natural order: '2' before '10', 'apple' before 'banana'. */
const byName = (a, b) => a.localeCompare(b, 'en', { numeric: true });

/** MANIFEST.tsv's `file` column (paths inside the set), or [] without a manifest. */
function manifestOrder(dir) {
  let text;
  try {
    text = readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8');
  } catch {
    return [];
  }
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line !== '');
  const column = header.split('\t').indexOf('file');
  return column < 0 ? [] : rows.map((row) => row.split('\t')[column]);
}

/** One set's classes (its sub-folders holding images) and files, or null when it has none. */
export function readSet(dir) {
  const order = new Map(manifestOrder(dir).map((file, k) => [file, k]));
  const rank = (file) => order.get(file) ?? Number.MAX_SAFE_INTEGER;
  const classes = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && isDirectory(path.join(dir, name)))
    .sort(byName)
    .map((name) => {
      const files = readdirSync(path.join(dir, name))
        .filter((file) => IMAGE_FILE.test(file) && !file.startsWith('.'))
        .map((file) => `${name}/${file}`)
        .sort((a, b) => rank(a) - rank(b) || byName(a, b));
      return { name, files };
    })
    .filter((c) => c.files.length > 0);
  const documents = readdirSync(dir).filter((name) => DOCUMENT_FILE.test(name) && !isDirectory(path.join(dir, name))).sort(byName);
  return classes.length > 0 ? { classes, documents } : null;
}

/** The index of the known sets found in `datasetsDir` (none: `sets` is empty). */
export function buildSampleIndex(datasetsDir) {
  const sets = [];
  for (const meta of SAMPLE_SETS) {
    const dir = path.join(datasetsDir, meta.id);
    if (!isDirectory(dir)) continue;
    const found = readSet(dir);
    if (found) sets.push({ ...meta, ...found });
  }
  return { version: SAMPLE_INDEX_VERSION, sets };
}
