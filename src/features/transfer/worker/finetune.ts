/**
 * Fine-tuning: after the head, the top K depthwise-separable blocks of MobileNet train on together
 * with the head, at a low learning rate, on augmented images (augment.ts; by default randomly
 * flipped and zoomed).
 *
 * The network is split at the output of block 13 − K: the frozen `lower` part runs in inference
 * mode, and the `tail` (fresh copies of the top K blocks + the head) is what trains. Only the
 * convolution kernels of those blocks (conv_dw_N, conv_pw_N) and the head's weights change;
 * BatchNormalization stays in inference mode with frozen statistics, as Keras recommends and as
 * the generated train.py does. The pretrained base itself is never modified, so cached embeddings
 * stay valid and every run starts from the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochLogs } from '../../../worker/protocol';
import { mulberry32, shuffleInPlace } from '../../../engine/random';
import { MOBILENET_BLOCKS, TRUNCATION_LAYER, type HeadConfig } from '../meta';
import { augmentationOf, augmentBatch } from './augment';
import { preprocess } from './embed';
import { checkFinite, makeOptimizer, yieldToEvents, type FitCallbacks } from './head';

/** The base layer whose output feeds the trainable tail: conv_pw_(13 − K)_relu, conv1_relu for K = 13. */
export function cutLayerFor(blocks: number): string {
  if (!Number.isInteger(blocks) || blocks < 0 || blocks > MOBILENET_BLOCKS) throw new RangeError(`fine-tune blocks ${blocks} not in 0…${MOBILENET_BLOCKS}`);
  if (blocks === 0) return TRUNCATION_LAYER;
  return blocks === MOBILENET_BLOCKS ? 'conv1_relu' : `conv_pw_${MOBILENET_BLOCKS - blocks}_relu`;
}

/** The frozen base up to `cut` (sharing the base's layers). */
export function lowerModel(full: tf.LayersModel, cut: string): tf.LayersModel {
  const lower = tf.model({ inputs: full.inputs, outputs: full.getLayer(cut).getOutputAt(0) as tf.SymbolicTensor });
  lower.trainable = false;
  return lower;
}

/** Whether a layer of the tail is trained while fine-tuning (a block's convolution or a head layer). */
function isTrained(layer: tf.layers.Layer, blocks: number, baseLayerNames: Set<string>): boolean {
  const match = /^conv_(?:dw|pw)_(\d+)$/.exec(layer.name);
  if (match) return Number(match[1]) > MOBILENET_BLOCKS - blocks;
  return !baseLayerNames.has(layer.name);
}

/** A new layer of the same class and configuration (name included), not yet built. */
function cloneLayer(layer: tf.layers.Layer): tf.layers.Layer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  return fromConfig(cls, layer.getConfig()) as tf.layers.Layer;
}

/**
 * A new model: copies of the base's layers after `cut` up to conv_pw_13_relu, then of the head's
 * layers, with the same weights. Its input is the cut layer's output. The originals are left as
 * they are (not even connected to anything new).
 */
export function buildTail(full: tf.LayersModel, blocks: number, head: tf.LayersModel): tf.LayersModel {
  const cut = full.getLayer(cutLayerFor(blocks));
  const names = full.layers.map((layer) => layer.name);
  const upper = full.layers.slice(names.indexOf(cut.name) + 1, names.indexOf(TRUNCATION_LAYER) + 1);
  const originals = [...upper, ...head.layers.filter((layer) => layer.getClassName() !== 'InputLayer')];
  const input = tf.input({ shape: (cut.getOutputAt(0) as tf.SymbolicTensor).shape.slice(1) as number[] });
  const copies = originals.map(cloneLayer);
  const output = copies.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  const tail = tf.model({ inputs: input, outputs: output, name: 'fine_tuned_tail' });
  copies.forEach((copy, k) => copy.setWeights(originals[k].getWeights()));
  return tail;
}

export interface LabelledImages {
  images: Uint8Array[];
  labels: number[];
}

/** The tail's layers in order, applied one by one: dropout active only when training, BatchNormalization always in inference mode. */
function forward(tail: tf.LayersModel, features: tf.Tensor, training: boolean): tf.Tensor {
  return tail.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .reduce((x, layer) => layer.apply(x, { training: training && layer.getClassName() === 'Dropout' }) as tf.Tensor, features);
}

/** Class probabilities of images through lower → tail (inference), in batches. */
export async function predictImages(lower: tf.LayersModel, tail: tf.LayersModel, images: Uint8Array[], batchSize = 16): Promise<Float32Array[]> {
  const result: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const output = tf.tidy(() => forward(tail, lower.predict(preprocess(batch)) as tf.Tensor, false));
    const data = (await output.data()) as Float32Array;
    const classes = output.shape[1]!;
    output.dispose();
    batch.forEach((_, n) => result.push(data.slice(n * classes, (n + 1) * classes)));
  }
  return result;
}

function lossAndAccuracy(probabilities: Float32Array[], labels: number[]): [number, number] {
  let loss = 0;
  let correct = 0;
  probabilities.forEach((p, n) => {
    loss -= Math.log(Math.max(p[labels[n]], 1e-7));
    if (p.indexOf(Math.max(...p)) === labels[n]) correct++;
  });
  return [loss / probabilities.length, correct / probabilities.length];
}

/**
 * Trains the tail for `head.fineTuneEpochs` epochs (seeded order and augmentation) with the head's
 * optimizer type at `head.fineTuneLearningRate`; returns whether it was stopped early.
 */
export async function fineTune(lower: tf.LayersModel, tail: tf.LayersModel, head: HeadConfig, baseLayerNames: Set<string>, train: LabelledImages, validation: LabelledImages, numClasses: number, callbacks: FitCallbacks): Promise<boolean> {
  const variables = tail.layers.filter((layer) => isTrained(layer, head.fineTuneBlocks, baseLayerNames)).flatMap((layer) => layer.trainableWeights.map((weight) => weight.read() as tf.Variable));
  const optimizer = makeOptimizer(head.optimizer, head.fineTuneLearningRate);
  const rng = mulberry32(head.seed + 1);
  try {
    for (let epoch = 0; epoch < head.fineTuneEpochs; epoch++) {
      const order = train.images.map((_, n) => n);
      shuffleInPlace(order, rng);
      let lossSum = 0;
      let correct = 0;
      for (let start = 0; start < order.length; start += head.batchSize) {
        const picked = order.slice(start, start + head.batchSize);
        const features = tf.tidy(() => lower.predict(augmentBatch(picked.map((n) => train.images[n]), head.augment && augmentationOf(head), rng)) as tf.Tensor);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(picked.map((n) => train.labels[n]), 'int32'), numClasses).toFloat());
        const kept: { probabilities?: tf.Tensor } = {};
        const loss = optimizer.minimize(() => {
          const probabilities = forward(tail, features, true);
          kept.probabilities = tf.keep(probabilities);
          return tf.metrics.categoricalCrossentropy(ys, probabilities).mean() as tf.Scalar;
        }, true, variables)!;
        const hits = tf.tidy(() => tf.metrics.categoricalAccuracy(ys, kept.probabilities!).sum());
        const batchLoss = (await loss.data())[0];
        lossSum += batchLoss * picked.length;
        correct += (await hits.data())[0];
        tf.dispose([features, ys, loss, hits, kept.probabilities!]);
        checkFinite(batchLoss);
      }
      const logs: EpochLogs = { loss: lossSum / order.length, acc: correct / order.length };
      if (validation.images.length > 0) [logs.valLoss, logs.valAcc] = lossAndAccuracy(await predictImages(lower, tail, validation.images), validation.labels);
      await callbacks.onEpochEnd(epoch, logs);
      await yieldToEvents();
      if (callbacks.shouldStop()) return epoch < head.fineTuneEpochs - 1;
    }
    return false;
  } finally {
    optimizer.dispose();
  }
}
