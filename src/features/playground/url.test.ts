import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type PlaygroundConfig } from './meta';
import { decodeState, encodeState } from './url';

describe('URL state', () => {
  it('round-trips every setting, the seed and the run position', () => {
    const config: PlaygroundConfig = {
      ...DEFAULT_CONFIG,
      dataset: 'spiral',
      noise: 25,
      trainRatio: 70,
      batchSize: 3,
      features: ['x1', 'x2', 'sinX1', 'x1x2'],
      hiddenLayers: [8, 8, 1],
      activation: 'leakyRelu',
      learningRate: 0.003,
      regularization: 'L1',
      regularizationRate: 0.001,
      discretize: true,
      showTestData: true,
      speed: 'max',
      backend: 'wasm',
      seed: 123456,
    };
    const params = encodeState(config, { step: 751, sample: 12 });
    const decoded = decodeState(new URLSearchParams(params.toString()));
    expect(decoded.invalidParams).toEqual([]);
    expect(decoded.position).toEqual({ step: 751, sample: 12 });
    // Features come back in canonical order.
    expect(decoded.config).toEqual({ ...config, features: ['x1', 'x2', 'x1x2', 'sinX1'] });
  });

  it('round-trips a network with no hidden layer', () => {
    const params = encodeState({ ...DEFAULT_CONFIG, hiddenLayers: [] }, { step: 0, sample: 0 });
    expect(decodeState(params).config.hiddenLayers).toEqual([]);
  });

  it('missing values get defaults silently', () => {
    expect(decodeState(new URLSearchParams(''))).toEqual({ config: DEFAULT_CONFIG, position: { step: 0, sample: 0 }, invalidParams: [] });
  });

  it('garbage and out-of-range values get defaults and are reported', () => {
    const decoded = decodeState(
      new URLSearchParams('lr=banana&hidden=9,2&dataset=moon&noise=-3&batch=0&features=x1,x9&activation=&seed=1.5&step=1e12&ratio=95&regRate=Infinity&discretize=maybe'),
    );
    expect(decoded.config).toEqual(DEFAULT_CONFIG);
    expect(decoded.position.step).toBe(0);
    expect(decoded.invalidParams.sort()).toEqual(
      ['activation', 'batch', 'dataset', 'discretize', 'features', 'hidden', 'lr', 'noise', 'ratio', 'regRate', 'seed', 'step'].sort(),
    );
  });

  it('rejects a zero or negative learning rate and more than 6 layers or 8 neurons', () => {
    for (const query of ['lr=0', 'lr=-1', 'lr=11', 'hidden=1,1,1,1,1,1,1', 'hidden=0,2', 'features=x1,x1']) {
      expect(decodeState(new URLSearchParams(query)).invalidParams.length).toBe(1);
    }
  });

  it('keeps other parameters such as lang when encoding', () => {
    const params = encodeState(DEFAULT_CONFIG, { step: 0, sample: 0 }, new URLSearchParams('lang=zh-CN'));
    expect(params.get('lang')).toBe('zh-CN');
  });
});
