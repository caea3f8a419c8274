import { describe, expect, it } from 'vitest';
import { generateDataset } from './datasets';
import { featureVector, type FeatureName } from './features';
import {
  applyUpdate,
  backward,
  cloneNetwork,
  copyParameters,
  countParameters,
  createNetwork,
  forward,
  forwardRow,
  meanLoss,
  regularizationPenalty,
  sampleLoss,
  type Network,
  type NetworkShape,
} from './nn';
import { mulberry32, shuffleInPlace, type Rng } from './random';

/**
 * The 2-2-1 network worked by hand below:
 *   W¹ = [[0.5, −0.25], [0.1, 0.2]], b¹ = [0.1, −0.1]  (tanh)
 *   W² = [[0.3, −0.6]],             b² = [0.05]        (linear)
 */
function handNetwork(): Network {
  const shape: NetworkShape = {
    layerSizes: [2, 2, 1],
    hiddenActivation: 'tanh',
    outputActivation: 'linear',
  };
  const net = createNetwork(shape, mulberry32(0));
  net.weights[1].set([0.5, -0.25, 0.1, 0.2]);
  net.biases[1].set([0.1, -0.1]);
  net.weights[2].set([0.3, -0.6]);
  net.biases[2].set([0.05]);
  return net;
}

describe('hand-computed 2-2-1 example, x = (1, 2), y = 1', () => {
  // z¹ = W¹x + b¹ = (0.5 − 0.5 + 0.1, 0.1 + 0.4 − 0.1) = (0.1, 0.4)
  const a1 = [Math.tanh(0.1), Math.tanh(0.4)]; // (0.0996680, 0.3799490)
  const yHat = 0.3 * a1[0] - 0.6 * a1[1] + 0.05; // −0.1480690
  const delta2 = yHat - 1; // (ŷ − y) · 1, linear output
  const delta1 = [(1 - a1[0] ** 2) * 0.3 * delta2, (1 - a1[1] ** 2) * -0.6 * delta2];

  it('forward fills z and a and returns ŷ', () => {
    const net = handNetwork();
    const out = forward(net, [1, 2]);
    expect(Array.from(net.a[0])).toEqual([1, 2]);
    expect(net.z[1][0]).toBeCloseTo(0.1, 14);
    expect(net.z[1][1]).toBeCloseTo(0.4, 14);
    expect(net.a[1][0]).toBeCloseTo(0.09966799462495582, 14);
    expect(net.a[1][1]).toBeCloseTo(0.3799489622552249, 14);
    expect(out).toBeCloseTo(-0.1480689789656482, 14);
    expect(net.z[2][0]).toBe(out);
    expect(net.a[2][0]).toBe(out);
    expect(out).toBeCloseTo(yHat, 15);
  });

  it('backward fills δ and the gradient sums', () => {
    const net = handNetwork();
    forward(net, [1, 2]);
    backward(net, 1);
    expect(net.numAccumulated).toBe(1);
    expect(net.delta[2][0]).toBeCloseTo(-1.1480689789656482, 14);
    expect(net.delta[1][0]).toBeCloseTo(-0.34099931869245803, 14);
    expect(net.delta[1][1]).toBeCloseTo(0.5893994084997746, 14);
    expect(net.delta[1][0]).toBeCloseTo(delta1[0], 15);
    // ∂L/∂w_ji = δ_j a_i, with a⁰ = x = (1, 2)
    const expectedW1 = [delta1[0] * 1, delta1[0] * 2, delta1[1] * 1, delta1[1] * 2];
    Array.from(net.weightGradSum[1]).forEach((g, k) => expect(g).toBeCloseTo(expectedW1[k], 15));
    expect(net.weightGradSum[2][0]).toBeCloseTo(delta2 * a1[0], 15);
    expect(net.weightGradSum[2][1]).toBeCloseTo(-0.4362076171554137, 14);
    expect(Array.from(net.biasGradSum[1])).toEqual(Array.from(net.delta[1]));
    expect(net.biasGradSum[2][0]).toBe(net.delta[2][0]);
  });

  it('one L2 update by hand: w ← w − α(∂L/∂w + λw), b ← b − α ∂L/∂b', () => {
    const net = handNetwork();
    forward(net, [1, 2]);
    backward(net, 1);
    applyUpdate(net, 0.1, 'L2', 0.01);
    // w¹₀₀ = 0.5 − 0.1 · (−0.3409993 + 0.01 · 0.5) = 0.5335999
    expect(net.weights[1][0]).toBeCloseTo(0.5 - 0.1 * (delta1[0] + 0.005), 15);
    expect(net.weights[1][0]).toBeCloseTo(0.533599931869246, 14);
    expect(net.weights[1][3]).toBeCloseTo(0.2 - 0.1 * (delta1[1] * 2 + 0.01 * 0.2), 15);
    expect(net.weights[2][1]).toBeCloseTo(-0.6 - 0.1 * (delta2 * a1[1] - 0.006), 15);
    // biases are not regularised: b² = 0.05 − 0.1 · δ²
    expect(net.biases[2][0]).toBeCloseTo(0.05 - 0.1 * delta2, 15);
    expect(net.biases[1][1]).toBeCloseTo(-0.1 - 0.1 * delta1[1], 15);
    expect(net.numAccumulated).toBe(0);
    for (const g of [...net.weightGradSum, ...net.biasGradSum]) expect(g.every((v) => v === 0)).toBe(true);
  });

  it('a mini-batch step uses the mean gradient', () => {
    const once = handNetwork();
    forward(once, [1, 2]);
    backward(once, 1);
    applyUpdate(once, 0.1, 'none', 0);
    const twice = handNetwork();
    for (let k = 0; k < 2; k++) {
      forward(twice, [1, 2]);
      backward(twice, 1);
    }
    expect(twice.numAccumulated).toBe(2);
    applyUpdate(twice, 0.1, 'none', 0);
    for (let l = 1; l <= 2; l++) {
      Array.from(twice.weights[l]).forEach((w, k) => expect(w).toBeCloseTo(once.weights[l][k], 15));
      Array.from(twice.biases[l]).forEach((b, k) => expect(b).toBeCloseTo(once.biases[l][k], 15));
    }
  });

  it('sampleLoss is ½(y − ŷ)²', () => {
    expect(sampleLoss(yHat, 1)).toBeCloseTo(0.6590311902316129, 14);
    expect(sampleLoss(0.5, -1)).toBe(1.125);
    expect(sampleLoss(2, 2)).toBe(0);
  });
});

describe('applyUpdate with regularisation only (zero data gradient)', () => {
  /** a net whose accumulated gradient is all zeros, with one sample counted */
  function zeroGradientNet(): Network {
    const net = handNetwork();
    net.weights[1].set([0.5, -0.25, 0, 0.2]);
    net.numAccumulated = 1;
    return net;
  }

  it('L1 moves each weight by −αλ sign(w), leaving 0 and the biases alone', () => {
    const net = zeroGradientNet();
    applyUpdate(net, 0.5, 'L1', 0.1);
    expect(Array.from(net.weights[1])).toEqual([0.45, -0.2, 0, 0.15000000000000002]);
    expect(Array.from(net.biases[1])).toEqual([0.1, -0.1]);
  });

  it('L2 shrinks each weight by the factor (1 − αλ)', () => {
    const net = zeroGradientNet();
    applyUpdate(net, 0.5, 'L2', 0.1);
    [0.5, -0.25, 0, 0.2].forEach((w, k) => expect(net.weights[1][k]).toBeCloseTo(w * 0.95, 15));
    expect(net.biases[2][0]).toBe(0.05);
  });

  it('none, or λ = 0, leaves the weights unchanged', () => {
    for (const [reg, lambda] of [['none', 0.3], ['L2', 0]] as const) {
      const net = zeroGradientNet();
      applyUpdate(net, 0.5, reg, lambda);
      expect(Array.from(net.weights[1])).toEqual([0.5, -0.25, 0, 0.2]);
    }
  });

  it('is a no-op when nothing was accumulated', () => {
    const net = handNetwork();
    applyUpdate(net, 0.5, 'L2', 0.1);
    expect(Array.from(net.weights[1])).toEqual([0.5, -0.25, 0.1, 0.2]);
  });
});

describe('network bookkeeping', () => {
  const shape: NetworkShape = {
    layerSizes: [2, 4, 2, 1],
    hiddenActivation: 'tanh',
    outputActivation: 'tanh',
  };

  it('initialises w ~ U(−0.5, 0.5), b = 0.1, and sizes every array', () => {
    const net = createNetwork(shape, mulberry32(3));
    expect(net.weights.map((w) => w.length)).toEqual([0, 8, 8, 2]);
    expect(net.biases.map((b) => b.length)).toEqual([0, 4, 2, 1]);
    expect(net.a.map((a) => a.length)).toEqual([2, 4, 2, 1]);
    expect(net.z.map((z) => z.length)).toEqual([0, 4, 2, 1]);
    expect(net.delta.map((d) => d.length)).toEqual([0, 4, 2, 1]);
    expect(net.weightGradSum.map((g) => g.length)).toEqual([0, 8, 8, 2]);
    expect(net.biasGradSum.map((g) => g.length)).toEqual([0, 4, 2, 1]);
    for (const w of net.weights) for (const v of w) expect(Math.abs(v)).toBeLessThan(0.5);
    for (const b of net.biases.slice(1)) for (const v of b) expect(v).toBe(0.1);
    expect(net.numAccumulated).toBe(0);
  });

  it('rejects malformed shapes', () => {
    const bad = [[2], [2, 3], [2, 0, 1], [2, 1.5, 1]];
    for (const layerSizes of bad) {
      expect(() => createNetwork({ ...shape, layerSizes }, mulberry32(1))).toThrow();
    }
  });

  it('counts parameters', () => {
    expect(countParameters(shape)).toBe(8 + 4 + 8 + 2 + 2 + 1);
    expect(countParameters({ ...shape, layerSizes: [7, 8, 8, 8, 8, 8, 8, 1] })).toBe(64 + 5 * 72 + 9);
  });

  it('clones deeply and copies parameters', () => {
    const net = createNetwork(shape, mulberry32(4));
    const clone = cloneNetwork(net);
    expect(clone.weights).toEqual(net.weights);
    clone.weights[1][0] += 1;
    clone.shape.layerSizes[0] = 99;
    expect(net.weights[1][0]).not.toBe(clone.weights[1][0]);
    expect(net.shape.layerSizes[0]).toBe(2);
    const other = createNetwork(shape, mulberry32(5));
    copyParameters(net, other);
    expect(other.weights).toEqual(net.weights);
    expect(other.biases).toEqual(net.biases);
    const wrong = createNetwork({ ...shape, layerSizes: [2, 3, 1] }, mulberry32(5));
    expect(() => copyParameters(net, wrong)).toThrow();
  });

  it('meanLoss and forwardRow agree with forward; penalty sums R(w)', () => {
    const net = createNetwork(shape, mulberry32(6));
    const inputs = new Float64Array([1, 2, -3, 0.5, 0, 4]);
    const labels = new Float64Array([1, -1, 1]);
    let expected = 0;
    for (let r = 0; r < 3; r++) {
      const yHat = forward(net, inputs.subarray(2 * r, 2 * r + 2));
      expect(forwardRow(net, inputs, r)).toBe(yHat);
      expected += sampleLoss(yHat, labels[r]) / 3;
    }
    expect(meanLoss(net, inputs, labels)).toBeCloseTo(expected, 15);
    expect(() => meanLoss(net, inputs, labels.subarray(0, 2))).toThrow();
    const all = net.weights.flatMap((w) => Array.from(w));
    expect(regularizationPenalty(net, 'none')).toBe(0);
    expect(regularizationPenalty(net, 'L1')).toBeCloseTo(all.reduce((s, w) => s + Math.abs(w), 0), 14);
    expect(regularizationPenalty(net, 'L2')).toBeCloseTo(all.reduce((s, w) => s + (w * w) / 2, 0), 14);
  });
});

/** Row-major feature matrix and label vector of the given points. */
function toMatrix(points: { x1: number; x2: number; label: number }[], features: FeatureName[]) {
  const d = features.length;
  const inputs = new Float64Array(points.length * d);
  const labels = new Float64Array(points.length);
  points.forEach((p, r) => {
    featureVector(features, p.x1, p.x2, inputs.subarray(r * d, (r + 1) * d));
    labels[r] = p.label;
  });
  return { inputs, labels };
}

/** One epoch of mini-batch SGD over the rows in a freshly shuffled order. */
function trainEpoch(net: Network, data: ReturnType<typeof toMatrix>, batch: number, lr: number, rng: Rng) {
  const order = Array.from(data.labels, (_y, r) => r);
  shuffleInPlace(order, rng);
  order.forEach((r, k) => {
    forwardRow(net, data.inputs, r);
    backward(net, data.labels[r]);
    if ((k + 1) % batch === 0) applyUpdate(net, lr, 'none', 0);
  });
}

/** Trains 2-4-2-1 tanh on circle (noise 0, 500 points, half for training). */
function trainCircle(seed: number, maxEpochs: number) {
  const rng = mulberry32(seed);
  const points = generateDataset('circle', 500, 0, rng);
  const train = toMatrix(points.slice(0, 250), ['x1', 'x2']);
  const test = toMatrix(points.slice(250), ['x1', 'x2']);
  const shape: NetworkShape = { layerSizes: [2, 4, 2, 1], hiddenActivation: 'tanh', outputActivation: 'tanh' };
  const net = createNetwork(shape, rng);
  let epoch = 0;
  let testLoss = meanLoss(net, test.inputs, test.labels);
  while (epoch < maxEpochs && testLoss >= 0.05) {
    trainEpoch(net, train, 10, 0.03, rng);
    epoch++;
    testLoss = meanLoss(net, test.inputs, test.labels);
  }
  return { net, epoch, testLoss };
}

describe('training', () => {
  it('learns circle to test loss < 0.05 within 500 epochs', () => {
    const { epoch, testLoss } = trainCircle(42, 500);
    expect(testLoss).toBeLessThan(0.05);
    expect(epoch).toBeLessThanOrEqual(500);
  });

  it('is deterministic: the same seed gives identical weights', () => {
    const first = trainCircle(7, 60).net;
    const second = trainCircle(7, 60).net;
    expect(second.weights).toEqual(first.weights);
    expect(second.biases).toEqual(first.biases);
    const other = trainCircle(8, 60).net;
    expect(other.weights).not.toEqual(first.weights);
  });
});
