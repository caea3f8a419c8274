// @ts-check
import { readdirSync } from 'node:fs';

/**
 * Pure helpers for the benchmark (scripts/bench.mjs, benchTm.mjs, benchStudio.mjs): medians,
 * spreads, held-out accuracy, the photo set's split (its only I/O: listing folders). Tested in benchStats.test.ts.
 */

/**
 * The median of a non-empty list (the mean of the middle two for an even count).
 * @param {number[]} values
 * @returns {number}
 */
export function median(values) {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * max − min of a non-empty list: how far runs of the same benchmark swing.
 * @param {number[]} values
 * @returns {number}
 */
export function spread(values) {
  if (values.length === 0) throw new Error('spread of an empty list');
  return Math.max(...values) - Math.min(...values);
}

/**
 * Index of the largest value (the first one on ties); −1 for an empty list.
 * @param {ArrayLike<number>} values
 * @returns {number}
 */
export function argmax(values) {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i] > values[best]) best = i;
  return best;
}

/**
 * Share of predictions equal to their label, in [0, 1].
 * @param {number[]} predicted  predicted class per example
 * @param {number[]} labels     true class per example, same length
 * @returns {number}
 */
export function accuracy(predicted, labels) {
  if (predicted.length !== labels.length || labels.length === 0) throw new Error('accuracy needs two lists of the same, non-zero length');
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}

/**
 * Rounds to a number of decimal digits (for the JSON).
 * @param {number} x
 * @param {number} [digits]
 * @returns {number}
 */
export function round(x, digits = 1) {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

/**
 * The training and held-out split of one class folder: the first `train` files (sorted by name) to
 * train, the last `test` to test. Throws when they would overlap.
 * @param {string[]} names  file names of one class
 * @param {number} train
 * @param {number} test
 * @returns {{ train: string[], test: string[] }}
 */
export function splitClass(names, train, test) {
  const sorted = [...names].sort();
  if (train + test > sorted.length) throw new Error(`${train} + ${test} images asked for, ${sorted.length} there`);
  return { train: sorted.slice(0, train), test: sorted.slice(sorted.length - test) };
}

/**
 * A photo set's classes (its first `classes` class folders, sorted by name; any names) and each
 * class's split (splitClass). `list(dir)` lists a folder: its sub-folders for the root, its files for a class.
 * @param {{ datasetDir: string, classes: number, trainPerClass: number, testPerClass: number }} options
 * @param {(dir: string, folders: boolean) => string[]} [list]
 * @returns {{ name: string, train: string[], test: string[] }[]}
 */
export function datasetSplit(options, list = listFolder) {
  const names = list(options.datasetDir, true).sort();
  if (names.length < options.classes) throw new Error(`${options.datasetDir}: ${options.classes} class folders asked for, ${names.length} there`);
  return names.slice(0, options.classes).map((name) => ({ name, ...splitClass(list(`${options.datasetDir}/${name}`, false), options.trainPerClass, options.testPerClass) }));
}

/**
 * A folder's sub-folders (folders = true) or its files, hidden entries left out.
 * @param {string} dir
 * @param {boolean} folders
 */
function listFolder(dir, folders) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && (folders ? entry.isDirectory() : entry.isFile()))
    .map((entry) => entry.name);
}
