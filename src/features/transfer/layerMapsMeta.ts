/**
 * The layer explorer's data, as it crosses from the worker to the page (plain data and typed
 * arrays only). Maps are of the conv layers' outputs after BatchNormalization and ReLU6 (the
 * `_relu` layers); the numbers of one output cell follow the layer's formula step by step.
 */

/** conv: a k×k Conv2D over all input channels (conv1); pointwise: 1×1 Conv2D; depthwise: k×k per channel */
export type ConvKind = 'conv' | 'pointwise' | 'depthwise';

export interface ChannelMap {
  /** the channel's index in the layer */
  index: number;
  /** its smallest, largest and mean activation over the grid (full resolution) */
  min: number;
  max: number;
  mean: number;
  /** the map downsampled to `LayerMaps.size` (mean over blocks), row-major, 0…255 over the layer's [min, max] */
  pixels: Uint8Array;
}

export interface LayerMaps {
  /** the activation layer shown, e.g. `conv_pw_5_relu` */
  name: string;
  /** the convolution before it, e.g. `conv_pw_5` */
  conv: string;
  kind: ConvKind;
  /** [height, width, channels] of the output */
  shape: [number, number, number];
  /** kernel size and stride */
  kernel: number;
  stride: number;
  /** the display maps' [height, width] (≤ the output's) */
  size: [number, number];
  /** the whole layer's smallest and largest activation: the colour scale's ends */
  min: number;
  max: number;
  /** the channels with the largest mean activation, most active first */
  channels: ChannelMap[];
}

/** One product w·x of a convolution's sum: kernel position (i, j), input channel c. */
export interface ConvTerm {
  i: number;
  j: number;
  c: number;
  w: number;
  x: number;
}

/** The numbers of one output cell (y, x, channel) of a conv layer: conv sum → BatchNormalization → ReLU6. */
export interface LayerCell {
  layer: string;
  conv: string;
  kind: ConvKind;
  y: number;
  x: number;
  channel: number;
  shape: [number, number, number];
  kernel: number;
  stride: number;
  /** the input position of kernel tap (0, 0): y·stride − padTop, x·stride − padLeft (may be −1: zero padding) */
  inputY: number;
  inputX: number;
  /** every term of z = Σ w·x (+ b), in kernel order (taps outside the input are left out: x = 0 there) */
  terms: ConvTerm[];
  bias: number | null;
  /** the convolution's output z */
  z: number;
  bn: { mean: number; variance: number; epsilon: number; gamma: number; beta: number; value: number };
  /** min(max(0, bn), 6) (or the layer's own activation) */
  activation: { kind: string; value: number };
  /** the model's own output for this cell (tfjs), for comparison */
  model: number;
  /** the whole channel at full resolution (row-major, 0…255 over the layer's [min, max]) for the enlarged view */
  map: Uint8Array;
  layerMin: number;
  layerMax: number;
}

/** A term of a dense unit's sum: input index k, weight, input. */
export interface DenseTerm {
  k: number;
  w: number;
  x: number;
}

/**
 * The studio's trained head on the same image, one cell per step, following the evidence back
 * from the top class: its logit, the hidden unit that adds most to it, the pooled value that
 * adds most to that unit. A 'pool' with a `region` averaged one size × size window of the grid
 * (rows y0…y0 + size − 1, columns x0…x0 + size − 1); without, the whole grid (global pooling).
 * 'scale' is a Rescaling: value = scale · input + offset.
 */
export type HeadStep =
  | { kind: 'pool'; channel: number; region?: { y0: number; x0: number; size: number }; count: number; sum: number; value: number; model: number }
  | { kind: 'scale'; scale: number; offset: number; input: number; value: number; model: number }
  | { kind: 'flatten'; length: number }
  | { kind: 'dropout' }
  | { kind: 'dense'; layer: string; unit: number; activation: string; terms: DenseTerm[]; termCount: number; bias: number; z: number; value: number; model: number }
  | { kind: 'softmax'; classIndex: number; logits: number[]; value: number; model: number };

export interface HeadCells {
  labels: string[];
  /** the class the steps explain: the top class */
  classIndex: number;
  steps: HeadStep[];
}
