import { describe, expect, it } from 'vitest';
import { featureVector, FEATURE_NAMES, FEATURES } from './features';
import { ACTIVATIONS, ACTIVATION_NAMES } from './activations';
import { REGULARIZATIONS } from './regularization';
import { mulberry32, randomNormal, shuffleInPlace } from './random';

describe('random', () => {
  it('mulberry32 is reproducible and uniform in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const draws = Array.from({ length: 10000 }, () => a());
    expect(draws.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    const mean = draws.reduce((s, u) => s + u, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(mulberry32(124)()).not.toBe(draws[0]);
  });

  it('randomNormal has the requested mean and standard deviation', () => {
    const rng = mulberry32(1);
    const draws = Array.from({ length: 20000 }, () => randomNormal(rng, 3, 2));
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(draws.every(Number.isFinite)).toBe(true);
  });

  it('shuffleInPlace permutes arrays and typed arrays reproducibly', () => {
    const items = Array.from({ length: 50 }, (_v, k) => k);
    shuffleInPlace(items, mulberry32(2));
    expect([...items].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_v, k) => k));
    expect(items).not.toEqual([...items].sort((x, y) => x - y));
    const typed = Int32Array.from({ length: 50 }, (_v, k) => k);
    shuffleInPlace(typed, mulberry32(2));
    expect(Array.from(typed)).toEqual(items);
    const floats = Float64Array.from({ length: 50 }, (_v, k) => k);
    shuffleInPlace(floats, mulberry32(2));
    expect(Array.from(floats)).toEqual(items);
  });
});

describe('features', () => {
  it('computes the seven features in order', () => {
    const out = featureVector(FEATURE_NAMES, 2, -3, new Float64Array(7));
    expect(Array.from(out)).toEqual([2, -3, 4, 9, -6, Math.sin(2), Math.sin(-3)]);
    expect(FEATURES.x1x2(1.5, 2)).toBe(3);
    const some = featureVector(['x2Squared', 'x1'], 2, -3, new Float64Array(2));
    expect(Array.from(some)).toEqual([9, 2]);
  });
});

describe('activations and regularisers', () => {
  it('derivatives match finite differences away from kinks', () => {
    for (const name of ACTIVATION_NAMES) {
      const f = ACTIVATIONS[name];
      for (const z of [-2.3, -0.4, 0.7, 3.1]) {
        const slope = (f.output(z + 1e-6) - f.output(z - 1e-6)) / 2e-6;
        expect(f.derivative(z)).toBeCloseTo(slope, 6);
      }
    }
  });

  it('uses the documented conventions at the kinks', () => {
    expect(ACTIVATIONS.relu.derivative(0)).toBe(0);
    expect(ACTIVATIONS.leakyRelu.output(-2)).toBe(-0.02);
    expect(ACTIVATIONS.leakyRelu.derivative(-2)).toBe(0.01);
    expect(ACTIVATIONS.sigmoid.output(0)).toBe(0.5);
    expect(REGULARIZATIONS.L1.derivative(0)).toBe(0);
    expect(REGULARIZATIONS.L1.derivative(-0.3)).toBe(-1);
    expect(REGULARIZATIONS.L1.penalty(-0.3)).toBe(0.3);
    expect(REGULARIZATIONS.L2.penalty(-0.3)).toBeCloseTo(0.045, 15);
    expect(REGULARIZATIONS.L2.derivative(-0.3)).toBe(-0.3);
    expect(REGULARIZATIONS.none.penalty(5) + REGULARIZATIONS.none.derivative(5)).toBe(0);
  });
});
