/**
 * Playground state ⇄ URL query, by pure functions driven by one table. Decoding validates every
 * value: anything missing gets its default silently, anything present but invalid gets its default
 * and is reported, so the UI can show a notice.
 */
import {
  ACTIVATION_OPTIONS,
  BACKEND_OPTIONS,
  DATASET_OPTIONS,
  DEFAULT_CONFIG,
  FEATURE_OPTIONS,
  MAX_HIDDEN_LAYERS,
  MAX_NEURONS,
  REGULARIZATION_OPTIONS,
  SPEED_OPTIONS,
  type PlaygroundConfig,
} from './meta';

/** Where training stands, beyond the settings: replayed deterministically from the seed. */
export interface RunPosition {
  /** training samples processed since the network was built */
  step: number;
  /** index of the selected sample in the dataset (train points first, then test) */
  sample: number;
}

export const DEFAULT_POSITION: RunPosition = { step: 0, sample: 0 };
/** Largest step count a link may ask to replay (keeps a hostile link from hanging the worker). */
export const MAX_REPLAY_STEPS = 5_000_000;

type Codec<T> = { param: string; parse(raw: string): T | undefined; format(value: T): string };

const oneOf = <T extends string>(param: string, options: readonly T[]): Codec<T> => ({
  param,
  parse: (raw) => (options as readonly string[]).includes(raw) ? (raw as T) : undefined,
  format: (value) => value,
});

const numberIn = (param: string, min: number, max: number, integer = false, minExclusive = false): Codec<number> => ({
  param,
  parse: (raw) => {
    if (raw.trim() === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value > max || value < min || (minExclusive && value === min)) return undefined;
    if (integer && !Number.isInteger(value)) return undefined;
    return value;
  },
  format: (value) => String(value),
});

const flag = (param: string): Codec<boolean> => ({
  param,
  parse: (raw) => (raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined),
  format: (value) => (value ? '1' : '0'),
});

const featureList: Codec<PlaygroundConfig['features']> = {
  param: 'features',
  parse: (raw) => {
    const items = raw.split(',').filter((item) => item !== '');
    const valid = items.every((item) => (FEATURE_OPTIONS as readonly string[]).includes(item));
    if (!valid || items.length === 0 || new Set(items).size !== items.length) return undefined;
    return FEATURE_OPTIONS.filter((name) => items.includes(name));
  },
  format: (value) => value.join(','),
};

const hiddenList: Codec<number[]> = {
  param: 'hidden',
  parse: (raw) => {
    if (raw === '0' || raw === 'none') return [];
    const sizes = raw.split(',').map(Number);
    const valid = sizes.length <= MAX_HIDDEN_LAYERS && sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS);
    return valid ? sizes : undefined;
  },
  format: (value) => (value.length === 0 ? 'none' : value.join(',')),
};

const CONFIG_CODECS: { [K in keyof PlaygroundConfig]: Codec<PlaygroundConfig[K]> } = {
  dataset: oneOf('dataset', DATASET_OPTIONS),
  noise: numberIn('noise', 0, 50, true),
  trainRatio: numberIn('ratio', 10, 90, true),
  batchSize: numberIn('batch', 1, 30, true),
  features: featureList,
  hiddenLayers: hiddenList,
  activation: oneOf('activation', ACTIVATION_OPTIONS),
  learningRate: numberIn('lr', 0, 10, false, true),
  regularization: oneOf('reg', REGULARIZATION_OPTIONS),
  regularizationRate: numberIn('regRate', 0, 10),
  discretize: flag('discretize'),
  showTestData: flag('showTest'),
  speed: oneOf('speed', SPEED_OPTIONS),
  backend: oneOf('backend', BACKEND_OPTIONS),
  seed: numberIn('seed', 0, 2 ** 31 - 1, true),
};

const POSITION_CODECS: { [K in keyof RunPosition]: Codec<number> } = {
  step: numberIn('step', 0, MAX_REPLAY_STEPS, true),
  sample: numberIn('sample', 0, 100_000, true),
};

export interface DecodedState {
  config: PlaygroundConfig;
  position: RunPosition;
  /** URL parameters that were present but invalid (each replaced by its default) */
  invalidParams: string[];
}

function decodeTable<T extends object>(
  params: URLSearchParams,
  codecs: { [K in keyof T]: Codec<T[K]> },
  defaults: T,
  invalid: string[],
): T {
  const result = { ...defaults };
  for (const key of Object.keys(codecs) as (keyof T)[]) {
    const codec = codecs[key];
    const raw = params.get(codec.param);
    if (raw === null) continue;
    const value = codec.parse(raw);
    if (value === undefined) invalid.push(codec.param);
    else result[key] = value;
  }
  return result;
}

export function decodeState(params: URLSearchParams): DecodedState {
  const invalidParams: string[] = [];
  const config = decodeTable(params, CONFIG_CODECS, DEFAULT_CONFIG, invalidParams);
  const position = decodeTable(params, POSITION_CODECS, DEFAULT_POSITION, invalidParams);
  return { config, position, invalidParams };
}

/** Writes the state into `params` (other parameters such as `lang` are kept). */
export function encodeState(config: PlaygroundConfig, position: RunPosition, params = new URLSearchParams()): URLSearchParams {
  for (const key of Object.keys(CONFIG_CODECS) as (keyof PlaygroundConfig)[]) {
    const codec = CONFIG_CODECS[key] as Codec<unknown>;
    params.set(codec.param, codec.format(config[key]));
  }
  params.set(POSITION_CODECS.step.param, String(position.step));
  params.set(POSITION_CODECS.sample.param, String(position.sample));
  return params;
}
