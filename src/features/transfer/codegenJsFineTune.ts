/**
 * The TensorFlow.js export's fine-tuning part (see ./codegenJs), as the studio fine-tunes
 * (worker/finetune.ts): the base is split below its top blocks (cutLayerFor); the part below runs
 * frozen, outside the gradient tape; the layers above run on its output as connected in the base
 * (MobileNet v2's residual additions take two inputs), and their convolutions train with the head;
 * BatchNormalization stays frozen. Plus the training loop and, when augmentation is on, augment().
 * ./codegen writes it only where the studio fine-tunes (fineTunes). Pure string building.
 */
import type { BaseSpec } from './bases';
import type { HeadConfig } from './meta';
import { augmentsFineTuning } from './meta';

/** MobileNet v2's blocks that end with a residual addition, block_N_add (as worker/finetune.ts; the same for every alpha). */
const V2_RESIDUAL_BLOCKS = [2, 4, 5, 7, 8, 9, 11, 12, 14, 15];

/** cutLayerFor(blocks) for the base's family: the same layer as the studio's cutLayerFor (worker/finetune.ts). */
function cutFunction(base: BaseSpec): string[] {
  if (base.family === 'mobilenet_v1') return [
    `/** The layer below the top \`blocks\` of the base's ${base.blocks} blocks, whose output feeds them: conv_pw_(${base.blocks} - blocks)_relu (conv1_relu for all). */`,
    'function cutLayerFor(blocks) {',
    `  return blocks === ${base.blocks} ? 'conv1_relu' : \`conv_pw_\${${base.blocks} - blocks}_relu\`;`,
    '}',
    '',
  ];
  return [
    '/**',
    ` * The layer below the top \`blocks\` of the base's ${base.blocks} inverted-residual blocks (0: expanded_conv,`,
    ` * 1-${base.blocks - 1}: block_N), whose output feeds them: the output of block ${base.blocks - 1} - blocks, its residual`,
    ' * addition where it has one (Conv1_relu for all).',
    ' */',
    'function cutLayerFor(blocks) {',
    '  // the blocks that add their input to their output (stride 1, as many channels in as out)',
    `  const residual = [${V2_RESIDUAL_BLOCKS.join(', ')}];`,
    `  const below = ${base.blocks - 1} - blocks;`,
    "  if (below < 0) return 'Conv1_relu';",
    "  if (below === 0) return 'expanded_conv_project_BN';",
    '  return residual.includes(below) ? `block_${below}_add` : `block_${below}_project_BN`;',
    '}',
    '',
  ];
}

/** The split: the layers above the cut, applying them as connected, and unfreezing their convolutions. */
function aboveCutFunctions(base: BaseSpec): string[] {
  return [
    ...cutFunction(base),
    "/** The base's layers above the layer named `cut` (the base lists its layers in topological order). */",
    'function layersAbove(base, cut) {',
    '  const names = base.layers.map((layer) => layer.name);',
    '  return base.layers.slice(names.indexOf(cut) + 1);',
    '}',
    '',
    '/**',
    " * The base's layers above `cut`, run on that layer's output `features`, each on the outputs of the",
    ' * layers feeding it, as connected in the base (a block that adds its input to its output takes',
    ' * both), in inference mode (BatchNormalization uses its moving averages).',
    ' */',
    'function applyAbove(base, cut, features) {',
    '  const outputs = new Map([[cut, features]]);',
    '  let x = features;',
    '  for (const layer of layersAbove(base, cut)) {',
    '    const inputs = layer.inboundNodes[0].inboundLayers.map((from) => outputs.get(from.name));',
    '    x = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false });',
    '    outputs.set(layer.name, x);',
    '  }',
    '  return x;',
    '}',
    '',
    '/** Makes the convolutions (Conv2D, DepthwiseConv2D) above `cut` trainable (BatchNormalization stays frozen); returns their weights. */',
    'function unfreezeAbove(base, cut) {',
    '  const weights = [];',
    '  for (const layer of layersAbove(base, cut)) {',
    "    if (layer.getClassName() === 'Conv2D' || layer.getClassName() === 'DepthwiseConv2D') {",
    '      layer.trainable = true;',
    '      weights.push(...layer.trainableWeights);',
    '    }',
    '  }',
    '  return weights;',
    '}',
    '',
  ];
}

export function fineTuneFunctions(head: HeadConfig, base: BaseSpec): string[] {
  if (head.fineTuneBlocks === 0) return [];
  return [...aboveCutFunctions(base), ...(augmentsFineTuning(head) ? augmentFunction() : []), ...fineTuneLoop(head)];
}

function fineTuneLoop(head: HeadConfig): string[] {
  return [
    '/** Validation loss and accuracy of base + head in inference mode ({} without a validation set). */',
    'function evaluate(base, head, examples) {',
    '  if (examples.length === 0) return {};',
    '  return tf.tidy(() => {',
    '    const probabilities = head.predict(embed(base, examples.map((e) => e.image)));',
    '    const labels = oneHot(examples);',
    '    const correct = tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.argMax(labels, -1)), \'float32\');',
    '    return { val_loss: crossEntropy(labels, probabilities).dataSync()[0], val_acc: tf.mean(correct).dataSync()[0] };',
    '  });',
    '}',
    '',
    '/** One fine-tuning step on the rows `indices` of xs / ys; returns the batch\'s summed loss. */',
    'async function fineTuneStep(parts, head, optimizer, weights, data, indices, random) {',
    '  const [features, y] = tf.tidy(() => {',
    '    const rows = tf.tensor1d(indices, \'int32\');',
    `    const x = ${augmentsFineTuning(head) ? 'augment(tf.gather(data.xs, rows), random)' : 'tf.gather(data.xs, rows)'};`,
    '    // the frozen layers below the top blocks, once per batch, outside the gradient tape',
    '    return [parts.lower.predict(x), tf.gather(data.ys, rows)];',
    '  });',
    '  // the top blocks in inference mode (BatchNormalization uses its moving averages); the head\'s dropout is on',
    '  const loss = optimizer.minimize(() => crossEntropy(y, head.apply(applyAbove(parts.base, parts.cut, features), { training: true })), true, weights);',
    '  const value = (await loss.data())[0];',
    '  tf.dispose([features, y, loss]);',
    '  return value * indices.length;',
    '}',
    '',
    '/**',
    ' * Fine-tuning, after the head: the convolutions of the top SETTINGS.fineTuneBlocks blocks of the base',
    ' * become trainable, so every step runs the base on the images again (embeddings cannot be cached any',
    ' * more): below the top blocks frozen, the top blocks and the head under the gradient tape.',
    ' * A custom loop, because model.fit would switch every BatchNormalization layer of the base to',
    ' * batch statistics and overwrite its moving averages.',
    ' */',
    'async function fineTune(base, head, split, onEpochEnd) {',
    '  const cut = cutLayerFor(SETTINGS.fineTuneBlocks);',
    "  // the base up to the cut (it shares the base's layers)",
    '  const parts = { base, cut, lower: tf.model({ inputs: base.inputs, outputs: base.getLayer(cut).output }) };',
    '  const weights = [...unfreezeAbove(base, cut), ...head.trainableWeights].map((w) => w.read());',
    '  const optimizer = makeOptimizer(SETTINGS.fineTuneLearningRate);',
    '  // every training image, preprocessed: [n, 224, 224, 3], about 0.6 MB each',
    '  const data = { xs: tf.tidy(() => tf.concat(split.train.map((e) => preprocess(e.image)))), ys: oneHot(split.train) };',
    '  const random = mulberry32(SETTINGS.seed + 2);',
    '  try {',
    '    for (let epoch = 0; epoch < SETTINGS.fineTuneEpochs; epoch++) {',
    '      const order = shuffle([...Array(split.train.length).keys()], random);',
    '      let lossSum = 0;',
    '      for (let start = 0; start < order.length; start += SETTINGS.batchSize) {',
    '        lossSum += await fineTuneStep(parts, head, optimizer, weights, data, order.slice(start, start + SETTINGS.batchSize), random);',
    '      }',
    '      await onEpochEnd?.(SETTINGS.epochs + epoch, { loss: lossSum / order.length, ...evaluate(base, head, split.validation) });',
    '    }',
    '  } finally {',
    '    tf.dispose([data.xs, data.ys]);',
    '    optimizer.dispose();',
    '    base.trainable = false;',
    '  }',
    '}',
    '',
  ];
}

function augmentFunction(): string[] {
  return [
    '/**',
    ' * The studio\'s data augmentation (SETTINGS.augmentation) of a batch [n, 224, 224, 3] in [-1, 1], one',
    ' * random draw per image, in this order: flip (probability 1/2), rotation (uniform up to',
    ' * +-rotation degrees), zoom in (a uniform share in [1 - zoom, 1] of each side shown), all three as',
    ' * one transform about the centre (bilinear, reflect fill); then brightness (+-brightness * 2, the',
    ' * range\'s width) and contrast (each channel about its mean times [1 - contrast, 1 + contrast]),',
    ' * clipped to [-1, 1]. The studio runs the same code (the same random numbers give the same images).',
    ' */',
    'function augment(images, random) {',
    '  const { flip, rotation, zoom, brightness, contrast } = SETTINGS.augmentation;',
    '  return tf.tidy(() => {',
    '    const [n, height, width] = images.shape;',
    '    const [cx, cy] = [(width - 1) / 2, (height - 1) / 2];',
    '    const draws = [];',
    '    for (let k = 0; k < n; k++) {',
    '      draws.push({',
    '        mirror: flip ? random() < 0.5 : false,',
    '        angle: rotation > 0 ? ((2 * random() - 1) * rotation * Math.PI) / 180 : 0,',
    '        scale: zoom > 0 ? 1 - zoom * random() : 1,',
    '        shift: brightness > 0 ? (2 * random() - 1) * brightness * 2 : 0,',
    '        factor: contrast > 0 ? 1 + (2 * random() - 1) * contrast : 1,',
    '      });',
    '    }',
    '    let x = images;',
    '    if (flip || rotation > 0 || zoom > 0) {',
    '      // The output pixel p shows the input at F * R(angle) * (scale * (p - c)) + c. One image at a time:',
    '      // tfjs 4.22\'s cpu backend transforms only the first image of a batch.',
    '      x = tf.concat(tf.split(x, n).map((image, k) => {',
    '        const { mirror, angle, scale } = draws[k];',
    '        const f = mirror ? -1 : 1;',
    '        const cos = Math.cos(angle) * scale;',
    '        const sin = Math.sin(angle) * scale;',
    '        const matrix = [f * cos, -f * sin, cx - f * (cos * cx - sin * cy), sin, cos, cy - (sin * cx + cos * cy), 0, 0];',
    "        return tf.image.transform(image, tf.tensor2d([matrix]), 'bilinear', 'reflect');",
    '      }));',
    '    }',
    '    if (brightness > 0) x = tf.clipByValue(tf.add(x, tf.tensor4d(draws.map((d) => d.shift), [n, 1, 1, 1])), -1, 1);',
    '    if (contrast > 0) {',
    '      const mean = tf.mean(x, [1, 2], true);',
    '      const factor = tf.tensor4d(draws.map((d) => d.factor), [n, 1, 1, 1]);',
    '      x = tf.clipByValue(tf.add(tf.mul(tf.sub(x, mean), factor), mean), -1, 1);',
    '    }',
    '    return x === images ? tf.clone(images) : x;',
    '  });',
    '}',
    '',
  ];
}
