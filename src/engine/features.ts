/**
 * Input features: fixed functions of the point (x₁, x₂) that the network receives
 * as its layer-0 activations. Hand-made features such as x₁² let a small network
 * draw curved boundaries without hidden layers.
 */

export type FeatureName = 'x1' | 'x2' | 'x1Squared' | 'x2Squared' | 'x1x2' | 'sinX1' | 'sinX2';

export const FEATURE_NAMES: readonly FeatureName[] = [
  'x1',
  'x2',
  'x1Squared',
  'x2Squared',
  'x1x2',
  'sinX1',
  'sinX2',
];

export const FEATURES: Record<FeatureName, (x1: number, x2: number) => number> = {
  /** x₁ */
  x1: (x1) => x1,
  /** x₂ */
  x2: (_x1, x2) => x2,
  /** x₁² */
  x1Squared: (x1) => x1 * x1,
  /** x₂² */
  x2Squared: (_x1, x2) => x2 * x2,
  /** x₁ x₂ */
  x1x2: (x1, x2) => x1 * x2,
  /** sin x₁ */
  sinX1: (x1) => Math.sin(x1),
  /** sin x₂ */
  sinX2: (_x1, x2) => Math.sin(x2),
};

/**
 * Writes the chosen features of (x₁, x₂) into `out` (out[k] = feature k) and returns
 * `out`; no allocation, so it can run once per sample.
 */
export function featureVector(
  names: readonly FeatureName[],
  x1: number,
  x2: number,
  out: Float64Array,
): Float64Array {
  for (let k = 0; k < names.length; k++) out[k] = FEATURES[names[k]](x1, x2);
  return out;
}
