/**
 * Activation functions a = f(z) and their derivatives f′(z), which backpropagation
 * multiplies into every error signal δ.
 */

export type ActivationName = 'relu' | 'tanh' | 'sigmoid' | 'linear' | 'leakyRelu';

export interface Activation {
  /** a = f(z) */
  output(z: number): number;
  /** f′(z) */
  derivative(z: number): number;
}

/** slope of leaky ReLU for z ≤ 0 */
const LEAKY_SLOPE = 0.01;

/** σ(z) = 1 / (1 + e^(−z)) */
function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export const ACTIVATIONS: Record<ActivationName, Activation> = {
  /** f(z) = max(0, z); f′(z) = 1 if z > 0 else 0 (we choose f′(0) = 0) */
  relu: {
    output: (z) => (z > 0 ? z : 0),
    derivative: (z) => (z > 0 ? 1 : 0),
  },
  /** f(z) = tanh z; f′(z) = 1 − tanh² z */
  tanh: {
    output: (z) => Math.tanh(z),
    derivative: (z) => {
      const a = Math.tanh(z);
      return 1 - a * a;
    },
  },
  /** f(z) = σ(z); f′(z) = σ(z)(1 − σ(z)) */
  sigmoid: {
    output: sigmoid,
    derivative: (z) => {
      const a = sigmoid(z);
      return a * (1 - a);
    },
  },
  /** f(z) = z; f′(z) = 1 */
  linear: {
    output: (z) => z,
    derivative: () => 1,
  },
  /** f(z) = z if z > 0 else 0.01 z; f′(z) = 1 if z > 0 else 0.01 */
  leakyRelu: {
    output: (z) => (z > 0 ? z : LEAKY_SLOPE * z),
    derivative: (z) => (z > 0 ? 1 : LEAKY_SLOPE),
  },
};

export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'relu',
  'tanh',
  'sigmoid',
  'linear',
  'leakyRelu',
];
