/**
 * Where a network looked: Grad-CAM and a plain gradient saliency map, for one image and one class.
 * No DOM; every tensor is made in tf.tidy (or disposed), and only Float32Arrays leave.
 *
 * Grad-CAM (Selvaraju et al. 2017): for the activations A [1, h, w, K] of the last convolution and
 * the class score y_c, α_k = mean over positions of ∂y_c/∂A^k, and the map is ReLU(Σ_k α_k·A^k)
 * [h, w], divided by its maximum. y_c is the pre-softmax logit: the last Dense layer's kernel and
 * bias applied without its softmax (see `classScores`), as in the paper. Through the softmax, a
 * class's gradient would also carry every other class's (∂ log p_c = ∂z_c − Σ_j p_j ∂z_j).
 *
 * Saliency (Simonyan et al. 2013): max over colour channels of |∂y_c/∂x| per input pixel, divided
 * by its maximum.
 */
import * as tf from '@tensorflow/tfjs';
import { inboundOf } from './graph';

/** The network split at its last convolution. */
export interface SplitNetwork {
  /** input x [1, H, W, 3] → the last convolution's activations A [1, h, w, K] */
  conv(x: tf.Tensor4D): tf.Tensor4D;
  /** A → class scores before softmax (logits) [1, C] */
  scores(a: tf.Tensor4D): tf.Tensor2D;
}

export interface GradCamResult {
  /** ReLU(Σ_k α_k·A^k) / its maximum, row-major [rows, cols], values in [0, 1] (all 0 when nothing is positive) */
  map: Float32Array;
  rows: number;
  cols: number;
  /** the class explained: the one asked for, else the top class */
  classIndex: number;
  /** softmax of the class scores [C] */
  probabilities: Float32Array;
}

export interface SaliencyResult {
  /** max over channels of |∂y_c/∂x|, / its maximum, row-major [height, width] in [0, 1] */
  map: Float32Array;
  height: number;
  width: number;
}

/** Divides by the maximum (call inside tf.tidy); a map with no positive value comes back as zeros, never NaN. */
export function normaliseByMax(map: tf.Tensor): tf.Tensor {
  const max = map.max();
  const safe = tf.where(max.greater(0), max, tf.onesLike(max));
  return tf.where(max.greater(0), map.div(safe), tf.zerosLike(map));
}

/** The score y_c of one class as a scalar (for tf.grad). */
const scoreOf = (scores: tf.Tensor2D, classIndex: number): tf.Scalar => scores.slice([0, classIndex], [1, 1]).sum();

function checkClass(classIndex: number, classes: number): void {
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) throw new RangeError(`class ${classIndex} not in 0…${classes - 1}`);
}

/** Grad-CAM of one input [1, H, W, 3] for `classIndex` (default: the top class). */
export function gradCam(net: SplitNetwork, input: tf.Tensor4D, classIndex?: number): GradCamResult {
  let picked = 0;
  const [map, probabilities] = tf.tidy(() => {
    // No gradient is needed below A: the convolutions run once, outside any tape.
    const a = net.conv(input);
    const logits = net.scores(a);
    picked = classIndex ?? logits.argMax(1).dataSync()[0];
    checkClass(picked, logits.shape[1]);
    /** ∂y_c/∂A [1, h, w, K] */
    const gradient = tf.grad((activations: tf.Tensor) => scoreOf(net.scores(activations as tf.Tensor4D), picked))(a);
    /** α_k [1, 1, 1, K] */
    const alpha = gradient.mean([1, 2], true);
    const cam = tf.relu(a.mul(alpha).sum(-1).squeeze([0]));
    return [normaliseByMax(cam), tf.softmax(logits).squeeze([0])];
  });
  try {
    const [rows, cols] = map.shape as [number, number];
    return { map: map.dataSync() as Float32Array, rows, cols, classIndex: picked, probabilities: probabilities.dataSync() as Float32Array };
  } finally {
    tf.dispose([map, probabilities]);
  }
}

/** Gradient saliency of one input [1, H, W, C] for `classIndex`; `scores` maps the input to logits [1, classes]. */
export function saliency(scores: (x: tf.Tensor4D) => tf.Tensor2D, input: tf.Tensor4D, classIndex: number): SaliencyResult {
  const map = tf.tidy(() => {
    const gradient = tf.grad((x: tf.Tensor) => {
      const logits = scores(x as tf.Tensor4D);
      checkClass(classIndex, logits.shape[1]);
      return scoreOf(logits, classIndex);
    })(input);
    return normaliseByMax(gradient.abs().max(-1).squeeze([0]));
  });
  try {
    const [height, width] = map.shape as [number, number];
    return { map: map.dataSync() as Float32Array, height, width };
  } finally {
    map.dispose();
  }
}

const isInput = (layer: tf.layers.Layer) => layer.getClassName() === 'InputLayer';
const activationOf = (layer: tf.layers.Layer) => (layer.getConfig() as { activation?: string }).activation;

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = { linear: (x) => x, relu: tf.relu, relu6: tf.relu6 };

/**
 * A Conv2D layer as a plain tf.conv2d (+ bias, activation). Under a gradient tape, tfjs's fused
 * conv2d (what the layer runs) also computes the kernel's gradient, which saliency does not need:
 * on the cpu backend that was ~90 % of MobileNet's backward pass. Null for what it does not cover.
 */
function plainConv2d(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor | null {
  const config = layer.getConfig() as { strides: [number, number]; padding: 'same' | 'valid'; dilationRate: number | [number, number]; activation: string; dataFormat?: string };
  const activation = ACTIVATIONS[config.activation];
  if (!activation || config.dataFormat === 'channelsFirst') return null;
  const [kernel, bias] = layer.getWeights();
  const y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, config.strides, config.padding, 'NHWC', config.dilationRate);
  return activation(bias ? y.add(bias) : y);
}

/**
 * Layers (in their model's order, which is topological) in inference mode (dropout off,
 * BatchNormalization with its moving statistics), each on the outputs of the layers feeding it:
 * MobileNet v2's residual additions take two; a chain, as MobileNet v1, is the case where each is
 * fed by the one before. `x` enters where the layers are fed from outside them (the model's input
 * layer, or the layer they follow); inputs from two different layers outside are refused. Returns
 * the output of the layer named `output` (`x` if it is that outside layer), by default the last one's.
 */
export function applyLayers(layers: tf.layers.Layer[], x: tf.Tensor, output?: string): tf.Tensor {
  const taped = tf.engine().state.gradientDepth > 0;
  const values = new Map<string, tf.Tensor>();
  let entry: string | null = null;
  let y = x;
  for (const layer of layers) {
    if (isInput(layer)) {
      values.set(layer.name, x);
      continue;
    }
    const inputs = inboundOf(layer).map((from) => {
      const known = values.get(from.name);
      if (known) return known;
      if (entry !== null && entry !== from.name) throw new Error(`${layer.name} is fed by ${from.name}, and ${entry} also feeds the layers from outside them`);
      entry = from.name;
      return x;
    });
    const single = inputs.length <= 1 ? (inputs[0] ?? x) : null;
    y = (single && taped && layer.getClassName() === 'Conv2D' && plainConv2d(layer, single)) || (layer.apply(single ?? inputs, { training: false }) as tf.Tensor);
    values.set(layer.name, y);
  }
  return output === undefined ? y : (values.get(output) ?? x);
}

/** A model as a function, through applyLayers (its graph in inference mode, plain conv2d under a gradient tape). */
export function asFunction(model: tf.LayersModel): (x: tf.Tensor4D) => tf.Tensor4D {
  return (x) => applyLayers(model.layers, x) as tf.Tensor4D;
}

/**
 * The layers of a classifier's top as a function to its logits: a final softmax is left out (a
 * Dense layer with softmax becomes x·kernel + bias; a softmax Activation followed only by
 * shape-only layers is skipped). A top without softmax is taken as giving logits already.
 */
export function classScores(layers: tf.layers.Layer[]): (a: tf.Tensor) => tf.Tensor2D {
  const top = layers.filter((layer) => !isInput(layer));
  const last = top.length - 1 - [...top].reverse().findIndex((layer) => !['Reshape', 'Flatten'].includes(layer.getClassName()));
  const softmax = last < top.length && activationOf(top[last]) === 'softmax';
  if (!softmax) return (a) => applyLayers(top, a).reshape([a.shape[0], -1]) as tf.Tensor2D;
  const before = top.slice(0, last);
  const final = top[last];
  return (a) => {
    // the input of the final layer (in a chain, the output of the one before it)
    const x = applyLayers(before, a, inboundOf(final)[0]?.name);
    if (final.getClassName() !== 'Dense') return x.reshape([a.shape[0], -1]) as tf.Tensor2D; // a softmax Activation: skipped
    const [kernel, bias] = final.getWeights();
    const logits = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
    return (bias ? logits.add(bias) : logits) as tf.Tensor2D;
  };
}

/**
 * A classifier split after the layer named `convLayer`, following its graph (a fine-tuned MobileNet
 * v2 tail holds residual additions below it). `below` maps the input to the classifier's input (the
 * frozen base under a fine-tuned tail). Nothing above `convLayer` may be fed from below it but
 * through it: the class scores must be a function of its activations alone.
 */
export function splitAt(model: tf.LayersModel, convLayer: string, below?: (x: tf.Tensor4D) => tf.Tensor4D): SplitNetwork {
  const layers = model.layers.filter((layer) => !isInput(layer));
  const at = layers.findIndex((layer) => layer.name === convLayer);
  if (at < 0) throw new Error(`no layer ${convLayer} in ${model.name}`);
  const toConv = layers.slice(0, at + 1);
  const above = layers.slice(at + 1);
  const reached = new Set([convLayer, ...above.map((layer) => layer.name)]);
  const bypass = above.find((layer) => inboundOf(layer).some((from) => !reached.has(from.name)));
  if (bypass) throw new Error(`${bypass.name} is fed from below ${convLayer}: the scores are not a function of its activations alone`);
  const scores = classScores(above);
  return {
    conv: (x) => applyLayers(toConv, below ? below(x) : x, convLayer) as tf.Tensor4D,
    scores: (a) => scores(a),
  };
}
