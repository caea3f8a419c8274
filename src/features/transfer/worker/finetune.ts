/**
 * Fine-tuning: after the head, the top K blocks of the base (MobileNet v1: 13 depthwise-separable
 * blocks; MobileNet v2: 17 inverted-residual blocks, then its last 1 × 1 convolution) train on
 * together with the head, at a low learning rate, on augmented images (augment.ts; by default
 * randomly flipped and zoomed).
 *
 * The network is split at the output of the block below the top K: the frozen `lower` part runs in
 * inference mode, and the `tail` (fresh copies of the layers above the split, connected as in the
 * base, residual additions included, + the head) is what trains. Only the convolution kernels of
 * those layers (Conv2D, DepthwiseConv2D) and the head's weights change;
 * BatchNormalization stays in inference mode with frozen statistics, as Keras recommends and as
 * the generated train.py does. The pretrained base itself is never modified, so cached embeddings
 * stay valid and every run starts from the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochLogs } from '../../../worker/protocol';
import { mulberry32, shuffleInPlace } from '../../../engine/random';
import { BASES, type BaseSpec } from '../bases';
import type { HeadConfig } from '../meta';
import { augmentationOf, augmentBatch } from './augment';
import { preprocess } from './embed';
import { applyGraph, copyLayers, layersBetween } from './graph';
import { checkFinite, makeOptimizer, yieldToEvents, type FitCallbacks } from './head';

const V1 = BASES['mobilenet_v1_0.25'];
/** MobileNet v2's blocks whose output is a residual addition (stride 1, as many channels in as out; the same for every alpha). */
const V2_RESIDUAL = new Set([2, 4, 5, 7, 8, 9, 11, 12, 14, 15]);

/** The output layer of MobileNet v2's block b (0: expanded_conv, 1 … 16: block_b). */
function v2BlockOutput(b: number): string {
  if (b === 0) return 'expanded_conv_project_BN';
  return V2_RESIDUAL.has(b) ? `block_${b}_add` : `block_${b}_project_BN`;
}

/**
 * The base layer whose output feeds the trainable tail with the top `blocks` blocks: the base's cut
 * layer for 0. MobileNet v1: conv_pw_(13 − K)_relu, conv1_relu for K = 13. MobileNet v2: the output
 * of block 16 − K (block_N_add where the block adds its input, else block_N_project_BN), Conv1_relu
 * for K = 17.
 */
export function cutLayerFor(blocks: number, spec: BaseSpec = V1): string {
  if (!Number.isInteger(blocks) || blocks < 0 || blocks > spec.blocks) throw new RangeError(`fine-tune blocks ${blocks} not in 0…${spec.blocks}`);
  if (blocks === 0) return spec.cutLayer;
  if (spec.family === 'mobilenet_v1') return blocks === spec.blocks ? 'conv1_relu' : `conv_pw_${spec.blocks - blocks}_relu`;
  return blocks === spec.blocks ? 'Conv1_relu' : v2BlockOutput(spec.blocks - 1 - blocks);
}

/** The frozen base up to `cut` (sharing the base's layers). */
export function lowerModel(full: tf.LayersModel, cut: string): tf.LayersModel {
  const lower = tf.model({ inputs: full.inputs, outputs: full.getLayer(cut).getOutputAt(0) as tf.SymbolicTensor });
  lower.trainable = false;
  return lower;
}

/** Whether a layer of the tail is trained while fine-tuning: a convolution of the base's top blocks, or a head layer. */
function isTrained(layer: tf.layers.Layer, baseLayerNames: Set<string>): boolean {
  if (!baseLayerNames.has(layer.name)) return true;
  return layer.getClassName() === 'Conv2D' || layer.getClassName() === 'DepthwiseConv2D';
}

/**
 * A new model: copies of the base's layers after the cut for `blocks` up to the base's cut layer
 * (connected as in the base: MobileNet v2's residual additions too), then of the head's layers,
 * with the same weights. Its input is the cut layer's output. The originals are left as they are.
 */
export function buildTail(full: tf.LayersModel, blocks: number, head: tf.LayersModel, spec: BaseSpec = V1): tf.LayersModel {
  const cut = full.getLayer(cutLayerFor(blocks, spec));
  const input = tf.input({ shape: (cut.getOutputAt(0) as tf.SymbolicTensor).shape.slice(1) as number[] });
  const base = copyLayers(layersBetween(full, cut.name, spec.cutLayer), cut.name, input);
  const top = copyLayers(head.layers.filter((layer) => layer.getClassName() !== 'InputLayer'), null, base.output);
  const tail = tf.model({ inputs: input, outputs: top.output, name: 'fine_tuned_tail' });
  base.copyWeights();
  top.copyWeights();
  return tail;
}

export interface LabelledImages {
  images: Uint8Array[];
  labels: number[];
}

/** The tail's layers as connected: dropout active only when training, BatchNormalization always in inference mode. */
function forward(tail: tf.LayersModel, features: tf.Tensor, training: boolean): tf.Tensor {
  return applyGraph(tail.layers, features, training);
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
  const variables = tail.layers.filter((layer) => isTrained(layer, baseLayerNames)).flatMap((layer) => layer.trainableWeights.map((weight) => weight.read() as tf.Variable));
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
