import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.classroom.json';
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../playground/meta';
import { PlaygroundTrainer } from '../playground/worker/trainer';
import { Inspector } from '../playground/worker/inspect';
import type { Snapshot } from '../../worker/protocol';
import { playgroundFacts, studioFacts, type PlaygroundFacts, type StudioFacts } from './facts';
import { closeEnough, HINTS, LESSONS, lessonByNumber, parseAnswer, type CheckInput, type CheckResult } from './lessons';

/** A paused run's snapshot with the real trace of sample `index`. */
function snapshotOf(config: PlaygroundConfig, index = 3, epochs = 2): Snapshot {
  const trainer = new PlaygroundTrainer(config);
  for (let e = 0; e < epochs; e++) trainer.stepEpoch();
  return {
    status: 'paused', epoch: trainer.epoch, samplesSeen: trainer.samplesSeen, updates: trainer.updates, batchFill: 0, cursor: 0,
    trainLoss: trainer.trainLoss(), testLoss: trainer.testLoss(), batchLoss: 0,
    parameters: trainer.parameters(), trace: new Inspector(trainer).trace(index),
  } as Snapshot;
}

const facts = (patch: Partial<PlaygroundFacts> = {}): PlaygroundFacts => ({ ...playgroundFacts({ config: DEFAULT_CONFIG, snapshot: snapshotOf(DEFAULT_CONFIG), error: null }), ...patch });

function run(lessonN: number, stepId: string, input: Partial<CheckInput>): CheckResult {
  const step = lessonByNumber(lessonN)!.steps.find((s) => s.id === stepId)!;
  return step.check({ playground: facts(), studio: null, answer: '', memory: {}, ...input });
}

describe('answers', () => {
  it('parses typed numbers: minus signs, decimal commas, spaces', () => {
    expect(parseAnswer(' −0.25 ')).toBe(-0.25);
    expect(parseAnswer('–1,5')).toBe(-1.5);
    expect(parseAnswer('1e-3')).toBe(0.001);
    expect(parseAnswer('')).toBeNaN();
    expect(parseAnswer('abc')).toBeNaN();
  });
  it('accepts 2 % (at least 0.0005) and nothing further', () => {
    expect(closeEnough(0.505, 0.5)).toBe(true);
    expect(closeEnough(0.52, 0.5)).toBe(false);
    expect(closeEnough(0.0004, 0)).toBe(true);
    expect(closeEnough(0, 0.003)).toBe(false);
    expect(closeEnough(NaN, 0)).toBe(false);
  });
});

describe('facts', () => {
  it('reads neuron 1 of layer 1 and w₁₁ of the output from the real trace', () => {
    const f = facts().sample!;
    expect(f.inputs).toHaveLength(2);
    const z = f.weights[0] * f.inputs[0] + f.weights[1] * f.inputs[1] + f.bias;
    expect(f.z).toBeCloseTo(z, 12);
    expect(f.a).toBeCloseTo(Math.tanh(z), 12);
    expect(f.outputLayer).toBe(3);
    expect(f.outputDelta).toBeCloseTo((f.yHat - f.yTrue) * (1 - f.yHat ** 2), 12);
    expect(f.gradient).toBeCloseTo(f.outputDelta * f.aPrev, 12);
  });
  it('summarises the studio', () => {
    const summary = studioFacts({ classes: [{ images: [1, 2] }, { images: [1] }], training: { phase: 'done', evaluation: { valAccuracy: 0.9 } }, scratch: { phase: 'training' } });
    expect(summary).toEqual({ imagesPerClass: [2, 1], transfer: { phase: 'done', valAccuracy: 0.9 }, scratch: { phase: 'training', valAccuracy: NaN } });
  });
});

describe('lesson 1: a forward pass by hand', () => {
  it('checks z and a against the real numbers, only while paused', () => {
    const { z, a } = facts().sample!;
    expect(run(1, 'pause', {}).done).toBe(true);
    expect(run(1, 'pause', { playground: facts({ status: 'playing' }) }).hint).toBe('pause');
    expect(run(1, 'z', { answer: z.toPrecision(4) }).done).toBe(true);
    expect(run(1, 'z', { answer: String(z + 0.1 + Math.abs(z) * 0.1) })).toEqual({ done: false, hint: 'notClose', params: undefined });
    expect(run(1, 'z', { answer: 'twelve' }).hint).toBe('badNumber');
    expect(run(1, 'z', { answer: z.toPrecision(4), playground: facts({ status: 'playing' }) }).hint).toBe('pause');
    expect(run(1, 'a', { answer: Math.tanh(Number(z.toPrecision(4))).toFixed(4) }).done).toBe(true);
    expect(run(1, 'a', { answer: z.toPrecision(4) }).done).toBe(Math.abs(z - a) <= 0.02 * Math.abs(a));
  });
});

describe('lesson 2: the gradient of one weight', () => {
  it('checks δ of the output and ∂L/∂w₁₁ = δ·a', () => {
    const s = facts().sample!;
    const delta = (s.yHat - s.yTrue) * (1 - s.yHat ** 2);
    expect(run(2, 'delta', { answer: delta.toPrecision(4) }).done).toBe(true);
    expect(run(2, 'delta', { answer: (-delta).toPrecision(4) }).done).toBe(false);
    expect(run(2, 'gradient', { answer: (delta * s.aPrev).toPrecision(4) }).done).toBe(true);
    expect(run(2, 'gradient', { answer: delta.toPrecision(4) }).done).toBe(Math.abs(s.aPrev - 1) < 0.02);
  });
});

describe('lesson 3: diverge and recover', () => {
  const lesson = lessonByNumber(3)!;
  it('needs a regression set; notices the blow-up even after its message is gone; then a safe rate and a low loss', () => {
    expect(run(3, 'regression', {}).hint).toBe('needRegression');
    expect(run(3, 'regression', { playground: facts({ dataset: 'plane' }) }).done).toBe(true);
    expect(run(3, 'blowUp', { playground: facts({ dataset: 'plane', learningRate: 0.03 }) })).toMatchObject({ done: false, hint: 'raiseRate' });
    expect(run(3, 'blowUp', { playground: facts({ dataset: 'plane', learningRate: 3 }) }).hint).toBe('notDiverged');
    const diverged = facts({ dataset: 'plane', learningRate: 3, diverged: true });
    expect(lesson.observe!({}, diverged)).toEqual({ diverged: 1 });
    expect(lesson.observe!({ diverged: 1 }, diverged)).toBeNull();
    expect(run(3, 'blowUp', { playground: facts({ dataset: 'plane', learningRate: 0.03 }), memory: { diverged: 1 } }).done).toBe(true);
    expect(run(3, 'lower', { playground: diverged }).hint).toBe('lowerRate');
    expect(run(3, 'lower', { playground: { ...diverged, learningRate: 0.03 } }).hint).toBe('stillDiverged');
    expect(run(3, 'lower', { playground: facts({ dataset: 'plane', learningRate: 0.03 }) }).done).toBe(true);
    expect(run(3, 'recover', { playground: facts({ dataset: 'plane', learningRate: 0.03, testLoss: 0.05 }) }).hint).toBe('trainMore');
    expect(run(3, 'recover', { playground: facts({ dataset: 'plane', learningRate: 0.03, testLoss: 0.004 }) }).done).toBe(true);
  });
  it('the set-up really diverges at the rate the lesson asks for, and recovers at 0.03 (the real trainer)', () => {
    const config = { ...DEFAULT_CONFIG, ...lesson.setup, learningRate: 3 };
    const blowUp = new PlaygroundTrainer(config);
    let outcome = 'ok';
    for (let n = 0; n < 100 && outcome === 'ok'; n++) outcome = blowUp.trainFor(50, Infinity, () => 0).outcome;
    expect(outcome).toBe('diverged');
    const recover = new PlaygroundTrainer({ ...config, learningRate: 0.03 });
    while (recover.epoch < 100 && recover.testLoss() >= 0.01) recover.stepEpoch();
    expect(recover.testLoss()).toBeLessThan(0.01);
  });
});

describe('lesson 4: overfitting and regularisation', () => {
  const lesson = lessonByNumber(4)!;
  const overfit = { trainRatio: 10, noise: 50, epoch: 300 };
  it('asks for few noisy points, a gap, then a gap a quarter smaller with regularisation', () => {
    expect(run(4, 'setup', {}).hint).toBe('fewData');
    expect(run(4, 'setup', { playground: facts({ trainRatio: 10, noise: 30 }) }).done).toBe(true);
    expect(run(4, 'overfit', { playground: facts({ ...overfit, epoch: 50 }) }).hint).toBe('trainEpochs');
    expect(run(4, 'overfit', { playground: facts({ ...overfit, trainLoss: 0.2, testLoss: 0.25 }) }).hint).toBe('noGap');
    expect(run(4, 'overfit', { playground: facts({ ...overfit, trainLoss: 0.1, testLoss: 0.5 }) })).toEqual({ done: true, record: { gap: 0.4 } });
    expect(run(4, 'regularize', { playground: facts({ ...overfit, trainLoss: 0.2, testLoss: 0.3 }) }).hint).toBe('earlierStep');
    const memory = { gap: 0.4 };
    expect(run(4, 'regularize', { memory, playground: facts({ ...overfit, trainLoss: 0.2, testLoss: 0.3 }) }).hint).toBe('needRegularization');
    const l2 = { ...overfit, regularization: 'L2' as const, regularizationRate: 0.1 };
    expect(run(4, 'regularize', { memory, playground: facts({ ...l2, trainLoss: 0.1, testLoss: 0.45 }) }).hint).toBe('gapNotSmaller');
    expect(run(4, 'regularize', { memory, playground: facts({ ...l2, trainLoss: 0.25, testLoss: 0.37 }) }).done).toBe(true);
  });
  it('the set-up overfits and L2 at 0.1 shrinks the gap by a quarter (the real trainer, 300 epochs)', () => {
    const gapAfter = (patch: Partial<PlaygroundConfig>) => {
      const trainer = new PlaygroundTrainer({ ...DEFAULT_CONFIG, ...lesson.setup, ...patch });
      while (trainer.epoch < 300) trainer.stepEpoch();
      return trainer.testLoss() - trainer.trainLoss();
    };
    const plain = gapAfter({});
    expect(plain).toBeGreaterThan(0.1);
    expect(gapAfter({ regularization: 'L2', regularizationRate: 0.1 })).toBeLessThan(0.75 * plain);
  });
});

describe('lesson 5: transfer vs from scratch', () => {
  const studio = (patch: Partial<StudioFacts> = {}): StudioFacts => ({ imagesPerClass: [5, 5], transfer: null, scratch: null, ...patch });
  const done = (valAccuracy: number) => ({ phase: 'done' as const, valAccuracy });
  it('needs the studio, few images per class, both runs done, and the right comparison', () => {
    expect(run(5, 'images', {}).hint).toBe('openStudio');
    expect(run(5, 'images', { studio: studio({ imagesPerClass: [5] }) }).hint).toBe('classes');
    expect(run(5, 'images', { studio: studio({ imagesPerClass: [5, 40] }) }).hint).toBe('images');
    expect(run(5, 'images', { studio: studio() }).done).toBe(true);
    expect(run(5, 'trainTransfer', { studio: studio({ transfer: { phase: 'training', valAccuracy: NaN } }) }).done).toBe(false);
    expect(run(5, 'trainTransfer', { studio: studio({ transfer: done(0.9) }) }).done).toBe(true);
    expect(run(5, 'trainScratch', { studio: studio({ scratch: done(0.5) }) }).done).toBe(true);
    const both = studio({ transfer: done(0.9), scratch: done(0.5) });
    expect(run(5, 'compare', { studio: both }).hint).toBe('pickChoice');
    expect(run(5, 'compare', { studio: both, answer: 'scratch' }).hint).toBe('wrongChoice');
    expect(run(5, 'compare', { studio: both, answer: 'transfer' }).done).toBe(true);
    expect(run(5, 'compare', { studio: studio({ transfer: done(0.8), scratch: done(0.78) }), answer: 'tie' }).done).toBe(true);
  });
});

describe('lesson texts', () => {
  it('every lesson, step, choice and hint has its English text (and so, by the i18n test, Chinese)', () => {
    const keys = new Set(Object.keys(en));
    const needed = [
      ...LESSONS.flatMap((lesson) => [`classroom.${lesson.id}.title`, `classroom.${lesson.id}.intro`, ...lesson.steps.map((step) => `classroom.${lesson.id}.${step.id}`)]),
      ...LESSONS.flatMap((lesson) => lesson.steps.flatMap((step) => (step.choices ?? []).map((choice) => `classroom.choice.${choice}`))),
      ...HINTS.map((hint) => `classroom.hint.${hint}`),
    ];
    expect(needed.filter((key) => !keys.has(key))).toEqual([]);
    expect(LESSONS.map((lesson) => lesson.n)).toEqual([1, 2, 3, 4, 5]);
  });
});
