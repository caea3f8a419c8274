/**
 * The numbers of one output cell of a stage, computed by hand from the layer's weights and the
 * stage below's outputs (a ProbeRun: plain arrays, no tensor): a convolution's sum term by term,
 * its BatchNormalization and its activation (ReLU6, or none: v2's linear bottleneck); or v2's
 * residual addition, the block's input plus its projection. tfjs's own value rides along.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AddCell, ConvCell, ConvTerm, LayerCell } from '../layerMapsMeta';
import type { AddStage, ConvStage, Probe, ProbeRun } from './layerStages';

/** 0…255 over [min, max] (0 for a constant layer). */
export const toByte = (v: number, min: number, max: number) => (max > min ? Math.round((255 * (v - min)) / (max - min)) : 0);

/** A layer's weights by their short names (`kernel`, `depthwise_kernel`, `bias`, `gamma`, `beta`, `moving_mean`, `moving_variance`). */
function weightsOf(probe: Probe, layer: tf.layers.Layer): Record<string, Float32Array> {
  if (!probe.weights.has(layer.name)) probe.weights.set(layer.name, layer.getWeights().map((w) => w.dataSync() as Float32Array));
  const values = probe.weights.get(layer.name)!;
  return Object.fromEntries(layer.weights.map((w, k) => [w.originalName.split('/').pop()!, values[k]]));
}

/** The activation layer's function: Activation (relu6, relu, linear) or ReLU (maxValue); none: linear. */
function activate(layer: tf.layers.Layer | null, v: number): { kind: string; value: number } {
  if (!layer) return { kind: 'linear', value: v };
  const config = layer.getConfig() as { activation?: string; maxValue?: number | null };
  if (layer.getClassName() === 'ReLU') {
    const value = Math.max(0, v);
    return config.maxValue != null ? { kind: config.maxValue === 6 ? 'relu6' : 'relu', value: Math.min(value, config.maxValue) } : { kind: 'relu', value };
  }
  if (config.activation === 'relu6') return { kind: 'relu6', value: Math.min(Math.max(0, v), 6) };
  if (config.activation === 'relu') return { kind: 'relu', value: Math.max(0, v) };
  if (config.activation === 'linear') return { kind: 'linear', value: v };
  throw new Error(`activation ${config.activation} not shown`);
}

/** Padding before the first row/column: TensorFlow's 'same' puts the odd one after. */
function padBefore(size: number, out: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2) : 0;
}

/** z = Σ w·x (+ b) of one output cell, with its terms (zero-padding taps, a ZeroPadding2D's or 'same''s, left out). */
function convSum(probe: Probe, stage: ConvStage, input: Float32Array, [ih, iw, ic]: [number, number, number], [oh, ow]: [number, number], y: number, x: number, channel: number) {
  const weights = weightsOf(probe, stage.conv);
  const k = stage.kernel;
  const [[padTop, padBottom], [padLeft, padRight]] = stage.zeroPad;
  const top = padTop + padBefore(ih + padTop + padBottom, oh, k, stage.stride, stage.padding);
  const left = padLeft + padBefore(iw + padLeft + padRight, ow, k, stage.stride, stage.padding);
  const [y0, x0] = [y * stage.stride - top, x * stage.stride - left];
  const terms: ConvTerm[] = [];
  const depthwise = stage.kind === 'depthwise';
  const kernel = depthwise ? weights.depthwise_kernel : weights.kernel;
  /** output channels per input channel (depthwise) or filters (conv) */
  const outs = kernel.length / (k * k * ic);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const [yy, xx] = [y0 + i, x0 + j];
      if (yy < 0 || yy >= ih || xx < 0 || xx >= iw) continue;
      const channels = depthwise ? [Math.floor(channel / outs)] : Array.from({ length: ic }, (_, c) => c);
      for (const c of channels) {
        const w = kernel[((i * k + j) * ic + c) * outs + (depthwise ? channel % outs : channel)];
        terms.push({ i, j, c, w, x: input[(yy * iw + xx) * ic + c] });
      }
    }
  }
  const bias = weights.bias ? weights.bias[channel] : null;
  const z = terms.reduce((sum, t) => sum + t.w * t.x, bias ?? 0);
  return { terms, bias, z, inputY: y0, inputX: x0 };
}

/** A stage's input: the image or a stage's output, and its shape. */
const inputOf = (run: ProbeRun, n: number): [Float32Array, [number, number, number]] => (n < 0 ? [run.input, run.inputShape] : [run.outputs[n], run.shapes[n]]);

function convCell(probe: Probe, run: ProbeRun, n: number, stage: ConvStage, y: number, x: number, channel: number) {
  const [h, w] = run.shapes[n];
  const [input, inputShape] = inputOf(run, stage.input);
  const sum = convSum(probe, stage, input, inputShape, [h, w], y, x, channel);
  const bnWeights = weightsOf(probe, stage.bn);
  const epsilon = (stage.bn.getConfig() as { epsilon: number }).epsilon;
  const [mean, variance] = [bnWeights.moving_mean[channel], bnWeights.moving_variance[channel]];
  const [gamma, beta] = [bnWeights.gamma?.[channel] ?? 1, bnWeights.beta?.[channel] ?? 0];
  const normalised = ((sum.z - mean) / Math.sqrt(variance + epsilon)) * gamma + beta;
  return {
    conv: stage.conv.name, kind: stage.kind, kernel: stage.kernel, stride: stage.stride, ...sum,
    bn: { mean, variance, epsilon, gamma, beta, value: normalised },
    activation: activate(stage.act, normalised),
  } satisfies Omit<ConvCell, keyof LayerCellBase>;
}

function addCell(probe: Probe, run: ProbeRun, stage: AddStage, at: number) {
  if (stage.inputs.length !== 2) throw new Error(`${stage.out.name} adds ${stage.inputs.length} inputs, not 2`);
  const inputs = stage.inputs.map((k) => ({ layer: probe.stages[k].out.name, value: run.outputs[k][at] })) as AddCell['inputs'];
  return { kind: 'add', inputs, value: inputs[0].value + inputs[1].value } satisfies Omit<AddCell, keyof LayerCellBase>;
}

type LayerCellBase = Omit<AddCell, 'kind' | 'inputs' | 'value'>;

/** The numbers of one output cell of the stage whose output (or convolution) is `layerName`. */
export function layerCell(probe: Probe, run: ProbeRun, layerName: string, y: number, x: number, channel: number): LayerCell {
  const n = probe.stages.findIndex((stage) => stage.out.name === layerName || (stage.kind !== 'add' && stage.conv.name === layerName));
  if (n < 0) throw new RangeError(`no layer ${layerName} shown`);
  const stage = probe.stages[n];
  const shape = run.shapes[n];
  const [h, w, c] = shape;
  if (![y, x, channel].every(Number.isInteger) || y < 0 || y >= h || x < 0 || x >= w || channel < 0 || channel >= c) throw new RangeError(`cell ${y}, ${x}, ${channel} outside ${shape}`);
  const data = run.outputs[n];
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const map = new Uint8Array(h * w);
  for (let k = 0; k < h * w; k++) map[k] = toByte(data[k * c + channel], lo, hi);
  const at = (y * w + x) * c + channel;
  const base: LayerCellBase = { layer: stage.out.name, ...(stage.block !== undefined ? { block: stage.block } : {}), y, x, channel, shape, model: data[at], map, layerMin: lo, layerMax: hi };
  return stage.kind === 'add' ? { ...base, ...addCell(probe, run, stage, at) } : { ...base, ...convCell(probe, run, n, stage, y, x, channel) };
}
