/**
 * The playground's settings: one declarative table (type, default, allowed values) from which the
 * config type, the defaults, the URL encoding and validation all follow. Pure: no DOM.
 */
import type { ActivationName } from '../../engine/activations';
import type { DatasetName } from '../../engine/datasets';
import type { FeatureName } from '../../engine/features';
import type { RegularizationName } from '../../engine/regularization';

export const DATASET_OPTIONS = ['circle', 'xor', 'gauss', 'spiral', 'plane', 'multiGauss'] as const satisfies readonly DatasetName[];
export const FEATURE_OPTIONS = ['x1', 'x2', 'x1Squared', 'x2Squared', 'x1x2', 'sinX1', 'sinX2'] as const satisfies readonly FeatureName[];
export const ACTIVATION_OPTIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leakyRelu'] as const satisfies readonly ActivationName[];
export const REGULARIZATION_OPTIONS = ['none', 'L1', 'L2'] as const satisfies readonly RegularizationName[];
/** Learning rates offered in the UI (TF Playground's list); the URL accepts any value in (0, 10]. */
export const LEARNING_RATE_OPTIONS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REGULARIZATION_RATE_OPTIONS = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const SPEED_OPTIONS = ['slowMotion', 'slow', 'normal', 'fast', 'max'] as const;
export type Speed = (typeof SPEED_OPTIONS)[number];
export const BACKEND_OPTIONS = ['auto', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_OPTIONS)[number];

/** Training samples per second for each speed; `max` trains as fast as the worker can. */
export const SAMPLES_PER_SECOND: Record<Speed, number> = {
  slowMotion: 4,
  slow: 250,
  normal: 15_000,
  fast: 100_000,
  max: Number.POSITIVE_INFINITY,
};

export const MAX_HIDDEN_LAYERS = 6;
export const MAX_NEURONS = 8;
/** Points generated per dataset (train + test), as in TF Playground. */
export const NUM_SAMPLES = 500;

export interface PlaygroundConfig {
  dataset: DatasetName;
  /** label noise, percent (0–50) */
  noise: number;
  /** share of points used for training, percent (10–90) */
  trainRatio: number;
  batchSize: number;
  features: FeatureName[];
  /** neurons per hidden layer, 0–6 layers of 1–8 */
  hiddenLayers: number[];
  activation: ActivationName;
  /** α */
  learningRate: number;
  regularization: RegularizationName;
  /** λ */
  regularizationRate: number;
  discretize: boolean;
  showTestData: boolean;
  speed: Speed;
  backend: BackendChoice;
  /** seeds the data, the initial weights and everything random */
  seed: number;
}

export const DEFAULT_CONFIG: PlaygroundConfig = {
  dataset: 'circle',
  noise: 0,
  trainRatio: 50,
  batchSize: 10,
  features: ['x1', 'x2'],
  hiddenLayers: [4, 2],
  activation: 'tanh',
  learningRate: 0.03,
  regularization: 'none',
  regularizationRate: 0,
  discretize: false,
  showTestData: false,
  speed: 'normal',
  backend: 'auto',
  seed: 1,
};

/** Settings whose change rebuilds the data or the network (a new run); the others apply live. */
export const STRUCTURAL_KEYS = ['dataset', 'noise', 'trainRatio', 'features', 'hiddenLayers', 'activation', 'seed'] as const satisfies readonly (keyof PlaygroundConfig)[];

export function isStructuralChange(a: PlaygroundConfig, b: PlaygroundConfig): boolean {
  return STRUCTURAL_KEYS.some((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

/** Input size, hidden sizes and one output: e.g. [2, 4, 2, 1]. */
export function layerSizesOf(config: PlaygroundConfig): number[] {
  return [config.features.length, ...config.hiddenLayers, 1];
}
