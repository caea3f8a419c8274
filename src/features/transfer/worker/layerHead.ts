/**
 * The studio's trained head on one image, computed by hand (Float64) from its weights, one cell
 * per layer, following the evidence back from the top class: the softmax of its logit, the logit's
 * dense sum, the hidden unit that adds most to it, then the input value that adds most to that
 * unit, back through the layers before it: Rescaling (scale · x + offset), Flatten (the same
 * value), AveragePooling2D (the mean of one region's window, 'valid' padding) or
 * GlobalAveragePooling2D (the mean of one channel over the grid).
 * Each cell also carries tfjs's own value (`model`) for comparison.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseTerm, HeadCells, HeadStep } from '../layerMapsMeta';
import { TRUNCATION_LAYER } from '../meta';

/** Dense terms sent: the largest |w·x| (the sum uses them all). */
export const DENSE_TERMS_SHOWN = 8;

const ACTIVATIONS: Record<string, (z: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(0, z),
  relu6: (z) => Math.min(Math.max(0, z), 6),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
};

/** An AveragePooling2D's windows: its input's [h, w, c], its output's width, the window side and stride. */
interface PoolGeometry {
  shape: [number, number, number];
  outWidth: number;
  size: number;
  stride: number;
}

interface Forward {
  layer: tf.layers.Layer;
  input: Float64Array;
  /** the layer's output; for a softmax Dense, its logits */
  output: Float64Array;
  /** an AveragePooling2D's windows */
  pool?: PoolGeometry;
}

/** An AveragePooling2D's windows on a [h, w, c] input; null for what is not shown here ('same' padding, channels first, non-square windows). */
function poolGeometry(layer: tf.layers.Layer, [h, w, c]: [number, number, number]): PoolGeometry | null {
  const config = layer.getConfig() as { poolSize: number | number[]; strides?: number | number[] | null; padding?: string; dataFormat?: string };
  const pair = (v: number | number[]) => (Array.isArray(v) ? v : [v, v]);
  const [ph, pw] = pair(config.poolSize);
  const [sh, sw] = pair(config.strides ?? config.poolSize);
  if ((config.padding ?? 'valid') !== 'valid' || (config.dataFormat ?? 'channelsLast') !== 'channelsLast' || ph !== pw || sh !== sw || ph > h || pw > w) return null;
  return { shape: [h, w, c], outWidth: Math.floor((w - pw) / sw) + 1, size: ph, stride: sh };
}

/** The sum of channel `channel` over the pooling window with top-left cell (y0, x0). */
function windowSum(x: Float64Array, { shape: [, w, c], size }: PoolGeometry, y0: number, x0: number, channel: number): number {
  let sum = 0;
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) sum += x[((y0 + i) * w + x0 + j) * c + channel];
  return sum;
}

/** The head's layers after the base's cut layer (a fine-tuned tail holds blocks before them). */
function headLayers(tail: tf.LayersModel, cut: string): tf.layers.Layer[] {
  const layers = tail.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  return layers.slice(layers.findIndex((layer) => layer.name === cut) + 1);
}

/** The head forward in plain numbers; null when it holds a layer not shown here. */
function forward(layers: tf.layers.Layer[], a: Float32Array, shape: [number, number, number]): Forward[] | null {
  let x: Float64Array = Float64Array.from(a);
  // The current [h, w, c] (row-major data); null once flat.
  let dims: [number, number, number] | null = shape;
  const steps: Forward[] = [];
  for (const layer of layers) {
    const kind = layer.getClassName();
    let output: Float64Array;
    let pool: PoolGeometry | undefined;
    if (kind === 'GlobalAveragePooling2D') {
      if (!dims) return null;
      const [h, w, c] = dims;
      output = new Float64Array(c);
      x.forEach((v, k) => (output[k % c] += v / (h * w)));
      dims = null;
    } else if (kind === 'AveragePooling2D') {
      const geometry: PoolGeometry | null = dims ? poolGeometry(layer, dims) : null;
      if (!geometry) return null;
      const { shape: [h, , c], outWidth, size, stride }: PoolGeometry = geometry;
      const outHeight: number = Math.floor((h - size) / stride) + 1;
      output = new Float64Array(outHeight * outWidth * c);
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          for (let ch = 0; ch < c; ch++) output[(oy * outWidth + ox) * c + ch] = windowSum(x, geometry, oy * stride, ox * stride, ch) / (size * size);
        }
      }
      pool = geometry;
      dims = [outHeight, outWidth, c];
    } else if (kind === 'Rescaling') {
      const { scale, offset } = layer.getConfig() as { scale: number; offset?: number };
      output = x.map((v) => scale * v + (offset ?? 0));
    } else if (kind === 'Flatten' || kind === 'Dropout') {
      // Flatten: the row-major data as it is.
      output = x;
      if (kind === 'Flatten') dims = null;
    } else if (kind === 'Dense') {
      // Dense on a grid works per position: not shown here.
      if (dims) return null;
      const [kernel, bias] = layer.getWeights().map((t) => t.dataSync() as Float32Array);
      const units = kernel.length / x.length;
      const activation = (layer.getConfig() as { activation: string }).activation;
      const f = activation === 'softmax' ? ACTIVATIONS.linear : ACTIVATIONS[activation];
      if (!f) return null;
      output = new Float64Array(units);
      for (let u = 0; u < units; u++) {
        let z = bias ? bias[u] : 0;
        for (let k = 0; k < x.length; k++) z += kernel[k * units + u] * x[k];
        output[u] = f(z);
      }
    } else {
      return null;
    }
    steps.push({ layer, input: x, output, ...(pool ? { pool } : {}) });
    x = output;
  }
  return steps;
}

/** tfjs's own output of each layer (a softmax Dense: its logits, x·W + b), for comparison. */
function tfOutputs(layers: tf.layers.Layer[], a: Float32Array, shape: [number, number, number]): Float32Array[] {
  const outputs = tf.tidy(() => {
    let x: tf.Tensor = tf.tensor(a, [1, ...shape]);
    return layers.map((layer) => {
      const softmaxDense = layer.getClassName() === 'Dense' && (layer.getConfig() as { activation: string }).activation === 'softmax';
      const [kernel, bias] = layer.getWeights();
      const logits = softmaxDense ? tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D).add(bias ?? tf.scalar(0)) : null;
      x = layer.apply(x, { training: false }) as tf.Tensor;
      return logits ?? x;
    });
  });
  try {
    return outputs.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(outputs);
  }
}

const argMax = (values: ArrayLike<number>) => Array.from(values).reduce((best, v, k, all) => (v > all[best] ? k : best), 0);

function denseStep(step: Forward, unit: number, model: number): { step: HeadStep; next: number } {
  const [kernel, bias] = step.layer.getWeights().map((t) => t.dataSync() as Float32Array);
  const units = step.output.length;
  const all: DenseTerm[] = Array.from(step.input, (x, k) => ({ k, w: kernel[k * units + unit], x }));
  const z = all.reduce((sum, t) => sum + t.w * t.x, bias ? bias[unit] : 0);
  const biggest = [...all].sort((p, q) => Math.abs(q.w * q.x) - Math.abs(p.w * p.x));
  const activation = (step.layer.getConfig() as { activation: string }).activation;
  return {
    step: { kind: 'dense', layer: step.layer.name, unit, activation, terms: biggest.slice(0, DENSE_TERMS_SHOWN), termCount: all.length, bias: bias ? bias[unit] : 0, z, value: step.output[unit], model },
    // The input that adds most to this unit: the cell shown one layer down.
    next: all.reduce((best, t) => (t.w * t.x > best.w * best.x ? t : best)).k,
  };
}

/**
 * The head's cells for the top class, on `a`, the output of the base's layer `cut` (MobileNet v1:
 * conv_pw_13_relu, v2: out_relu); null for a head with a layer not shown here, or without a final
 * softmax Dense.
 */
export function headCells(tail: tf.LayersModel, a: Float32Array, shape: [number, number, number], labels: string[], cut: string = TRUNCATION_LAYER): HeadCells | null {
  const layers = headLayers(tail, cut);
  const passes = forward(layers, a, shape);
  const final = layers[layers.length - 1];
  if (!passes || !final || final.getClassName() !== 'Dense' || (final.getConfig() as { activation: string }).activation !== 'softmax') return null;
  const model = tfOutputs(layers, a, shape);
  const logits = Array.from(passes[passes.length - 1].output);
  const classIndex = argMax(logits);
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  const probability = exps[classIndex] / exps.reduce((s, e) => s + e, 0);
  const modelLogits = model[model.length - 1];
  const modelMax = Math.max(...modelLogits);
  const modelProbability = Math.exp(modelLogits[classIndex] - modelMax) / modelLogits.reduce((s, z) => s + Math.exp(z - modelMax), 0);
  const steps: HeadStep[] = [{ kind: 'softmax', classIndex, logits, value: probability, model: modelProbability }];
  let cell = classIndex;
  for (let n = passes.length - 1; n >= 0; n--) {
    const pass = passes[n];
    const kind = pass.layer.getClassName();
    if (kind === 'Dense') {
      const { step, next } = denseStep(pass, cell, model[n][cell]);
      steps.unshift(step);
      cell = next;
    } else if (kind === 'Dropout') {
      steps.unshift({ kind: 'dropout' });
    } else if (kind === 'Flatten') {
      steps.unshift({ kind: 'flatten', length: pass.output.length });
    } else if (kind === 'Rescaling') {
      const { scale, offset } = pass.layer.getConfig() as { scale: number; offset?: number };
      steps.unshift({ kind: 'scale', scale, offset: offset ?? 0, input: pass.input[cell], value: pass.output[cell], model: model[n][cell] });
    } else if (kind === 'AveragePooling2D' && pass.pool) {
      // Output index cell = (regionY · outWidth + regionX) · c + channel (row-major [regions, regions, c]).
      const { shape: [, , c], outWidth, size, stride } = pass.pool;
      const channel = cell % c;
      const at = Math.floor(cell / c);
      const region = { y0: Math.floor(at / outWidth) * stride, x0: (at % outWidth) * stride, size };
      const sum = windowSum(pass.input, pass.pool, region.y0, region.x0, channel);
      steps.unshift({ kind: 'pool', channel, region, count: size * size, sum, value: pass.output[cell], model: model[n][cell] });
    } else {
      // GlobalAveragePooling2D (forward shows no other kind): channel `cell` over the whole grid.
      const c = pass.output.length;
      let sum = 0;
      for (let k = cell; k < pass.input.length; k += c) sum += pass.input[k];
      steps.unshift({ kind: 'pool', channel: cell, count: pass.input.length / c, sum, value: pass.output[cell], model: model[n][cell] });
    }
  }
  return { layer: cut, labels, classIndex, steps };
}
