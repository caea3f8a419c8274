/**
 * Proves the hand-written forward pass and backpropagation against TensorFlow.js
 * automatic differentiation: the same network, the same mini-batch and the same
 * objective J = (1/n) Σ ½(y − ŷ)² + λ Σ_w R(w) must give the same ŷ and the same
 * ∂J/∂w, ∂J/∂b for every parameter (up to float32 precision on the tf side).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, type ActivationName } from './activations';
import { backward, forwardRow, type Network } from './nn';
import { REGULARIZATIONS, REGULARIZATION_NAMES, type RegularizationName } from './regularization';
import { mulberry32, type Rng } from './random';
import { randomInt, randomNetwork as randomNetworkOf } from './randomNetwork.testutil';

/** integer uniform in [low, high] */
const randomNetwork = (rng: Rng, hidden: ActivationName, output: ActivationName): Network => randomNetworkOf(rng, hidden, output, 4, 8);

/** f(z) as tf ops */
function tfActivation(name: ActivationName, z: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'relu': return tf.relu(z);
    case 'tanh': return tf.tanh(z);
    case 'sigmoid': return tf.sigmoid(z);
    case 'linear': return z;
    case 'leakyRelu': return tf.leakyRelu(z, 0.01);
  }
}

/** Σ_w R(w) of one weight matrix as tf ops */
function tfPenalty(name: RegularizationName, w: tf.Tensor): tf.Scalar {
  switch (name) {
    case 'none': return tf.scalar(0);
    case 'L1': return tf.sum(tf.abs(w));
    case 'L2': return tf.mul(0.5, tf.sum(tf.square(w)));
  }
}

interface Reference {
  /** ŷ for each sample */
  yHat: Float32Array;
  /** ∂J/∂W, ∂J/∂b for each layer l = 1..L, in the engine's memory layout */
  grads: { weights: Float32Array; biases: Float32Array }[];
}

/**
 * J and its gradients computed by tf. W_l is stored [n(l), n(l−1)], exactly the
 * engine's layout, so z = a Wᵀ + b and ∂J/∂W_l can be compared entry by entry.
 */
function tfReference(
  net: Network, inputs: Float64Array, labels: Float64Array,
  regularization: RegularizationName, lambda: number,
): Reference {
  return tf.tidy(() => {
    const sizes = net.shape.layerSizes;
    const n = labels.length;
    const x = tf.tensor2d(Float32Array.from(inputs), [n, sizes[0]]);
    const y = tf.tensor2d(Float32Array.from(labels), [n, 1]);
    const params: tf.Tensor[] = [];
    for (let l = 1; l < sizes.length; l++) {
      params.push(
        tf.tensor2d(Float32Array.from(net.weights[l]), [sizes[l], sizes[l - 1]]),
        tf.tensor1d(Float32Array.from(net.biases[l])),
      );
    }
    const predict = (p: tf.Tensor[]) => {
      let a: tf.Tensor = x;
      for (let l = 1; l < sizes.length; l++) {
        const z = tf.add(tf.matMul(a, p[2 * l - 2], false, true), p[2 * l - 1]);
        const f = l === sizes.length - 1 ? net.shape.outputActivation : net.shape.hiddenActivation;
        a = tfActivation(f, z);
      }
      return a;
    };
    const objective = (...p: tf.Tensor[]): tf.Scalar => {
      const dataLoss = tf.mean(tf.mul(0.5, tf.square(tf.sub(y, predict(p)))));
      let penalty = tf.scalar(0);
      for (let l = 1; l < sizes.length; l++) penalty = tf.add(penalty, tfPenalty(regularization, p[2 * l - 2]));
      return tf.add(dataLoss, tf.mul(lambda, penalty));
    };
    const grads = tf.grads(objective)(params);
    return {
      yHat: predict(params).dataSync() as Float32Array,
      grads: sizes.slice(1).map((_n, k) => ({
        weights: grads[2 * k].dataSync() as Float32Array,
        biases: grads[2 * k + 1].dataSync() as Float32Array,
      })),
    };
  });
}

/** The engine's ŷ per sample and ∂J/∂w = Σ∂L/∂w / n + λR′(w), ∂J/∂b = Σ∂L/∂b / n. */
function engineResult(
  net: Network, inputs: Float64Array, labels: Float64Array,
  regularization: RegularizationName, lambda: number,
) {
  const yHat = Array.from(labels, (y, r) => {
    const out = forwardRow(net, inputs, r);
    backward(net, y);
    return out;
  });
  const n = net.numAccumulated;
  const R = REGULARIZATIONS[regularization];
  const grads = net.weights.slice(1).map((w, k) => ({
    weights: w.map((wji, m) => net.weightGradSum[k + 1][m] / n + lambda * R.derivative(wji)),
    biases: net.biasGradSum[k + 1].map((g) => g / n),
  }));
  return { yHat, grads };
}

/** |engine − tf| ≤ 1e-6 + 1e-3 |tf|: float32 precision on the tf side */
function expectClose(engine: ArrayLike<number>, reference: ArrayLike<number>, what: string): void {
  expect(engine.length, what).toBe(reference.length);
  for (let k = 0; k < engine.length; k++) {
    const tolerance = 1e-6 + 1e-3 * Math.abs(reference[k]);
    if (!(Math.abs(engine[k] - reference[k]) <= tolerance)) {
      expect.fail(`${what}[${k}]: engine ${engine[k]} vs tf ${reference[k]}`);
    }
  }
}

describe('engine vs TensorFlow.js autodiff', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  for (const hidden of ACTIVATION_NAMES) {
    for (const output of ['tanh', 'linear'] as const) {
      it(`hidden ${hidden}, output ${output}, regularisation none / L1 / L2`, () => {
        const rng = mulberry32(1000 + ACTIVATION_NAMES.indexOf(hidden) * 2 + (output === 'tanh' ? 0 : 1));
        const tensorsBefore = tf.memory().numTensors;
        for (let trial = 0; trial < 9; trial++) {
          const regularization = REGULARIZATION_NAMES[trial % 3];
          const lambda = regularization === 'none' ? 0 : rng() * 0.1;
          const net = randomNetwork(rng, hidden, output);
          const n = randomInt(rng, 1, 8);
          const inputs = Float64Array.from({ length: n * net.a[0].length }, () => 4 * rng() - 2);
          const labels = Float64Array.from({ length: n }, () => 2 * rng() - 1);
          const reference = tfReference(net, inputs, labels, regularization, lambda);
          expect(tf.memory().numTensors).toBe(tensorsBefore);
          const engine = engineResult(net, inputs, labels, regularization, lambda);
          const label = `[${net.shape.layerSizes}] ${regularization} λ=${lambda.toFixed(3)} n=${n}`;
          expectClose(engine.yHat, reference.yHat, `${label} ŷ`);
          engine.grads.forEach((g, k) => {
            expectClose(g.weights, reference.grads[k].weights, `${label} ∂J/∂w layer ${k + 1}`);
            expectClose(g.biases, reference.grads[k].biases, `${label} ∂J/∂b layer ${k + 1}`);
          });
        }
      });
    }
  }
});
