/**
 * The project file ("Save project" / "Open project"): the whole studio project in one zip.
 *
 *   manifest.json            format, version, base, settings, classes (names, photos), classifier
 *   README.txt               what this is
 *   photos/<NN>/<file>.jpg   each class's photos as the studio stores them (224 × 224 JPEG), in
 *                            the class's order; NN is the class's place (01, 02, …), so any class
 *                            name works; file names as in "Export images (.zip)" (datasetZip.ts)
 *   classifier/model.json    the trained classifier's tail (the head, or fine-tuned blocks + head)
 *   classifier/weights.bin   as a TensorFlow.js layers model with its weights (absent when untrained)
 *
 * Reading checks everything before anything is used: not a zip or damaged → projectCorrupt; a zip
 * without our manifest → projectForeign; a newer version → projectNewer; an unknown base →
 * projectBaseUnknown; too many entries or bytes → projectTooLarge (before unpacking). Settings are
 * validated field by field (defaults for what is missing or out of range). Pure: no DOM, no tfjs.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { isBaseId, type BaseId } from '../bases';
import { MAX_CLASSES, normalizeHead, OPTIMIZERS, POOLINGS, type HeadConfig } from '../meta';
import { PROJECT_VERSION, type ProjectErrorCode } from '../projectMeta';
import { isObject, layersModelJson, type WeightSpec } from './modelFiles';

import { imageFileName } from './datasetZip';
import { checkModelJson, ModelFilesRefused } from './modelFiles';

export const PROJECT_FORMAT = 'neural-playground-project';
export const MANIFEST_FILE = 'manifest.json';
const MODEL_PATH = 'classifier/model.json';
const WEIGHTS_NAME = 'weights.bin';
/** the most entries and uncompressed bytes a project may declare (checked before unpacking) */
const MAX_PROJECT_ENTRIES = 20_000;
export const MAX_PROJECT_BYTES = 1024 ** 3;

/** A tfjs layers model as plain data: its topology (model.json's), weight specs and their bytes in order. */
export interface ModelArtifactsData {
  modelTopology: object;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
}

export interface ProjectPhoto {
  /** the name it was added with */
  name: string;
  /** JPEG bytes (224 × 224) */
  bytes: Uint8Array;
}

export interface ProjectClassifier {
  /** class names in output order */
  labels: string[];
  /** the base layer feeding the tail (the base's cut layer for a head alone) */
  cut: string;
  /** the settings it was trained with */
  config: HeadConfig;
  artifacts: ModelArtifactsData;
}

/** A whole project, as written and as read back. */
export interface Project {
  base: BaseId;
  head: HeadConfig;
  classes: { name: string; photos: ProjectPhoto[] }[];
  classifier: ProjectClassifier | null;
}

/** manifest.json */
export interface ProjectManifest {
  format: typeof PROJECT_FORMAT;
  version: number;
  createdAt: string;
  /** the base model's registry id (bases.ts) */
  base: BaseId;
  head: HeadConfig;
  classes: { name: string; photos: { file: string; name: string }[] }[];
  classifier: { labels: string[]; cut: string; config: HeadConfig; model: string } | null;
}

/** Why a project file was refused (the page shows `project.error.<code>`). */
export class ProjectRefused extends Error {
  constructor(readonly code: ProjectErrorCode, readonly detail = '') {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'ProjectRefused';
  }
}

const corrupt = (detail: string) => new ProjectRefused('projectCorrupt', detail);

/** [min, max, integer] of each numeric head setting (the studio's own fields allow these). */
const NUMBER_RANGES: Partial<Record<keyof HeadConfig, [number, number, boolean]>> = {
  units: [0, 4096, true],
  dropout: [0, 0.9, false],
  learningRate: [1e-8, 10, false],
  epochs: [1, 1000, true],
  batchSize: [1, 4096, true],
  validationSplit: [0, 0.5, false],
  fineTuneBlocks: [0, 17, true],
  fineTuneEpochs: [0, 1000, true],
  fineTuneLearningRate: [1e-9, 10, false],
  seed: [-(2 ** 31), 2 ** 31 - 1, true],
};

/** Valid head settings from anything: each field kept only when it has the right type and range. */
export function sanitizeHead(value: unknown): HeadConfig {
  const saved = isObject(value) ? value : {};
  const valid: Partial<Record<keyof HeadConfig, unknown>> = {};
  for (const [key, [min, max, integer]] of Object.entries(NUMBER_RANGES) as [keyof HeadConfig, [number, number, boolean]][]) {
    const v = saved[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v))) valid[key] = v;
  }
  if ((POOLINGS as readonly unknown[]).includes(saved.pooling)) valid.pooling = saved.pooling;
  if ((OPTIMIZERS as readonly unknown[]).includes(saved.optimizer)) valid.optimizer = saved.optimizer;
  // normalizeHead keeps the booleans that are booleans and makes the augmentation valid
  return normalizeHead({ ...valid, refit: saved.refit, augment: saved.augment, augmentScratch: saved.augmentScratch, augmentation: saved.augmentation } as Partial<HeadConfig>);
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * Checks a parsed manifest.json; throws ProjectRefused (foreign, newer, corrupt or an unknown base).
 * The settings are sanitised (sanitizeHead), never refused.
 */
export function validateManifest(value: unknown): ProjectManifest {
  if (!isObject(value) || value.format !== PROJECT_FORMAT) throw new ProjectRefused('projectForeign', 'manifest.json is not a Neural Playground project');
  const { version, base, classes, classifier } = value;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) throw corrupt(`version ${JSON.stringify(version)}`);
  if (version > PROJECT_VERSION) throw new ProjectRefused('projectNewer', String(version));
  if (typeof base !== 'string' || base === '') throw corrupt('no base model');
  if (!isBaseId(base)) throw new ProjectRefused('projectBaseUnknown', base);
  if (!Array.isArray(classes) || classes.length === 0 || classes.length > MAX_CLASSES) throw corrupt('no classes');
  const checkedClasses = classes.map((c, k) => {
    if (!isObject(c) || typeof c.name !== 'string' || !Array.isArray(c.photos)) throw corrupt(`class ${k + 1}`);
    const photos = c.photos.map((p) => {
      if (!isObject(p) || typeof p.file !== 'string' || p.file === '' || typeof p.name !== 'string') throw corrupt(`a photo of class ${k + 1}`);
      return { file: p.file, name: p.name };
    });
    return { name: c.name, photos };
  });
  let checkedClassifier: ProjectManifest['classifier'] = null;
  if (classifier !== null && classifier !== undefined) {
    if (!isObject(classifier) || !isStringArray(classifier.labels) || classifier.labels.length < 2 || typeof classifier.cut !== 'string' || classifier.cut === '' || typeof classifier.model !== 'string') {
      throw corrupt('classifier');
    }
    checkedClassifier = { labels: classifier.labels, cut: classifier.cut, config: sanitizeHead(classifier.config), model: classifier.model };
  }
  const createdAt = typeof value.createdAt === 'string' ? value.createdAt : '';
  return { format: PROJECT_FORMAT, version, createdAt, base, head: sanitizeHead(value.head), classes: checkedClasses, classifier: checkedClassifier };
}

/** The photo entries' paths: photos/<NN>/<file name>, unique within the zip. */
function photoPaths(classes: Project['classes']): string[][] {
  return classes.map((c, k) => c.photos.map((photo, n) => `photos/${String(k + 1).padStart(2, '0')}/${imageFileName(n, c.photos.length, photo.name)}`));
}

const README = [
  'Neural Playground: a transfer-learning studio project.',
  'Open it in the studio with "Open project" to get back its classes, photos, settings and trained classifier.',
  'manifest.json lists everything; photos/<NN>/ holds class NN\'s photos; classifier/ is a TensorFlow.js layers model (the head).',
  '',
].join('\r\n');

/** The project as zip bytes (JPEGs and weights stored, text deflated); `createdAt` goes in the manifest. */
export function writeProject(project: Project, createdAt: Date = new Date()): Uint8Array<ArrayBuffer> {
  const paths = photoPaths(project.classes);
  const manifest: ProjectManifest = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    createdAt: createdAt.toISOString(),
    base: project.base,
    head: project.head,
    classes: project.classes.map((c, k) => ({ name: c.name, photos: c.photos.map((photo, n) => ({ file: paths[k][n], name: photo.name })) })),
    classifier: project.classifier && { labels: project.classifier.labels, cut: project.classifier.cut, config: project.classifier.config, model: MODEL_PATH },
  };
  const text = { level: 6 as const, mtime: createdAt };
  const stored = { level: 0 as const, mtime: createdAt };
  const entries: Zippable = {
    [MANIFEST_FILE]: [strToU8(JSON.stringify(manifest, null, 2)), text],
    'README.txt': [strToU8(README), text],
  };
  project.classes.forEach((c, k) => c.photos.forEach((photo, n) => (entries[paths[k][n]] = [photo.bytes, stored])));
  if (project.classifier) {
    const { modelTopology, weightSpecs, weightData } = project.classifier.artifacts;
    const modelJson = layersModelJson(modelTopology, weightSpecs, WEIGHTS_NAME, 'Neural Playground');
    entries[MODEL_PATH] = [strToU8(JSON.stringify(modelJson)), text];
    entries[`classifier/${WEIGHTS_NAME}`] = [weightData, stored];
  }
  return zipSync(entries) as Uint8Array<ArrayBuffer>;
}

/** Unpacks the zip, refusing more than MAX_PROJECT_ENTRIES entries or MAX_PROJECT_BYTES before inflating any. */
function unpack(bytes: Uint8Array): Record<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (file) => {
        entries++;
        total += file.originalSize;
        if (entries > MAX_PROJECT_ENTRIES) throw new ProjectRefused('projectTooLarge', `more than ${MAX_PROJECT_ENTRIES} files`);
        if (total > MAX_PROJECT_BYTES) throw new ProjectRefused('projectTooLarge', `more than ${MAX_PROJECT_BYTES / 1024 ** 3} GB`);
        return !file.name.endsWith('/');
      },
    });
  } catch (error) {
    if (error instanceof ProjectRefused) throw error;
    throw corrupt(`not a zip (${String(error)})`);
  }
}

/** The classifier's tail from classifier/model.json and its weights, checked against each other. */
function readClassifier(entries: Record<string, Uint8Array>, model: string): ModelArtifactsData {
  const json = entries[model];
  if (!json) throw corrupt(`${model} is missing`);
  const folder = model.includes('/') ? model.slice(0, model.lastIndexOf('/') + 1) : '';
  const text = strFromU8(json);
  let parsed: { modelTopology: object; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  try {
    parsed = JSON.parse(text);
    const files = parsed.weightsManifest.flatMap((group) => group.paths).map((path) => ({ name: path, size: entries[folder + path]?.length ?? -1 }));
    checkModelJson(text, files.filter((file) => file.size >= 0));
  } catch (error) {
    throw corrupt(error instanceof ModelFilesRefused ? error.message : `${model}: ${String(error)}`);
  }
  const parts = parsed.weightsManifest.flatMap((group) => group.paths).map((path) => entries[folder + path]);
  const weightData = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (weightData.set(part, offset), offset + part.length), 0);
  return { modelTopology: parsed.modelTopology, weightSpecs: parsed.weightsManifest.flatMap((group) => group.weights), weightData };
}

/** Reads and checks a project file; throws ProjectRefused. Photos are returned as bytes, not decoded. */
export function readProject(bytes: Uint8Array): { project: Project; manifest: ProjectManifest } {
  const entries = unpack(bytes);
  const manifestBytes = entries[MANIFEST_FILE];
  if (!manifestBytes) throw new ProjectRefused('projectForeign', 'no manifest.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(strFromU8(manifestBytes));
  } catch {
    throw corrupt('manifest.json is not JSON');
  }
  const manifest = validateManifest(parsed);
  const classes = manifest.classes.map((c) => ({
    name: c.name,
    photos: c.photos.map((photo) => {
      const data = entries[photo.file];
      if (!data || data.length === 0) throw corrupt(`${photo.file} is missing`);
      return { name: photo.name, bytes: data };
    }),
  }));
  const classifier = manifest.classifier && { labels: manifest.classifier.labels, cut: manifest.classifier.cut, config: manifest.classifier.config, artifacts: readClassifier(entries, manifest.classifier.model) };
  return { project: { base: manifest.base, head: manifest.head, classes, classifier }, manifest };
}
