/**
 * A fully connected feed-forward network, written so that the code reads as the
 * mathematics of one training step:
 *
 *   forward:   z_j = Σ_i w_ji a_i + b_j,   a_j = f(z_j)              (layer by layer)
 *   loss:      L = ½ (y − ŷ)²,  ŷ = a of the single output neuron
 *   backward:  δ_out = (ŷ − y) f′(z_out),   δ_j = f′(z_j) Σ_k w_kj δ_k
 *              ∂L/∂w_ji = δ_j a_i,   ∂L/∂b_j = δ_j
 *   update:    w ← w − α (mean over the mini-batch of ∂L/∂w + λ R′(w)),
 *              b ← b − α (mean over the mini-batch of ∂L/∂b)
 *
 * Layers are numbered l = 0..L: layer 0 holds the input features, layer L the
 * single output neuron. Every number lives in a preallocated Float64Array, so a
 * training step allocates nothing.
 */
import { ACTIVATIONS, type Activation, type ActivationName } from './activations';
import { REGULARIZATIONS, type RegularizationName } from './regularization';
import type { Rng } from './random';

export interface NetworkShape {
  /** neurons per layer, inputs first, output (1) last, e.g. [2, 4, 2, 1] */
  layerSizes: number[];
  /** f of every hidden layer */
  hiddenActivation: ActivationName;
  /** f of the output neuron: tanh for classification, linear for regression */
  outputActivation: ActivationName;
}

export interface Network {
  /** the architecture this network was built with */
  readonly shape: NetworkShape;
  /** weights[l][j * n(l-1) + i] = w_ji of layer l (from neuron i of layer l-1 to neuron j of layer l); weights[0] is empty */
  weights: Float64Array[];
  /** biases[l][j] = b_j of layer l; biases[0] empty */
  biases: Float64Array[];
  /** z[l][j] = Σ_i w_ji a_i + b_j (pre-activation), from the last forward pass; z[0] empty */
  z: Float64Array[];
  /** a[l][j] = f(z[l][j]); a[0] = the input features */
  a: Float64Array[];
  /** delta[l][j] = ∂L/∂z_j of layer l for the last sample (½(y−ŷ)² loss); delta[0] empty */
  delta: Float64Array[];
  /** ∂L/∂w summed over the samples accumulated since the last update */
  weightGradSum: Float64Array[];
  /** ∂L/∂b summed likewise */
  biasGradSum: Float64Array[];
  /** how many samples are in the sums */
  numAccumulated: number;
}

/** initial weights are drawn from U(−INIT_WEIGHT_RANGE, +INIT_WEIGHT_RANGE) */
const INIT_WEIGHT_RANGE = 0.5;
/** every bias starts at this value, as in TF Playground */
const INIT_BIAS = 0.1;

/** Throws unless the shape has ≥ 2 layers of positive integer sizes ending in 1. */
function validateShape(shape: NetworkShape): void {
  const sizes = shape.layerSizes;
  if (sizes.length < 2) throw new Error('a network needs an input and an output layer');
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`invalid layer size ${n}`);
  }
  if (sizes[sizes.length - 1] !== 1) throw new Error('the output layer must have 1 neuron');
  if (!(shape.hiddenActivation in ACTIVATIONS) || !(shape.outputActivation in ACTIVATIONS)) {
    throw new Error('unknown activation');
  }
}

/** One zero-filled Float64Array per layer l, of length sizeOf(l). */
function perLayer(sizes: number[], sizeOf: (l: number) => number): Float64Array[] {
  return sizes.map((_n, l) => new Float64Array(sizeOf(l)));
}

/** Builds a network with w ~ U(−0.5, 0.5) (drawn layer by layer, row by row) and b = 0.1. */
export function createNetwork(shape: NetworkShape, rng: Rng): Network {
  validateShape(shape);
  const n = shape.layerSizes.slice();
  const parameters = (l: number) => (l === 0 ? 0 : n[l] * n[l - 1]);
  const neurons = (l: number) => (l === 0 ? 0 : n[l]);
  const net: Network = {
    shape: { ...shape, layerSizes: n },
    weights: perLayer(n, parameters),
    biases: perLayer(n, neurons),
    z: perLayer(n, neurons),
    a: perLayer(n, (l) => n[l]),
    delta: perLayer(n, neurons),
    weightGradSum: perLayer(n, parameters),
    biasGradSum: perLayer(n, neurons),
    numAccumulated: 0,
  };
  for (let l = 1; l < n.length; l++) {
    const w = net.weights[l];
    for (let k = 0; k < w.length; k++) w[k] = (2 * rng() - 1) * INIT_WEIGHT_RANGE;
    net.biases[l].fill(INIT_BIAS);
  }
  return net;
}

/** f of layer l: the output activation for the last layer, the hidden one otherwise. */
function activationOf(net: Network, l: number): Activation {
  const { hiddenActivation, outputActivation } = net.shape;
  return ACTIVATIONS[l === net.a.length - 1 ? outputActivation : hiddenActivation];
}

/** Layer l forward: z_j = Σ_i w_ji a_i + b_j and a_j = f(z_j) for every neuron j. */
function forwardLayer(net: Network, l: number): void {
  const f = activationOf(net, l);
  const w = net.weights[l];
  const b = net.biases[l];
  const aPrev = net.a[l - 1];
  const z = net.z[l];
  const a = net.a[l];
  const nPrev = aPrev.length;
  for (let j = 0, row = 0; j < z.length; j++, row += nPrev) {
    let sum = b[j];
    for (let i = 0; i < nPrev; i++) sum += w[row + i] * aPrev[i];
    z[j] = sum;
    a[j] = f.output(sum);
  }
}

/** Runs layers 1..L on whatever is in a[0] and returns ŷ = a[L][0]. */
function propagate(net: Network): number {
  const L = net.a.length - 1;
  for (let l = 1; l <= L; l++) forwardLayer(net, l);
  return net.a[L][0];
}

/** Forward pass: a[0] ← input, then every layer in turn; fills z and a, returns ŷ. */
export function forward(net: Network, input: ArrayLike<number>): number {
  const a0 = net.a[0];
  for (let i = 0; i < a0.length; i++) a0[i] = input[i];
  return propagate(net);
}

/**
 * Forward pass on row `row` of a row-major matrix [n, nInputs] of inputs, without
 * allocating a subarray; otherwise identical to {@link forward}.
 */
export function forwardRow(net: Network, inputs: Float64Array, row: number): number {
  const a0 = net.a[0];
  const offset = row * a0.length;
  for (let i = 0; i < a0.length; i++) a0[i] = inputs[offset + i];
  return propagate(net);
}

/** Output neuron: δ_L = ∂L/∂z_L = (ŷ − y) · f′(z_L), for L = ½(y − ŷ)². */
function outputDelta(net: Network, yTrue: number): void {
  const L = net.a.length - 1;
  const yHat = net.a[L][0];
  net.delta[L][0] = (yHat - yTrue) * activationOf(net, L).derivative(net.z[L][0]);
}

/** Hidden layer l: δ_j = f′(z_j) · Σ_k w_kj δ_k, the error sent back from layer l+1. */
function hiddenDelta(net: Network, l: number): void {
  const f = activationOf(net, l);
  const delta = net.delta[l];
  const z = net.z[l];
  const wNext = net.weights[l + 1];
  const deltaNext = net.delta[l + 1];
  const n = delta.length;
  delta.fill(0);
  for (let k = 0, row = 0; k < deltaNext.length; k++, row += n) {
    const deltaK = deltaNext[k];
    for (let j = 0; j < n; j++) delta[j] += wNext[row + j] * deltaK;
  }
  for (let j = 0; j < n; j++) delta[j] *= f.derivative(z[j]);
}

/** Layer l: ∂L/∂w_ji = δ_j a_i and ∂L/∂b_j = δ_j, added to the running sums. */
function accumulateGradients(net: Network, l: number): void {
  const delta = net.delta[l];
  const aPrev = net.a[l - 1];
  const gradW = net.weightGradSum[l];
  const gradB = net.biasGradSum[l];
  const nPrev = aPrev.length;
  for (let j = 0, row = 0; j < delta.length; j++, row += nPrev) {
    const deltaJ = delta[j];
    for (let i = 0; i < nPrev; i++) gradW[row + i] += deltaJ * aPrev[i];
    gradB[j] += deltaJ;
  }
}

/**
 * Backpropagation for the sample of the last forward pass: fills δ from the output
 * back to layer 1, adds this sample's ∂L/∂w and ∂L/∂b to the sums, counts it.
 */
export function backward(net: Network, yTrue: number): void {
  const L = net.a.length - 1;
  outputDelta(net, yTrue);
  for (let l = L - 1; l >= 1; l--) hiddenDelta(net, l);
  for (let l = 1; l <= L; l++) accumulateGradients(net, l);
  net.numAccumulated++;
}

/**
 * Gradient-descent step on J = (1/|B|) Σ_B ½(y − ŷ)² + λ Σ_w R(w):
 * w ← w − α (Σ∂L/∂w / |B| + λ R′(w)),  b ← b − α Σ∂L/∂b / |B|  (biases are not
 * regularised). Then the sums and the count restart from zero. No-op if |B| = 0.
 */
export function applyUpdate(
  net: Network,
  learningRate: number,
  regularization: RegularizationName,
  regularizationRate: number,
): void {
  if (net.numAccumulated === 0) return;
  const alphaOverB = learningRate / net.numAccumulated;
  const R = REGULARIZATIONS[regularization];
  const alphaLambda = regularization === 'none' ? 0 : learningRate * regularizationRate;
  for (let l = 1; l < net.weights.length; l++) {
    const w = net.weights[l];
    const gradW = net.weightGradSum[l];
    for (let k = 0; k < w.length; k++) {
      const decay = alphaLambda === 0 ? 0 : alphaLambda * R.derivative(w[k]);
      w[k] -= alphaOverB * gradW[k] + decay;
    }
    gradW.fill(0);
    const b = net.biases[l];
    const gradB = net.biasGradSum[l];
    for (let j = 0; j < b.length; j++) b[j] -= alphaOverB * gradB[j];
    gradB.fill(0);
  }
  net.numAccumulated = 0;
}

/** L(ŷ, y) = ½ (y − ŷ)² */
export function sampleLoss(yHat: number, y: number): number {
  const error = y - yHat;
  return 0.5 * error * error;
}

/**
 * (1/n) Σ_samples ½(y − ŷ)² over a row-major input matrix [n, nInputs] (no
 * regularisation term; 0 for n = 0). Overwrites z and a, like forward.
 */
export function meanLoss(net: Network, inputs: Float64Array, labels: Float64Array): number {
  const n = labels.length;
  if (inputs.length !== n * net.a[0].length) {
    throw new Error(`inputs hold ${inputs.length} numbers, expected ${n} × ${net.a[0].length}`);
  }
  if (n === 0) return 0;
  let total = 0;
  for (let row = 0; row < n; row++) total += sampleLoss(forwardRow(net, inputs, row), labels[row]);
  return total / n;
}

/** Σ over every weight of R(w) (biases excluded); multiply by λ for the loss term. */
export function regularizationPenalty(net: Network, regularization: RegularizationName): number {
  if (regularization === 'none') return 0;
  const R = REGULARIZATIONS[regularization];
  let total = 0;
  for (const w of net.weights) for (let k = 0; k < w.length; k++) total += R.penalty(w[k]);
  return total;
}

/** An independent deep copy: parameters, activations, δ and gradient sums. */
export function cloneNetwork(net: Network): Network {
  const copy = (arrays: Float64Array[]) => arrays.map((array) => array.slice());
  return {
    shape: { ...net.shape, layerSizes: net.shape.layerSizes.slice() },
    weights: copy(net.weights),
    biases: copy(net.biases),
    z: copy(net.z),
    a: copy(net.a),
    delta: copy(net.delta),
    weightGradSum: copy(net.weightGradSum),
    biasGradSum: copy(net.biasGradSum),
    numAccumulated: net.numAccumulated,
  };
}

/** to.w ← from.w and to.b ← from.b for every layer; the layer sizes must match. */
export function copyParameters(from: Network, to: Network): void {
  const a = from.shape.layerSizes;
  const b = to.shape.layerSizes;
  if (a.length !== b.length || a.some((n, l) => n !== b[l])) {
    throw new Error(`cannot copy parameters from [${a}] into [${b}]`);
  }
  for (let l = 1; l < a.length; l++) {
    to.weights[l].set(from.weights[l]);
    to.biases[l].set(from.biases[l]);
  }
}

/** Number of trainable numbers: Σ_l n(l)·n(l−1) weights + n(l) biases. */
export function countParameters(shape: NetworkShape): number {
  const n = shape.layerSizes;
  let total = 0;
  for (let l = 1; l < n.length; l++) total += n[l] * n[l - 1] + n[l];
  return total;
}
