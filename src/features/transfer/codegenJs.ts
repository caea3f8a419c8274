/**
 * The TensorFlow.js export: a complete ES module (browser or Node) that trains the studio's
 * classifier on MobileNet. Pure string building. Built by generateTfjs in ./codegen.
 */
import type { BaseSpec } from './bases';
import type { ResolvedInput } from './codegen';
import type { HeadConfig, Pooling } from './meta';
import { fineTuneFunctions } from './codegenJsFineTune';
import { IMAGE_SIZE, refits, REGION_POOL, REGION_SCALE } from './meta';

/** A JavaScript string literal for any string (JSON, with U+2028 / U+2029 escaped as well). */
export function jsString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** How each pooling takes the [7, 7, channels] embedding to a vector, as Keras layers in one line. */
const POOLING_SUMMARY: Record<Pooling, string> = {
  regions: `AveragePooling2D(${REGION_POOL}, strides ${REGION_POOL}) -> Flatten -> Rescaling(${REGION_SCALE})`,
  average: 'GlobalAveragePooling2D',
  flatten: 'Flatten',
};

/** The head as one line, e.g. "GlobalAveragePooling2D -> Dense(100, relu) -> Dense(3, softmax)". */
export function headSummary(head: HeadConfig, numClasses: number | string): string {
  const parts = [POOLING_SUMMARY[head.pooling]];
  if (head.units > 0) parts.push(`Dense(${head.units}, relu)`);
  if (head.dropout > 0) parts.push(`Dropout(${head.dropout})`);
  parts.push(`Dense(${numClasses}, softmax)`);
  return parts.join(' -> ');
}

function header(summary: string[], base: BaseSpec): string[] {
  return [
    `// Transfer learning on ${base.label} with TensorFlow.js, exported from Neural Playground.`,
    '//',
    '// Studio settings that produced this module:',
    ...summary.map((line) => `//   ${line}`),
    '//',
    '// Usage (browser or Node, after `npm install @tensorflow/tfjs`):',
    "//   import { train, predict } from './classifier.mjs';",
    '//   const { classifier } = await train([imagesOfClass0, imagesOfClass1 /* , ... */]);',
    '//   const { className, probabilities } = predict(classifier, image);',
    "//   await classifier.save('downloads://classifier');",
    '// Images: <img>, <canvas>, ImageData or ImageBitmap in the browser, or tf.Tensor3D',
    '// [height, width, 3] with values 0-255 (in Node, decode files first, e.g. with tfjs-node).',
    '',
    "import * as tf from '@tensorflow/tfjs';",
    '',
  ];
}

/** A settings value as a JavaScript literal (numbers and booleans as they are, strings quoted, objects as JSON). */
const jsValue = (value: unknown) => (typeof value === 'string' ? jsString(value) : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/** The embedding's shape for a doc comment: "[batch, 7, 7, 1280]". */
const batchShape = (base: BaseSpec) => `[batch, ${base.embeddingShape.join(', ')}]`;

function constants({ head, classNames, base }: ResolvedInput): string[] {
  return [
    `/** Where ${base.label} @ ${IMAGE_SIZE} is loaded from: change it to your own copy of model.json. */`,
    `export const MODEL_URL = ${jsString(base.hostedUrl)};`,
    `/** The layer where ${base.label} is cut: its output is ${batchShape(base)}. */`,
    `export const TRUNCATION_LAYER = ${jsString(base.cutLayer)};`,
    '/** MobileNet\'s input side in pixels. */',
    `export const IMAGE_SIZE = ${IMAGE_SIZE};`,
    "/** The classes in the studio's order: label k is CLASS_NAMES[k]. */",
    'export const CLASS_NAMES = [',
    ...classNames.map((name) => `  ${jsString(name)},`),
    '];',
    "/** The studio's settings. */",
    'export const SETTINGS = {',
    ...Object.entries(head).map(([key, value]) => `  ${key}: ${jsValue(value)},`),
    '};',
    '',
  ];
}

function baseFunctions(base: BaseSpec): string[] {
  return [
    `/** ${base.label} cut at TRUNCATION_LAYER and frozen: [batch, 224, 224, 3] in [-1, 1] -> ${batchShape(base)}. */`,
    'export async function loadBase(source = MODEL_URL) {',
    '  const mobilenet = await tf.loadLayersModel(source); // a URL, or an IOHandler such as tf.io.fromMemory(...)',
    '  const layer = mobilenet.getLayer(TRUNCATION_LAYER);',
    '  const base = tf.model({ inputs: mobilenet.inputs, outputs: layer.output });',
    '  base.trainable = false;',
    '  return base;',
    '}',
    '',
    '/** One image -> [1, 224, 224, 3]: its centred square, resized to 224 x 224, scaled by x / 127.5 - 1. */',
    'export function preprocess(image) {',
    '  return tf.tidy(() => {',
    '    const pixels = image instanceof tf.Tensor ? image : tf.browser.fromPixels(image);',
    '    const [height, width] = pixels.shape;',
    '    const side = Math.min(height, width);',
    '    const top = Math.floor((height - side) / 2);',
    '    const left = Math.floor((width - side) / 2);',
    "    const square = tf.cast(tf.slice(pixels, [top, left, 0], [side, side, 3]), 'float32');",
    '    const resized = tf.image.resizeBilinear(square, [IMAGE_SIZE, IMAGE_SIZE], true);',
    '    return tf.expandDims(tf.sub(tf.div(resized, 127.5), 1), 0);',
    '  });',
    '}',
    '',
    `/** Images through the frozen base, in batches: [n, ${base.embeddingShape.join(', ')}] (the caller disposes it). */`,
    'export function embed(base, images) {',
    '  const batches = [];',
    '  for (let start = 0; start < images.length; start += SETTINGS.batchSize) {',
    '    const batch = images.slice(start, start + SETTINGS.batchSize);',
    '    batches.push(tf.tidy(() => base.predict(tf.concat(batch.map(preprocess)))));',
    '  }',
    '  const embeddings = tf.concat(batches);',
    '  tf.dispose(batches);',
    '  return embeddings;',
    '}',
    '',
  ];
}

function splitFunctions(): string[] {
  return [
    '/** Uniform numbers in [0, 1) from a seed (mulberry32), so that a run can be repeated. */',
    'function mulberry32(seed) {',
    '  let state = seed | 0;',
    '  return () => {',
    '    state = (state + 0x6d2b79f5) | 0;',
    '    let t = state;',
    '    t = Math.imul(t ^ (t >>> 15), t | 1);',
    '    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);',
    '    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;',
    '  };',
    '}',
    '',
    '/** Fisher-Yates shuffle in place. */',
    'function shuffle(items, random) {',
    '  for (let k = items.length - 1; k > 0; k--) {',
    '    const m = Math.floor(random() * (k + 1));',
    '    [items[k], items[m]] = [items[m], items[k]];',
    '  }',
    '  return items;',
    '}',
    '',
    '/** Holds out round(n * validationSplit) images of each class (at least 1 of 2 or more) for validation. */',
    'export function splitByClass(images, fraction = SETTINGS.validationSplit, seed = SETTINGS.seed) {',
    '  const random = mulberry32(seed);',
    '  const train = [];',
    '  const validation = [];',
    '  images.forEach((list, label) => {',
    '    const order = shuffle(list.map((image) => ({ image, label })), random);',
    '    const held = fraction > 0 && order.length >= 2 ? Math.min(order.length - 1, Math.max(1, Math.round(order.length * fraction))) : 0;',
    '    validation.push(...order.slice(0, held));',
    '    train.push(...order.slice(held));',
    '  });',
    '  return { train, validation };',
    '}',
    '',
    '/** One-hot labels [n, classes] of examples ({ image, label }). */',
    'function oneHot(examples) {',
    "  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(examples.map((e) => e.label), 'int32'), CLASS_NAMES.length), 'float32'));",
    '}',
    '',
  ];
}

/** The head's first layers, without weights: the embedding [batch, 7, 7, channels] to [batch, values]. */
function poolingLayers(pooling: Pooling, shape: BaseSpec['embeddingShape']): string[] {
  const [grid, , channels] = shape;
  const input = `inputShape: [${shape.join(', ')}]`;
  const side = Math.floor(grid / REGION_POOL); // 'valid' pooling: whole regions only
  switch (pooling) {
    case 'regions': return [
      `  // the mean of each ${REGION_POOL} x ${REGION_POOL} region, stride ${REGION_POOL} ('valid'): the ${side} x ${side} regions of the top-left ${side * REGION_POOL} x ${side * REGION_POOL} cells`,
      `  head.add(tf.layers.averagePooling2d({ ${input}, poolSize: ${REGION_POOL}, strides: ${REGION_POOL} })); // [batch, ${side}, ${side}, ${channels}]`,
      `  head.add(tf.layers.flatten()); // ${side} * ${side} * ${channels} = ${side * side * channels} values`,
      "  // Adam moves a hidden unit's input by about learningRate * sum|x| per step: unscaled, the",
      `  // ${side * side * channels} region means would step ${side * side} times as far as ${channels} global means (overshooting)`,
      `  head.add(tf.layers.rescaling({ scale: ${REGION_SCALE} })); // [batch, ${side * side * channels}], x ${REGION_SCALE}`,
    ];
    case 'average': return [`  head.add(tf.layers.globalAveragePooling2d({ ${input} })); // [batch, ${channels}]: the mean over the ${grid} x ${grid} grid`];
    case 'flatten': return [`  head.add(tf.layers.flatten({ ${input} })); // ${grid} * ${grid} * ${channels} = ${grid * grid * channels} values`];
  }
}

function headFunctions(head: HeadConfig, base: BaseSpec): string[] {
  const seeded = 'kernelInitializer: tf.initializers.glorotUniform({ seed: SETTINGS.seed';
  const layers = poolingLayers(head.pooling, base.embeddingShape);
  if (head.units > 0) layers.push(`  head.add(tf.layers.dense({ units: ${head.units}, activation: 'relu', ${seeded} }) }));`);
  if (head.dropout > 0) layers.push(`  head.add(tf.layers.dropout({ rate: ${head.dropout}, seed: SETTINGS.seed }));`);
  layers.push(`  head.add(tf.layers.dense({ units: CLASS_NAMES.length, activation: 'softmax', ${seeded} + 1 }) }));`);
  return [
    `/** The head on the embeddings: ${headSummary(head, 'classes')}. */`,
    'export function buildHead() {',
    '  const head = tf.sequential();',
    ...layers,
    '  return head;',
    '}',
    '',
    `/** The optimizer (${head.optimizer}) with a learning rate. */`,
    'function makeOptimizer(learningRate) {',
    `  return tf.train.${head.optimizer}(learningRate);`,
    '}',
    '',
    '/** Mean categorical cross-entropy -sum(y * log p) of one-hot labels and probabilities. */',
    'function crossEntropy(labels, probabilities) {',
    '  return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, 1e-7, 1))), -1)));',
    '}',
    '',
  ];
}

function trainHeadFunction(): string[] {
  return [
    '/** Trains the head on embeddings computed once (the base is frozen); returns the history. */',
    'async function trainHead(base, head, split, onEpochEnd) {',
    '  const xs = embed(base, split.train.map((e) => e.image));',
    '  const ys = oneHot(split.train);',
    '  const validation = split.validation.length > 0 ? [embed(base, split.validation.map((e) => e.image)), oneHot(split.validation)] : [];',
    "  head.compile({ optimizer: makeOptimizer(SETTINGS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });",
    '  try {',
    '    return await head.fit(xs, ys, {',
    '      epochs: SETTINGS.epochs,',
    '      batchSize: SETTINGS.batchSize,',
    '      shuffle: true,',
    '      // the validation share of each class, held out by splitByClass (SETTINGS.validationSplit)',
    '      validationData: validation.length > 0 ? validation : undefined,',
    '      callbacks: onEpochEnd ? { onEpochEnd } : undefined,',
    '    });',
    '  } finally {',
    '    tf.dispose([xs, ys, ...validation]);',
    '    head.optimizer.dispose(); // its slots can be large; compile again to train more',
    '  }',
    '}',
    '',
  ];
}

function trainFunctions(head: HeadConfig): string[] {
  const fineTune = head.fineTuneBlocks > 0 ? ['  await fineTune(base, head, split, onEpochEnd);'] : [];
  return [
    '/**',
    ' * Trains the classifier. images[k] holds the pictures of class CLASS_NAMES[k]. Returns the',
    ' * classifier (base + head: an image batch [n, 224, 224, 3] in [-1, 1] -> class probabilities).',
    ' */',
    'export async function train(images, { base, onEpochEnd } = {}) {',
    '  if (images.length !== CLASS_NAMES.length) throw new Error(`expected ${CLASS_NAMES.length} lists of images, one per class`);',
    '  base = base ?? (await loadBase());',
    '  const split = splitByClass(images);',
    ...(refits(head)
      ? ['  let head = buildHead();',
        '  const history = await trainHead(base, head, split, onEpochEnd);',
        '  // SETTINGS.refit: the curves above were measured on the validation images; the classifier',
        '  // kept learns from every image: the same head again, from the same first weights (the seed).',
        '  head.dispose();',
        '  head = buildHead();',
        '  await trainHead(base, head, { train: [...split.train, ...split.validation], validation: [] });']
      : ['  const head = buildHead();', '  const history = await trainHead(base, head, split, onEpochEnd);']),
    ...fineTune,
    '  const classifier = tf.model({ inputs: base.inputs, outputs: head.apply(base.outputs[0]) });',
    '  return { classifier, base, head, history };',
    '}',
    '',
    '/** The class probabilities of one image, and the most likely class. */',
    'export function predict(classifier, image) {',
    '  const probabilities = tf.tidy(() => classifier.predict(preprocess(image)).dataSync());',
    '  let best = 0;',
    '  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;',
    '  return { className: CLASS_NAMES[best], probabilities: Array.from(probabilities) };',
    '}',
    '',
  ];
}

/** The whole module; `summary` is the settings' description for the header comment. */
export function tfjsModule(input: ResolvedInput, summary: string[]): string {
  const { trained: head, base } = input;
  return [
    ...header(summary, base),
    ...constants(input),
    ...baseFunctions(base),
    ...splitFunctions(),
    ...headFunctions(head, base),
    ...trainHeadFunction(),
    ...fineTuneFunctions(head, base),
    ...trainFunctions(head),
  ].join('\n');
}
