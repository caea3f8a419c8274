/**
 * The playground's training run: a dataset, a network and the position in a deterministic
 * schedule (samples in a fixed order, an update every mini-batch). Pure: no DOM, no worker API,
 * so it is unit-tested in Node and a link (seed + settings + step count) replays a run exactly.
 */
import { DATASETS, generateDataset, type Point, type ProblemKind } from '../../../engine/datasets';
import { featureVector } from '../../../engine/features';
import {
  applyUpdate,
  backward,
  copyParameters,
  cloneNetwork,
  createNetwork,
  forward,
  meanLoss,
  type Network,
} from '../../../engine/nn';
import { mulberry32 } from '../../../engine/random';
import { flatLayout, packParameters, parameterIndex, type FlatLayout } from '../layout';
import { layerSizesOf, NUM_SAMPLES, type PlaygroundConfig } from '../meta';

export type StepOutcome = 'ok' | 'diverged';

/**
 * A parameter beyond ±1e6 counts as a blow-up: no playground problem needs it, and below it every
 * loss stays finite, so the parameters restored after a divergence give finite losses.
 */
export const PARAMETER_LIMIT = 1e6;

export class PlaygroundTrainer {
  readonly kind: ProblemKind;
  readonly points: Point[];
  /** the first trainCount points are the training set, the rest the test set */
  readonly trainCount: number;
  readonly layout: FlatLayout;
  readonly net: Network;
  /** input feature vectors, one view per point */
  readonly inputs: Float64Array[];
  /** all inputs row-major [n, nInputs] and targets y, for the loss over a set */
  private readonly inputMatrix: Float64Array;
  private readonly labels: Float64Array;
  config: PlaygroundConfig;
  epoch = 0;
  samplesSeen = 0;
  updates = 0;
  /** index in the training set of the next sample */
  cursor = 0;
  /** mean ½(y−ŷ)² of the last applied mini-batch */
  batchLoss = 0;
  private batchLossSum = 0;
  /** parameters saved before the latest training chunk, to restore after a divergence */
  private readonly backup: Network;
  private backupState = { epoch: 0, samplesSeen: 0, updates: 0, cursor: 0 };

  constructor(config: PlaygroundConfig) {
    this.config = config;
    const rng = mulberry32(config.seed);
    this.kind = DATASETS[config.dataset].kind;
    this.points = generateDataset(config.dataset, NUM_SAMPLES, config.noise, rng);
    this.trainCount = Math.max(1, Math.round((NUM_SAMPLES * config.trainRatio) / 100));
    const layerSizes = layerSizesOf(config);
    this.layout = flatLayout(layerSizes);
    const outputActivation = this.kind === 'classification' ? 'tanh' : 'linear';
    this.net = createNetwork({ layerSizes, hiddenActivation: config.activation, outputActivation }, rng);
    const nIn = layerSizes[0];
    this.inputMatrix = new Float64Array(this.points.length * nIn);
    this.labels = new Float64Array(this.points.length);
    this.inputs = this.points.map((point, n) => {
      const row = this.inputMatrix.subarray(n * nIn, (n + 1) * nIn);
      featureVector(config.features, point.x1, point.x2, row);
      this.labels[n] = point.label;
      return row;
    });
    this.backup = cloneNetwork(this.net);
  }

  /** Applies settings that do not rebuild the run (α, λ, regularisation, batch size, display). */
  updateSettings(config: PlaygroundConfig): void {
    this.config = config;
  }

  /**
   * Forward + backward on the next training sample; applies the update when the mini-batch is full
   * or the epoch ends. Diverged when ŷ is not finite (callers check all parameters after a chunk).
   */
  stepSample(): StepOutcome {
    const n = this.cursor;
    const yHat = forward(this.net, this.inputs[n]);
    if (!Number.isFinite(yHat)) return 'diverged';
    const y = this.labels[n];
    this.batchLossSum += 0.5 * (y - yHat) * (y - yHat);
    backward(this.net, y);
    this.samplesSeen++;
    this.cursor++;
    const endOfEpoch = this.cursor === this.trainCount;
    if (this.net.numAccumulated >= this.config.batchSize || endOfEpoch) this.applyBatch();
    if (endOfEpoch) {
      this.cursor = 0;
      this.epoch++;
    }
    return 'ok';
  }

  private applyBatch(): void {
    this.batchLoss = this.batchLossSum / this.net.numAccumulated;
    this.batchLossSum = 0;
    const { learningRate, regularization, regularizationRate } = this.config;
    applyUpdate(this.net, learningRate, regularization, regularizationRate);
    this.updates++;
  }

  /** Whether every weight and bias is finite and within ±PARAMETER_LIMIT (checked after each chunk of steps). */
  parametersHealthy(): boolean {
    for (const layer of [...this.net.weights, ...this.net.biases]) {
      for (let k = 0; k < layer.length; k++) if (!(Math.abs(layer[k]) <= PARAMETER_LIMIT)) return false;
    }
    return true;
  }

  private finish(outcome: StepOutcome): StepOutcome {
    return outcome === 'ok' && this.parametersHealthy() ? 'ok' : 'diverged';
  }

  /** One user step of a sample, a mini-batch or an epoch, with the full divergence check. */
  step(unit: 'sample' | 'batch' | 'epoch'): StepOutcome {
    if (unit === 'batch') return this.stepBatch();
    if (unit === 'epoch') return this.stepEpoch();
    return this.finish(this.stepSample());
  }

  /** Steps samples until the current mini-batch has been applied. */
  stepBatch(): StepOutcome {
    const startUpdates = this.updates;
    while (this.updates === startUpdates) if (this.stepSample() === 'diverged') return 'diverged';
    return this.finish('ok');
  }

  /** Steps samples until the current epoch ends. */
  stepEpoch(): StepOutcome {
    const startEpoch = this.epoch;
    while (this.epoch === startEpoch) if (this.stepSample() === 'diverged') return 'diverged';
    return this.finish('ok');
  }

  /** Trains up to maxSamples samples or until now() passes deadline; returns samples done and the outcome. */
  trainFor(maxSamples: number, deadline: number, now: () => number): { done: number; outcome: StepOutcome } {
    let done = 0;
    while (done < maxSamples) {
      if (this.stepSample() === 'diverged') return { done, outcome: 'diverged' };
      done++;
      if ((done & 63) === 0 && now() >= deadline) break;
    }
    return { done, outcome: this.finish('ok') };
  }

  /** Replays the schedule up to `step` samples from the start (for links); stops early on divergence. */
  replayTo(step: number): StepOutcome {
    while (this.samplesSeen < step) if (this.stepSample() === 'diverged') return 'diverged';
    return this.finish('ok');
  }

  saveBackup(): void {
    copyParameters(this.net, this.backup);
    this.backupState = { epoch: this.epoch, samplesSeen: this.samplesSeen, updates: this.updates, cursor: this.cursor };
  }

  /** Restores the parameters and counters saved before the chunk in which training diverged. */
  restoreBackup(): void {
    copyParameters(this.backup, this.net);
    Object.assign(this, this.backupState);
    this.clearAccumulated();
  }

  private clearAccumulated(): void {
    for (const sums of [...this.net.weightGradSum, ...this.net.biasGradSum]) sums.fill(0);
    this.net.numAccumulated = 0;
    this.batchLossSum = 0;
  }

  trainLoss(): number {
    return meanLoss(this.net, this.inputMatrix.subarray(0, this.trainCount * this.layout.layerSizes[0]), this.labels.subarray(0, this.trainCount));
  }

  testLoss(): number {
    if (this.trainCount >= this.points.length) return 0;
    return meanLoss(this.net, this.inputMatrix.subarray(this.trainCount * this.layout.layerSizes[0]), this.labels.subarray(this.trainCount));
  }

  /** Sets w_ji of layer l (i = −1: bias b_j). */
  setParameter(l: number, j: number, i: number, value: number): void {
    if (i < 0) this.net.biases[l][j] = value;
    else this.net.weights[l][j * this.layout.layerSizes[l - 1] + i] = value;
  }

  parameters(): Float64Array {
    return packParameters(this.layout, this.net.weights, this.net.biases);
  }

  /** Points as [n, 3] (x1, x2, y), for the scatter plot. */
  pointArray(): Float32Array {
    const out = new Float32Array(this.points.length * 3);
    this.points.forEach((p, n) => out.set([p.x1, p.x2, p.label], n * 3));
    return out;
  }

  parameterIndex(l: number, j: number, i: number): number {
    return parameterIndex(this.layout, l, j, i);
  }
}
