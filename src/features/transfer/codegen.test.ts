/// <reference types="node" />
/**
 * The exported code must be correct, not just look right. Python (no TensorFlow here): py_compile,
 * ast.parse, an undefined-name check (the lesson's example used an unimported `Flatten`), the class
 * names parsed back with ast, and a run of train.py against a stand-in `tensorflow` package that
 * records every call. Each on MobileNet v1 0.25 (the default) and on MobileNet v2 0.35, fine-tuned
 * as the studio does: the convolutions above worker/finetune.ts's cutLayerFor, read off the real
 * model's layers (../shared/models). JavaScript: `node --check` and importing the module. codegen.train.test.ts
 * trains the module on the real MobileNet in Node (weights that must and must not change, no
 * leaked tensors); codegen.parts.test.ts runs parts of the module (buildHead, augment) in-process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASES, type BaseSpec } from './bases';
import { generatePython, generateTfjs, type CodegenInput } from './codegen';
import { jsString } from './codegenJs';
import { KERAS_OPTIMIZERS, pyString } from './codegenPython';
import { CHECK_PY, DRIVER_PY, STUB_PY } from './codegen.pyfixtures';
import { cutLayerFor } from './worker/finetune';
import { MODEL_DIR_V2 } from './worker/mobilenet.testutil';
import { DEFAULT_HEAD, HOSTED_MOBILENET_URL, LESSON_HEAD, POOLINGS, refits, REGION_POOL, REGION_SCALE, TRUNCATION_LAYER, type Pooling } from './meta';

const V2 = BASES['mobilenet_v2_0.35'];
const TRICKY = ['say "hi"', "it's", 'back\\slash', 'C:\\new\\table\\', '中文 类别', '🐱‍👤 ninja', 'two\nlines', 'tab\tand\rcr', 'sep\u2028para\u2029', 'bell\u0007', 'zero\u200bwidth', '"""', "'''", '{x} ${y} `z`', 'é (e\u0301)', '\u00a0nbsp', '\ufeffbom'];

const CASES: [string, CodegenInput][] = [
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
const baseOf = (input: CodegenInput): BaseSpec => input.base ?? BASES['mobilenet_v1_0.25'];
/** Whether the studio fine-tunes: blocks set, on a base it fine-tunes (every base in the registry). */
const fineTuning = (input: CodegenInput) => input.head.fineTuneBlocks > 0 && baseOf(input).fineTunes;
/** Whether the fine-tuning code augments (the settings' augmentation changes something). */
const augmenting = (input: CodegenInput) => {
  const a = input.head.augmentation;
  return fineTuning(input) && input.head.augment && (a.flip || a.rotation > 0 || a.zoom > 0 || a.brightness > 0 || a.contrast > 0);
};
/** Keras's applications class of each family, and what code for the other family must not name. */
const KERAS_APPLICATION = { mobilenet_v1: 'MobileNet', mobilenet_v2: 'MobileNetV2' } as const;
const FOREIGN: Record<BaseSpec['family'], (string | RegExp)[]> = {
  mobilenet_v1: ['MobileNetV2', 'out_relu', '1280', 'mobilenet_v2', 'block_'],
  mobilenet_v2: [/conv_(dw|pw)_/, 'conv_pw_13_relu', 'conv1_relu', 'alpha=0.25', 'applications.MobileNet(', '7, 7, 256', 'mobilenet_v1', 'MobileNet v1 0.25'],
};
/** The base named in the code, and nothing of the other family's. */
function expectBase(source: string, input: CodegenInput) {
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
const POOLING_LAYERS: Record<Pooling, string[]> = { regions: ['AveragePooling2D', 'Flatten', 'Rescaling'], average: ['GlobalAveragePooling2D'], flatten: ['Flatten'] };
const KERAS_POOLING: Record<Pooling, string[]> = {
  regions: [`layers.AveragePooling2D(pool_size=${REGION_POOL}, strides=${REGION_POOL})(x)`, 'layers.Flatten()(x)', `layers.Rescaling(${REGION_SCALE})(x)`],
  average: ['layers.GlobalAveragePooling2D()(x)'],
  flatten: ['layers.Flatten()(x)'],
};
const tfjsPooling = (channels: number): Record<Pooling, string[]> => ({
  regions: [`tf.layers.averagePooling2d({ inputShape: [7, 7, ${channels}], poolSize: ${REGION_POOL}, strides: ${REGION_POOL} })`, 'tf.layers.flatten()', `tf.layers.rescaling({ scale: ${REGION_SCALE} })`],
  average: [`tf.layers.globalAveragePooling2d({ inputShape: [7, 7, ${channels}] })`],
  flatten: [`tf.layers.flatten({ inputShape: [7, 7, ${channels}] })`],
});

/** Each of `snippets` in `source` in this order, and no other pooling's calls (`all`: every pooling's). */
function expectPooling(source: string, snippets: string[], all: string[]) {
  let at = 0;
  for (const snippet of snippets) {
    at = source.indexOf(snippet, at) + snippet.length;
    expect(at, snippet).toBeGreaterThanOrEqual(snippet.length);
  }
  for (const other of all) expect(source.includes(other), other).toBe(snippets.includes(other));
}

let dir = '';
const path = (name: string) => join(dir, name);
const PY_ENV = { ...process.env, PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' };

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: PY_ENV, cwd: dir, maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}
it('python3 is available (the Python checks need it)', () => {
  expect(spawnSync('python3', ['--version']).status).toBe(0);
});

/** Names that are used but never bound (scope-insensitive, like a lenient pyflakes) and CLASS_NAMES as Python reads it. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codegen-'));
  // lets generated modules in the temp folder import '@tensorflow/tfjs' from this project
  symlinkSync(resolve('node_modules'), path('node_modules'), 'dir');
  writeFileSync(path('check.py'), CHECK_PY);
  mkdirSync(path('stub/tensorflow'), { recursive: true });
  writeFileSync(path('stub/tensorflow/__init__.py'), STUB_PY);
  writeFileSync(path('driver.py'), DRIVER_PY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeTemp(extension: string, text: string): string {
  const file = path(`file${++fileCount}${extension}`);
  writeFileSync(file, text);
  return file;
}

function checkPython(source: string): { undefined: string[]; classNames: string[] | null; calls: string[] } {
  const result = run('python3', [path('check.py'), writeTemp('.py', source)]);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

/** Runs train.py on a folder of (empty) image files with the stand-in TensorFlow. */
function mockRun(source: string, classNames: string[], counts: number[]) {
  const data = path(`data${++fileCount}`);
  classNames.forEach((name, k) => {
    mkdirSync(join(data, name), { recursive: true });
    for (let n = 0; n < counts[k]; n++) writeFileSync(join(data, name, `${n}.jpg`), '');
  });
  const out = path(`out${fileCount}`);
  mkdirSync(out);
  const result = run('python3', [path('driver.py'), writeTemp('.py', source), path('stub'), data, out]);
  const line = result.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  return { ...result, out, report: JSON.parse(line?.slice(7) ?? 'null') };
}

/** MobileNet v2's layers as the real model lists them (../shared/models: Keras's names, in order): [name, class]. */
const V2_LAYERS: [string, string][] = JSON.parse(readFileSync(join(MODEL_DIR_V2, 'model.json'), 'utf8')).modelTopology.config.layers.map((layer: { name: string; class_name: string }) => [layer.name, layer.class_name]);
/** The studio's rule on v2 (worker/finetune.ts): the Conv2D and DepthwiseConv2D layers above cutLayerFor(K). */
const v2Trained = (blocks: number) => {
  const cut = V2_LAYERS.findIndex(([name]) => name === cutLayerFor(blocks, V2));
  return V2_LAYERS.slice(cut + 1).filter(([, cls]) => cls === 'Conv2D' || cls === 'DepthwiseConv2D').map(([name]) => name);
};
/** Which layers fine-tuning must make trainable: v1, conv_dw_N / conv_pw_N with N > 13 − K; v2, the studio's rule above. */
const shouldTrain = (name: string, input: CodegenInput) => {
  if (!fineTuning(input)) return false;
  if (baseOf(input).family === 'mobilenet_v2') return v2Trained(input.head.fineTuneBlocks).includes(name);
  const match = /^conv_(dw|pw)_(\d+)$/.exec(name);
  return match !== null && Number(match[2]) > 13 - input.head.fineTuneBlocks;
};

it("v2's trained layers, by the studio's rule: the top blocks' expand / depthwise / project convolutions and Conv_1", () => {
  expect(v2Trained(1)).toEqual(['block_16_expand', 'block_16_depthwise', 'block_16_project', 'Conv_1']);
  expect(v2Trained(2).slice(0, 3)).toEqual(['block_15_expand', 'block_15_depthwise', 'block_15_project']);
  expect(v2Trained(17).slice(0, 3)).toEqual(['expanded_conv_depthwise', 'expanded_conv_project', 'block_1_expand']);
  expect(v2Trained(17)).toHaveLength(2 + 16 * 3 + 1);
});

describe.each(CASES)('train.py: %s', (_, input) => {
  const { head, classNames } = input;
  const base = baseOf(input);
  const source = generatePython(input);

  it('compiles (py_compile, ast.parse) and uses no undefined name', () => {
    const file = writeTemp('.py', source);
    expect(run('python3', ['-m', 'py_compile', file]).stderr).toBe('');
    const parsed = run('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', file]);
    expect(parsed.status, parsed.stderr).toBe(0);
    const checked = checkPython(source);
    expect(checked.undefined).toEqual([]);
    expect(checked.classNames).toEqual(classNames);
    const pooling = POOLING_LAYERS[head.pooling].map((name) => `layers.${name}`);
    expect(checked.calls).toEqual(expect.arrayContaining([...pooling, 'tf.keras.utils.image_dataset_from_directory', `tf.keras.applications.${KERAS_APPLICATION[base.family]}`]));
    expect(checked.calls.filter((call) => call.startsWith('tf.keras.applications.'))).toEqual([`tf.keras.applications.${KERAS_APPLICATION[base.family]}`]);
  });

  it('states the settings in its code', () => {
    expect(source).toContain('from tensorflow.keras import layers');
    expect(source).toContain(`LEARNING_RATE = ${head.learningRate}\n`);
    expect(source).toContain(`tf.keras.optimizers.${KERAS_OPTIMIZERS[head.optimizer]}(learning_rate=learning_rate)`);
    expect(source.includes(`layers.Dense(${head.units}, activation='relu')`)).toBe(head.units > 0);
    expect(source.includes('layers.Dropout(')).toBe(head.dropout > 0);
    const dense = head.units > 0 ? `layers.Dense(${head.units}, activation='relu')(x)` : "layers.Dense(num_classes, activation='softmax')(x)";
    expectPooling(source, [...KERAS_POOLING[head.pooling], dense], POOLINGS.flatMap((p) => KERAS_POOLING[p]));
    expect(source.includes('def fine_tune(')).toBe(fineTuning(input));
    expect(source.includes('def augmentation(')).toBe(augmenting(input));
    expect(source).toContain(`TRUNCATION_LAYER = '${base.cutLayer}'\nEMBEDDING_SHAPE = (7, 7, ${base.embeddingShape[2]})\n`);
    expect(source).toContain(`    base = tf.keras.applications.${KERAS_APPLICATION[base.family]}(\n        input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), alpha=args.base_alpha, include_top=False, weights=weights)\n`);
    expect(source).toContain(`BASE_ALPHA = ${base.alpha === 1 ? '1.0' : base.alpha}  # the base's width multiplier\n`);
    expect(source).toContain(`    """${base.label} (ImageNet weights) cut at ${base.cutLayer} and frozen: the weights the browser used,\n`);
    expectBase(source, input);
    expect(source).toMatch(/^# Studio settings that produced this script:$/m);
    expect(source).toContain("if __name__ == '__main__':\n    main()");
  });

  it('does what the studio does when run (against a stand-in TensorFlow)', () => {
    const counts = input.imagesPerClass ?? classNames.map(() => 2);
    const { status, stdout, stderr, out, report } = mockRun(source, classNames, counts);
    expect(status, stderr).toBe(0);
    expect(stdout).not.toContain('note:');
    expect(JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'))).toEqual(classNames);
    expect(existsSync(join(out, 'classifier.keras'))).toBe(true);
    const [dataset] = report.datasets;
    expect(dataset).toMatchObject({ class_names: classNames, label_mode: 'categorical', image_size: [224, 224], batch_size: head.batchSize, seed: head.seed });
    expect(dataset.subset).toBe(head.validationSplit > 0 ? 'both' : undefined);
    expect(report.application).toBe(KERAS_APPLICATION[base.family]);
    expect(report.mobilenet).toEqual({ input_shape: [224, 224, 3], alpha: base.alpha, include_top: false, weights: 'imagenet' });
    // With the refit (HeadConfig.refit), the model is built, compiled and fitted a second time, on every image.
    const refit = refits({ ...head, fineTuneBlocks: fineTuning(input) ? head.fineTuneBlocks : 0 });
    const builds = <T,>(list: T[]) => (refit ? [...list, ...list] : list);
    expect(report.baseCalls).toEqual(builds([{ training: false }]));
    const regions = head.pooling === 'regions';
    // the input's x / 127.5 - 1, then (regions) x REGION_SCALE
    expect(report.rescaling).toEqual(builds([[[1 / 127.5], { offset: -1 }], ...(regions ? [[[REGION_SCALE], {}]] : [])]));
    expect(report.averagePooling).toEqual(builds(regions ? [[[], { pool_size: REGION_POOL, strides: REGION_POOL }]] : []));
    expect([report.average.length, report.flatten]).toEqual(head.pooling === 'average' ? [builds([1]).length, []] : [0, builds([[[], {}]])]);
    const dropout = head.dropout > 0 ? ['Dropout'] : [];
    const layers = report.layers.filter((name: string) => !name.startsWith('Random'));
    expect(layers).toEqual(builds(['Rescaling', ...POOLING_LAYERS[head.pooling], ...(head.units > 0 ? ['Dense'] : []), ...dropout, 'Dense']));
    const hidden = head.units > 0 ? [[[head.units], { activation: 'relu' }]] : [];
    expect(report.dense).toEqual(builds([...hidden, [[classNames.length], { activation: 'softmax' }]]));
    expect(report.dropout.map((call: unknown[]) => (call[0] as number[])[0])).toEqual(builds(head.dropout > 0 ? [head.dropout] : []));
    const rates = fineTuning(input) ? [head.learningRate, head.fineTuneLearningRate] : builds([head.learningRate]);
    expect(report.optimizers[KERAS_OPTIMIZERS[head.optimizer]].map((call: [unknown, { learning_rate: number }]) => call[1].learning_rate)).toEqual(rates);
    expect(report.compile).toEqual(rates.map(() => ({ loss: 'categorical_crossentropy', metrics: ['accuracy'] })));
    const validation = head.validationSplit > 0;
    const fits: Record<string, unknown>[] = [{ epochs: head.epochs, validation }];
    if (fineTuning(input)) fits.push({ initial_epoch: head.epochs, epochs: head.epochs + head.fineTuneEpochs, validation });
    if (refit) fits.push({ epochs: head.epochs, validation: false });
    expect(report.fit).toEqual(fits);
    expect(Object.keys(report.trainable).at(-1)).toBe(base.cutLayer);
    for (const [name, trainable] of Object.entries(report.trainable)) expect([name, trainable]).toEqual([name, shouldTrain(name, input)]);
    if (base.family === 'mobilenet_v2') {
      // the stand-in has the real layers' names (Keras's), and every layer the studio trains
      expect(V2_LAYERS.map(([name]) => name)).toEqual(expect.arrayContaining(Object.keys(report.trainable)));
      if (fineTuning(input)) expect(Object.keys(report.trainable).filter((name) => report.trainable[name])).toEqual(v2Trained(head.fineTuneBlocks));
    }
    // The studio's augmentation, layer by layer (only the settings that change something).
    const a = head.augmentation;
    const augments = augmenting(input);
    const resampled = { fill_mode: 'reflect', interpolation: 'bilinear' };
    expect(report.randomFlip).toEqual(augments && a.flip ? [[['horizontal'], { seed: head.seed }]] : []);
    expect(report.randomRotation).toEqual(augments && a.rotation > 0 ? [[[a.rotation / 360], { ...resampled, seed: head.seed + 1 }]] : []);
    expect(report.randomZoom).toEqual(augments && a.zoom > 0 ? [[[], { height_factor: [-a.zoom, 0], ...resampled, seed: head.seed + 2 }]] : []);
    expect(report.randomBrightness).toEqual(augments && a.brightness > 0 ? [[[a.brightness], { seed: head.seed + 3 }]] : []);
    expect(report.randomContrast).toEqual(augments && a.contrast > 0 ? [[[a.contrast], { seed: head.seed + 4 }]] : []);
    expect(report.augmentCalls).toEqual(augments ? [[['images'], { training: true }]] : []);
  });
});

describe('train.py: the checks can fail', () => {
  const input = CASES[1][1];
  const source = generatePython(input);

  it("catches the lesson's bug: an unimported Flatten", () => {
    expect(checkPython(source.replace('layers.Flatten()', 'Flatten()')).undefined).toEqual(['Flatten']);
    expect(checkPython(source.replace('from tensorflow.keras import layers\n', '')).undefined).toEqual(['layers']);
  });

  it('catches naive quoting, and warns about missing images', () => {
    expect(checkPython('CLASS_NAMES = ["two\\nlines"]\n').classNames).not.toEqual(['two\\nlines']); // "…" + name + "…" is not enough
    const { status, stdout } = mockRun(generatePython({ ...input, imagesPerClass: [5, 1] }), input.classNames, [5, 2]);
    expect(status).toBe(0);
    expect(stdout).toContain('note: ');
    const missing = mockRun(source, ['daisy'], [1]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("missing folder for class 'rose'");
  });

  it("catches code for the wrong base: load_base()'s asserts, and the names in the code", () => {
    const v2 = { ...input, base: V2 };
    const v2Source = generatePython(v2);
    for (const [from, to, message] of [
      ["TRUNCATION_LAYER = 'out_relu'", "TRUNCATION_LAYER = 'conv_pw_13_relu'", 'AssertionError: out_relu'],
      ['EMBEDDING_SHAPE = (7, 7, 1280)', 'EMBEDDING_SHAPE = (7, 7, 256)', 'AssertionError: (None, 7, 7, 1280)'],
      ['applications.MobileNetV2(', 'applications.MobileNet(', 'AssertionError: conv_pw_13_relu'],
    ]) {
      const wrong = mockRun(v2Source.replace(from, to), input.classNames, [2, 2]);
      expect(wrong.status, from).not.toBe(0);
      expect(wrong.stderr, from).toContain(message);
    }
    expect(() => expectBase(source, v2)).toThrow();
    expect(() => expectBase(v2Source, input)).toThrow();
    expect(() => expectBase(v2Source.replace('# train.py', '# conv_pw_1 train.py'), v2)).toThrow();
  });
});

describe('pyString', () => {
  it('gives a literal that Python reads back as exactly the string, for every kind of character', () => {
    const values = [...TRICKY, '', '\ud800 lone', 'end \udfff', '\u0000\u001f\u007f\u0085\u009f', '\ue000 private', '\u{10ffff}\u{1f600}\u{e0001}', '\\x41 \\u0041 \\N{DASH}'];
    const source = `CLASS_NAMES = [${values.map(pyString).join(', ')}]\n`;
    expect(checkPython(source).classNames).toEqual(values);
    expect(pyString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(pyString('中文🐱')).toBe('"中文🐱"');
  });
});

describe.each(CASES)('the TensorFlow.js module: %s', (_, input) => {
  const { head, classNames } = input;
  const source = generateTfjs(input);

  it('parses as an ES module (node --check)', () => {
    const result = run(process.execPath, ['--check', writeTemp('.mjs', source)]);
    expect(result.status, result.stderr).toBe(0);
  });

  it('states the settings in its code', () => {
    const base = baseOf(input);
    expect(source).toContain(`export const MODEL_URL = ${jsString(base.hostedUrl)};`);
    expect(source).toContain(`export const TRUNCATION_LAYER = ${jsString(base.cutLayer)};`);
    if (base.family === 'mobilenet_v1') expect([base.hostedUrl, base.cutLayer]).toEqual([HOSTED_MOBILENET_URL, TRUNCATION_LAYER]);
    else expect(base.hostedUrl).toMatch(new RegExp(`mobilenet_v2_.*_${base.alpha.toFixed(2).replace('.', '\\.')}_224_no_top/model\\.json$`));
    expectBase(source, input);
    expect(source).toContain("import * as tf from '@tensorflow/tfjs';");
    expect(source).toContain('tf.model({ inputs: mobilenet.inputs, outputs: layer.output })');
    expect(source).toContain(`return tf.train.${head.optimizer}(learningRate);`);
    expect(source).toContain(`  learningRate: ${head.learningRate},\n`);
    expect(source.includes(`tf.layers.dense({ units: ${head.units}, activation: 'relu'`)).toBe(head.units > 0);
    const dense = head.units > 0 ? `tf.layers.dense({ units: ${head.units}, activation: 'relu'` : "tf.layers.dense({ units: CLASS_NAMES.length, activation: 'softmax'";
    const pooling = tfjsPooling(base.embeddingShape[2]);
    expectPooling(source, [...pooling[head.pooling], dense], [256, 1280].flatMap((c) => POOLINGS.flatMap((p) => tfjsPooling(c)[p])));
    expect(source.includes(`tf.layers.dropout({ rate: ${head.dropout}`)).toBe(head.dropout > 0);
    expect(source.includes('async function fineTune(')).toBe(fineTuning(input));
    expect(source.includes('fineTune(base, head, split, onEpochEnd)')).toBe(fineTuning(input));
    expect(source.includes('function augment(')).toBe(augmenting(input));
    expect(classNames.every((name) => source.includes(`  ${jsString(name)},\n`))).toBe(true);
  });
});

const LOADER_MJS = `
const results = [];
for (const file of process.argv.slice(2)) {
  const m = await import(file);
  const head = m.buildHead();
  const c = (l) => l.getConfig();
  const layers = head.layers.map((l) => [l.getClassName(), c(l).units ?? c(l).rate ?? c(l).scale ?? c(l).poolSize ?? null, c(l).activation ?? c(l).strides ?? null]);
  const pooled = head.layers.find((l) => l.getClassName() === 'Dense').input.shape;
  results.push({ exports: Object.keys(m).sort(), classNames: m.CLASS_NAMES, settings: m.SETTINGS, layers, input: head.inputs[0].shape, pooled, output: head.outputs[0].shape,
    cut: m.TRUNCATION_LAYER, url: m.MODEL_URL });
  head.dispose();
}
console.log('RESULT ' + JSON.stringify(results));
`;

describe('the TensorFlow.js modules, imported', () => {
  it('load, export the API, and build the configured head with tfjs', () => {
    const files = CASES.map(([, input]) => writeTemp('.mjs', generateTfjs(input)));
    const result = run(process.execPath, [writeTemp('.mjs', LOADER_MJS), ...files]);
    expect(result.status, result.stderr).toBe(0);
    const loaded = JSON.parse(result.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
    CASES.forEach(([, input], k) => {
      const { head, classNames } = input;
      const base = baseOf(input);
      const channels = base.embeddingShape[2];
      const { exports, classNames: names, settings, layers, input: inputShape, pooled, output, cut, url } = loaded[k];
      expect([cut, url]).toEqual([base.cutLayer, base.hostedUrl]);
      expect(exports).toEqual(['CLASS_NAMES', 'IMAGE_SIZE', 'MODEL_URL', 'SETTINGS', 'TRUNCATION_LAYER', 'buildHead', 'embed', 'loadBase', 'predict', 'preprocess', 'splitByClass', 'train']);
      expect(names).toEqual(classNames);
      expect(settings).toEqual(head);
      const region = [REGION_POOL, REGION_POOL];
      const expected: unknown[][] = {
        regions: [['AveragePooling2D', region, region], ['Flatten', null, null], ['Rescaling', REGION_SCALE, null]],
        average: [['GlobalAveragePooling2D', null, null]],
        flatten: [['Flatten', null, null]],
      }[head.pooling];
      if (head.units > 0) expected.push(['Dense', head.units, 'relu']);
      if (head.dropout > 0) expected.push(['Dropout', head.dropout, null]);
      expect(layers).toEqual([...expected, ['Dense', classNames.length, 'softmax']]);
      expect(inputShape).toEqual([null, 7, 7, channels]);
      expect(pooled).toEqual([null, { regions: 4 * channels, average: channels, flatten: 49 * channels }[head.pooling]]);
      if (base.family === 'mobilenet_v2') expect(pooled[1]).toBe({ regions: 5120, average: 1280, flatten: 62720 }[head.pooling]);
      expect(output).toEqual([null, classNames.length]);
    });
  });

  it('catches a syntax error', () => {
    const broken = generateTfjs(CASES[0][1]).replace(/\}\n$/, '\n');
    expect(run(process.execPath, ['--check', writeTemp('.mjs', broken)]).status).not.toBe(0);
  });
});
