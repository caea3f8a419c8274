/**
 * Gradient checking: the derivative backpropagation computes must agree with the
 * slope measured by nudging one parameter,
 *   ∂J/∂θ ≈ (J(θ + ε) − J(θ − ε)) / 2ε   (central difference, error O(ε²)),
 * where J = (1/n) Σ ½(y − ŷ)² + λ Σ_w R(w) over the given samples.
 */
import {
  backward,
  forwardRow,
  meanLoss,
  regularizationPenalty,
  type Network,
} from './nn';
import { REGULARIZATIONS, type RegularizationName } from './regularization';

export interface GradCheckResult {
  /** ∂J/∂θ from backpropagation */
  analytic: number;
  /** (J(θ + ε) − J(θ − ε)) / 2ε */
  numeric: number;
  /** |analytic − numeric| / max(1e-12, |analytic| + |numeric|) */
  relativeError: number;
}

/** Everything a check touches besides the parameters, so it can be put back. */
interface SavedState {
  z: Float64Array[];
  a: Float64Array[];
  delta: Float64Array[];
  weightGradSum: Float64Array[];
  biasGradSum: Float64Array[];
  numAccumulated: number;
}

function saveState(net: Network): SavedState {
  const copy = (arrays: Float64Array[]) => arrays.map((array) => array.slice());
  return {
    z: copy(net.z),
    a: copy(net.a),
    delta: copy(net.delta),
    weightGradSum: copy(net.weightGradSum),
    biasGradSum: copy(net.biasGradSum),
    numAccumulated: net.numAccumulated,
  };
}

function restoreState(net: Network, saved: SavedState): void {
  const restore = (to: Float64Array[], from: Float64Array[]) =>
    to.forEach((array, l) => array.set(from[l]));
  restore(net.z, saved.z);
  restore(net.a, saved.a);
  restore(net.delta, saved.delta);
  restore(net.weightGradSum, saved.weightGradSum);
  restore(net.biasGradSum, saved.biasGradSum);
  net.numAccumulated = saved.numAccumulated;
}

/** J = (1/n) Σ ½(y − ŷ)² + λ Σ_w R(w) */
function objective(
  net: Network,
  inputs: Float64Array,
  labels: Float64Array,
  regularization: RegularizationName,
  regularizationRate: number,
): number {
  const dataLoss = meanLoss(net, inputs, labels);
  return dataLoss + regularizationRate * regularizationPenalty(net, regularization);
}

/**
 * Compares backprop's ∂J/∂w_ji of layer `layer` (or ∂J/∂b_j when i = −1) with a
 * float64 central difference. The network's parameters, activations and
 * accumulated gradient sums are left exactly as they were.
 */
export function gradientCheck(
  net: Network,
  inputs: Float64Array,
  labels: Float64Array,
  layer: number,
  j: number,
  i: number,
  regularization: RegularizationName,
  regularizationRate: number,
  epsilon = 1e-5,
): GradCheckResult {
  const nPrev = layer >= 1 && layer < net.a.length ? net.a[layer - 1].length : 0;
  const nHere = nPrev > 0 ? net.a[layer].length : 0;
  if (!(j >= 0 && j < nHere && i >= -1 && i < nPrev)) {
    throw new Error(`no parameter at layer ${layer}, j ${j}, i ${i}`);
  }
  const isBias = i === -1;
  const params = isBias ? net.biases[layer] : net.weights[layer];
  const k = isBias ? j : j * nPrev + i;
  const saved = saveState(net);
  const theta = params[k];

  // analytic: mean of ∂L/∂θ over the samples, plus λ R′(w) for a weight
  const sums = isBias ? net.biasGradSum[layer] : net.weightGradSum[layer];
  for (const g of [...net.weightGradSum, ...net.biasGradSum]) g.fill(0);
  net.numAccumulated = 0;
  for (let row = 0; row < labels.length; row++) {
    forwardRow(net, inputs, row);
    backward(net, labels[row]);
  }
  const meanGrad = labels.length > 0 ? sums[k] / labels.length : 0;
  const decay = isBias ? 0 : regularizationRate * REGULARIZATIONS[regularization].derivative(theta);
  const analytic = meanGrad + decay;

  // numeric: slope of J between θ − ε and θ + ε
  params[k] = theta + epsilon;
  const jPlus = objective(net, inputs, labels, regularization, regularizationRate);
  params[k] = theta - epsilon;
  const jMinus = objective(net, inputs, labels, regularization, regularizationRate);
  params[k] = theta;
  const numeric = (jPlus - jMinus) / (2 * epsilon);

  restoreState(net, saved);
  const relativeError =
    Math.abs(analytic - numeric) / Math.max(1e-12, Math.abs(analytic) + Math.abs(numeric));
  return { analytic, numeric, relativeError };
}
