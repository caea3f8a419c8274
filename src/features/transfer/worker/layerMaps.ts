/**
 * The layer explorer: MobileNet's activation maps for one image, and the numbers of one output
 * cell, computed by hand from the layer's weights and the previous layer's activations.
 *
 * One multi-output model per base (`Probe`: the input → every conv block's activation, i.e. the
 * `_relu` layer after each Conv2D/DepthwiseConv2D and its BatchNormalization) runs once per image;
 * its outputs are kept as Float32Arrays, so a cell's formula needs no tensor at all. Every tensor
 * is made in tf.tidy or disposed; only plain data and typed arrays leave.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerMapsRequest } from '../../../worker/protocol';
import type { ChannelMap, ConvKind, ConvTerm, LayerCell, LayerMaps } from '../layerMapsMeta';
import { TRUNCATION_LAYER } from '../meta';
import { decodeImage } from './decode';
import { preprocess } from './embed';
import { transferNetwork } from './explain';
import { headCells } from './layerHead';
import type { BaseModel } from './model';
import { isHeadOnly, type StudioView } from './studioView';

/** One conv block: the convolution, its BatchNormalization and its activation (ReLU6 in MobileNet). */
export interface ConvBlock {
  conv: tf.layers.Layer;
  bn: tf.layers.Layer;
  act: tf.layers.Layer;
  kind: ConvKind;
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
}

export interface Probe {
  blocks: ConvBlock[];
  /** input [1, 224, 224, 3] → each block's activation [1, h, w, c] */
  model: tf.LayersModel;
  /** each block's weights as plain arrays, read on first use */
  weights: Map<string, Float32Array[]>;
}

/** One image through the probe: the input (scaled to [−1, 1]) and every block's activation, row-major [h, w, c]. */
export interface ProbeRun {
  input: Float32Array;
  inputShape: [number, number, number];
  outputs: Float32Array[];
  shapes: [number, number, number][];
}

const className = (layer: tf.layers.Layer | undefined) => layer?.getClassName() ?? '';

/** Every Conv2D / DepthwiseConv2D followed by BatchNormalization and an activation, in order (27 in MobileNet v1). */
export function convBlocks(model: tf.LayersModel): ConvBlock[] {
  const layers = model.layers;
  const blocks: ConvBlock[] = [];
  layers.forEach((conv, k) => {
    const [bn, act] = [layers[k + 1], layers[k + 2]];
    const kind = className(conv);
    if ((kind !== 'Conv2D' && kind !== 'DepthwiseConv2D') || className(bn) !== 'BatchNormalization' || !['Activation', 'ReLU'].includes(className(act))) return;
    const config = conv.getConfig() as { kernelSize: number | number[]; strides: number | number[]; padding: 'same' | 'valid' };
    const kernel = ([] as number[]).concat(config.kernelSize)[0];
    const stride = ([] as number[]).concat(config.strides)[0];
    blocks.push({ conv, bn, act, kernel, stride, padding: config.padding, kind: kind === 'DepthwiseConv2D' ? 'depthwise' : kernel === 1 ? 'pointwise' : 'conv' });
  });
  return blocks;
}

export function buildProbe(full: tf.LayersModel): Probe {
  const blocks = convBlocks(full);
  const outputs = blocks.map((block) => block.act.getOutputAt(0) as tf.SymbolicTensor);
  return { blocks, model: tf.model({ inputs: full.inputs, outputs }), weights: new Map() };
}

/** Runs the probe on one 224² RGB image (one forward pass) and reads every activation back. */
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

/** 0…255 over [min, max] (0 for a constant layer). */
const toByte = (v: number, min: number, max: number) => (max > min ? Math.round((255 * (v - min)) / (max - min)) : 0);

/** One channel of [h, w, c], mean-pooled to [sh, sw] blocks, as bytes over [min, max]. */
function channelPixels(data: Float32Array, [h, w, c]: [number, number, number], channel: number, [sh, sw]: [number, number], min: number, max: number): Uint8Array {
  const pixels = new Uint8Array(sh * sw);
  const [fy, fx] = [h / sh, w / sw];
  for (let py = 0; py < sh; py++) {
    for (let px = 0; px < sw; px++) {
      let [sum, count] = [0, 0];
      for (let y = Math.floor(py * fy); y < Math.floor((py + 1) * fy); y++) {
        for (let x = Math.floor(px * fx); x < Math.floor((px + 1) * fx); x++, count++) sum += data[(y * w + x) * c + channel];
      }
      pixels[py * sw + px] = toByte(sum / count, min, max);
    }
  }
  return pixels;
}

/**
 * Each block's maps: the `maxChannels` channels with the largest mean activation (most active
 * first), downsampled by block means to at most maxSize per side, on the layer's colour scale.
 */
export function layerMaps(probe: Probe, run: ProbeRun, maxChannels: number, maxSize: number): LayerMaps[] {
  return probe.blocks.map((block, n) => {
    const data = run.outputs[n];
    const shape = run.shapes[n];
    const [h, w, c] = shape;
    const [sums, mins, maxs] = [new Float64Array(c), new Float32Array(c).fill(Infinity), new Float32Array(c).fill(-Infinity)];
    let [lo, hi] = [Infinity, -Infinity];
    for (let k = 0; k < data.length; k++) {
      const v = data[k];
      const ch = k % c;
      sums[ch] += v;
      if (v < mins[ch]) mins[ch] = v;
      if (v > maxs[ch]) maxs[ch] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const chosen = Array.from({ length: c }, (_, k) => k).sort((a, b) => sums[b] - sums[a] || a - b).slice(0, maxChannels);
    const divisor = Math.max(1, Math.ceil(Math.max(h, w) / maxSize));
    const size: [number, number] = [Math.floor(h / divisor), Math.floor(w / divisor)];
    const channels: ChannelMap[] = chosen.map((index) => ({ index, min: mins[index], max: maxs[index], mean: sums[index] / (h * w), pixels: channelPixels(data, shape, index, size, lo, hi) }));
    return { name: block.act.name, conv: block.conv.name, kind: block.kind, shape, kernel: block.kernel, stride: block.stride, size, min: lo, max: hi, channels };
  });
}

/** A layer's weights by their short names (`kernel`, `depthwise_kernel`, `bias`, `gamma`, `beta`, `moving_mean`, `moving_variance`). */
function weightsOf(probe: Probe, layer: tf.layers.Layer): Record<string, Float32Array> {
  if (!probe.weights.has(layer.name)) probe.weights.set(layer.name, layer.getWeights().map((w) => w.dataSync() as Float32Array));
  const values = probe.weights.get(layer.name)!;
  return Object.fromEntries(layer.weights.map((w, k) => [w.originalName.split('/').pop()!, values[k]]));
}

/** The activation layer's function: Activation (relu6, relu, linear) or ReLU (maxValue). */
function activate(layer: tf.layers.Layer, v: number): { kind: string; value: number } {
  const config = layer.getConfig() as { activation?: string; maxValue?: number | null };
  if (className(layer) === 'ReLU') {
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

/** z = Σ w·x (+ b) of one output cell, with its terms (zero-padding taps left out). */
function convSum(probe: Probe, block: ConvBlock, input: Float32Array, [ih, iw, ic]: [number, number, number], [oh, ow]: [number, number], y: number, x: number, channel: number) {
  const weights = weightsOf(probe, block.conv);
  const k = block.kernel;
  const [top, left] = [padBefore(ih, oh, k, block.stride, block.padding), padBefore(iw, ow, k, block.stride, block.padding)];
  const [y0, x0] = [y * block.stride - top, x * block.stride - left];
  const terms: ConvTerm[] = [];
  const depthwise = block.kind === 'depthwise';
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

/** The numbers of one output cell of the block whose activation is `layerName`: conv sum → BatchNormalization → activation. */
export function layerCell(probe: Probe, run: ProbeRun, layerName: string, y: number, x: number, channel: number): LayerCell {
  const n = probe.blocks.findIndex((block) => block.act.name === layerName || block.conv.name === layerName);
  if (n < 0) throw new RangeError(`no conv layer ${layerName}`);
  const block = probe.blocks[n];
  const shape = run.shapes[n];
  const [h, w, c] = shape;
  if (![y, x, channel].every(Number.isInteger) || y < 0 || y >= h || x < 0 || x >= w || channel < 0 || channel >= c) throw new RangeError(`cell ${y}, ${x}, ${channel} outside ${shape}`);
  const [input, inputShape] = n === 0 ? [run.input, run.inputShape] : [run.outputs[n - 1], run.shapes[n - 1]];
  const sum = convSum(probe, block, input, inputShape, [h, w], y, x, channel);
  const bnWeights = weightsOf(probe, block.bn);
  const epsilon = (block.bn.getConfig() as { epsilon: number }).epsilon;
  const [mean, variance] = [bnWeights.moving_mean[channel], bnWeights.moving_variance[channel]];
  const [gamma, beta] = [bnWeights.gamma?.[channel] ?? 1, bnWeights.beta?.[channel] ?? 0];
  const normalised = ((sum.z - mean) / Math.sqrt(variance + epsilon)) * gamma + beta;
  const data = run.outputs[n];
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const map = new Uint8Array(h * w);
  for (let k = 0; k < h * w; k++) map[k] = toByte(data[k * c + channel], lo, hi);
  return {
    layer: block.act.name, conv: block.conv.name, kind: block.kind, y, x, channel, shape, kernel: block.kernel, stride: block.stride, ...sum,
    bn: { mean, variance, epsilon, gamma, beta, value: normalised },
    activation: activate(block.act, normalised),
    model: data[(y * w + x) * c + channel],
    map, layerMin: lo, layerMax: hi,
  };
}

/** Answers the layer explorer's requests for the studio; keeps the probe per base and the last image's run. */
export class LayerExplorer {
  private probe: { base: BaseModel; probe: Probe } | null = null;
  private last: { probe: Probe; run: ProbeRun } | null = null;

  constructor(private readonly view: StudioView) {}

  private probeFor(base: BaseModel): Probe {
    // A tf.model over the base's own layers: no weights of its own, so never disposed (that would dispose the base's).
    if (this.probe?.base !== base) this.probe = { base, probe: buildProbe(base.full) };
    return this.probe.probe;
  }

  async handle(message: LayerMapsRequest): Promise<void> {
    const { requestId } = message;
    try {
      if (message.type === 'transfer/layerCell') {
        // The maps of a base since replaced (another model loaded, a new backend) are gone.
        const current = this.last && this.probe?.probe === this.last.probe && this.probe.base === (await this.view.base());
        if (!current) return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'noImage' });
        const cell = layerCell(this.last!.probe, this.last!.run, message.layer, message.y, message.x, message.channel);
        return this.view.post({ type: 'transfer/layerCellReady', requestId, cell });
      }
      const rgb = message.imageId ? this.view.rgb(message.imageId) : message.file ? (await decodeImage(message.file)).rgb : undefined;
      if (!rgb) return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'noImage' });
      const base = await this.view.base();
      if (!base) return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'noModel' });
      // The explorer reads MobileNet v1's blocks (depthwise + pointwise); MobileNet v2's come later.
      if (base.spec.family !== 'mobilenet_v1') return this.view.post({ type: 'transfer/layerFailed', requestId, code: 'unsupportedBase', detail: base.spec.label });
      const started = performance.now();
      const probe = this.probeFor(base);
      const run = await runProbe(probe, rgb);
      this.last = { probe, run };
      const layers = layerMaps(probe, run, message.maxChannels, message.maxSize);
      const head = await this.head(probe, run, rgb);
      this.view.post({ type: 'transfer/layerMapsReady', requestId, layers, head, ms: performance.now() - started });
    } catch (error) {
      this.view.post({ type: 'transfer/layerFailed', requestId, code: 'failed', detail: String(error) });
    }
  }

  /** The trained head's cells on this image: on the probe's conv_pw_13_relu, or (fine-tuned) on the tail's own. */
  private async head(probe: Probe, run: ProbeRun, rgb: Uint8Array) {
    const trained = this.view.trained();
    if (!trained) return null;
    const last = probe.blocks.findIndex((block) => block.act.name === TRUNCATION_LAYER);
    if (isHeadOnly(trained) && last >= 0) return headCells(trained.tail, run.outputs[last], run.shapes[last], trained.labels);
    const network = await transferNetwork(this.view);
    if (!network) return null;
    const a = tf.tidy(() => network.net.conv(network.input(rgb)));
    try {
      return headCells(trained.tail, (await a.data()) as Float32Array, a.shape.slice(1) as [number, number, number], trained.labels);
    } finally {
      a.dispose();
    }
  }
}
