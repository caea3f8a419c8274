/**
 * The base as the browser uses it, as files for the image-set zip's `base/` folder (datasetZip.ts):
 * the loaded tfjs model saved back as a layers model (`model.json` + one `weights.bin`, the same
 * numbers, whatever it was loaded from: the served copy, the hosted one, IndexedDB or the user's
 * files), its provenance and licence texts when they can be read next to it, and ABOUT.txt saying
 * what it is and where it came from. train.py loads these weights into Keras's MobileNet.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSource } from '../../../worker/protocol';
import type { BaseSpec } from '../bases';
import { savedArtifacts, weightBytes } from './artifacts';
import type { BaseFiles, TextFile } from './datasetZip';
import { layersModelJson } from './modelFiles';

/** the weight file model.json names */
export const BASE_WEIGHTS_FILE = 'weights.bin';
/** text files kept with a base: its provenance and licence (../shared/models/<base>/) */
export const NOTICE_NAMES = ['PROVENANCE.md', 'LICENSE', 'LICENSE.txt', 'LICENSE.md', 'NOTICE'];

/** model.json + weights.bin of `model` as loaded (nothing written anywhere). */
export async function savedModelFiles(model: tf.LayersModel): Promise<Pick<BaseFiles, 'modelJson' | 'weights'>> {
  const artifacts = await savedArtifacts(model);
  const bytes = weightBytes(artifacts.weightData);
  const modelJson = JSON.stringify(layersModelJson(artifacts.modelTopology, artifacts.weightSpecs, BASE_WEIGHTS_FILE, `TensorFlow.js tfjs-layers v${tf.version_layers}`));
  return { modelJson, weights: [{ name: BASE_WEIGHTS_FILE, bytes }] };
}

/** Where the base was loaded from, in words. */
function originOf(source: ModelSource | null): string {
  if (!source) return 'unknown';
  if (source.kind === 'files') return `the user's files (${source.files.map((file) => file.name).join(', ')})`;
  return source.kind === 'url' ? source.url : source.defaultUrl;
}

/** ABOUT.txt: what the base is and where it came from. */
export function aboutText(spec: BaseSpec, source: ModelSource | null, notices: TextFile[]): string {
  return [
    `${spec.label} (ImageNet-pretrained), as the studio used it in the browser.`,
    '',
    `model.json + ${BASE_WEIGHTS_FILE}: the TensorFlow.js layers model, saved from the loaded model.`,
    `Loaded from: ${originOf(source)}${source?.kind === 'files' ? '' : ' (or the IndexedDB copy of an earlier load)'}.`,
    `Hosted copy: ${spec.hostedUrl}`,
    `Keras: ${spec.keras.replace("weights='imagenet'", 'weights=None')}, then these weights by layer name (train.py).`,
    `Cut at ${spec.cutLayer}: [batch, ${spec.embeddingShape.join(', ')}]. Published ImageNet top-1: ${spec.imagenetTop1} %.`,
    notices.length > 0 ? `Provenance and licence: ${notices.map((n) => n.name).join(', ')}.` : 'No provenance or licence file was found next to the model; see the hosted copy.',
    '',
  ].join('\r\n');
}

/** The provenance and licence texts next to the base: among the user's files, or fetched beside its URL on the app's origin (absent ones skipped). */
export async function readNotices(source: ModelSource | null): Promise<TextFile[]> {
  if (!source) return [];
  if (source.kind === 'files') {
    const files = source.files.filter((file) => NOTICE_NAMES.includes(file.name));
    return Promise.all(files.map(async (file) => ({ name: file.name, text: await file.text() })));
  }
  const modelUrl = new URL(source.kind === 'url' ? source.url : source.defaultUrl, globalThis.location?.href);
  // only beside a model served by the app itself (../shared/models, public/models): no request elsewhere
  if (globalThis.location && modelUrl.origin !== globalThis.location.origin) return [];
  const found: TextFile[] = [];
  for (const name of NOTICE_NAMES) {
    try {
      const response = await fetch(new URL(name, modelUrl));
      const text = response.ok ? await response.text() : '';
      // a dev server answers a missing file with the app's index.html
      if (text !== '' && !/^\s*<(!doctype|html)/i.test(text)) found.push({ name, text });
    } catch {
      // offline, or refused by the Content-Security-Policy: the zip goes without it
    }
  }
  return found;
}

/** Everything the zip's base/ folder holds for the loaded base. */
export async function baseFiles(model: tf.LayersModel, spec: BaseSpec, source: ModelSource | null): Promise<BaseFiles> {
  const notices = await readNotices(source);
  return { ...(await savedModelFiles(model)), notices: [...notices, { name: 'ABOUT.txt', text: aboutText(spec, source, notices) }] };
}
