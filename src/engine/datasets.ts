/**
 * The six toy problems of TensorFlow Playground, re-derived: four classification
 * sets (label y = ±1) and two regression sets (y ∈ [−1, 1]), all inside [−6, 6]².
 *
 * `noise` is a percentage 0..50 as on the Playground's slider; internally it is the
 * fraction ν = noise / 100. For circle, xor, plane and multiGauss the noise moves
 * the point *used to decide the label*, so labels near the boundary get flipped;
 * for spiral and gauss it moves the points themselves.
 */
import { randomNormal, shuffleInPlace, type Rng } from './random';

export type DatasetName = 'circle' | 'xor' | 'gauss' | 'spiral' | 'plane' | 'multiGauss';
export type ProblemKind = 'classification' | 'regression';

export interface Point {
  /** first coordinate, in [−6, 6] */
  x1: number;
  /** second coordinate, in [−6, 6] */
  x2: number;
  /** target y: ±1 for classification, in [-1, 1] for regression */
  label: number;
}

export const DATASETS: Record<DatasetName, { kind: ProblemKind }> = {
  circle: { kind: 'classification' },
  xor: { kind: 'classification' },
  gauss: { kind: 'classification' },
  spiral: { kind: 'classification' },
  plane: { kind: 'regression' },
  multiGauss: { kind: 'regression' },
};

export const DATASET_NAMES: readonly DatasetName[] = [
  'circle',
  'xor',
  'gauss',
  'spiral',
  'plane',
  'multiGauss',
];

/** how many points a dataset has unless told otherwise (as in TF Playground) */
export const DEFAULT_NUM_SAMPLES = 500;

/** half-width of the square [−6, 6]² that holds every point */
const EXTENT = 6;

/** u ~ U[low, high) */
function uniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng();
}

/** clamps v into [low, high] */
function clamp(v: number, low: number, high: number): number {
  return v < low ? low : v > high ? high : v;
}

/**
 * Circle: y = +1 inside radius 2.5, −1 in the ring 3.5..5; the label is read at the
 * point shifted by ν·U(−5, 5) in each coordinate.
 */
function circle(numSamples: number, nu: number, rng: Rng): Point[] {
  const radius = 5;
  const points: Point[] = [];
  const addPoint = (rMin: number, rMax: number) => {
    const r = uniform(rng, rMin, rMax);
    const angle = uniform(rng, 0, 2 * Math.PI);
    const x1 = r * Math.sin(angle);
    const x2 = r * Math.cos(angle);
    const noisy1 = x1 + nu * uniform(rng, -radius, radius);
    const noisy2 = x2 + nu * uniform(rng, -radius, radius);
    const label = Math.hypot(noisy1, noisy2) < radius * 0.5 ? 1 : -1;
    points.push({ x1, x2, label });
  };
  const inside = Math.ceil(numSamples / 2);
  for (let k = 0; k < inside; k++) addPoint(0, radius * 0.5);
  for (let k = inside; k < numSamples; k++) addPoint(radius * 0.7, radius);
  return points;
}

/** XOR: y = sign(x₁ x₂) (quadrants), with a 0.3 gap around the axes. */
function xor(numSamples: number, nu: number, rng: Rng): Point[] {
  const padding = 0.3;
  const points: Point[] = [];
  for (let k = 0; k < numSamples; k++) {
    let x1 = uniform(rng, -5, 5);
    x1 += x1 > 0 ? padding : -padding;
    let x2 = uniform(rng, -5, 5);
    x2 += x2 > 0 ? padding : -padding;
    const noisy1 = x1 + nu * uniform(rng, -5, 5);
    const noisy2 = x2 + nu * uniform(rng, -5, 5);
    points.push({ x1, x2, label: noisy1 * noisy2 >= 0 ? 1 : -1 });
  }
  return points;
}

/**
 * Two Gaussian blobs, y = +1 around (2, 2) and −1 around (−2, −2), with variance
 * σ² = 0.5 + 7ν (0.5 at no noise, 4 at 50 %). Draws falling outside [−6, 6]² are
 * redrawn, so the blobs are truncated normals.
 */
function gauss(numSamples: number, nu: number, rng: Rng): Point[] {
  const std = Math.sqrt(0.5 + 7 * nu);
  const points: Point[] = [];
  const inRange = (v: number) => v >= -EXTENT && v <= EXTENT;
  const addPoint = (center: number, label: number) => {
    let x1: number;
    let x2: number;
    do {
      x1 = randomNormal(rng, center, std);
      x2 = randomNormal(rng, center, std);
    } while (!inRange(x1) || !inRange(x2));
    points.push({ x1, x2, label });
  };
  const positives = Math.ceil(numSamples / 2);
  for (let k = 0; k < positives; k++) addPoint(2, 1);
  for (let k = positives; k < numSamples; k++) addPoint(-2, -1);
  return points;
}

/**
 * Two interleaved spiral arms: point k of n has radius r = 5k/n and angle
 * t = 1.75 · 2π k/n (+π for the second arm), jittered by ν·U(−1, 1).
 */
function spiral(numSamples: number, nu: number, rng: Rng): Point[] {
  const points: Point[] = [];
  const addArm = (count: number, deltaT: number, label: number) => {
    for (let k = 0; k < count; k++) {
      const r = (k / count) * 5;
      const t = ((1.75 * k) / count) * 2 * Math.PI + deltaT;
      const x1 = r * Math.sin(t) + nu * uniform(rng, -1, 1);
      const x2 = r * Math.cos(t) + nu * uniform(rng, -1, 1);
      points.push({ x1, x2, label });
    }
  };
  const positives = Math.ceil(numSamples / 2);
  addArm(positives, 0, 1);
  addArm(numSamples - positives, Math.PI, -1);
  return points;
}

/**
 * Uniform points in [−6, 6]² labelled by label(x₁ + ν·U(−6, 6), x₂ + ν·U(−6, 6)):
 * the shared recipe of both regression sets.
 */
function regression(
  numSamples: number,
  nu: number,
  rng: Rng,
  label: (x1: number, x2: number) => number,
): Point[] {
  const points: Point[] = [];
  for (let k = 0; k < numSamples; k++) {
    const x1 = uniform(rng, -EXTENT, EXTENT);
    const x2 = uniform(rng, -EXTENT, EXTENT);
    const noisy1 = x1 + nu * uniform(rng, -EXTENT, EXTENT);
    const noisy2 = x2 + nu * uniform(rng, -EXTENT, EXTENT);
    points.push({ x1, x2, label: label(noisy1, noisy2) });
  }
  return points;
}

/** Plane: y = (x₁ + x₂) / 10, clamped to [−1, 1]. */
function planeLabel(x1: number, x2: number): number {
  return clamp((x1 + x2) / 10, -1, 1);
}

/** centres (c₁, c₂) and signs s of the six bumps of multiGauss */
const BUMPS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/**
 * MultiGauss: six cone-shaped bumps s · max(0, 1 − d/2), d = distance to the centre;
 * y is the bump of largest magnitude.
 */
function multiGaussLabel(x1: number, x2: number): number {
  let label = 0;
  for (const [c1, c2, sign] of BUMPS) {
    const height = sign * clamp(1 - Math.hypot(x1 - c1, x2 - c2) / 2, 0, 1);
    if (Math.abs(height) > Math.abs(label)) label = height;
  }
  return label;
}

/**
 * Generates `numSamples` points of the named problem, shuffled. The result depends
 * only on the arguments and on the state of `rng`.
 */
export function generateDataset(
  name: DatasetName,
  numSamples: number = DEFAULT_NUM_SAMPLES,
  noise: number,
  rng: Rng,
): Point[] {
  const nu = noise / 100;
  let points: Point[];
  switch (name) {
    case 'circle': points = circle(numSamples, nu, rng); break;
    case 'xor': points = xor(numSamples, nu, rng); break;
    case 'gauss': points = gauss(numSamples, nu, rng); break;
    case 'spiral': points = spiral(numSamples, nu, rng); break;
    case 'plane': points = regression(numSamples, nu, rng, planeLabel); break;
    case 'multiGauss': points = regression(numSamples, nu, rng, multiGaussLabel); break;
  }
  shuffleInPlace(points, rng);
  return points;
}
