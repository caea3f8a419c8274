#!/usr/bin/env node
/**
 * `npm run fetch-samples [-- --from DIR] [-- --out DIR]`: copies the studio's sample photo sets
 * (scripts/sampleSets.mjs) from the shared datasets folder into public/samples/ (git-ignored), with
 * their licence and provenance files beside them and the index the studio reads
 * (public/samples/index.json), so that a build made here ships them and offers "Try a sample set".
 * A build without that folder (and served without ../shared/datasets) hides the menu.
 *
 *   --from DIR   the datasets folder (default: $SHARED_DATASETS_DIR or ../shared/datasets)
 *   --out DIR    where to write (default: public/samples in the repo)
 *
 * Only the files the index lists are copied, plus each set's documents (LICENSE…, PROVENANCE.md,
 * MANIFEST.tsv). The index is written last. Exit code 1 when no set is found, 2 for bad arguments.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSampleIndex, SAMPLE_INDEX_FILE } from './sampleSets.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Licence texts kept in the repo (licences/), by SPDX id. */
const LICENCE_TEXTS = { 'Apache-2.0': path.join(REPO_ROOT, 'licences', 'Apache-2.0.txt') };

function parseArgs(argv) {
  const opts = {
    from: process.env.SHARED_DATASETS_DIR || path.resolve(REPO_ROOT, '..', 'shared', 'datasets'),
    out: path.join(REPO_ROOT, 'public', 'samples'),
  };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    if (name !== '--from' && name !== '--out') return null;
    const value = inline ?? argv[++i];
    if (!value) return null;
    opts[name.slice(2)] = path.resolve(value);
  }
  return opts;
}

export function fetchSamples(from, out) {
  const index = buildSampleIndex(from);
  if (index.sets.length === 0) throw new Error(`no sample set found in ${from}`);
  rmSync(out, { recursive: true, force: true });
  let copied = 0;
  for (const set of index.sets) {
    const files = [...set.documents, ...set.classes.flatMap((c) => c.files)];
    for (const file of files) {
      mkdirSync(path.dirname(path.join(out, set.id, file)), { recursive: true });
      copyFileSync(path.join(from, set.id, file), path.join(out, set.id, file));
      copied++;
    }
    // A set whose folder holds no licence text gets its licence's (e.g. Apache-2.0 asks for a copy
    // with every redistribution; sign-language-digits states it in PROVENANCE.md only).
    const licenceText = LICENCE_TEXTS[set.licence];
    if (licenceText && !set.documents.some((file) => /^licen[cs]e|^copying/i.test(path.basename(file)))) {
      copyFileSync(licenceText, path.join(out, set.id, `LICENSE-${set.licence}.txt`));
      copied++;
    }
  }
  writeFileSync(path.join(out, SAMPLE_INDEX_FILE), `${JSON.stringify(index, null, 1)}\n`);
  return { sets: index.sets.map((set) => set.id), copied };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts) {
    console.error('usage: npm run fetch-samples [-- --from DIR] [-- --out DIR]');
    process.exit(2);
  }
  try {
    const { sets, copied } = fetchSamples(opts.from, opts.out);
    console.log(`copied ${copied} files of ${sets.join(', ')} into ${opts.out}`);
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    process.exit(1);
  }
}
