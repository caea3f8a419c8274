/// <reference types="node" />
/**
 * What codegen's tests share: the cases (settings × bases × tricky class names), what each base and
 * pooling must put in the code, and a temporary folder to write and run the generated files in.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { BASES, type BaseSpec } from './bases';
import type { CodegenInput } from './codegen';
import { DEFAULT_HEAD, LESSON_HEAD, REGION_POOL, REGION_SCALE, type Pooling } from './meta';

export const V2 = BASES['mobilenet_v2_0.35'];
export const TRICKY = ['say "hi"', "it's", 'back\\slash', 'C:\\new\\table\\', '中文 类别', '🐱‍👤 ninja', 'two\nlines', 'tab\tand\rcr', 'sep\u2028para\u2029', 'bell\u0007', 'zero\u200bwidth', '"""', "'''", '{x} ${y} `z`', 'é (e\u0301)', '\u00a0nbsp', '\ufeffbom'];

export const CASES: [string, CodegenInput][] = [
  ['Teachable Machine defaults (regions)', { head: DEFAULT_HEAD, classNames: ['cat', 'dog', 'bird'], imagesPerClass: [12, 10, 8] }],
  ["the lesson's Flatten + Dense 1024 + RMSprop", { head: { ...LESSON_HEAD, pooling: 'flatten' }, classNames: ['daisy', 'rose'] }],
  ['the lesson preset', { head: LESSON_HEAD, classNames: ['daisy', 'rose'] }],
  ['GlobalAveragePooling2D, no hidden layer', { head: { ...DEFAULT_HEAD, pooling: 'average', units: 0 }, classNames: ['a', 'b'] }],
  ['regions, no hidden layer', { head: { ...DEFAULT_HEAD, pooling: 'regions', units: 0 }, classNames: ['a', 'b'] }],
  ['Flatten, no hidden layer', { head: { ...DEFAULT_HEAD, pooling: 'flatten', units: 0 }, classNames: ['a', 'b'] }],
  ['GlobalAveragePooling2D, dropout 0.3 + SGD', { head: { ...DEFAULT_HEAD, pooling: 'average', dropout: 0.3, optimizer: 'sgd', learningRate: 0.01 }, classNames: ['x', 'y', 'z'] }],
  ['Adam 3e-4, no validation', { head: { ...DEFAULT_HEAD, learningRate: 0.0003, validationSplit: 0 }, classNames: ['on', 'off'] }],
  ['RMSprop 1e-7', { head: { ...DEFAULT_HEAD, optimizer: 'rmsprop', learningRate: 1e-7 }, classNames: ['p', 'q'] }],
  ['fine-tuning with augmentation', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 2, augment: true }, classNames: ['up', 'down'], imagesPerClass: [3, 4] }],
  ['fine-tuning without augmentation', { head: { ...LESSON_HEAD, pooling: 'flatten', units: 0, dropout: 0.5, fineTuneBlocks: 13, augment: false }, classNames: ['l', 'r'] }],
  ['tricky class names', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 1 }, classNames: TRICKY }],
  ['fine-tuning with every augmentation', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 1, augmentation: { flip: true, rotation: 15, zoom: 0.35, brightness: 0.1, contrast: 0.3 } }, classNames: ['a', 'b'] }],
  ['fine-tuning with rotation and contrast only', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 3, augmentation: { flip: false, rotation: 90, zoom: 0, brightness: 0, contrast: 0.7 } }, classNames: ['a', 'b'] }],
  ['fine-tuning, augmentation on with every setting off', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 2, augmentation: { flip: false, rotation: 0, zoom: 0, brightness: 0, contrast: 0 } }, classNames: ['a', 'b'] }],
  ['augmentation settings without fine-tuning', { head: { ...DEFAULT_HEAD, augmentScratch: true, augmentation: { flip: true, rotation: 10, zoom: 0.1, brightness: 0.1, contrast: 0.1 } }, classNames: ['a', 'b'] }],
  ['v1 0.25 named explicitly, fine-tuning', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 2 }, classNames: ['a', 'b'], base: BASES['mobilenet_v1_0.25'] }],
  ['v2 0.35: Teachable Machine defaults (regions)', { head: DEFAULT_HEAD, classNames: ['cat', 'dog', 'bird'], imagesPerClass: [12, 10, 8], base: V2 }],
  ["v2 0.35: the lesson's Flatten + Dense 1024 + RMSprop", { head: { ...LESSON_HEAD, pooling: 'flatten' }, classNames: ['daisy', 'rose'], base: V2 }],
  ['v2 0.35: GlobalAveragePooling2D, dropout 0.3 + SGD, no validation', { head: { ...DEFAULT_HEAD, pooling: 'average', dropout: 0.3, optimizer: 'sgd', learningRate: 0.01, validationSplit: 0 }, classNames: ['x', 'y', 'z'], base: V2 }],
  ['v2 0.35: fine-tuning 2 blocks (a residual addition among them) with every augmentation', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 2, augmentation: { flip: true, rotation: 15, zoom: 0.35, brightness: 0.1, contrast: 0.3 } }, classNames: ['up', 'down'], imagesPerClass: [3, 4], base: V2 }],
  ['v2 0.35: tricky class names, fine-tuning 13 blocks without augmentation', { head: { ...LESSON_HEAD, units: 0, fineTuneBlocks: 13, augment: false }, classNames: TRICKY, base: V2 }],
  ['v2 0.35: fine-tuning the top block (no residual addition), the default augmentation', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 1 }, classNames: ['a', 'b'], base: V2 }],
  ['v2 0.35: fine-tuning all 17 blocks (expanded_conv too), SGD, no validation', { head: { ...DEFAULT_HEAD, pooling: 'average', optimizer: 'sgd', learningRate: 0.01, validationSplit: 0, fineTuneBlocks: 17, augment: false }, classNames: ['x', 'y', 'z'], base: V2 }],
  ['v2 1.0: fine-tuning 3 blocks', { head: { ...DEFAULT_HEAD, fineTuneBlocks: 3 }, classNames: ['a', 'b'], base: BASES['mobilenet_v2_1.00'] }],
];

/** The base a case's code is for (generatePython's default: v1 0.25). */
export const baseOf = (input: CodegenInput): BaseSpec => input.base ?? BASES['mobilenet_v1_0.25'];
/** Whether the studio fine-tunes: blocks set, on a base it fine-tunes (every base in the registry). */
export const fineTuning = (input: CodegenInput) => input.head.fineTuneBlocks > 0 && baseOf(input).fineTunes;
/** Whether the fine-tuning code augments (the settings' augmentation changes something). */
export const augmenting = (input: CodegenInput) => {
  const a = input.head.augmentation;
  return fineTuning(input) && input.head.augment && (a.flip || a.rotation > 0 || a.zoom > 0 || a.brightness > 0 || a.contrast > 0);
};
/** Keras's applications class of each family, and what code for the other family must not name. */
export const KERAS_APPLICATION = { mobilenet_v1: 'MobileNet', mobilenet_v2: 'MobileNetV2' } as const;
const FOREIGN: Record<BaseSpec['family'], (string | RegExp)[]> = {
  mobilenet_v1: ['MobileNetV2', 'out_relu', '1280', 'mobilenet_v2', 'block_'],
  mobilenet_v2: [/conv_(dw|pw)_/, 'conv_pw_13_relu', 'conv1_relu', 'alpha=0.25', 'applications.MobileNet(', '7, 7, 256', 'mobilenet_v1', 'MobileNet v1 0.25'],
};
/** The base named in the code, and nothing of the other family's. */
export function expectBase(source: string, input: CodegenInput) {
  const base = baseOf(input);
  for (const name of [base.cutLayer, `${base.embeddingShape.join(', ')}`, base.label]) expect(source).toContain(name);
  if (base.family === 'mobilenet_v2') for (const name of ['out_relu', '7, 7, 1280', base.label]) expect(source).toContain(name);
  for (const foreign of FOREIGN[base.family]) {
    if (typeof foreign === 'string') expect(source.includes(foreign), foreign).toBe(false);
    else expect(source, String(foreign)).not.toMatch(foreign);
  }
  // fine-tuning asked is fine-tuning done, on every base
  expect(source).not.toContain('is not fine-tuned here');
  expect(/fine_tune\(|fineTune\(/.test(source)).toBe(input.head.fineTuneBlocks > 0);
}

/** What each pooling puts before the Dense layers: the layer classes, train.py's calls and the module's. */
export const POOLING_LAYERS: Record<Pooling, string[]> = { regions: ['AveragePooling2D', 'Flatten', 'Rescaling'], average: ['GlobalAveragePooling2D'], flatten: ['Flatten'] };
export const KERAS_POOLING: Record<Pooling, string[]> = {
  regions: [`layers.AveragePooling2D(pool_size=${REGION_POOL}, strides=${REGION_POOL})(x)`, 'layers.Flatten()(x)', `layers.Rescaling(${REGION_SCALE})(x)`],
  average: ['layers.GlobalAveragePooling2D()(x)'],
  flatten: ['layers.Flatten()(x)'],
};
export const tfjsPooling = (channels: number): Record<Pooling, string[]> => ({
  regions: [`tf.layers.averagePooling2d({ inputShape: [7, 7, ${channels}], poolSize: ${REGION_POOL}, strides: ${REGION_POOL} })`, 'tf.layers.flatten()', `tf.layers.rescaling({ scale: ${REGION_SCALE} })`],
  average: [`tf.layers.globalAveragePooling2d({ inputShape: [7, 7, ${channels}] })`],
  flatten: [`tf.layers.flatten({ inputShape: [7, 7, ${channels}] })`],
});

/** Each of `snippets` in `source` in this order, and no other pooling's calls (`all`: every pooling's). */
export function expectPooling(source: string, snippets: string[], all: string[]) {
  let at = 0;
  for (const snippet of snippets) {
    at = source.indexOf(snippet, at) + snippet.length;
    expect(at, snippet).toBeGreaterThanOrEqual(snippet.length);
  }
  for (const other of all) expect(source.includes(other), other).toBe(snippets.includes(other));
}


const PY_ENV = { ...process.env, PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' };

/**
 * A temporary folder for the test file's lifetime (its node_modules linked to this project's, so
 * generated modules import '@tensorflow/tfjs'), `setup` writing more into it; files written there
 * by writeTemp, commands run there by run.
 */
export function tempFolder(setup: (path: (name: string) => string) => void = () => {}) {
  let dir = '';
  let fileCount = 0;
  const path = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'codegen-'));
    symlinkSync(resolve('node_modules'), path('node_modules'), 'dir');
    setup(path);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    path,
    next: () => ++fileCount,
    writeTemp(extension: string, text: string): string {
      const file = path(`file${++fileCount}${extension}`);
      writeFileSync(file, text);
      return file;
    },
    run(command: string, args: string[]) {
      const result = spawnSync(command, args, { encoding: 'utf8', env: PY_ENV, cwd: dir, maxBuffer: 64 << 20 });
      return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
    },
  };
}
