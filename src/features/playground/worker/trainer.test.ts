import { describe, expect, it } from 'vitest';
import { gradientCheck } from '../../../engine/gradcheck';
import { forward } from '../../../engine/nn';
import { parameterIndex } from '../layout';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../meta';
import { Inspector } from './inspect';
import { PlaygroundTrainer } from './trainer';

const config = (patch: Partial<PlaygroundConfig> = {}): PlaygroundConfig => ({ ...DEFAULT_CONFIG, ...patch });

describe('PlaygroundTrainer', () => {
  it('the default run (circle, 2-4-2-1 tanh, batch 10, α 0.03, seed 1) reaches test loss < 0.05 within 1,000 epochs', () => {
    const trainer = new PlaygroundTrainer(config());
    while (trainer.epoch < 1000 && trainer.testLoss() >= 0.05) trainer.stepEpoch();
    expect(trainer.testLoss()).toBeLessThan(0.05);
    expect(trainer.epoch).toBeLessThan(1000);
  });

  it('steps exactly one sample, one mini-batch, one epoch', () => {
    const trainer = new PlaygroundTrainer(config({ batchSize: 10, trainRatio: 50 }));
    expect(trainer.trainCount).toBe(250);
    trainer.stepSample();
    expect([trainer.samplesSeen, trainer.updates, trainer.epoch, trainer.net.numAccumulated]).toEqual([1, 0, 0, 1]);
    trainer.stepBatch();
    expect([trainer.samplesSeen, trainer.updates, trainer.net.numAccumulated]).toEqual([10, 1, 0]);
    trainer.stepEpoch();
    expect([trainer.samplesSeen, trainer.updates, trainer.epoch, trainer.cursor]).toEqual([250, 25, 1, 0]);
  });

  it('applies a short last batch at the end of the epoch', () => {
    const trainer = new PlaygroundTrainer(config({ batchSize: 30, trainRatio: 50 }));
    trainer.stepEpoch();
    expect(trainer.updates).toBe(9); // 8 full batches of 30 + one of 10
  });

  it('is deterministic: the same settings and step count give the same parameters (links replay runs)', () => {
    const settings = config({ dataset: 'spiral', hiddenLayers: [6, 4], activation: 'relu', seed: 42, noise: 10 });
    const a = new PlaygroundTrainer(settings);
    for (let n = 0; n < 3; n++) a.stepEpoch();
    a.stepSample();
    const b = new PlaygroundTrainer(settings);
    b.replayTo(a.samplesSeen);
    expect(Array.from(b.parameters())).toEqual(Array.from(a.parameters()));
    expect(b.testLoss()).toBe(a.testLoss());
    const c = new PlaygroundTrainer({ ...settings, seed: 43 });
    c.replayTo(a.samplesSeen);
    expect(c.testLoss()).not.toBe(a.testLoss());
  });

  it('detects divergence and restores the parameters from before the blow-up', () => {
    const trainer = new PlaygroundTrainer(config({ dataset: 'plane', activation: 'relu', hiddenLayers: [8, 8, 8], learningRate: 10, batchSize: 1 }));
    let outcome = 'ok';
    let chunks = 0;
    while (outcome === 'ok' && chunks < 1000) {
      trainer.saveBackup();
      outcome = trainer.trainFor(50, Infinity, () => 0).outcome;
      chunks++;
    }
    expect(outcome).toBe('diverged');
    trainer.restoreBackup();
    expect(Array.from(trainer.parameters()).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(trainer.trainLoss())).toBe(true);
  });
});

describe('Inspector', () => {
  it('traces one sample: ŷ, loss, ∂L/∂θ (= the gradient check) and the SGD step, without disturbing training', () => {
    const trainer = new PlaygroundTrainer(config({ hiddenLayers: [3], regularization: 'L2', regularizationRate: 0.01 }));
    trainer.stepSample(); // leaves one sample accumulated in the mini-batch
    const sums = trainer.net.weightGradSum.map((w) => Array.from(w));
    const inspector = new Inspector(trainer);
    const trace = inspector.trace(7);
    expect(trainer.net.weightGradSum.map((w) => Array.from(w))).toEqual(sums);
    expect(trainer.net.numAccumulated).toBe(1);
    expect(trace.loss).toBeCloseTo(0.5 * (trace.yTrue - trace.yHat) ** 2, 12);
    const { layout } = trainer;
    const labels = new Float64Array([trainer.points[7].label]);
    const k = parameterIndex(layout, 1, 2, 1);
    const check = gradientCheck(trainer.net, Float64Array.from(trainer.inputs[7]), labels, 1, 2, 1, 'L2', 0.01);
    const w = trainer.parameters()[k];
    expect(trace.gradient[k] + 0.01 * w).toBeCloseTo(check.numeric, 8);
    expect(trace.parametersAfter[k]).toBeCloseTo(w - 0.03 * (trace.gradient[k] + 0.01 * w), 12);
  });

  it('draws every neuron over the plane; the output map matches a forward pass at that point', () => {
    const trainer = new PlaygroundTrainer(config());
    const size = 8;
    const { values } = new Inspector(trainer).heatmap(size);
    const cells = size * size;
    expect(values.length).toBe(trainer.layout.neuronCount * cells);
    const row = 2;
    const col = 5;
    const x1 = -6 + ((col + 0.5) / size) * 12;
    const x2 = 6 - ((row + 0.5) / size) * 12;
    const yHat = forward(trainer.net, [x1, x2]);
    expect(values[(trainer.layout.neuronCount - 1) * cells + row * size + col]).toBeCloseTo(yHat, 5);
    expect(values[0 * cells + row * size + col]).toBeCloseTo(x1, 5);
  });
});
