/// <reference types="node" />
/**
 * The exported code must be correct, not just look right. Python (no TensorFlow here): py_compile,
 * ast.parse, an undefined-name check (the lesson's example used an unimported `Flatten`), the class
 * names parsed back with ast, and a run of train.py against a stand-in `tensorflow` package that
 * records every call. Each on MobileNet v1 0.25 (the default) and on MobileNet v2 0.35, fine-tuned
 * as the studio does: the convolutions above worker/finetune.ts's cutLayerFor, read off the real
 * model's layers (../shared/models). The TensorFlow.js module's checks are in codegen.tfjs.test.ts; codegen.train.test.ts
 * trains the module on the real MobileNet in Node (weights that must and must not change, no
 * leaked tensors); codegen.parts.test.ts runs parts of the module (buildHead, augment) in-process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePython, type CodegenInput } from './codegen';
import { KERAS_OPTIMIZERS, pyString } from './codegenPython';
import { CHECK_PY, DRIVER_PY, STUB_PY } from './codegen.pyfixtures';
import { augmenting, baseOf, CASES, expectBase, expectPooling, fineTuning, KERAS_APPLICATION, KERAS_POOLING, POOLING_LAYERS, tempFolder, TRICKY, V2 } from './codegen.testutil';
import { cutLayerFor } from './worker/finetune';
import { MODEL_DIR_V2 } from './worker/mobilenet.testutil';
import { POOLINGS, refits, REGION_POOL, REGION_SCALE } from './meta';

it('python3 is available (the Python checks need it)', () => {
  expect(spawnSync('python3', ['--version']).status).toBe(0);
});

/**
 * The stand-in's image decoders (check_folders decodes every photo): mockRun's photos are empty files,
 * read as images; other bytes that are not a JPEG fail as TensorFlow's decoder fails.
 */
const STUB_IO_PY = `
def decode_image(data, **kwargs):
    if data:
        raise OpError('{{function_node __wrapped__DecodeImage}} Unknown image file format. One of JPEG, PNG, GIF, BMP required. [Op:DecodeImage]')
io.decode_image.side_effect = decode_image
`;

const { path, next, writeTemp, run } = tempFolder((path) => {
  writeFileSync(path('check.py'), CHECK_PY);
  mkdirSync(path('stub/tensorflow'), { recursive: true });
  writeFileSync(path('stub/tensorflow/__init__.py'), STUB_PY + STUB_IO_PY);
  writeFileSync(path('driver.py'), DRIVER_PY);
});

/** Names that are used but never bound (scope-insensitive, like a lenient pyflakes) and CLASS_NAMES as Python reads it. */
function checkPython(source: string): { undefined: string[]; classNames: string[] | null; calls: string[] } {
  const result = run('python3', [path('check.py'), writeTemp('.py', source)]);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

/** Runs train.py on a folder of (empty) image files, and `extra` files (path in the data folder → content), with the stand-in TensorFlow. */
function mockRun(source: string, classNames: string[], counts: number[], extra: Record<string, string> = {}) {
  const count = next();
  const data = path(`data${count}`);
  classNames.forEach((name, k) => {
    mkdirSync(join(data, name), { recursive: true });
    for (let n = 0; n < counts[k]; n++) writeFileSync(join(data, name, `${n}.jpg`), '');
  });
  for (const [file, content] of Object.entries(extra)) writeFileSync(join(data, file), content);
  const out = path(`out${count}`);
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

  it('stops before training on a file that is not an image, naming it (system files are skipped)', () => {
    const bad = mockRun(source, input.classNames, [2, 2], { 'rose/notes.txt': 'a note', 'daisy/fake.jpg': 'not a JPEG', 'rose/.DS_Store': '', 'rose/Thumbs.db': '' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('2 file(s) in ');
    expect(bad.stderr).toContain(`  ${join('daisy', 'fake.jpg')}: not an image TensorFlow can read (Unknown image file format.`);
    expect(bad.stderr).toContain(`  ${join('rose', 'notes.txt')}: not an image file (Keras reads .jpg, .jpeg, .png, .bmp, .gif)`);
    expect(bad.stderr).not.toMatch(/DS_Store|Thumbs/);
    expect(bad.report.fit).toEqual([]);
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
