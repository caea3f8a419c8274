/**
 * Parts of the exported code checked in this process, without Python or a Node subprocess: the
 * head's layers for each pooling (the generated buildHead() run with this tfjs against the studio's
 * buildHead, on MobileNet v1 0.25's and v2 0.35's embeddings), the base each part names, the
 * generated cutLayerFor() against the studio's (worker/finetune.ts), the input checks, and the
 * generated augment() against the studio's augmentation.
 * codegen.test.ts checks the whole train.py and module.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/random';
import { augmentTensor } from './worker/augment';
import { cutLayerFor } from './worker/finetune';
import { buildHead } from './worker/head';
import { BASE_IDS, BASES, type BaseSpec } from './bases';
import { checkInput, generatePython, generateTfjs, headSummary, settingsSummary, type CodegenInput } from './codegen';
import { DEFAULT_AUGMENTATION, DEFAULT_HEAD, LESSON_HEAD, POOLINGS, type Augmentation, type HeadConfig, type Pooling } from './meta';

/** Each of `snippets` in `source`, in this order (none before the previous one ends). */
function expectInOrder(source: string, snippets: string[]): void {
  let at = 0;
  for (const snippet of snippets) {
    const found = source.indexOf(snippet, at);
    expect(found, `${snippet} after offset ${at}`).toBeGreaterThanOrEqual(at);
    at = found + snippet.length;
  }
}

/** A function of the generated module, taken out of it and run with this tfjs. */
function generated<T>(source: string, name: string, scope: Record<string, unknown>): T {
  const start = source.indexOf(`function ${name}(`);
  const body = source.slice(start, source.indexOf('\n}\n', start) + 2);
  return new Function('tf', ...Object.keys(scope), `${body}\nreturn ${name};`)(tf, ...Object.values(scope));
}

const V1 = BASES['mobilenet_v1_0.25'];
const V2: BaseSpec = BASES['mobilenet_v2_0.35'];

/** A layer's class and the settings that matter here. */
const KEYS = ['units', 'activation', 'rate', 'poolSize', 'strides', 'padding', 'scale', 'offset'];
const describeLayers = (model: tf.LayersModel) => model.layers.map((layer) => {
  const config = layer.getConfig();
  return [layer.getClassName(), Object.fromEntries(KEYS.filter((key) => config[key] !== undefined).map((key) => [key, config[key]])), layer.outputShape];
});

describe('the default head: regions', () => {
  const input: CodegenInput = { head: DEFAULT_HEAD, classNames: ['a', 'b', 'c'] };

  it('is the default', () => expect(DEFAULT_HEAD.pooling).toBe('regions'));

  it('is AveragePooling2D(3, strides 3) -> Flatten -> Rescaling(0.1) -> Dense(softmax) in train.py, with the shapes, then the refit', () => {
    expectInOrder(generatePython(input), [
      "    # The mean of each 3 x 3 region, stride 3 ('valid'): the 2 x 2 regions of the top-left 6 x 6 cells.",
      '    x = layers.AveragePooling2D(pool_size=3, strides=3)(x)  # [batch, 2, 2, 256]\n',
      '    x = layers.Flatten()(x)  # [batch, 2 * 2 * 256 = 1024]\n',
      '    x = layers.Rescaling(0.1)(x)  # [batch, 1024], x 0.1\n',
      "    outputs = layers.Dense(num_classes, activation='softmax')(x)\n",
      "        history['head'] = fit(model, args, strategy, train_ds, validation_data=val_ds, epochs=args.epochs)\n",
      '        if REFIT:\n',
      '            tf.keras.utils.set_random_seed(SEED)\n',
      "            history['refit'] = fit(model, args, strategy, train_ds.concatenate(val_ds), epochs=args.epochs)\n",
    ]);
    expect(generatePython(input)).not.toContain("activation='relu'");
    expect(generatePython(input)).toMatch(/^REFIT = True/m);
    // No refit without a validation set, when asked not to, or when fine-tuning.
    for (const head of [{ ...DEFAULT_HEAD, validationSplit: 0 }, { ...DEFAULT_HEAD, refit: false }, { ...DEFAULT_HEAD, fineTuneBlocks: 1 }]) {
      expect(generatePython({ ...input, head })).not.toContain('REFIT');
      expect(generateTfjs({ ...input, head })).not.toContain('head = buildHead();\n  await trainHead(');
    }
  });

  it('is the same in the TensorFlow.js module and its header', () => {
    const source = generateTfjs(input);
    expectInOrder(source, [
      '//   head: AveragePooling2D(3, strides 3) -> Flatten -> Rescaling(0.1) -> Dense(3, softmax)\n',
      '  head.add(tf.layers.averagePooling2d({ inputShape: [7, 7, 256], poolSize: 3, strides: 3 })); // [batch, 2, 2, 256]\n',
      '  head.add(tf.layers.flatten()); // 2 * 2 * 256 = 1024 values\n',
      '  head.add(tf.layers.rescaling({ scale: 0.1 })); // [batch, 1024], x 0.1\n',
      "  head.add(tf.layers.dense({ units: CLASS_NAMES.length, activation: 'softmax'",
      '  const history = await trainHead(base, head, split, onEpochEnd);\n',
      '  head = buildHead();\n',
      '  await trainHead(base, head, { train: [...split.train, ...split.validation], validation: [] });\n',
    ]);
    expect(source).not.toContain('globalAveragePooling2d');
    expect(source).not.toContain("activation: 'relu'");
    expect(source).toContain('  refit: true,\n');
    expect(headSummary(DEFAULT_HEAD, 3)).toBe('AveragePooling2D(3, strides 3) -> Flatten -> Rescaling(0.1) -> Dense(3, softmax)');
  });
});

describe.each<[Pooling, string]>([
  ['regions', 'AveragePooling2D(3, strides 3) -> Flatten -> Rescaling(0.1)'],
  ['average', 'GlobalAveragePooling2D'],
  ['flatten', 'Flatten'],
])('pooling %s', (pooling, summary) => {
  const heads: HeadConfig[] = [
    { ...DEFAULT_HEAD, pooling },
    { ...DEFAULT_HEAD, pooling, units: 0, dropout: 0.25, seed: 7 },
  ];

  it('is one of POOLINGS and summed up as Keras layers', () => {
    expect(POOLINGS).toContain(pooling);
    expect(headSummary({ ...DEFAULT_HEAD, pooling, units: 0 }, 2)).toBe(`${summary} -> Dense(2, softmax)`);
  });

  const cases = [V1, V2].flatMap((base) => heads.map((head) => ({ ...head, base })));
  it.each(cases)('builds exactly the studio\'s head on $base.label (units $units, dropout $dropout)', async ({ base, ...head }) => {
    await tf.setBackend('cpu');
    const classNames = ['a', 'b', 'c'];
    const build = generated<() => tf.Sequential>(generateTfjs({ head, classNames, base }), 'buildHead', { SETTINGS: head, CLASS_NAMES: classNames });
    const [fromCode, fromStudio] = [build(), buildHead(head, classNames.length, base.embeddingShape)];
    expect(describeLayers(fromCode)).toEqual(describeLayers(fromStudio));
    expect(fromCode.inputs[0].shape).toEqual([null, ...base.embeddingShape]);
    // the same initial weights (seeded), so the same outputs
    const x = tf.randomUniform([2, ...base.embeddingShape], 0, 6, 'float32', 3);
    const [a, b] = [fromCode.predict(x) as tf.Tensor, fromStudio.predict(x) as tf.Tensor];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    fromCode.dispose();
    fromStudio.dispose();
  });
});

describe('the base', () => {
  const input: CodegenInput = { head: { ...DEFAULT_HEAD, fineTuneBlocks: 3 }, classNames: ['a', 'b'] };

  it('is MobileNet v1 0.25 by default: the same code as with the base named', () => {
    expect(generatePython(input)).toBe(generatePython({ ...input, base: V1 }));
    expect(generateTfjs(input)).toBe(generateTfjs({ ...input, base: V1 }));
    expect(settingsSummary(input)[0]).toBe('base: MobileNet v1 0.25 @ 224 (ImageNet), cut at conv_pw_13_relu -> [7, 7, 256], frozen');
    expect(settingsSummary(input)[4]).toBe('fine-tuning: top 3 block(s) (blocks 11-13), 5 epochs, learning rate 0.0001, augmentation on (flip, zoom-in up to 20 %)');
  });

  it('is named in the settings summary, with the blocks fine-tuned in its numbering (v2: 0-16, then Conv_1)', () => {
    expect(settingsSummary({ ...input, base: V2 })[0]).toBe('base: MobileNet v2 0.35 @ 224 (ImageNet), cut at out_relu -> [7, 7, 1280], frozen');
    expect(settingsSummary({ ...input, base: V2 })[4]).toBe('fine-tuning: top 3 block(s) (blocks 14-16, then Conv_1), 5 epochs, learning rate 0.0001, augmentation on (flip, zoom-in up to 20 %)');
    const blocks = (fineTuneBlocks: number, base: BaseSpec) => settingsSummary({ ...input, head: { ...input.head, fineTuneBlocks }, base })[4].split(', ').slice(0, base === V1 ? 1 : 2).join(', ');
    expect(blocks(1, V2)).toBe('fine-tuning: top 1 block(s) (block 16, then Conv_1)');
    expect(blocks(17, V2)).toBe('fine-tuning: top 17 block(s) (blocks 0-16 (0: expanded_conv), then Conv_1)');
    expect([blocks(1, V1), blocks(13, V1)]).toEqual(['fine-tuning: top 1 block(s) (block 13)', 'fine-tuning: top 13 block(s) (blocks 1-13)']);
    expect(settingsSummary({ ...input, head: DEFAULT_HEAD, base: V2 })[4]).toBe('fine-tuning: off (head only)');
  });

  it.each([V1, V2])("$label: the module's cutLayerFor() is the studio's, for every number of blocks", (base) => {
    const cut = generated<(blocks: number) => string>(generateTfjs({ ...input, base }), 'cutLayerFor', {});
    for (let blocks = 1; blocks <= base.blocks; blocks++) expect([blocks, cut(blocks)]).toEqual([blocks, cutLayerFor(blocks, base)]);
  });

  it.each(BASE_IDS)('%s: Keras constructor, cut layer, shape and hosted URL in the code', (id) => {
    const base = BASES[id];
    const python = generatePython({ ...input, base });
    const js = generateTfjs({ ...input, base });
    const [application, args] = [base.keras.slice(0, base.keras.indexOf('(')), base.keras.slice(base.keras.indexOf('(') + 1)];
    expectInOrder(python, [
      `# train.py: transfer learning on ${base.label}, exported from Neural Playground.\n`,
      `BASE_ALPHA = ${base.alpha === 1 ? '1.0' : base.alpha}  # the base's width multiplier\nTRUNCATION_LAYER = '${base.cutLayer}'\nEMBEDDING_SHAPE = (${base.embeddingShape.join(', ')})\n`,
      `    """${base.label} (ImageNet weights) cut at ${base.cutLayer} and frozen: the weights the browser used,\n`,
      `    base = ${application}(\n        ${args.replace('(224, 224, 3)', '(IMAGE_SIZE, IMAGE_SIZE, 3)').replace(/alpha=[0-9.]+/, 'alpha=args.base_alpha').replace("weights='imagenet'", 'weights=weights')}\n`,
      `    # Without its top, Keras's ${base.label} already ends at ${base.cutLayer}: [batch, ${base.embeddingShape.join(', ')}].\n`,
    ]);
    expect(python).toContain('alpha=args.base_alpha, include_top=False, weights=weights)');
    expectInOrder(js, [
      `// Transfer learning on ${base.label} with TensorFlow.js`,
      `export const MODEL_URL = ${JSON.stringify(base.hostedUrl)};\n`,
      `/** The layer where ${base.label} is cut: its output is [batch, ${base.embeddingShape.join(', ')}]. */\nexport const TRUNCATION_LAYER = "${base.cutLayer}";\n`,
      `-> [batch, ${base.embeddingShape.join(', ')}]. */\nexport async function loadBase(`,
      `in batches: [n, ${base.embeddingShape.join(', ')}]`,
      `inputShape: [${base.embeddingShape.join(', ')}]`,
    ]);
    const v2 = base.family === 'mobilenet_v2';
    for (const source of [python, js]) {
      expect(source.includes('conv_pw_'), id).toBe(!v2);
      expect(/fine_tune\(|fineTune\(/.test(source), id).toBe(true);
    }
    expect(python.includes('MobileNetV2(') && python.includes("'out_relu'") && python.includes('(7, 7, 1280)')).toBe(v2);
    // v2: its blocks' convolutions and Conv_1 unfrozen in train.py; the module follows the graph above the cut
    expect(python.includes("layer.trainable = in_top_blocks or layer.name == 'Conv_1'")).toBe(v2);
    expect(js.includes("if (below === 0) return 'expanded_conv_project_BN';")).toBe(v2);
    expect(js).toContain('const inputs = layer.inboundNodes[0].inboundLayers.map((from) => outputs.get(from.name));');
  });

  it('on a base the studio does not fine-tune (BaseSpec.fineTunes false), is the head-only code: fine-tuning settings change only the summary line (and SETTINGS in the module)', () => {
    const diff = (a: string, b: string) => {
      const [x, y] = [a.split('\n'), b.split('\n')];
      expect(x).toHaveLength(y.length);
      return x.flatMap((line, k) => (line === y[k] ? [] : [[line, y[k]]]));
    };
    const notFineTuned: BaseSpec = { ...V2, fineTunes: false };
    const asked = { ...input, base: notFineTuned, head: { ...input.head, fineTuneBlocks: 13, fineTuneEpochs: 9, augmentation: { flip: true, rotation: 30, zoom: 0.3, brightness: 0.2, contrast: 0.4 } } };
    const headOnly = { ...asked, head: { ...asked.head, fineTuneBlocks: 0 } };
    const line = 'fine-tuning: off (head only): 13 block(s) set, but MobileNet v2 0.35 is not fine-tuned here';
    expect(diff(generatePython(asked), generatePython(headOnly))).toEqual([[`#   ${line}`, '#   fine-tuning: off (head only)']]);
    expect(diff(generateTfjs(asked), generateTfjs(headOnly))).toEqual([[`//   ${line}`, '//   fine-tuning: off (head only)'], ['  fineTuneBlocks: 13,', '  fineTuneBlocks: 0,']]);
    // on the registry's bases the same settings do fine-tune: the check sees a difference
    for (const base of [V1, V2]) expect(generatePython({ ...asked, base }).split('\n').length).toBeGreaterThan(generatePython({ ...headOnly, base }).split('\n').length + 10);
  });

  it("catches a head built for the other base's embedding", async () => {
    await tf.setBackend('cpu');
    const build = generated<() => tf.Sequential>(generateTfjs({ ...input, base: V1 }), 'buildHead', { SETTINGS: DEFAULT_HEAD, CLASS_NAMES: ['a', 'b'] });
    const [fromCode, fromStudio] = [build(), buildHead(DEFAULT_HEAD, 2, V2.embeddingShape)];
    expect(describeLayers(fromCode)).not.toEqual(describeLayers(fromStudio));
    fromCode.dispose();
    fromStudio.dispose();
  });
});

describe('checkInput', () => {
  const ok: CodegenInput = { head: DEFAULT_HEAD, classNames: ['a', 'b'] };
  it.each<[string, CodegenInput]>([
    ['NaN learning rate', { ...ok, head: { ...DEFAULT_HEAD, learningRate: NaN } }],
    ['fractional units', { ...ok, head: { ...DEFAULT_HEAD, units: 1.5 } }],
    ['14 fine-tuning blocks (MobileNet v1 has 13)', { ...ok, head: { ...DEFAULT_HEAD, fineTuneBlocks: 14 } }],
    ['18 fine-tuning blocks on v2 (it has 17)', { ...ok, head: { ...DEFAULT_HEAD, fineTuneBlocks: 18 }, base: V2 }],
    ['unknown optimizer', { ...ok, head: { ...DEFAULT_HEAD, optimizer: 'lbfgs' as never } }],
    ['unknown pooling', { ...ok, head: { ...DEFAULT_HEAD, pooling: 'max' as never } }],
    ['duplicate class names', { ...ok, classNames: ['a', 'a'] }],
    ['an empty class name', { ...ok, classNames: ['a', ''] }],
    ['a lone surrogate', { ...ok, classNames: ['a', '\ud83d'] }],
    ['counts that do not match the classes', { ...ok, imagesPerClass: [1] }],
    ['a negative rotation', { ...ok, head: { ...DEFAULT_HEAD, augmentation: { ...DEFAULT_HEAD.augmentation, rotation: -5 } } }],
    ['a NaN contrast', { ...ok, head: { ...DEFAULT_HEAD, augmentation: { ...DEFAULT_HEAD.augmentation, contrast: NaN } } }],
    ['an unknown base', { ...ok, base: { ...V2, id: 'resnet50' as never } }],
  ])('rejects %s', (_, input) => {
    expect(() => checkInput(input)).toThrow(RangeError);
    expect(() => generatePython(input)).toThrow(RangeError);
    expect(() => generateTfjs(input)).toThrow(RangeError);
  });
  it('accepts the presets', () => expect(() => checkInput({ ...ok, head: LESSON_HEAD, imagesPerClass: [0, 3] })).not.toThrow());
  it("accepts up to the base's blocks: 13 on v1, 17 on v2", () => {
    expect(() => checkInput({ ...ok, head: { ...DEFAULT_HEAD, fineTuneBlocks: 13 } })).not.toThrow();
    expect(() => checkInput({ ...ok, head: { ...DEFAULT_HEAD, fineTuneBlocks: 17 }, base: V2 })).not.toThrow();
  });
  it.each(POOLINGS)('accepts pooling %s', (pooling) => expect(() => checkInput({ ...ok, head: { ...DEFAULT_HEAD, pooling } })).not.toThrow());
});

describe("the TensorFlow.js module's augment()", () => {
  /** The generated function, taken out of the module and run with this tfjs. */
  function generatedAugment(augmentation: Augmentation): (images: tf.Tensor4D, random: () => number) => tf.Tensor4D {
    const source = generateTfjs({ head: { ...DEFAULT_HEAD, fineTuneBlocks: 1, augmentation }, classNames: ['a', 'b'] });
    return generated(source, 'augment', { SETTINGS: { augmentation } });
  }

  it.each<[string, Augmentation]>([
    ['the default flip + zoom', DEFAULT_AUGMENTATION],
    ['everything on', { flip: true, rotation: 30, zoom: 0.3, brightness: 0.2, contrast: 0.4 }],
    ['rotation and brightness', { flip: false, rotation: 45, zoom: 0, brightness: 0.3, contrast: 0 }],
  ])('makes exactly the studio\'s images for a seed: %s', async (_, augmentation) => {
    await tf.setBackend('cpu');
    const x = tf.randomUniform([3, 20, 20, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const fromCode = generatedAugment(augmentation)(x, mulberry32(9));
    const fromStudio = augmentTensor(x, augmentation, mulberry32(9));
    expect(fromCode.shape).toEqual([3, 20, 20, 3]);
    expect(Array.from(fromCode.dataSync())).toEqual(Array.from(fromStudio.dataSync()));
    tf.dispose([x, fromCode, fromStudio]);
  });
});
