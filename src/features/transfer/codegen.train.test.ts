/// <reference types="node" />
/**
 * The exported TensorFlow.js module, trained in Node on the local MobileNet copy: the weights that
 * must change do and those that must not don't, the epochs are numbered across head and
 * fine-tuning, and no tensor is leaked. Each run is a Node subprocess that imports the generated
 * module. (codegen.test.ts checks train.py and the module's text; this is its slow part, in a file
 * of its own so that neither file takes long.) On MobileNet v2 0.35 (residual additions among the top
 * blocks), the module must train exactly the layers the studio trains: the convolutions above
 * worker/finetune.ts's cutLayerFor.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASES, type BaseSpec } from './bases';
import { generateTfjs, type CodegenInput } from './codegen';
import { cutLayerFor } from './worker/finetune';
import { layersBetween } from './worker/graph';
import { DEFAULT_HEAD, type HeadConfig } from './meta';
import { loadMobileNet, MODEL_DIR_V2 } from './worker/mobilenet.testutil';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codegen-train-'));
  // lets generated modules in the temp folder import '@tensorflow/tfjs' from this project
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeTemp(extension: string, text: string): string {
  const file = join(dir, `file${++fileCount}${extension}`);
  writeFileSync(file, text);
  return file;
}

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: dir, maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

const MODEL_DIR = ['../shared/models/mobilenet_v1_0.25_224', 'public/models/mobilenet_v1_0.25_224'].map((p) => resolve(p)).find((p) => existsSync(join(p, 'model.json')));
it('the MobileNet copies for the real-model checks are there (../shared/models)', () => {
  expect(MODEL_DIR).toBeDefined();
  expect(existsSync(join(MODEL_DIR_V2, 'model.json'))).toBe(true);
});

/** Weights the runner compares before and after training: [layer, weight index] (v1: the top blocks' convolutions and BatchNormalization). */
const WATCHED_V1 = [['conv_pw_13', 0], ['conv_dw_12', 0], ['conv_pw_11', 0], ['conv_pw_1', 0], ['conv_pw_13_bn', 0], ['conv_pw_13_bn', 2]];
/** v2: the last convolution and its BatchNormalization, the top block's, the first. */
const WATCHED_V2 = [['Conv_1', 0], ['Conv_1_bn', 0], ['Conv_1_bn', 2], ['block_16_project', 0], ['block_16_depthwise', 0], ['Conv1', 0]];

/** Trains with the local MobileNet (tf.io.fromMemory: no file:// loader in Node) and reports. */
const RUNNER_MJS = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const [modulePath, modelDir, watched] = process.argv.slice(2);
const gen = await import(modulePath);
await tf.setBackend('cpu');
const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
const bytes = Buffer.concat(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(modelDir, p)))));
const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const base = await gen.loadBase(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
const WATCHED = JSON.parse(watched);
const snapshot = () => WATCHED.map(([name, k]) => base.getLayer(name).getWeights()[k].dataSync().slice());
const before = snapshot();
const every = () => base.layers.map((layer) => layer.getWeights().map((w) => w.dataSync().slice()));
const beforeAll = every();
const images = gen.CLASS_NAMES.map((_, label) => [[40, 60], [72, 48]].map(([h, w], n) => tf.tidy(() =>
  tf.add(tf.fill([h, w, 3], 40 + 60 * label), tf.randomUniform([h, w, 3], 0, 50, 'float32', 7 * label + n)))));
const tensorsBefore = tf.memory().numTensors;
const epochs = [];
const { classifier, head, history } = await gen.train(images, { base, onEpochEnd: (epoch, logs) => { epochs.push({ epoch, ...logs }); } });
const extraTensors = tf.memory().numTensors - tensorsBefore;
const after = snapshot();
const changed = Object.fromEntries(WATCHED.map(([name, k], i) => [name + '[' + k + ']', before[i].some((v, j) => v !== after[i][j])]));
const afterAll = every();
const changedLayers = base.layers.filter((layer, l) => beforeAll[l].some((w, k) => w.some((v, j) => v !== afterAll[l][k][j]))).map((layer) => layer.name);
const tensorsBeforePredict = tf.memory().numTensors;
const prediction = gen.predict(classifier, images[1][0]);
const predictLeak = tf.memory().numTensors - tensorsBeforePredict;
console.log('RESULT ' + JSON.stringify({ extraTensors, headWeights: head.weights.length, changed, changedLayers, prediction, predictLeak, epochs,
  headEpochs: history.history.loss.length, trainableAfter: base.trainableWeights.length, embedding: base.outputs[0].shape, headInput: head.inputs[0].shape }));
`;

/** The layers the studio trains when fine-tuning `blocks` (worker/finetune.ts): the Conv2D / DepthwiseConv2D layers its tail copies, above cutLayerFor. */
async function studioTrained(modelDir: string, blocks: number, base: BaseSpec): Promise<string[]> {
  const full = await loadMobileNet(modelDir);
  const names = layersBetween(full, cutLayerFor(blocks, base), base.cutLayer).filter((layer) => ['Conv2D', 'DepthwiseConv2D'].includes(layer.getClassName())).map((layer) => layer.name);
  full.dispose();
  return names;
}

describe('the TensorFlow.js module, trained in Node on the real MobileNet', () => {
  // the head's learning rate pinned (not the default's): a larger one can leave every hidden ReLU dead on these few images, and then no gradient reaches the base
  const quick: HeadConfig = { ...DEFAULT_HEAD, units: 16, learningRate: 0.001, epochs: 3, batchSize: 4, validationSplit: 0.34, fineTuneEpochs: 2 };
  const train = (input: CodegenInput) => {
    const [modelDir, watched] = input.base?.family === 'mobilenet_v2' ? [MODEL_DIR_V2, WATCHED_V2] : [MODEL_DIR!, WATCHED_V1];
    const result = run(process.execPath, [writeTemp('.mjs', RUNNER_MJS), writeTemp('.mjs', generateTfjs(input)), modelDir, JSON.stringify(watched)]);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
  };

  it('fine-tunes only the top blocks\' convolutions (the studio\'s layers), keeps BatchNormalization, leaks nothing', async () => {
    const classNames = ['two\nlines', '中文', '🐱 "x"'];
    // Two images a class, one held out: three training images in batches of 2 + 1 (each fine-tuning image costs about a second here).
    const head: HeadConfig = { ...quick, batchSize: 2, pooling: 'flatten', dropout: 0.3, optimizer: 'rmsprop', fineTuneBlocks: 2, augment: true, augmentation: { flip: true, rotation: 20, zoom: 0.2, brightness: 0.1, contrast: 0.2 } };
    const r = train({ head, classNames });
    expect(r.changed).toEqual({ 'conv_pw_13[0]': true, 'conv_dw_12[0]': true, 'conv_pw_11[0]': false, 'conv_pw_1[0]': false, 'conv_pw_13_bn[0]': false, 'conv_pw_13_bn[2]': false });
    expect(r.changedLayers).toEqual(await studioTrained(MODEL_DIR!, 2, BASES['mobilenet_v1_0.25']));
    expect(r.changedLayers).toEqual(['conv_dw_12', 'conv_pw_12', 'conv_dw_13', 'conv_pw_13']);
    expect(r.extraTensors).toBe(r.headWeights);
    expect(r.headWeights).toBe(4);
    expect(r.headEpochs).toBe(3);
    expect(r.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
    for (const e of r.epochs) expect([e.loss, e.val_loss, e.val_acc].every(Number.isFinite)).toBe(true);
    expect(r.trainableAfter).toBe(0);
    expect(r.predictLeak).toBe(0);
    expect(classNames).toContain(r.prediction.className);
    expect(r.prediction.probabilities).toHaveLength(3);
    expect(r.prediction.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
  }, 240_000);

  it('trains the head only, with SGD and no validation, leaving the base untouched', () => {
    const r = train({ head: { ...quick, pooling: 'average', units: 0, optimizer: 'sgd', learningRate: 0.01, epochs: 2, validationSplit: 0 }, classNames: ['a', 'b'] });
    expect(Object.values(r.changed)).toEqual([false, false, false, false, false, false]);
    expect(r.extraTensors).toBe(2);
    expect(r.epochs).toHaveLength(2);
    expect(r.epochs.every((e: object) => !('val_loss' in e))).toBe(true);
    expect(r.predictLeak).toBe(0);
  }, 240_000);

  it('trains the default head (regions: AveragePooling2D -> Flatten -> Rescaling) only, with Adam', () => {
    const r = train({ head: { ...quick, pooling: 'regions', epochs: 2 }, classNames: ['a', 'b'] });
    expect(Object.values(r.changed)).toEqual([false, false, false, false, false, false]);
    expect(r.extraTensors).toBe(r.headWeights);
    expect(r.headWeights).toBe(4);
    expect(r.epochs).toHaveLength(2);
    for (const e of r.epochs) expect([e.loss, e.val_loss, e.val_acc].every(Number.isFinite)).toBe(true);
    expect(r.predictLeak).toBe(0);
  }, 240_000);

  it('on MobileNet v2 0.35, fine-tunes the top 2 blocks (a residual addition among them) and Conv_1 as the studio does: exactly its layers change, leaking nothing', async () => {
    // one fine-tuning epoch without augmentation (the v1 run above covers augment()): v2 through the cpu backend is slower
    const head: HeadConfig = { ...quick, pooling: 'regions', epochs: 2, fineTuneBlocks: 2, fineTuneEpochs: 1, augment: false };
    const r = train({ head, classNames: ['a', 'b'], base: BASES['mobilenet_v2_0.35'] });
    expect(r.embedding).toEqual([null, 7, 7, 1280]);
    expect(r.headInput).toEqual([null, 7, 7, 1280]);
    expect(r.changed).toEqual({ 'Conv_1[0]': true, 'Conv_1_bn[0]': false, 'Conv_1_bn[2]': false, 'block_16_project[0]': true, 'block_16_depthwise[0]': true, 'Conv1[0]': false });
    const studio = await studioTrained(MODEL_DIR_V2, 2, BASES['mobilenet_v2_0.35']);
    expect(studio).toEqual(['block_15_expand', 'block_15_depthwise', 'block_15_project', 'block_16_expand', 'block_16_depthwise', 'block_16_project', 'Conv_1']);
    expect(r.changedLayers).toEqual(studio);
    expect(r.extraTensors).toBe(r.headWeights);
    expect(r.headWeights).toBe(4);
    expect(r.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2]);
    for (const e of r.epochs) expect([e.loss, e.val_loss, e.val_acc].every(Number.isFinite)).toBe(true);
    expect(r.trainableAfter).toBe(0);
    expect(r.predictLeak).toBe(0);
    expect(r.prediction.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
  }, 240_000);
});
