/**
 * The stages the layer explorer shows, found by following the model's graph (graph.inboundOf), and
 * the probe that computes them all for one image.
 *
 * A conv stage is a Conv2D or DepthwiseConv2D, the BatchNormalization it feeds and the activation
 * that one feeds (ReLU6); MobileNet v2's 1 × 1 projection has none (the linear bottleneck), so its
 * BatchNormalization is the layer shown. An add stage is v2's residual Add (the block's input + its
 * projection). MobileNet v1 0.25: 27 conv stages. MobileNet v2: Conv1; block 0's depthwise and
 * projection; blocks 1–16's expansion, depthwise and projection, and the add where the block's
 * input and output shapes match (10 blocks); Conv_1 (out_relu): 62 stages.
 *
 * The probe (input → every stage's output) runs once per image; its outputs are kept as
 * Float32Arrays, so a cell's formula needs no tensor at all. Every tensor is made in tf.tidy or
 * disposed.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvKind } from '../layerMapsMeta';
import { preprocess } from './embed';
import { inboundOf } from './graph';

type Layer = tf.layers.Layer;

/** A convolution, its BatchNormalization and its activation (null: linear, v2's projection). */
export interface ConvStage {
  kind: ConvKind;
  /** the layer whose output is shown: `act`, or `bn` when there is no activation */
  out: Layer;
  conv: Layer;
  bn: Layer;
  act: Layer | null;
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  /** a ZeroPadding2D between the input and the convolution: rows [top, bottom], columns [left, right] */
  zeroPad: [[number, number], [number, number]];
  /** the stage whose output is the convolution's input; −1: the image */
  input: number;
  /** v2's block number (0…16) */
  block?: number;
}

/** v2's residual addition: out = the block's input + its projection. */
export interface AddStage {
  kind: 'add';
  out: Layer;
  /** the stages added, in the Add's order (Keras: the shortcut first, then the projection) */
  inputs: number[];
  block?: number;
}

export type Stage = ConvStage | AddStage;

export interface Probe {
  stages: Stage[];
  /** input [1, 224, 224, 3] → each stage's output [1, h, w, c] */
  model: tf.LayersModel;
  /** each layer's weights as plain arrays, read on first use */
  weights: Map<string, Float32Array[]>;
}

/** One image through the probe: the input (scaled to [−1, 1]) and every stage's output, row-major [h, w, c]. */
export interface ProbeRun {
  input: Float32Array;
  inputShape: [number, number, number];
  outputs: Float32Array[];
  shapes: [number, number, number][];
}

const className = (layer: Layer | undefined) => layer?.getClassName() ?? '';
const first = (v: number | number[]) => ([] as number[]).concat(v)[0];

/** v2's block number from a Keras MobileNetV2 layer name (`expanded_conv_…`: 0, `block_N_…`: N). */
export function blockOf(name: string): number | undefined {
  if (name.startsWith('expanded_conv')) return 0;
  const match = /^block_(\d+)_/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The layers each layer feeds (in the model's order). */
function consumersOf(layers: Layer[]): Map<string, Layer[]> {
  const consumers = new Map<string, Layer[]>();
  for (const layer of layers) for (const from of inboundOf(layer)) consumers.set(from.name, [...(consumers.get(from.name) ?? []), layer]);
  return consumers;
}

/** A convolution's input: through a ZeroPadding2D if one feeds it. */
function convInput(conv: Layer): { source: Layer | undefined; zeroPad: ConvStage['zeroPad'] } {
  const [source] = inboundOf(conv);
  if (className(source) !== 'ZeroPadding2D') return { source, zeroPad: [[0, 0], [0, 0]] };
  const { padding } = source.getConfig() as { padding: number | [number, number] | [[number, number], [number, number]] };
  const pair = (p: number | [number, number]): [number, number] => (Array.isArray(p) ? p : [p, p]);
  const zeroPad: ConvStage['zeroPad'] = typeof padding === 'number' ? [[padding, padding], [padding, padding]]
    : Array.isArray(padding[0]) ? [pair(padding[0]), pair(padding[1])] : [[padding[0] as number, padding[0] as number], [padding[1] as number, padding[1] as number]];
  return { source: inboundOf(source)[0], zeroPad };
}

function convKind(conv: Layer, kernel: number, act: Layer | null): ConvKind {
  if (className(conv) === 'DepthwiseConv2D') return 'depthwise';
  if (kernel > 1) return 'conv';
  if (conv.name.endsWith('_expand')) return 'expand';
  return act ? 'pointwise' : 'project';
}

/**
 * Every conv stage and residual Add of `model`, in the model's order, up to and including the layer
 * `upTo` (the base's cut; all when absent). Throws when a stage is fed by a layer that is not shown.
 */
export function layerStages(model: tf.LayersModel, upTo?: string): Stage[] {
  const end = upTo ? model.layers.findIndex((layer) => layer.name === upTo) : -1;
  const layers = end >= 0 ? model.layers.slice(0, end + 1) : model.layers;
  const consumers = consumersOf(layers);
  const stages: Stage[] = [];
  // The layers are in topological order: a stage's sources are found before it.
  const index = new Map<string, number>();
  const stageOf = (source: Layer | undefined, of: Layer): number => {
    if (className(source) === 'InputLayer') return -1;
    const k = source ? index.get(source.name) : undefined;
    if (k === undefined) throw new Error(`${of.name} is fed by ${source?.name ?? 'nothing'}, not a stage shown`);
    return k;
  };
  for (const layer of layers) {
    const kind = className(layer);
    if (kind === 'Add') {
      stages.push({ kind: 'add', out: layer, inputs: inboundOf(layer).map((source) => stageOf(source, layer)), block: blockOf(layer.name) });
    } else if (kind === 'Conv2D' || kind === 'DepthwiseConv2D') {
      const bn = (consumers.get(layer.name) ?? []).find((next) => className(next) === 'BatchNormalization');
      if (!bn) continue;
      const act = (consumers.get(bn.name) ?? []).find((next) => ['Activation', 'ReLU'].includes(className(next))) ?? null;
      const config = layer.getConfig() as { kernelSize: number | number[]; strides: number | number[]; padding: 'same' | 'valid' };
      const kernel = first(config.kernelSize);
      const { source, zeroPad } = convInput(layer);
      const stage: ConvStage = {
        kind: convKind(layer, kernel, act), out: act ?? bn, conv: layer, bn, act, kernel, stride: first(config.strides), padding: config.padding, zeroPad,
        input: stageOf(source, layer), block: blockOf(layer.name),
      };
      stages.push(stage);
    } else {
      continue;
    }
    index.set(stages.at(-1)!.out.name, stages.length - 1);
  }
  return stages;
}

/** The probe over a base's own layers (no weights of its own: never disposed, that would dispose the base's). */
export function buildProbe(full: tf.LayersModel, upTo?: string): Probe {
  const stages = layerStages(full, upTo);
  const outputs = stages.map((stage) => stage.out.getOutputAt(0) as tf.SymbolicTensor);
  return { stages, model: tf.model({ inputs: full.inputs, outputs }), weights: new Map() };
}

/** Runs the probe on one 224² RGB image (one forward pass) and reads every stage's output back. */
export async function runProbe(probe: Probe, rgb: Uint8Array): Promise<ProbeRun> {
  const [input, outputs] = tf.tidy(() => {
    const x = preprocess([rgb]);
    const y = probe.model.predict(x) as tf.Tensor | tf.Tensor[];
    return [x, Array.isArray(y) ? y : [y]] as const;
  });
  try {
    const data = await Promise.all([input, ...outputs].map((t) => t.data() as Promise<Float32Array>));
    const shapes = outputs.map((t) => t.shape.slice(1) as [number, number, number]);
    return { input: data[0], inputShape: input.shape.slice(1) as [number, number, number], outputs: data.slice(1), shapes };
  } finally {
    tf.dispose([input, ...outputs]);
  }
}
