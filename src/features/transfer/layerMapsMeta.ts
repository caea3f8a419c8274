/**
 * The layer explorer's data, as it crosses from the worker to the page (plain data and typed
 * arrays only). Each stage shown is one convolution with its BatchNormalization and activation
 * (MobileNet v1: conv1, 13 depthwise and 13 pointwise, each after ReLU6, the `_relu` layers), or in
 * MobileNet v2 one step of an inverted-residual block: the 1 × 1 expansion (ReLU6), the 3 × 3
 * depthwise (ReLU6), the 1 × 1 projection (BatchNormalization, no activation: the linear
 * bottleneck, the `_project_BN` layer) and the residual addition (`_add`). The numbers of one
 * output cell follow the stage's formula step by step.
 */

/**
 * conv: a k×k Conv2D over all input channels (conv1, Conv1); pointwise: 1×1 Conv2D + ReLU6 (v1,
 * v2's Conv_1); depthwise: k×k per channel; expand: v2's 1×1 expansion (+ ReLU6); project: v2's
 * 1×1 projection (no activation).
 */
export type ConvKind = 'conv' | 'pointwise' | 'depthwise' | 'expand' | 'project';
/** A stage: a convolution, or v2's residual addition (block input + projection). */
export type StageKind = ConvKind | 'add';

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
  /** the layer shown, e.g. `conv_pw_5_relu`, `block_3_project_BN`, `block_5_add` */
  name: string;
  /** the convolution it computes, e.g. `conv_pw_5` (null for an addition) */
  conv: string | null;
  kind: StageKind;
  /** MobileNet v2's block (0…16) the stage belongs to; absent outside blocks (v2's Conv1, Conv_1) and in v1 */
  block?: number;
  /** [height, width, channels] of the output */
  shape: [number, number, number];
  /** kernel size and stride (1 and 1 for an addition) */
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

/** What every cell carries: where it is, tfjs's value for it and its channel's map. */
interface CellBase {
  layer: string;
  block?: number;
  y: number;
  x: number;
  channel: number;
  shape: [number, number, number];
  /** the model's own output for this cell (tfjs), for comparison */
  model: number;
  /** the whole channel at full resolution (row-major, 0…255 over the layer's [min, max]) for the enlarged view */
  map: Uint8Array;
  layerMin: number;
  layerMax: number;
}

/** The numbers of one output cell (y, x, channel) of a conv stage: conv sum → BatchNormalization → ReLU6 (or none: linear). */
export interface ConvCell extends CellBase {
  conv: string;
  kind: ConvKind;
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
  /** min(max(0, bn), 6), the layer's own activation, or `linear` (v2's projection: the value as it is) */
  activation: { kind: string; value: number };
}

/** One output cell of v2's residual addition: out = the block's input + its projection, at the same (y, x, channel). */
export interface AddCell extends CellBase {
  kind: 'add';
  /** the shortcut (the block's input: the previous block's output) and the projection (`…_project_BN`) */
  inputs: [{ layer: string; value: number }, { layer: string; value: number }];
  value: number;
}

export type LayerCell = ConvCell | AddCell;

/** A cell's final value (after the activation, or the sum). */
export const cellValue = (cell: LayerCell) => (cell.kind === 'add' ? cell.value : cell.activation.value);

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
  /** the base's layer the head reads (its cut: `conv_pw_13_relu`, `out_relu`) */
  layer: string;
  labels: string[];
  /** the class the steps explain: the top class */
  classIndex: number;
  steps: HeadStep[];
}
