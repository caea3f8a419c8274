/**
 * The project file: a round trip keeps every class, photo byte, setting, label and weight; the
 * manifest is refused when foreign, newer, missing fields or on an unknown base; settings out of
 * range fall back to their defaults; damaged zips, missing entries and weights shorter than
 * declared are corrupt; too many entries are refused before unpacking.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAD, type HeadConfig } from '../meta';
import { buildDatasetZip } from './datasetZip';
import { PROJECT_VERSION } from '../projectMeta';
import { MANIFEST_FILE, PROJECT_FORMAT, ProjectRefused, readProject, sanitizeHead, validateManifest, writeProject, type Project } from './projectFile';

const jpeg = (seed: number, length = 300) => Uint8Array.from({ length }, (_, k) => (k < 3 ? [0xff, 0xd8, 0xff][k] : (seed * 31 + k * 7) & 255));
const HEAD: HeadConfig = { ...DEFAULT_HEAD, epochs: 37, learningRate: 0.0123, fineTuneBlocks: 2, fineTuneEpochs: 3, augmentation: { flip: false, rotation: 15, zoom: 0.1, brightness: 0.2, contrast: 0.3 }, seed: 42 };
/** 0.1 + 0.2 and friends: floats that JSON must carry exactly */
const WEIGHTS = Float32Array.from([0.1 + 0.2, -1e-38, 3.4e38, Math.PI, -0, 1 / 3]);

const PROJECT: Project = {
  base: 'mobilenet_v2_0.35',
  head: HEAD,
  classes: [
    { name: 'digit 1', photos: [{ name: 'IMG_1158.jpg', bytes: jpeg(1) }, { name: 'IMG_1158.jpg', bytes: jpeg(2) }] },
    { name: '猫 / cat', photos: [{ name: '小猫.png', bytes: jpeg(3, 5000) }] },
    { name: '', photos: [] },
  ],
  classifier: {
    labels: ['digit 1', '猫 / cat', ''],
    cut: 'out_relu',
    config: { ...HEAD, units: 100 },
    artifacts: {
      modelTopology: { class_name: 'Sequential', config: { name: 'head', layers: [] } },
      weightSpecs: [{ name: 'dense/kernel', shape: [2, 3], dtype: 'float32' }],
      weightData: new Uint8Array(WEIGHTS.buffer),
    },
  },
};

function refusal(run: () => unknown): ProjectRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof ProjectRefused) return error;
    throw error;
  }
  throw new Error('not refused');
}

/** The project's zip with manifest.json changed by `edit`. */
function withManifest(edit: (manifest: Record<string, unknown>) => void, project: Project = PROJECT): Uint8Array {
  const entries = unzipSync(writeProject(project));
  const manifest = JSON.parse(strFromU8(entries[MANIFEST_FILE]));
  edit(manifest);
  entries[MANIFEST_FILE] = strToU8(JSON.stringify(manifest));
  return zipSync(entries);
}

describe('project file', () => {
  it('round trip: classes, photo bytes, settings, base, labels and weights come back exactly', () => {
    const { project, manifest } = readProject(writeProject(PROJECT, new Date('2026-12-07T20:00:00Z')));
    expect(project).toEqual(PROJECT);
    expect(new Float32Array(project.classifier!.artifacts.weightData.slice().buffer)).toEqual(WEIGHTS);
    expect(manifest.version).toBe(PROJECT_VERSION);
    expect(manifest.createdAt).toBe('2026-12-07T20:00:00.000Z');
    expect(manifest.classes.map((c) => c.photos.length)).toEqual([2, 1, 0]);
  });

  it('photos get unique paths by class place, whatever the class name', () => {
    const files = Object.keys(unzipSync(writeProject(PROJECT))).sort();
    expect(files).toEqual(['README.txt', 'classifier/model.json', 'classifier/weights.bin', 'manifest.json', 'photos/01/0001-IMG_1158.jpg', 'photos/01/0002-IMG_1158.jpg', 'photos/02/0001-小猫.jpg']);
  });

  it('a project without a classifier has no classifier folder and reads back as untrained', () => {
    const untrained = { ...PROJECT, classifier: null };
    const bytes = writeProject(untrained);
    expect(Object.keys(unzipSync(bytes)).some((name) => name.startsWith('classifier/'))).toBe(false);
    expect(readProject(bytes).project).toEqual(untrained);
  });

  it('a newer version is refused as newer (even with fields this version does not know)', () => {
    const error = refusal(() => readProject(withManifest((m) => Object.assign(m, { version: PROJECT_VERSION + 1, classes: 'something else' }))));
    expect(error.code).toBe('projectNewer');
    expect(error.detail).toBe(String(PROJECT_VERSION + 1));
  });

  it('a zip that is not a project (the images export, a random zip) is foreign', () => {
    const dataset = buildDatasetZip([{ name: 'a', images: [{ name: 'x.jpg', bytes: jpeg(1) }] }], DEFAULT_HEAD);
    expect(refusal(() => readProject(dataset)).code).toBe('projectForeign');
    expect(refusal(() => readProject(zipSync({ 'notes.txt': strToU8('hello') }))).code).toBe('projectForeign');
    expect(refusal(() => readProject(zipSync({ [MANIFEST_FILE]: strToU8('{"format":"something-else","version":1}') }))).code).toBe('projectForeign');
  });

  it('bytes that are not a zip, a truncated zip or a manifest that is not JSON are corrupt', () => {
    expect(refusal(() => readProject(strToU8('%PDF-1.4 not a zip'))).code).toBe('projectCorrupt');
    const bytes = writeProject(PROJECT);
    expect(refusal(() => readProject(bytes.slice(0, bytes.length >> 1))).code).toBe('projectCorrupt');
    expect(refusal(() => readProject(zipSync({ [MANIFEST_FILE]: strToU8('{"format": "neural-playground-project",') }))).code).toBe('projectCorrupt');
  });

  it('missing or wrong required fields are corrupt', () => {
    const cases: [string, (m: Record<string, unknown>) => void][] = [
      ['no version', (m) => delete m.version],
      ['version as a string', (m) => (m.version = '1')],
      ['version 0', (m) => (m.version = 0)],
      ['version 1.5', (m) => (m.version = 1.5)],
      ['no base', (m) => delete m.base],
      ['no classes', (m) => delete m.classes],
      ['empty classes', (m) => (m.classes = [])],
      ['a class without a name', (m) => ((m.classes as Record<string, unknown>[])[0].name = undefined)],
      ['a photo without its file', (m) => ((m.classes as { photos: Record<string, unknown>[] }[])[0].photos[0].file = 7)],
      ['a classifier with one label', (m) => ((m.classifier as Record<string, unknown>).labels = ['a'])],
      ['a classifier without a cut', (m) => delete (m.classifier as Record<string, unknown>).cut],
    ];
    for (const [name, edit] of cases) expect(refusal(() => readProject(withManifest(edit))).code, name).toBe('projectCorrupt');
  });

  it('an unknown base is its own refusal, naming it', () => {
    const error = refusal(() => readProject(withManifest((m) => (m.base = 'efficientnet_b0'))));
    expect(error.code).toBe('projectBaseUnknown');
    expect(error.detail).toBe('efficientnet_b0');
  });

  it('a listed photo or the weights missing from the zip, or weights shorter than declared, are corrupt', () => {
    const entries = unzipSync(writeProject(PROJECT));
    const without = (name: string) => zipSync(Object.fromEntries(Object.entries(entries).filter(([key]) => key !== name)));
    expect(refusal(() => readProject(without('photos/02/0001-小猫.jpg'))).code).toBe('projectCorrupt');
    expect(refusal(() => readProject(without('classifier/weights.bin'))).code).toBe('projectCorrupt');
    expect(refusal(() => readProject(without('classifier/model.json'))).code).toBe('projectCorrupt');
    const short = zipSync({ ...entries, 'classifier/weights.bin': entries['classifier/weights.bin'].slice(0, 8) });
    expect(refusal(() => readProject(short)).code).toBe('projectCorrupt');
  });

  it('settings: each field of the wrong type or out of range falls back to its default, the rest are kept', () => {
    const head = sanitizeHead({ ...HEAD, epochs: -5, batchSize: 'sixty-four', learningRate: null, dropout: 0.95, units: 2.5, seed: 7, pooling: 'max', optimizer: 'adam', refit: 'yes', augmentation: { rotation: 400, flip: true } });
    expect(head.epochs).toBe(DEFAULT_HEAD.epochs);
    expect(head.batchSize).toBe(DEFAULT_HEAD.batchSize);
    expect(head.learningRate).toBe(DEFAULT_HEAD.learningRate);
    expect(head.dropout).toBe(DEFAULT_HEAD.dropout);
    expect(head.units).toBe(DEFAULT_HEAD.units);
    expect(head.pooling).toBe(DEFAULT_HEAD.pooling);
    expect(head.refit).toBe(false); // normalizeHead: a head saved without a usable refit trained without one
    expect(head.seed).toBe(7);
    expect(head.fineTuneBlocks).toBe(2);
    expect(head.augmentation).toEqual({ ...DEFAULT_HEAD.augmentation, flip: true });
    expect(sanitizeHead(undefined)).toEqual({ ...DEFAULT_HEAD, refit: false });
    expect(sanitizeHead(HEAD)).toEqual(HEAD);
  });

  it('a manifest without settings gets the default settings', () => {
    const manifest = validateManifest({ format: PROJECT_FORMAT, version: 1, base: 'mobilenet_v1_0.25', classes: [{ name: 'a', photos: [] }] });
    expect(manifest.head.epochs).toBe(DEFAULT_HEAD.epochs);
    expect(manifest.classifier).toBeNull();
  });

  it('more entries than a project may hold are refused before unpacking', () => {
    const many = Object.fromEntries(Array.from({ length: 20_001 }, (_, k) => [`f${k}`, new Uint8Array(0)]));
    expect(refusal(() => readProject(zipSync(many, { level: 0 }))).code).toBe('projectTooLarge');
  });
});
