/**
 * The classification head on the cached embeddings: pooling (see meta's POOLINGS) → Dense(units, ReLU) → Dropout →
 * Dense(classes, softmax), trained with the chosen optimizer; then evaluated on the validation set.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochLogs, Evaluation } from '../../../worker/protocol';
import { EMBEDDING_SHAPE, REGION_POOL, REGION_SCALE, type HeadConfig } from '../meta';
import { mulberry32, shuffleInPlace } from '../../../engine/random';
import { stackEmbeddings } from './embed';
import { pooledRows } from './pooled';
import { SoftmaxDenseStep, softmaxDenseLayer, withOnes } from './softmaxStep';

/** The head for embeddings of this shape ([7, 7, channels]: the base's cut layer; MobileNet v1 0.25's by default). */
export function buildHead(head: HeadConfig, numClasses: number, embeddingShape: readonly number[] = EMBEDDING_SHAPE): tf.Sequential {
  const model = tf.sequential();
  const inputShape = [...embeddingShape];
  if (head.pooling === 'average') model.add(tf.layers.globalAveragePooling2d({ inputShape }));
  else if (head.pooling === 'regions') {
    model.add(tf.layers.averagePooling2d({ inputShape, poolSize: REGION_POOL, strides: REGION_POOL }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.rescaling({ scale: REGION_SCALE }));
  } else model.add(tf.layers.flatten({ inputShape }));
  if (head.units > 0) {
    model.add(tf.layers.dense({ units: head.units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: head.seed }) }));
  }
  if (head.dropout > 0) model.add(tf.layers.dropout({ rate: head.dropout, seed: head.seed }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: head.seed + 1 }) }));
  return model;
}

export function makeOptimizer(name: HeadConfig['optimizer'], learningRate: number): tf.Optimizer {
  if (name === 'sgd') return tf.train.sgd(learningRate);
  if (name === 'rmsprop') return tf.train.rmsprop(learningRate);
  return tf.train.adam(learningRate);
}

export interface LabelledEmbeddings {
  embeddings: Float32Array[];
  labels: number[];
}

/** Labels as one-hot rows [count, numClasses] (made on the host: one upload, no backend ops). */
function oneHot(labels: number[], numClasses: number): tf.Tensor2D {
  const values = new Float32Array(labels.length * numClasses);
  labels.forEach((label, n) => {
    if (label >= 0 && label < numClasses) values[n * numClasses + label] = 1;
  });
  return tf.tensor2d(values, [labels.length, numClasses]);
}

export interface FitCallbacks {
  onEpochEnd(epoch: number, logs: EpochLogs): void | Promise<void>;
  shouldStop(): boolean;
}

/** Lets queued messages (such as Stop) in between epochs (a message-channel turn, not a clamped timer). */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Training blew up (too high a learning rate): a batch's loss became NaN or ±∞, or the loss stayed far above a guess's. */
export class Diverged extends Error {
  constructor(readonly loss: number) {
    super(`the loss diverged: ${loss}`);
  }
}

/**
 * An epoch's mean loss above this is worse than guessing by far: ln C is the loss of a uniform
 * guess over C classes, and a softmax pushed into saturation by a huge step sits at −ln ε ≈ 16
 * for each wrong example (cross-entropy clips at ε = 1e-7), where no gradient flows any more.
 */
export function divergenceLimit(numClasses: number): number {
  return Math.max(2 * Math.log(numClasses), 4);
}

/** Throws Diverged unless the loss is a finite number. */
export function checkFinite(loss: number): void {
  if (!Number.isFinite(loss)) throw new Diverged(loss);
}

/** A change applied to each training batch's inputs before the step (data augmentation), inside tf.tidy. */
export type BatchTransform = (xs: tf.Tensor) => tf.Tensor;

/** A training set as plain arrays, to make batches from without a gather on the backend (slow on wasm: 6 ms for 32 rows of 5,120). */
interface HostSet {
  values: Float32Array;
  /** shape of one example */
  shape: number[];
  labels: number[];
  numClasses: number;
}

/**
 * A run's host buffer for its batches, on wasm (null elsewhere: a new array per batch). A new
 * [64, 5121] Float32Array per step (1.3 MB, 450 steps a run) kept the worker's garbage collector
 * busy: reusing one took the studio's head training (300 photos, default head) from 2.1–2.2 s to
 * 1.3–1.6 s in the bench, and 1.25 s to 0.95 s in Node. Safe on wasm only: it copies a tensor's
 * values into its own memory when the tensor is made, so the buffer can be refilled for the next
 * batch at once; cpu keeps the array itself and webgl uploads it later.
 */
function batchBuffer(set: HostSet, batchSize: number): Float32Array | null {
  if (tf.getBackend() !== 'wasm') return null;
  return new Float32Array(Math.min(batchSize, set.labels.length) * set.shape.reduce((a, b) => a * b, 1));
}

/** The examples `indices` of the set as a batch [count, ...shape] and their one-hot labels (values written into `buffer` when given). */
function batchOf(set: HostSet, indices: number[], buffer: Float32Array | null): [tf.Tensor, tf.Tensor2D] {
  const size = set.shape.reduce((a, b) => a * b, 1);
  const values = buffer ? buffer.subarray(0, indices.length * size) : new Float32Array(indices.length * size);
  indices.forEach((n, k) => values.set(set.values.subarray(n * size, (n + 1) * size), k * size));
  return [tf.tensor(values, [indices.length, ...set.shape]), oneHot(indices.map((n) => set.labels[n]), set.numClasses)];
}

/** One optimizer step on a batch (inputs, one-hot labels); returns [the batch's summed loss, its correct predictions]. Runs inside tf.tidy. */
type Step = (xs: tf.Tensor, ys: tf.Tensor2D) => tf.Tensor;

/**
 * What `trainOnBatch` does for a batch (the forward pass in training mode, categorical
 * cross-entropy, one optimizer step), by autodiff; the loss and accuracy stay on the backend.
 */
function autodiffStep(model: tf.LayersModel): Step {
  const optimizer = model.optimizer;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return (xs, ys) => {
    let correct: tf.Scalar | undefined;
    const loss = optimizer.minimize(() => {
      const predicted = model.apply(xs, { training: true }) as tf.Tensor;
      correct = tf.keep(tf.metrics.categoricalAccuracy(ys, predicted).sum() as tf.Scalar);
      return tf.metrics.categoricalCrossentropy(ys, predicted).mean() as tf.Scalar;
    }, true, variables) as tf.Scalar;
    const sums = tf.stack([loss.mul(xs.shape[0]), correct as tf.Scalar]);
    correct?.dispose(); // kept out of minimize's scope, so no tidy releases it
    return sums;
  };
}

/**
 * One pass over the training set in a seeded random order; returns the mean loss and accuracy
 * (Diverged on a NaN/∞ loss). Each batch's loss and accuracy stay on the backend, summed, and are
 * read once per epoch: a read per batch (trainOnBatch's) waits for the backend every step, which
 * cost more than the small head's maths.
 */
async function trainEpoch(step: Step, set: HostSet, batchSize: number, rng: () => number, buffer: Float32Array | null, transform?: BatchTransform): Promise<[number, number]> {
  const count = set.labels.length;
  const order = Array.from({ length: count }, (_, n) => n);
  shuffleInPlace(order, rng);
  let sums = tf.zeros([2]);
  for (let start = 0; start < count; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    const next = tf.tidy(() => {
      const [batch, yb] = batchOf(set, indices, buffer);
      return sums.add(step(transform ? transform(batch) : batch, yb));
    });
    sums.dispose();
    sums = next;
  }
  const [lossSum, accSum] = await sums.data();
  sums.dispose();
  checkFinite(lossSum);
  return [lossSum / count, accSum / count];
}

/** Loss and accuracy of the model (inference mode) on a set. */
async function measure(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<[number, number]> {
  const [loss, acc] = tf.tidy(() => {
    // One batch: predict's default batches of 32 would slice xs on the backend (slow on wasm).
    const predicted = model.predict(xs, { batchSize: Math.max(1, xs.shape[0]) }) as tf.Tensor;
    return [tf.metrics.categoricalCrossentropy(ys, predicted).mean(), tf.metrics.categoricalAccuracy(ys, predicted).mean()];
  });
  const values = await Promise.all([loss.data(), acc.data()]);
  tf.dispose([loss, acc]);
  return [values[0][0], values[1][0]];
}

/** Layers without weights that a head starts with: pooling and scaling, the same for every step. */
const FIXED_LAYERS = ['GlobalAveragePooling2D', 'AveragePooling2D', 'Flatten', 'Rescaling'];

/** A head's leading fixed layers (FIXED_LAYERS), the layers after them, and how many values the fixed ones output (0 without any). */
export function splitFixedLayers(layers: tf.layers.Layer[]): { fixed: tf.layers.Layer[]; rest: tf.layers.Layer[]; width: number } {
  const count = layers.findIndex((layer) => !FIXED_LAYERS.includes(layer.getClassName()));
  if (count <= 0) return { fixed: [], rest: layers, width: 0 };
  return { fixed: layers.slice(0, count), rest: layers.slice(count), width: (layers[count - 1].outputShape as number[])[1] ?? 0 };
}

/**
 * What the optimizer actually trains. The head's first layers (pooling, flatten) are a fixed
 * operation on a frozen base's output: they run once per image (pooled.ts), and a model of the
 * remaining layers, sharing their weights, trains on the pooled [n, width] values: the same maths,
 * far less work per step.
 */
function trainingView(model: tf.LayersModel): { trainer: tf.LayersModel; fixed: tf.layers.Layer[]; width: number } {
  const { fixed, rest, width } = splitFixedLayers(model.layers);
  if (fixed.length === 0) return { trainer: model, fixed, width };
  const input = tf.input({ shape: [width] });
  const output = rest.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  return { trainer: tf.model({ inputs: input, outputs: output }), fixed, width };
}

/**
 * Trains `model` (compiled here with the head's optimizer) on xs with mini-batches in a seeded
 * order, so a run can be repeated; returns whether it was stopped early. Leaves xs to the caller.
 * `transform` (optional) changes each training batch's inputs (augmentation), never validation's.
 */
export async function fitModel(model: tf.LayersModel, head: HeadConfig, xs: tf.Tensor, labels: number[], valXs: tf.Tensor | undefined, valLabels: number[], numClasses: number, callbacks: FitCallbacks, transform?: BatchTransform): Promise<boolean> {
  const set: HostSet = { values: (await xs.data()) as Float32Array, shape: xs.shape.slice(1), labels, numClasses };
  return fitSet(model, head, set, valXs, valLabels, callbacks, transform);
}

/** fitModel on a training set already in host memory. */
async function fitSet(model: tf.LayersModel, head: HeadConfig, set: HostSet, valXs: tf.Tensor | undefined, valLabels: number[], callbacks: FitCallbacks, transform?: BatchTransform): Promise<boolean> {
  model.compile({ optimizer: makeOptimizer(head.optimizer, head.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // A softmax Dense layer alone (the default head after its pooling) trains with its gradient written out (softmaxStep.ts).
  const dense = transform ? null : softmaxDenseLayer(model);
  const fused = dense ? new SoftmaxDenseStep(dense, model.optimizer) : null;
  if (fused) set = { ...set, values: withOnes(set.values, set.shape[0]), shape: [set.shape[0] + 1] };
  const step: Step = fused ? (x, y) => fused.step(x as tf.Tensor2D, y) : autodiffStep(model);
  const valYs = valXs ? oneHot(valLabels, set.numClasses) : undefined;
  const rng = mulberry32(head.seed);
  const buffer = batchBuffer(set, head.batchSize);
  const limit = divergenceLimit(set.numClasses);
  let epochsAboveLimit = 0;
  try {
    for (let epoch = 0; epoch < head.epochs; epoch++) {
      const [loss, acc] = await trainEpoch(step, set, head.batchSize, rng, buffer, transform);
      fused?.writeBack();
      // Two epochs in a row far above a guess: stuck in saturation, it will not come back.
      epochsAboveLimit = loss > limit ? epochsAboveLimit + 1 : 0;
      if (epochsAboveLimit >= 2) throw new Diverged(loss);
      const logs: EpochLogs = { loss, acc };
      if (valXs && valYs) [logs.valLoss, logs.valAcc] = await measure(model, valXs, valYs);
      if (logs.valLoss !== undefined) checkFinite(logs.valLoss);
      await callbacks.onEpochEnd(epoch, logs);
      await yieldToEvents();
      if (callbacks.shouldStop()) return epoch < head.epochs - 1;
    }
    return false;
  } finally {
    fused?.dispose();
    if (valYs) valYs.dispose();
  }
}

/** Trains the head on cached embeddings (see trainingView); returns whether it was stopped early. */
export async function fitHead(model: tf.LayersModel, head: HeadConfig, train: LabelledEmbeddings, validation: LabelledEmbeddings, numClasses: number, callbacks: FitCallbacks): Promise<boolean> {
  const { trainer, fixed, width } = trainingView(model);
  if (fixed.length === 0) {
    const [xs, valXs] = tf.tidy(() => [stackEmbeddings(train.embeddings), validation.embeddings.length > 0 ? stackEmbeddings(validation.embeddings) : undefined]);
    try {
      return await fitModel(model, head, xs, train.labels, valXs, validation.labels, numClasses, callbacks);
    } finally {
      tf.dispose([xs, ...(valXs ? [valXs] : [])]);
    }
  }
  const shape = model.inputs[0].shape.slice(1) as number[];
  const set: HostSet = { values: pooledRows(fixed, train.embeddings, shape, width), shape: [width], labels: train.labels, numClasses };
  const valXs = validation.embeddings.length > 0 ? tf.tensor2d(pooledRows(fixed, validation.embeddings, shape, width), [validation.embeddings.length, width]) : undefined;
  try {
    const stopped = await fitSet(trainer, head, set, valXs, validation.labels, callbacks);
    // The head itself is saved and disposed with an optimizer like the one that trained it.
    model.compile({ optimizer: trainer.optimizer, loss: 'categoricalCrossentropy' });
    return stopped;
  } catch (error) {
    // A failed run (e.g. Diverged): the optimizer never reached `model`, so it goes here.
    trainer.optimizer?.dispose();
    throw error;
  } finally {
    // The training view shares the head's layers: releasing it leaves their weights to `model`.
    trainer.dispose();
    valXs?.dispose();
  }
}

/** A flat [count, k] array as its count rows. */
export function rows(data: Float32Array, count: number): Float32Array[] {
  const width = data.length / count;
  return Array.from({ length: count }, (_, n) => data.slice(n * width, (n + 1) * width));
}

/** Class probabilities for each embedding. */
export function predictProbabilities(model: tf.LayersModel, embeddings: Float32Array[]): Float32Array[] {
  if (embeddings.length === 0) return [];
  return rows(tf.tidy(() => (model.predict(stackEmbeddings(embeddings)) as tf.Tensor).dataSync() as Float32Array), embeddings.length);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** Accuracy and confusion matrix from each validation example's class probabilities. */
export function evaluateProbabilities(probabilities: ArrayLike<number>[], labels: number[], imageIds: string[], numClasses: number): Evaluation {
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const cellImages = Array.from({ length: numClasses }, () => Array.from({ length: numClasses }, () => [] as string[]));
  const predictions = probabilities.map(argmax);
  let correct = 0;
  predictions.forEach((predicted, n) => {
    const actual = labels[n];
    confusion[actual][predicted]++;
    cellImages[actual][predicted].push(imageIds[n]);
    if (actual === predicted) correct++;
  });
  return { valAccuracy: predictions.length ? correct / predictions.length : NaN, confusion, cellImages };
}

/** Accuracy and confusion matrix of a head on the validation set's embeddings. */
export function evaluate(model: tf.LayersModel, validation: LabelledEmbeddings & { imageIds: string[] }, numClasses: number): Evaluation {
  return evaluateProbabilities(predictProbabilities(model, validation.embeddings), validation.labels, validation.imageIds, numClasses);
}

/** Disposes a model and its optimizer (model.dispose() leaves the optimizer's tensors). */
export function disposeModel(model: tf.LayersModel | null): void {
  if (!model) return;
  const optimizer = model.optimizer;
  model.dispose();
  optimizer?.dispose();
}
