/// <reference types="node" />
/**
 * The TensorFlow.js module the studio generates: it parses (`node --check`), states the settings,
 * base and pooling in its code, and, imported in Node, exports its API and builds the configured
 * head with tfjs (codegen.test.ts checks train.py; codegen.train.test.ts trains the module).
 */
import { describe, expect, it } from 'vitest';
import { generateTfjs } from './codegen';
import { jsString } from './codegenJs';
import { HOSTED_MOBILENET_URL, POOLINGS, REGION_POOL, REGION_SCALE, TRUNCATION_LAYER } from './meta';
import { augmenting, baseOf, CASES, expectBase, expectPooling, fineTuning, tempFolder, tfjsPooling } from './codegen.testutil';

const { writeTemp, run } = tempFolder();

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
