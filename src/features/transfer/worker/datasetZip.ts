/**
 * The studio's image set as one zip, to carry on training in TensorFlow anywhere:
 *
 *   README.txt                  how to run it
 *   train.py                    generatePython's script for these classes and counts
 *   base/                       the base as the browser used it (baseFiles.ts), when given:
 *     model.json, weights.bin   a TensorFlow.js layers model, which train.py loads into Keras
 *     PROVENANCE.md, ABOUT.txt  its provenance and licence texts, what it is and where it came from
 *   dataset/<class name>/       one folder per class, named exactly as in CLASS_NAMES (studio order)
 *     0001-<original name>.jpg  the stored 224 × 224 JPEGs, numbered in the class's order
 *
 * the folder-per-class layout that tf.keras.utils.image_dataset_from_directory (and train.py's
 * default `--data dataset`) reads. File names are a 4-digit (or wider) number, unique within the
 * folder, then the original name's stem made safe (letters, digits, _ and -; at most 40), then
 * `.jpg`. Class names that some common file system (Linux, macOS, Windows) cannot hold as a folder
 * name, or that collide there, are refused (DatasetRefused). Pure: no DOM, runs in the worker and
 * in Node.
 */
import { strToU8, zipSync, type Zippable, type ZipOptions } from 'fflate';
import type { BaseSpec } from '../bases';
import { generatePython } from '../codegen';
import type { HeadConfig } from '../meta';
import { BASE_FOLDER } from '../codegenPythonBase';

export const DATASET_ZIP_NAME = 'neural-playground-dataset.zip';
/** the zip's image folder: train.py's default `--data` */
export const DATASET_FOLDER = 'dataset';
/** longest folder name most file systems take (ext4, APFS: 255 bytes of UTF-8) */
const MAX_NAME_BYTES = 255;
const STEM_LENGTH = 40;
/** external attributes: Unix mode << 16 (rw-r--r-- file; rwxr-xr-x folder, plus the DOS folder bit) */
const UNIX_FILE = 0o100644 * 0x10000;
const UNIX_FOLDER = 0o040755 * 0x10000 + 0x10;

export interface DatasetImage {
  /** the name the image was added with (only its stem is kept) */
  name: string;
  /** JPEG bytes */
  bytes: Uint8Array;
}

export interface TextFile {
  name: string;
  text: string;
}

/** The base's files as the browser used them, for the zip's base/ folder (baseFiles.ts). */
export interface BaseFiles {
  /** model.json's text: the topology and a weightsManifest naming the weight files below */
  modelJson: string;
  /** the weight files model.json names */
  weights: { name: string; bytes: Uint8Array }[];
  /** PROVENANCE.md, licence texts, ABOUT.txt */
  notices: TextFile[];
}

export interface DatasetClass {
  name: string;
  images: DatasetImage[];
}

export type DatasetRefusalCode = 'datasetBadName' | 'datasetDuplicateName' | 'datasetEmpty';

/** Why no zip was made; `className` is the class to rename (absent for datasetEmpty). */
export class DatasetRefused extends Error {
  constructor(readonly code: DatasetRefusalCode, readonly className?: string) {
    super(className === undefined ? code : `${code}: ${JSON.stringify(className)}`);
    this.name = 'DatasetRefused';
  }
}

/** / \ and the other characters Windows forbids in names; control characters (C0, DEL, C1) */
const FORBIDDEN = /[/\\<>:"|?*\p{Cc}]/u;
/** Windows' reserved device names, also with an extension (CON, nul.txt, COM1, LPT¹ …) */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `name` can be a folder name on Linux, macOS and Windows alike. */
export function isFolderName(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !FORBIDDEN.test(name) &&
    !LONE_SURROGATE.test(name) &&
    !RESERVED.test(name) &&
    !/[ .]$/.test(name) && // Windows drops a trailing space or dot
    strToU8(name).length <= MAX_NAME_BYTES
  );
}

/**
 * Refuses class names that cannot be folders, or that name the same folder on a case-insensitive,
 * normalisation-insensitive file system (macOS, Windows: "Cat" and "cat"; "é" and "e\u0301").
 * @throws DatasetRefused (datasetBadName or datasetDuplicateName, with the class to rename)
 */
export function checkClassFolders(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!isFolderName(name)) throw new DatasetRefused('datasetBadName', name);
    const key = name.normalize('NFC').toLowerCase();
    if (seen.has(key)) throw new DatasetRefused('datasetDuplicateName', name);
    seen.add(key);
  }
}

/** `0001-IMG_1158.jpg`: the image's number in its class (1-based), then its original stem. */
export function imageFileName(index: number, count: number, originalName: string): string {
  const number = String(index + 1).padStart(Math.max(4, String(count).length), '0');
  const base = originalName.split(/[/\\]/).pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  const safe = [...stem.replace(/[^\p{L}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '')].slice(0, STEM_LENGTH).join('');
  return safe === '' ? `${number}.jpg` : `${number}-${safe}.jpg`;
}

/**
 * The classes' images as JPEG bytes, read by `load` one at a time in the classes' order; an image
 * `load` does not find (undefined) is left out and counted in `skipped`.
 */
export async function loadDataset(
  classes: { name: string; imageIds: string[] }[],
  load: (imageId: string) => Promise<{ name: string; jpeg: Blob } | undefined>,
): Promise<{ dataset: DatasetClass[]; images: number; skipped: number }> {
  let images = 0;
  let skipped = 0;
  const dataset: DatasetClass[] = [];
  for (const { name, imageIds } of classes) {
    const loaded: DatasetImage[] = [];
    for (const id of imageIds) {
      const record = await load(id);
      if (record) loaded.push({ name: record.name, bytes: new Uint8Array(await record.jpeg.arrayBuffer()) });
      else skipped++;
    }
    images += loaded.length;
    dataset.push({ name, images: loaded });
  }
  return { dataset, images, skipped };
}

function readme(classes: DatasetClass[], images: number, withBase: boolean): string {
  const base = withBase
    ? ["base/              the base model as the browser used it (TensorFlow.js files, with its provenance);",
      '                   train.py loads its weights into Keras: no download, the same numbers']
    : ["(no base/ folder: the base was not loaded when this was exported; run with --imagenet-weights)"];
  return [
    'Neural Playground: the image set of the transfer-learning studio',
    '',
    `${classes.length} classes, ${images} images (224 x 224 JPEG).`,
    '',
    'train.py           trains the studio\'s classifier with TensorFlow / Keras',
    ...base,
    `${DATASET_FOLDER}/<class>/    one folder per class, named as in CLASS_NAMES in train.py;`,
    '                   files numbered in the studio\'s order',
    '',
    'Run:',
    '  pip install tensorflow',
    '  python train.py',
    '',
    'Options: --data dataset --out classifier.keras --labels labels.json --history history.json',
    '  --epochs N --batch-size N (per replica) --fine-tune-blocks K',
    "  --imagenet-weights (Keras's download instead of base/) --base-alpha A (a larger base; with --imagenet-weights)",
    '  --strategy auto|one|mirrored|multiworker (tf.distribute; auto: every GPU when there are two or more)',
    '  --cpu-replicas N (with --strategy mirrored: split the CPU into N logical devices to try the multi-device path without GPUs)',
    '',
    'Two workers (here on one machine; use each machine\'s address), one command per worker:',
    '  TF_CONFIG=\'{"cluster": {"worker": ["localhost:12345", "localhost:12346"]}, "task": {"type": "worker", "index": 0}}\' python train.py --strategy multiworker',
    '  TF_CONFIG=\'{"cluster": {"worker": ["localhost:12345", "localhost:12346"]}, "task": {"type": "worker", "index": 1}}\' python train.py --strategy multiworker',
    'Worker 0 (the chief) writes the files; the batch is --batch-size on each worker.',
    'Back to the studio: train.py also writes studio/ (--studio): open the studio with the same base, then',
    '"Import a model…" and pick studio/metadata.json, studio/weights.json and studio/weights.bin.',
    'Keras reads the folders with tf.keras.utils.image_dataset_from_directory:',
    'add more images to a class folder and run train.py again.',
    '',
  ].join('\r\n'); // CRLF: reads well in Notepad too
}

/**
 * The zip's bytes. JPEGs and weights are stored (level 0), text deflated. `base` is the
 * base train.py puts the head on (generatePython's default, MobileNet v1 0.25, when absent); `mtime`
 * is every entry's modification time; `baseFiles`, that base's files for base/ (baseFiles.ts).
 * @throws DatasetRefused for unusable class names or when there is no image at all
 * @throws RangeError when generatePython refuses the settings
 */
export function buildDatasetZip(classes: DatasetClass[], head: HeadConfig, base?: BaseSpec, mtime: Date = new Date(), baseFiles?: BaseFiles): Uint8Array<ArrayBuffer> {
  checkClassFolders(classes.map((c) => c.name));
  const imagesPerClass = classes.map((c) => c.images.length);
  const total = imagesPerClass.reduce((sum, n) => sum + n, 0);
  if (total === 0) throw new DatasetRefused('datasetEmpty');
  const script = generatePython({ head, classNames: classes.map((c) => c.name), imagesPerClass, base });
  // Made on Unix (os 3) with its modes: Info-ZIP unzip 6.0 (Debian) garbles the UTF-8 names of a
  // DOS-made (os 0, fflate's default) zip despite the UTF-8 flag; a Unix zip without modes unzips to 000.
  const text: ZipOptions = { os: 3, attrs: UNIX_FILE, mtime, level: 6 };
  const stored: ZipOptions = { ...text, level: 0 };
  const folder: ZipOptions = { ...stored, attrs: UNIX_FOLDER };
  const entries: Zippable = {
    'README.txt': [strToU8(readme(classes, total, baseFiles !== undefined)), text],
    'train.py': [strToU8(script), text],
  };
  if (baseFiles) {
    entries[BASE_FOLDER] = [{}, folder];
    entries[`${BASE_FOLDER}/model.json`] = [strToU8(baseFiles.modelJson), text];
    for (const file of baseFiles.weights) entries[`${BASE_FOLDER}/${file.name}`] = [file.bytes, stored];
    for (const file of baseFiles.notices) entries[`${BASE_FOLDER}/${file.name}`] = [strToU8(file.text), text];
  }
  // an object is a folder entry (`dataset/`, `dataset/<class>/`), so an empty class keeps its folder
  entries[DATASET_FOLDER] = [{}, folder];
  for (const { name, images } of classes) {
    entries[`${DATASET_FOLDER}/${name}`] = [{}, folder];
    images.forEach((image, k) => {
      entries[`${DATASET_FOLDER}/${name}/${imageFileName(k, images.length, image.name)}`] = [image.bytes, stored];
    });
  }
  return zipSync(entries) as Uint8Array<ArrayBuffer>; // a fresh buffer, never shared
}
