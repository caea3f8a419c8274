/**
 * The training step of a head that is one softmax Dense layer (the default head after its fixed
 * pooling: logits = x·W + b, p = softmax(logits)) under categorical cross-entropy, with the
 * gradient written out instead of taken by autodiff. Autodiff replays the loss's many small ops
 * backwards (Keras's normalisation p / Σp, the clip, the log, the softmax), and on wasm each small
 * op costs about as much as the layer's maths; the gradient itself is short:
 *
 *   g = (p − y) / B          dL/dlogits for a batch of B (mean loss), one row per example
 *   dW = xᵀ · g,  db = Σ g   (over the batch)
 *
 * Keras clips p to [ε, 1 − ε] before the log, and no gradient flows through a clipped value: a row
 * whose label's probability sits outside that range has g = 0 here too, as with trainOnBatch
 * (head.test.ts checks weights and losses against it).
 *
 * W and b train as one variable, θ = [W; b] ([width + 1, classes]), on inputs with a 1 appended
 * ([x, 1]): one product gives the logits with the bias, one gives both gradients (dθ = [x, 1]ᵀ · g),
 * and the optimizer updates one variable. The optimizer's rule is elementwise, so this is the same
 * update as W and b apart. The layer's own kernel and bias get θ's values after every epoch
 * (writeBack): the trained head keeps its architecture, weights and saved format.
 */
import * as tf from '@tensorflow/tfjs';

/** A Dense layer's config as far as this step needs it. */
interface DenseConfig {
  activation?: string;
  useBias?: boolean;
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  activityRegularizer?: unknown;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
}

/** The model's only layer with weights when it is a softmax Dense on flat inputs with nothing autodiff alone would handle (regularizers, constraints); null otherwise. */
export function softmaxDenseLayer(model: tf.LayersModel): tf.layers.Layer | null {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (layers.length !== 1 || layers[0].getClassName() !== 'Dense') return null;
  const config = layers[0].getConfig() as DenseConfig;
  const plain = [config.kernelRegularizer, config.biasRegularizer, config.activityRegularizer, config.kernelConstraint, config.biasConstraint].every((c) => c == null);
  const inputShape = model.inputs[0].shape;
  return config.activation === 'softmax' && config.useBias !== false && plain && inputShape.length === 2 ? layers[0] : null;
}

/** Rows of `width` values each with a 1 appended: [count, width] → [count, width + 1] (the inputs θ = [W; b] multiplies). */
export function withOnes(values: Float32Array, width: number): Float32Array {
  const count = values.length / width;
  const out = new Float32Array(count * (width + 1));
  for (let n = 0; n < count; n++) {
    out.set(values.subarray(n * width, (n + 1) * width), n * (width + 1));
    out[n * (width + 1) + width] = 1;
  }
  return out;
}

export class SoftmaxDenseStep {
  /** θ = [W; b]: the kernel [width, classes] with the bias as its last row, [width + 1, classes] */
  private readonly theta: tf.Variable;
  private readonly width: number;
  private readonly classes: number;

  constructor(
    private readonly layer: tf.layers.Layer,
    private readonly optimizer: tf.Optimizer,
  ) {
    const [kernel, bias] = layer.getWeights();
    [this.width, this.classes] = kernel.shape as [number, number];
    const initial = tf.tidy(() => tf.concat([kernel, bias.reshape([1, -1])]));
    this.theta = tf.variable(initial, true);
    initial.dispose();
  }

  /**
   * One optimizer step on a batch: xs [B, width + 1] (inputs with a 1 appended), ys [B, classes]
   * one-hot. Returns [the batch's summed loss, its number of correct predictions]. Call inside tf.tidy.
   */
  step(xs: tf.Tensor2D, ys: tf.Tensor2D): tf.Tensor1D {
    const count = xs.shape[0];
    const epsilon = tf.backend().epsilon();
    const p = tf.softmax(tf.matMul(xs, this.theta as tf.Tensor2D));
    /** each example's probability of its label, [B] */
    const pLabel = tf.sum(tf.mul(p, ys), 1);
    const clipped = tf.clipByValue(pLabel, epsilon, 1 - epsilon);
    /** 1 / B where the clip leaves pLabel as it is, 0 where it holds (no gradient flows), [B, 1] */
    const rowScale = tf.mul(tf.cast(tf.equal(clipped, pLabel), 'float32'), 1 / count).reshape([count, 1]);
    /** dL/dlogits, [B, classes] */
    const g = tf.mul(tf.sub(p, ys), rowScale);
    // dθ = xsᵀ · g (not (gᵀ · xs)ᵀ: XNNPACK packs a product's right operand anew for every new
    // tensor, and packing xs [B, width + 1] each step costs more than transposing it; wasmMatMul.ts).
    this.optimizer.applyGradients({ [this.theta.name]: tf.matMul(xs, g, true, false) });
    const lossSum = tf.neg(tf.sum(tf.log(clipped)));
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(ys, 1)), 'float32'));
    return tf.stack([lossSum, correct]) as tf.Tensor1D;
  }

  /** Gives the layer's kernel and bias θ's current values (through the host: two slices on wasm cost more than the read). */
  writeBack(): void {
    const values = this.theta.dataSync() as Float32Array;
    const kernel = tf.tensor2d(values.slice(0, this.width * this.classes), [this.width, this.classes]);
    const bias = tf.tensor1d(values.slice(this.width * this.classes));
    this.layer.setWeights([kernel, bias]);
    tf.dispose([kernel, bias]);
  }

  dispose(): void {
    this.theta.dispose();
  }
}
