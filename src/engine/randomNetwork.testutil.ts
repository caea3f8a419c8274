/** Test helpers: random networks for the gradient proofs (not used by the app). */
import type { ActivationName } from './activations';
import { createNetwork, type Network } from './nn';
import type { Rng } from './random';

export function randomInt(rng: Rng, low: number, high: number): number {
  return low + Math.floor(rng() * (high - low + 1));
}

/** 1–7 inputs, 0–maxHidden hidden layers of 1–maxNeurons, w ~ U(−1, 1), b ~ U(−0.5, 0.5) (not tiny gradients). */
export function randomNetwork(rng: Rng, hidden: ActivationName, output: ActivationName, maxHidden: number, maxNeurons: number): Network {
  const sizes = [randomInt(rng, 1, 7)];
  const numHidden = randomInt(rng, 0, maxHidden);
  for (let h = 0; h < numHidden; h++) sizes.push(randomInt(rng, 1, maxNeurons));
  sizes.push(1);
  const net = createNetwork({ layerSizes: sizes, hiddenActivation: hidden, outputActivation: output }, rng);
  for (let l = 1; l < sizes.length; l++) {
    net.weights[l].forEach((_w, k) => (net.weights[l][k] = 2 * rng() - 1));
    net.biases[l].forEach((_b, k) => (net.biases[l][k] = rng() - 0.5));
  }
  return net;
}
