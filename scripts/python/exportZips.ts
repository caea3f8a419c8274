/// <reference types="node" />
/**
 * The "Export images (.zip)" of the studio, made without a browser for the real-TensorFlow test
 * (scripts/test-python.sh → test_train.py): the same modules as the worker's export
 * (worker/datasetZip.ts buildDatasetZip, worker/baseFiles.ts baseFiles, codegen generatePython), on
 * the base loaded with TensorFlow.js from ../shared/models (as "Load model…" loads a folder, its
 * PROVENANCE.md with it) and the first photos (by file name) of three classes of ../shared/datasets/sign-language-digits.
 * Writes <EXPORT_DIR>/<base id>.zip and <EXPORT_DIR>/zips.json (what each zip holds).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { BASES, type BaseId } from '../../src/features/transfer/bases';
import { DEFAULT_HEAD, type HeadConfig } from '../../src/features/transfer/meta';
import { baseFiles, NOTICE_NAMES } from '../../src/features/transfer/worker/baseFiles';
import { buildDatasetZip, type DatasetClass } from '../../src/features/transfer/worker/datasetZip';
import { loadMobileNet } from '../../src/features/transfer/worker/mobilenet.testutil';

const OUT = resolve(process.env.EXPORT_DIR ?? 'test-results/python');
const DATASET = resolve(process.env.SHARED_DATASETS_DIR ?? '../shared/datasets', 'sign-language-digits');
const MODELS = resolve(process.env.SHARED_MODELS_DIR ?? '../shared/models');
/** classes and photos per class: a few, so that each run takes seconds */
const CLASSES = ['0', '1', '2'];
const PHOTOS = 6;
/** the studio's defaults, shortened: 3 epochs of the head, then 1 of fine-tuning the top 2 blocks with augmentation */
const HEAD: HeadConfig = { ...DEFAULT_HEAD, epochs: 3, batchSize: 8, fineTuneBlocks: 2, fineTuneEpochs: 1, augment: true };

/** The first PHOTOS photos of each class, by file name. */
function photos(): DatasetClass[] {
  return CLASSES.map((name) => {
    const files = readdirSync(join(DATASET, name)).filter((file) => /\.(jpe?g|png)$/i.test(file)).sort().slice(0, PHOTOS);
    return { name, images: files.map((file) => ({ name: file, bytes: new Uint8Array(readFileSync(join(DATASET, name, file))) })) };
  });
}

it('writes the export zips of MobileNet v1 0.25 and v2 0.35', async () => {
  await tf.setBackend('cpu');
  mkdirSync(OUT, { recursive: true });
  const dataset = photos();
  const made: Record<string, unknown> = {};
  for (const id of ['mobilenet_v1_0.25', 'mobilenet_v2_0.35'] as BaseId[]) {
    const spec = BASES[id];
    const folder = join(MODELS, spec.folder);
    const model = await loadMobileNet(folder);
    // "Load model…" with the folder's files: model.json, the shards and its provenance / licence texts
    const notices = readdirSync(folder).filter((file) => NOTICE_NAMES.includes(file)).map((file) => new File([readFileSync(join(folder, file))], file));
    const files = await baseFiles(model, spec, { kind: 'files', files: notices });
    model.dispose();
    const zip = buildDatasetZip(dataset, HEAD, spec, new Date(), files);
    writeFileSync(join(OUT, `${id}.zip`), zip);
    made[id] = { zip: `${id}.zip`, classes: CLASSES, photos: PHOTOS, alpha: spec.alpha, family: spec.family, notices: files.notices.map((n) => n.name), head: HEAD };
    expect(files.notices.map((n) => n.name)).toContain('PROVENANCE.md');
  }
  writeFileSync(join(OUT, 'zips.json'), JSON.stringify(made, null, 2));
});
