/**
 * The trained classifier as one TensorFlow.js layers model, base and head together, plus a
 * metadata file (labels, preprocessing), and back again.
 */
import * as tf from '@tensorflow/tfjs';
import { savedArtifacts } from './artifacts';
import { BASES, type BaseId, type BaseSpec } from '../bases';
import { IMAGE_SIZE, type HeadConfig } from '../meta';
import { checkModelJson, layersModelJson, ModelFilesRefused, type ModelFilesCode } from './modelFiles';
import { PREPROCESSING } from '../trainedFormat';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'classifier.weights.bin';
export const METADATA_FILE = 'metadata.json';

export interface ClassifierMetadata {
  format: 'neural-playground-classifier';
  version: 1;
  /** class names in output order */
  labels: string[];
  imageSize: number;
  preprocessing: string;
  /** the base, in words */
  base: string;
  /** train.py's classifier (trainedFormat.ts): weights by layer name in weights.json + weights.bin, rebuilt on the loaded base */
  weightsByLayer?: string;
  /** the base's registry id (bases.ts); absent in files exported before the registry (MobileNet v1 0.25) */
  baseId?: BaseId;
  head: HeadConfig;
  /** MobileNet blocks fine-tuned with the head (0: the base is the pretrained one) */
  fineTunedBlocks: number;
  createdAt: string;
}

/** Why an import was refused: the studio shows `transfer.error.<code>` (detail: names or sizes). */
export class ImportInvalid extends Error {
  constructor(message: string, readonly code: ModelFilesCode | 'importShapes' | 'importOtherBase' | 'importOtherLabels' = 'importFailed', readonly detail?: string) {
    super(message);
  }
}

/** Base (input [batch, 224, 224, 3]) and head as one model; it shares their layers and weights. */
export function combine(truncated: tf.LayersModel, head: tf.LayersModel): tf.LayersModel {
  const output = head.apply(truncated.outputs[0]) as tf.SymbolicTensor;
  return tf.model({ inputs: truncated.inputs, outputs: output, name: 'neural_playground_classifier' });
}

export function metadataFor(labels: string[], head: HeadConfig, fineTunedBlocks: number, spec: BaseSpec = BASES['mobilenet_v1_0.25']): ClassifierMetadata {
  return {
    format: 'neural-playground-classifier',
    version: 1,
    labels,
    imageSize: IMAGE_SIZE,
    preprocessing: PREPROCESSING,
    base: `${spec.label} @ 224 (ImageNet), cut at ${spec.cutLayer}${fineTunedBlocks > 0 ? `, top ${fineTunedBlocks} block(s) fine-tuned` : ''}`,
    baseId: spec.id,
    head,
    fineTunedBlocks,
    createdAt: new Date().toISOString(),
  };
}

/** model.json + one weights file + metadata.json, as files to download. */
export async function exportClassifier(model: tf.LayersModel, metadata: ClassifierMetadata): Promise<{ name: string; blob: Blob }[]> {
  const saved = await savedArtifacts(model);
  const modelJson = layersModelJson(saved.modelTopology, saved.weightSpecs, WEIGHTS_FILE, saved.generatedBy);
  const weightParts = Array.isArray(saved.weightData) ? saved.weightData : [saved.weightData];
  return [
    { name: MODEL_FILE, blob: new Blob([JSON.stringify(modelJson)], { type: 'application/json' }) },
    { name: WEIGHTS_FILE, blob: new Blob(weightParts, { type: 'application/octet-stream' }) },
    { name: METADATA_FILE, blob: new Blob([JSON.stringify(metadata, null, 2)], { type: 'application/json' }) },
  ];
}

export function parseMetadata(text: string): ClassifierMetadata {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportInvalid('metadata.json is not JSON');
  }
  const metadata = value as Partial<ClassifierMetadata>;
  const labels = metadata.labels;
  if (metadata.format !== 'neural-playground-classifier' || !Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) {
    throw new ImportInvalid('metadata.json is not a Neural Playground classifier');
  }
  return metadata as ClassifierMetadata;
}

/**
 * Whether a classifier's labels are another project's: not the same names (trimmed, in any order:
 * predictions go by name) as the open project's classes that hold photos. A project without photos
 * takes any classifier (to try a model on new photos).
 */
export function otherLabels(labels: string[], classes: string[]): boolean {
  const names = new Set(classes.map((name) => name.trim()));
  if (names.size === 0) return false;
  const known = new Set(labels.map((label) => label.trim()));
  return known.size !== names.size || [...names].some((name) => !known.has(name));
}

/** Loads an exported classifier: model.json, its weights, metadata.json. */
export async function importClassifier(files: File[]): Promise<{ model: tf.LayersModel; metadata: ClassifierMetadata }> {
  const metadataFile = files.find((file) => file.name === METADATA_FILE);
  const modelFile = files.find((file) => file.name.endsWith('.json') && file !== metadataFile);
  if (!metadataFile || !modelFile) throw new ImportInvalid('need model.json, its weights and metadata.json');
  const metadata = parseMetadata(await metadataFile.text());
  const weights = files.filter((file) => !file.name.endsWith('.json'));
  try {
    checkModelJson(await modelFile.text(), weights);
  } catch (error) {
    if (error instanceof ModelFilesRefused) throw new ImportInvalid(error.message, error.code, error.detail);
    throw error;
  }
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.browserFiles([modelFile, ...weights]));
  } catch (error) {
    // tfjs checks each weight against its layer: a mismatch names the shapes.
    if (/shape/i.test(String(error))) throw new ImportInvalid(String(error), 'importShapes');
    throw new ImportInvalid(String(error));
  }
  const input = model.inputs[0].shape;
  const output = model.outputs[0].shape;
  if (input[1] !== IMAGE_SIZE || input[2] !== IMAGE_SIZE || input[3] !== 3 || output[1] !== metadata.labels.length) {
    model.dispose();
    throw new ImportInvalid('the model does not fit its metadata', 'importShapes');
  }
  return { model, metadata };
}
