/// <reference types="node" />
/**
 * The dataset zip: its exact layout, the bytes of every image, train.py as generatePython writes it
 * for the same classes, counts and base, UTF-8 names, refused class names; with python3, train.py
 * from the zip (on MobileNet v1 0.25 and on v2 0.35) compiles and runs (stand-in TensorFlow) on the
 * unzipped folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASES } from '../bases';
import { generatePython } from '../codegen';
import { DRIVER_PY, STUB_PY } from '../codegen.pyfixtures';
import { DEFAULT_HEAD } from '../meta';
import { buildDatasetZip, checkClassFolders, DatasetRefused, imageFileName, isFolderName, loadDataset, type DatasetClass } from './datasetZip';

const MTIME = new Date(2024, 4, 17, 12, 30, 0);
const V2 = BASES['mobilenet_v2_0.35'];
/** fake JPEGs: distinct bytes per image (the zip must not care what they are) */
const jpeg = (seed: number, length = 300) => Uint8Array.from({ length }, (_, k) => (seed * 31 + k * 7) & 255);

const CLASSES: DatasetClass[] = [
  { name: 'digit 1', images: [{ name: 'IMG_1158.jpg', bytes: jpeg(1) }, { name: 'image.png', bytes: jpeg(2) }, { name: 'image.png', bytes: jpeg(3) }] },
  { name: '猫', images: [{ name: '小猫 照片.HEIC', bytes: jpeg(4, 5000) }] },
  { name: '🐱 ninja', images: [{ name: '', bytes: jpeg(5) }, { name: 'C:\\Users\\me\\..\\cat.jpeg', bytes: jpeg(6) }] },
];
const NAMES = CLASSES.map((c) => c.name);
const COUNTS = CLASSES.map((c) => c.images.length);

/** Every local file header: name, general-purpose flags, compression method. */
function localHeaders(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const headers: { name: string; flags: number; method: number }[] = [];
  for (let at = 0; view.getUint32(at, true) === 0x04034b50;) {
    const flags = view.getUint16(at + 6, true);
    const method = view.getUint16(at + 8, true);
    const size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    headers.push({ name: new TextDecoder().decode(zip.subarray(at + 30, at + 30 + nameLength)), flags, method });
    at += 30 + nameLength + extraLength + size;
  }
  return headers;
}

/** Every central directory header: name, host system ("version made by" high byte), Unix mode. */
function centralHeaders(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const headers: { name: string; host: number; mode: number }[] = [];
  let at = view.getUint32(zip.byteLength - 22 + 16, true);
  while (view.getUint32(at, true) === 0x02014b50) {
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    headers.push({ name, host: view.getUint8(at + 5), mode: view.getUint32(at + 38, true) >>> 16 });
    at += 46 + skip;
  }
  return headers;
}

const refusal = (names: string[]) => {
  try {
    checkClassFolders(names);
    return null;
  } catch (error) {
    if (!(error instanceof DatasetRefused)) throw error;
    return [error.code, error.className];
  }
};

describe('buildDatasetZip', () => {
  const zip = buildDatasetZip(CLASSES, DEFAULT_HEAD, undefined, MTIME);
  const files = unzipSync(zip);

  it('holds README.txt, train.py and dataset/<class>/NNNN-<stem>.jpg, in this order', () => {
    expect(Object.keys(files)).toEqual([
      'README.txt',
      'train.py',
      'dataset/',
      'dataset/digit 1/',
      'dataset/digit 1/0001-IMG_1158.jpg',
      'dataset/digit 1/0002-image.jpg',
      'dataset/digit 1/0003-image.jpg',
      'dataset/猫/',
      'dataset/猫/0001-小猫_照片.jpg',
      'dataset/🐱 ninja/',
      'dataset/🐱 ninja/0001.jpg',
      'dataset/🐱 ninja/0002-cat.jpg',
    ]);
    expect(strFromU8(files['README.txt'])).toContain('pip install tensorflow\r\n  python train.py');
  });

  it('keeps every image byte for byte', () => {
    for (const { name, images } of CLASSES) {
      const inZip = Object.keys(files).filter((path) => path.startsWith(`dataset/${name}/`) && path.endsWith('.jpg')).map((path) => files[path]);
      expect(inZip).toEqual(images.map((image) => image.bytes));
    }
  });

  it('holds exactly generatePython\'s train.py for the same classes and counts, its folders named as CLASS_NAMES', () => {
    const script = strFromU8(files['train.py']);
    expect(script).toBe(generatePython({ head: DEFAULT_HEAD, classNames: NAMES, imagesPerClass: COUNTS }));
    expect(script).toContain(`EXPECTED_IMAGES = [${COUNTS.join(', ')}]`);
    const folders = Object.keys(files).filter((path) => /^dataset\/[^/]+\/$/.test(path)).map((path) => path.slice('dataset/'.length, -1));
    expect(folders).toEqual(NAMES);
    expect(script).toContain("parser.add_argument('--data', default='dataset'");
  });

  it("holds train.py for the chosen base (MobileNet v2 0.35, fine-tuned as the studio does), the rest unchanged", () => {
    const head = { ...DEFAULT_HEAD, fineTuneBlocks: 2 };
    const v2 = unzipSync(buildDatasetZip(CLASSES, head, V2, MTIME));
    const script = strFromU8(v2['train.py']);
    expect(script).toBe(generatePython({ head, classNames: NAMES, imagesPerClass: COUNTS, base: V2 }));
    expect(script).not.toBe(generatePython({ head, classNames: NAMES, imagesPerClass: COUNTS }));
    for (const name of ['tf.keras.applications.MobileNetV2(', 'BASE_ALPHA = 0.35 ', "TRUNCATION_LAYER = 'out_relu'", 'EMBEDDING_SHAPE = (7, 7, 1280)']) expect(script).toContain(name);
    for (const name of ['conv_pw_', 'BASE_ALPHA = 0.25 ']) expect(script).not.toContain(name);
    for (const name of ['def fine_tune(', 'FINE_TUNE_BLOCKS = 2', "layer.trainable = in_top_blocks or layer.name == 'Conv_1'"]) expect(script).toContain(name);
    expect(Object.keys(v2)).toEqual(Object.keys(files));
    for (const path of Object.keys(files)) if (path !== 'train.py') expect(v2[path], path).toEqual(files[path]);
    // no base: the default, MobileNet v1 0.25
    expect(strFromU8(unzipSync(buildDatasetZip(CLASSES, head, undefined, MTIME))['train.py'])).toBe(generatePython({ head, classNames: NAMES, imagesPerClass: COUNTS, base: BASES['mobilenet_v1_0.25'] }));
  });

  it('marks non-ASCII names as UTF-8 (flag bit 11), stores JPEGs and deflates text', () => {
    const headers = localHeaders(zip);
    expect(headers.map((h) => h.name)).toEqual(Object.keys(files));
    for (const { name, flags, method } of headers) {
      expect((flags & 0x800) !== 0, name).toBe(/[^\x00-\x7f]/.test(name));
      expect(method, name).toBe(name.endsWith('.txt') || name.endsWith('.py') ? 8 : 0);
    }
  });

  it('is made on Unix (host 3), files rw-r--r--, folders rwxr-xr-x (else unzip reads names as code page 437)', () => {
    const headers = centralHeaders(zip);
    expect(headers.map((h) => h.name)).toEqual(Object.keys(files));
    for (const { name, host, mode } of headers) expect([name, host, mode]).toEqual([name, 3, name.endsWith('/') ? 0o40755 : 0o100644]);
  });

  it('is the same bytes for the same input and time; keeps the folder of a class without images', () => {
    expect(buildDatasetZip(CLASSES, DEFAULT_HEAD, undefined, MTIME)).toEqual(zip);
    const withEmpty = unzipSync(buildDatasetZip([...CLASSES, { name: 'later', images: [] }], DEFAULT_HEAD, undefined, MTIME));
    expect(Object.keys(withEmpty).filter((path) => path.startsWith('dataset/later'))).toEqual(['dataset/later/']);
    expect(strFromU8(withEmpty['train.py'])).toContain(`EXPECTED_IMAGES = [${[...COUNTS, 0].join(', ')}]`);
  });

  it('refuses a zip without images, and class names that cannot be folders', () => {
    const empty = [{ name: 'a', images: [] }, { name: 'b', images: [] }];
    expect(() => buildDatasetZip(empty, DEFAULT_HEAD)).toThrow(new DatasetRefused('datasetEmpty'));
    const bad = [{ name: 'a/b', images: [{ name: 'x.jpg', bytes: jpeg(1) }] }];
    expect(() => buildDatasetZip(bad, DEFAULT_HEAD)).toThrow(DatasetRefused);
    expect(() => buildDatasetZip([{ ...CLASSES[0] }, { ...CLASSES[1], name: 'Digit 1' }], DEFAULT_HEAD)).toThrow(/datasetDuplicateName/);
  });
});

describe('class names as folder names', () => {
  it('takes names every common file system can hold', () => {
    for (const name of ['cat', 'digit 1', '猫', '中文 类别', '🐱‍👤 ninja', 'a.b', "it's", ' leading', '...a', 'con-artist', 'COM10', 'x'.repeat(255), '猫'.repeat(85)]) {
      expect(isFolderName(name), name).toBe(true);
    }
  });

  it('refuses the others, naming the class to rename', () => {
    for (const name of ['', '.', '..', 'a/b', '/', 'a\\b', 'tab\there', 'line\nbreak', 'nul\u0000', 'del\u007f', 'c1\u0085', 'what?', 'a:b', 'a*b', 'a"b', '<a>', 'a|b',
      'CON', 'nul.txt', 'Com1', 'LPT9.tar.gz', 'trailing.', 'trailing ', 'x'.repeat(256), '猫'.repeat(86), 'lone \ud800']) {
      expect(isFolderName(name), JSON.stringify(name)).toBe(false);
      expect(refusal(['ok', name]), JSON.stringify(name)).toEqual(['datasetBadName', name]);
    }
  });

  it('refuses names that are one folder on a case- or normalisation-insensitive file system', () => {
    expect(refusal(['Cat', 'dog', 'cat'])).toEqual(['datasetDuplicateName', 'cat']);
    expect(refusal(['caf\u00e9', 'cafe\u0301'])).toEqual(['datasetDuplicateName', 'cafe\u0301']);
    expect(refusal(['cat', 'cat'])).toEqual(['datasetDuplicateName', 'cat']);
    expect(refusal(['猫', '狗', 'cat', 'Cat 2'])).toBeNull();
  });
});

describe('loadDataset', () => {
  it('reads each image in order as bytes, leaving out and counting the missing ones', async () => {
    const store = new Map([['a', jpeg(1)], ['b', jpeg(2)], ['d', jpeg(4)]]);
    const load = async (id: string) => (store.has(id) ? { name: `${id}.png`, jpeg: new Blob([store.get(id)!]) } : undefined);
    const loaded = await loadDataset([{ name: 'x', imageIds: ['a', 'c', 'b'] }, { name: 'y', imageIds: ['e'] }, { name: 'z', imageIds: ['d'] }], load);
    expect(loaded).toEqual({
      dataset: [
        { name: 'x', images: [{ name: 'a.png', bytes: jpeg(1) }, { name: 'b.png', bytes: jpeg(2) }] },
        { name: 'y', images: [] },
        { name: 'z', images: [{ name: 'd.png', bytes: jpeg(4) }] },
      ],
      images: 3,
      skipped: 2,
    });
  });
});

describe('imageFileName', () => {
  it('numbers from 1 with at least 4 digits and keeps a safe stem', () => {
    expect(imageFileName(0, 3, 'IMG_1158.JPG')).toBe('0001-IMG_1158.jpg');
    expect(imageFileName(11, 12345, 'a b.png')).toBe('00012-a_b.jpg');
    expect(imageFileName(0, 1, '../../etc/passwd')).toBe('0001-passwd.jpg');
    expect(imageFileName(0, 1, '.hidden')).toBe('0001.jpg');
    expect(imageFileName(0, 1, '***.jpg')).toBe('0001.jpg');
    expect(imageFileName(0, 1, `${'长'.repeat(50)}.jpg`)).toBe(`0001-${'长'.repeat(40)}.jpg`);
  });
});

const hasPython = spawnSync('python3', ['--version']).status === 0;

const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

it.skipIf(!hasUnzip)('unzips with Info-ZIP unzip to the same UTF-8 names and bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dataset-unzip-'));
  try {
    writeFileSync(join(dir, 'set.zip'), buildDatasetZip(CLASSES, DEFAULT_HEAD, undefined, MTIME));
    const result = spawnSync('unzip', ['-q', 'set.zip', '-d', 'out'], { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(join(dir, 'out', 'dataset'))).toEqual(expect.arrayContaining(NAMES));
    expect(new Uint8Array(readFileSync(join(dir, 'out', 'dataset', '猫', '0001-小猫_照片.jpg')))).toEqual(CLASSES[1].images[0].bytes);
    expect(statSync(join(dir, 'out', 'train.py')).mode & 0o777).toBe(0o644);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.skipIf(!hasPython)('train.py from the zip, with python3', () => {
  let dir = '';
  const PY_ENV = { ...process.env, PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' };
  const run = (args: string[]) => spawnSync('python3', args, { encoding: 'utf8', env: PY_ENV, cwd: dir });
  /** Each zip's files under <dir>/<folder>: v1 0.25 (default) and v2 0.35, both with a fine-tuning block set. */
  const ZIPS = { unzipped: undefined, 'unzipped-v2': V2 };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dataset-zip-'));
    const entries = Object.entries(ZIPS).flatMap(([folder, base]) =>
      Object.entries(unzipSync(buildDatasetZip(CLASSES, { ...DEFAULT_HEAD, fineTuneBlocks: 1 }, base, MTIME))).map(([path, bytes]) => [join(folder, path), bytes] as const));
    for (const [path, bytes] of entries) {
      const target = join(dir, path);
      if (path.endsWith('/')) mkdirSync(target, { recursive: true });
      else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
      }
    }
    mkdirSync(join(dir, 'stub', 'tensorflow'), { recursive: true });
    writeFileSync(join(dir, 'stub', 'tensorflow', '__init__.py'), STUB_PY);
    writeFileSync(join(dir, 'driver.py'), DRIVER_PY);
    mkdirSync(join(dir, 'out'));
    mkdirSync(join(dir, 'out-v2'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(ZIPS))('compiles (%s)', (folder) => {
    const result = run(['-m', 'py_compile', join(dir, folder, 'train.py')]);
    expect(result.status, result.stderr).toBe(0);
  });

  /** Runs an unzipped export's train.py with the stand-in TensorFlow; checks it found every class; returns its report. */
  const runStandIn = (folder: string, out: string) => {
    const result = run([join(dir, 'driver.py'), join(dir, folder, 'train.py'), join(dir, 'stub'), join(dir, folder, 'dataset'), join(dir, out)]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('note:');
    expect(JSON.parse(readFileSync(join(dir, out, 'labels.json'), 'utf8'))).toEqual(NAMES);
    const report = JSON.parse(result.stdout.split('\n').find((line) => line.startsWith('REPORT '))!.slice(7));
    expect(report.datasets[0].class_names).toEqual(NAMES);
    return report;
  };

  it('finds every class folder with the expected number of images (stand-in TensorFlow)', () => {
    const report = runStandIn('unzipped', 'out');
    expect([report.application, report.mobilenet.alpha, report.fit.length]).toEqual(['MobileNet', 0.25, 2]);
  });

  it('on MobileNet v2 0.35, loads MobileNetV2, trains the head, then fine-tunes the top block and Conv_1 (stand-in TensorFlow)', () => {
    const report = runStandIn('unzipped-v2', 'out-v2');
    expect(report.application).toBe('MobileNetV2');
    expect(report.mobilenet).toEqual({ input_shape: [224, 224, 3], alpha: 0.35, include_top: false, weights: 'imagenet' });
    expect(report.fit).toEqual([{ epochs: DEFAULT_HEAD.epochs, validation: true }, { initial_epoch: DEFAULT_HEAD.epochs, epochs: DEFAULT_HEAD.epochs + DEFAULT_HEAD.fineTuneEpochs, validation: true }]);
    expect(Object.keys(report.trainable).at(-1)).toBe('out_relu');
    expect(Object.keys(report.trainable).filter((name) => report.trainable[name])).toEqual(['block_16_expand', 'block_16_depthwise', 'block_16_project', 'Conv_1']);
  });
});

describe('buildDatasetZip with the base (baseFiles.ts)', () => {
  const base = {
    modelJson: JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }),
    weights: [{ name: 'weights.bin', bytes: jpeg(9, 4000) }],
    notices: [{ name: 'PROVENANCE.md', text: '# where it came from' }, { name: 'ABOUT.txt', text: 'MobileNet v2 0.35' }],
  };
  const zip = buildDatasetZip(CLASSES, DEFAULT_HEAD, V2, MTIME, base);
  const files = unzipSync(zip);

  it('holds base/ (model.json, the weights byte for byte, the provenance texts) between train.py and dataset/', () => {
    expect(Object.keys(files).slice(0, 8)).toEqual(['README.txt', 'train.py', 'base/', 'base/model.json', 'base/weights.bin', 'base/PROVENANCE.md', 'base/ABOUT.txt', 'dataset/']);
    expect(strFromU8(files['base/model.json'])).toBe(base.modelJson);
    expect(files['base/weights.bin']).toEqual(base.weights[0].bytes);
    expect(strFromU8(files['base/PROVENANCE.md'])).toBe('# where it came from');
    expect(localHeaders(zip).find((h) => h.name === 'base/weights.bin')?.method).toBe(0); // stored
    // the rest as without the base, but the README, which says what base/ is
    const without = unzipSync(buildDatasetZip(CLASSES, DEFAULT_HEAD, V2, MTIME));
    for (const path of Object.keys(without)) if (path !== 'README.txt') expect(files[path], path).toEqual(without[path]);
    expect(strFromU8(files['README.txt'])).toContain('base/              the base model as the browser used it');
    expect(strFromU8(without['README.txt'])).toContain('run with --imagenet-weights');
    expect(strFromU8(files['README.txt'])).toContain('--strategy multiworker');
    expect(strFromU8(files['train.py'])).toContain("parser.add_argument('--base', default='base'");
  });
});
