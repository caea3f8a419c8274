import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, type ActivationName } from './activations';
import { gradientCheck } from './gradcheck';
import { applyUpdate, backward, cloneNetwork, createNetwork, forwardRow, type Network } from './nn';
import { REGULARIZATION_NAMES } from './regularization';
import { mulberry32, type Rng } from './random';
import { randomInt, randomNetwork as randomNetworkOf } from './randomNetwork.testutil';

/** integer uniform in [low, high] */
const randomNetwork = (rng: Rng, hidden: ActivationName, output: ActivationName): Network => randomNetworkOf(rng, hidden, output, 3, 6);

/** n random samples: inputs in [−1, 1], labels ±1. */
function randomBatch(rng: Rng, nInputs: number, n: number) {
  const inputs = Float64Array.from({ length: n * nInputs }, () => 2 * rng() - 1);
  const labels = Float64Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
  return { inputs, labels };
}

/** smallest |z| over every neuron and sample: how far the batch is from a ReLU kink */
function distanceToKink(net: Network, inputs: Float64Array, n: number): number {
  const probe = cloneNetwork(net);
  let smallest = Infinity;
  for (let r = 0; r < n; r++) {
    forwardRow(probe, inputs, r);
    for (const z of probe.z) for (const v of z) smallest = Math.min(smallest, Math.abs(v));
  }
  return smallest;
}

/** Every (layer, j, i) of the network, with i = −1 for the biases. */
function allParameters(net: Network): [number, number, number][] {
  const list: [number, number, number][] = [];
  for (let l = 1; l < net.weights.length; l++) {
    const nPrev = net.a[l - 1].length;
    for (let j = 0; j < net.biases[l].length; j++) {
      for (let i = -1; i < nPrev; i++) list.push([l, j, i]);
    }
  }
  return list;
}

describe('gradientCheck: backprop vs float64 central differences', () => {
  const kinked = new Set<ActivationName>(['relu', 'leakyRelu']);

  for (const hidden of ACTIVATION_NAMES) {
    for (const output of ['tanh', 'linear'] as const) {
      it(`hidden ${hidden}, output ${output}`, () => {
        const rng = mulberry32(ACTIVATION_NAMES.indexOf(hidden) * 10 + (output === 'tanh' ? 1 : 2));
        let checked = 0;
        for (let trial = 0; trial < 6; trial++) {
          const net = randomNetwork(rng, hidden, output);
          const n = randomInt(rng, 1, 8);
          const { inputs, labels } = randomBatch(rng, net.a[0].length, n);
          if (kinked.has(hidden) && distanceToKink(net, inputs, n) < 1e-3) continue;
          const regularization = REGULARIZATION_NAMES[trial % 3];
          const lambda = rng() * 0.1;
          for (const [l, j, i] of allParameters(net)) {
            const result = gradientCheck(net, inputs, labels, l, j, i, regularization, lambda);
            // The difference quotient carries a rounding error of about
            // ε_machine · J / ε ≈ 1e-11 · J, so gradients below 1e-4 (e.g. dead
            // ReLUs, exactly 0) are held to an absolute bound instead.
            if (Math.abs(result.analytic) + Math.abs(result.numeric) < 1e-4) {
              expect(Math.abs(result.analytic - result.numeric)).toBeLessThan(1e-10);
            } else {
              expect(result.relativeError).toBeLessThan(1e-6);
            }
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(20);
      });
    }
  }

  it('leaves parameters, activations and accumulated sums untouched', () => {
    const rng = mulberry32(99);
    const net = randomNetwork(rng, 'tanh', 'tanh');
    const { inputs, labels } = randomBatch(rng, net.a[0].length, 3);
    forwardRow(net, inputs, 0);
    backward(net, labels[0]);
    const before = cloneNetwork(net);
    for (const [l, j, i] of allParameters(net)) gradientCheck(net, inputs, labels, l, j, i, 'L2', 0.05);
    expect(net).toEqual(before);
  });

  it('agrees with the step applyUpdate takes: Δw = −α ∂J/∂w', () => {
    const rng = mulberry32(5);
    const net = randomNetwork(rng, 'sigmoid', 'linear');
    const { inputs, labels } = randomBatch(rng, net.a[0].length, 4);
    const results = allParameters(net).map(([l, j, i]) => gradientCheck(net, inputs, labels, l, j, i, 'L1', 0.03));
    const stepped = cloneNetwork(net);
    for (let r = 0; r < 4; r++) {
      forwardRow(stepped, inputs, r);
      backward(stepped, labels[r]);
    }
    applyUpdate(stepped, 0.1, 'L1', 0.03);
    allParameters(net).forEach(([l, j, i], k) => {
      const [before, after] = i === -1
        ? [net.biases[l][j], stepped.biases[l][j]]
        : [net.weights[l][j * net.a[l - 1].length + i], stepped.weights[l][j * net.a[l - 1].length + i]];
      expect(after).toBeCloseTo(before - 0.1 * results[k].analytic, 14);
    });
  });

  it('rejects a parameter that does not exist', () => {
    const net = createNetwork({ layerSizes: [2, 1], hiddenActivation: 'tanh', outputActivation: 'tanh' }, mulberry32(1));
    const { inputs, labels } = randomBatch(mulberry32(2), 2, 1);
    expect(() => gradientCheck(net, inputs, labels, 0, 0, 0, 'none', 0)).toThrow();
    expect(() => gradientCheck(net, inputs, labels, 1, 1, 0, 'none', 0)).toThrow();
    expect(() => gradientCheck(net, inputs, labels, 1, 0, 2, 'none', 0)).toThrow();
  });
});
