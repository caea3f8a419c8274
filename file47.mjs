// Transfer learning on MobileNet v1 with TensorFlow.js, exported from Neural Playground.
//
// Studio settings that produced this module:
//   base: MobileNet v1 0.25 @ 224 (ImageNet), cut at conv_pw_13_relu -> [7, 7, 256], frozen
//   head: GlobalAveragePooling2D -> Dense(100, relu) -> Dense(17, softmax)
//   optimizer: adam, learning rate 0.001, loss categorical cross-entropy
//   training: 50 epochs, batch size 16, validation split 0.15, seed 1
//   fine-tuning: top 1 block(s) (block 13), 5 epochs, learning rate 0.0001, augmentation on
//   classes: 17
//
// Usage (browser or Node, after `npm install @tensorflow/tfjs`):
//   import { train, predict } from './classifier.mjs';
//   const { classifier } = await train([imagesOfClass0, imagesOfClass1 /* , ... */]);
//   const { className, probabilities } = predict(classifier, image);
//   await classifier.save('downloads://classifier');
// Images: <img>, <canvas>, ImageData or ImageBitmap in the browser, or tf.Tensor3D
// [height, width, 3] with values 0-255 (in Node, decode files first, e.g. with tfjs-node).

import * as tf from '@tensorflow/tfjs';

/** Where MobileNet v1 0.25 @ 224 is loaded from: change it to your own copy of model.json. */
export const MODEL_URL = "https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json";
/** The layer where MobileNet is cut: its output is [batch, 7, 7, 256]. */
export const TRUNCATION_LAYER = "conv_pw_13_relu";
/** MobileNet's input side in pixels. */
export const IMAGE_SIZE = 224;
/** The classes in the studio's order: label k is CLASS_NAMES[k]. */
export const CLASS_NAMES = [
  "say \"hi\"",
  "it's",
  "back\\slash",
  "C:\\new\\table\\",
  "中文 类别",
  "🐱‍👤 ninja",
  "two\nlines",
  "tab\tand\rcr",
  "sep\u2028para\u2029",
  "bell\u0007",
  "zero​width",
  "\"\"\"",
  "'''",
  "{x} ${y} `z`",
  "é (é)",
  " nbsp",
  "﻿bom",
];
/** The studio's settings. */
export const SETTINGS = {
  pooling: "average",
  units: 100,
  dropout: 0,
  optimizer: "adam",
  learningRate: 0.001,
  epochs: 50,
  batchSize: 16,
  validationSplit: 0.15,
  fineTuneBlocks: 1,
  fineTuneEpochs: 5,
  fineTuneLearningRate: 0.0001,
  augment: true,
  seed: 1,
};

/** MobileNet cut at TRUNCATION_LAYER and frozen: [batch, 224, 224, 3] in [-1, 1] -> [batch, 7, 7, 256]. */
export async function loadBase(source = MODEL_URL) {
  const mobilenet = await tf.loadLayersModel(source); // a URL, or an IOHandler such as tf.io.fromMemory(...)
  const layer = mobilenet.getLayer(TRUNCATION_LAYER);
  const base = tf.model({ inputs: mobilenet.inputs, outputs: layer.output });
  base.trainable = false;
  return base;
}

/** One image -> [1, 224, 224, 3]: its centred square, resized to 224 x 224, scaled by x / 127.5 - 1. */
export function preprocess(image) {
  return tf.tidy(() => {
    const pixels = image instanceof tf.Tensor ? image : tf.browser.fromPixels(image);
    const [height, width] = pixels.shape;
    const side = Math.min(height, width);
    const top = Math.floor((height - side) / 2);
    const left = Math.floor((width - side) / 2);
    const square = tf.cast(tf.slice(pixels, [top, left, 0], [side, side, 3]), 'float32');
    const resized = tf.image.resizeBilinear(square, [IMAGE_SIZE, IMAGE_SIZE], true);
    return tf.expandDims(tf.sub(tf.div(resized, 127.5), 1), 0);
  });
}

/** Images through the frozen base, in batches: [n, 7, 7, 256] (the caller disposes it). */
export function embed(base, images) {
  const batches = [];
  for (let start = 0; start < images.length; start += SETTINGS.batchSize) {
    const batch = images.slice(start, start + SETTINGS.batchSize);
    batches.push(tf.tidy(() => base.predict(tf.concat(batch.map(preprocess)))));
  }
  const embeddings = tf.concat(batches);
  tf.dispose(batches);
  return embeddings;
}

/** Uniform numbers in [0, 1) from a seed (mulberry32), so that a run can be repeated. */
function mulberry32(seed) {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place. */
function shuffle(items, random) {
  for (let k = items.length - 1; k > 0; k--) {
    const m = Math.floor(random() * (k + 1));
    [items[k], items[m]] = [items[m], items[k]];
  }
  return items;
}

/** Holds out round(n * validationSplit) images of each class (at least 1 of 2 or more) for validation. */
export function splitByClass(images, fraction = SETTINGS.validationSplit, seed = SETTINGS.seed) {
  const random = mulberry32(seed);
  const train = [];
  const validation = [];
  images.forEach((list, label) => {
    const order = shuffle(list.map((image) => ({ image, label })), random);
    const held = fraction > 0 && order.length >= 2 ? Math.min(order.length - 1, Math.max(1, Math.round(order.length * fraction))) : 0;
    validation.push(...order.slice(0, held));
    train.push(...order.slice(held));
  });
  return { train, validation };
}

/** One-hot labels [n, classes] of examples ({ image, label }). */
function oneHot(examples) {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(examples.map((e) => e.label), 'int32'), CLASS_NAMES.length), 'float32'));
}

/** The head on the embeddings: GlobalAveragePooling2D -> Dense(100, relu) -> Dense(classes, softmax). */
export function buildHead() {
  const head = tf.sequential();
  head.add(tf.layers.globalAveragePooling2d({ inputShape: [7, 7, 256] })); // [batch, 256]: the mean over the 7 x 7 grid
  head.add(tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: SETTINGS.seed }) }));
  head.add(tf.layers.dense({ units: CLASS_NAMES.length, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: SETTINGS.seed + 1 }) }));
  return head;
}

/** The optimizer (adam) with a learning rate. */
function makeOptimizer(learningRate) {
  return tf.train.adam(learningRate);
}

/** Mean categorical cross-entropy -sum(y * log p) of one-hot labels and probabilities. */
function crossEntropy(labels, probabilities) {
  return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, 1e-7, 1))), -1)));
}

/** Trains the head on embeddings computed once (the base is frozen); returns the history. */
async function trainHead(base, head, split, onEpochEnd) {
  const xs = embed(base, split.train.map((e) => e.image));
  const ys = oneHot(split.train);
  const validation = split.validation.length > 0 ? [embed(base, split.validation.map((e) => e.image)), oneHot(split.validation)] : [];
  head.compile({ optimizer: makeOptimizer(SETTINGS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  try {
    return await head.fit(xs, ys, {
      epochs: SETTINGS.epochs,
      batchSize: SETTINGS.batchSize,
      shuffle: true,
      // the validation share of each class, held out by splitByClass (SETTINGS.validationSplit)
      validationData: validation.length > 0 ? validation : undefined,
      callbacks: onEpochEnd ? { onEpochEnd } : undefined,
    });
  } finally {
    tf.dispose([xs, ys, ...validation]);
    head.optimizer.dispose(); // its slots can be large; compile again to train more
  }
}

/** Makes conv_dw_N / conv_pw_N with N > 13 - blocks trainable (BatchNormalization stays frozen); returns their weights. */
function unfreezeTopBlocks(base, blocks) {
  const weights = [];
  for (const layer of base.layers) {
    const match = /^conv_(dw|pw)_(\d+)$/.exec(layer.name);
    if (match && Number(match[2]) > 13 - blocks) {
      layer.trainable = true;
      weights.push(...layer.trainableWeights);
    }
  }
  return weights;
}

/** Random zoom-in crop (80-100 % of the side) and random horizontal flip of each image in a batch. */
function augment(images, random) {
  return tf.tidy(() => {
    const n = images.shape[0];
    const boxes = [];
    const flips = [];
    for (let k = 0; k < n; k++) {
      const side = 0.8 + 0.2 * random();
      const top = (1 - side) * random();
      const left = (1 - side) * random();
      boxes.push([top, left, top + side, left + side]);
      flips.push(random() < 0.5);
    }
    const boxIndices = tf.tensor1d([...Array(n).keys()], 'int32');
    const cropped = tf.image.cropAndResize(images, tf.tensor2d(boxes), boxIndices, [IMAGE_SIZE, IMAGE_SIZE]);
    const flip = tf.reshape(tf.tensor1d(flips, 'bool'), [n, 1, 1, 1]);
    return tf.where(flip, tf.image.flipLeftRight(cropped), cropped);
  });
}

/** Validation loss and accuracy of base + head in inference mode ({} without a validation set). */
function evaluate(base, head, examples) {
  if (examples.length === 0) return {};
  return tf.tidy(() => {
    const probabilities = head.predict(embed(base, examples.map((e) => e.image)));
    const labels = oneHot(examples);
    const correct = tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.argMax(labels, -1)), 'float32');
    return { val_loss: crossEntropy(labels, probabilities).dataSync()[0], val_acc: tf.mean(correct).dataSync()[0] };
  });
}

/** One fine-tuning step on the rows `indices` of xs / ys; returns the batch's summed loss. */
async function fineTuneStep(base, head, optimizer, weights, data, indices, random) {
  const [x, y] = tf.tidy(() => {
    const rows = tf.tensor1d(indices, 'int32');
    return [augment(tf.gather(data.xs, rows), random), tf.gather(data.ys, rows)];
  });
  // the base stays in inference mode (BatchNormalization uses its moving averages); dropout is on
  const loss = optimizer.minimize(() => crossEntropy(y, head.apply(base.apply(x, { training: false }), { training: true })), true, weights);
  const value = (await loss.data())[0];
  tf.dispose([x, y, loss]);
  return value * indices.length;
}

/**
 * Fine-tuning, after the head: the top SETTINGS.fineTuneBlocks blocks of the base become trainable,
 * so every step re-runs the whole base on the images (embeddings cannot be cached any more).
 * A custom loop, because model.fit would switch every BatchNormalization layer of the base to
 * batch statistics and overwrite its moving averages.
 */
async function fineTune(base, head, split, onEpochEnd) {
  const weights = [...unfreezeTopBlocks(base, SETTINGS.fineTuneBlocks), ...head.trainableWeights].map((w) => w.read());
  const optimizer = makeOptimizer(SETTINGS.fineTuneLearningRate);
  // every training image, preprocessed: [n, 224, 224, 3], about 0.6 MB each
  const data = { xs: tf.tidy(() => tf.concat(split.train.map((e) => preprocess(e.image)))), ys: oneHot(split.train) };
  const random = mulberry32(SETTINGS.seed + 2);
  try {
    for (let epoch = 0; epoch < SETTINGS.fineTuneEpochs; epoch++) {
      const order = shuffle([...Array(split.train.length).keys()], random);
      let lossSum = 0;
      for (let start = 0; start < order.length; start += SETTINGS.batchSize) {
        lossSum += await fineTuneStep(base, head, optimizer, weights, data, order.slice(start, start + SETTINGS.batchSize), random);
      }
      await onEpochEnd?.(SETTINGS.epochs + epoch, { loss: lossSum / order.length, ...evaluate(base, head, split.validation) });
    }
  } finally {
    tf.dispose([data.xs, data.ys]);
    optimizer.dispose();
    base.trainable = false;
  }
}

/**
 * Trains the classifier. images[k] holds the pictures of class CLASS_NAMES[k]. Returns the
 * classifier (base + head: an image batch [n, 224, 224, 3] in [-1, 1] -> class probabilities).
 */
export async function train(images, { base, onEpochEnd } = {}) {
  if (images.length !== CLASS_NAMES.length) throw new Error(`expected ${CLASS_NAMES.length} lists of images, one per class`);
  base = base ?? (await loadBase());
  const split = splitByClass(images);
  const head = buildHead();
  const history = await trainHead(base, head, split, onEpochEnd);
  await fineTune(base, head, split, onEpochEnd);
  const classifier = tf.model({ inputs: base.inputs, outputs: head.apply(base.outputs[0]) });
  return { classifier, base, head, history };
}

/** The class probabilities of one image, and the most likely class. */
export function predict(classifier, image) {
  const probabilities = tf.tidy(() => classifier.predict(preprocess(image)).dataSync());
  let best = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
  return { className: CLASS_NAMES[best], probabilities: Array.from(probabilities) };
}
