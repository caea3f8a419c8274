/**
 * The classification head on the cached embeddings: pooling (see meta's POOLINGS) → Dense(units, ReLU) → Dropout →
 * Dense(classes, softmax), trained with the chosen optimizer; then evaluated on the validation set.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochLogs, Evaluation } from '../../../worker/protocol';
import { EMBEDDING_SHAPE, REGION_POOL, REGION_SCALE, type HeadConfig } from '../meta';
import { mulberry32, shuffleInPlace } from '../../../engine/random';
import { stackEmbeddings } from './embed';

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

function oneHot(labels: number[], numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D);
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

/** The examples `indices` of the set as a batch [count, ...shape] and their one-hot labels. */
function batchOf(set: HostSet, indices: number[]): [tf.Tensor, tf.Tensor2D] {
  const size = set.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(indices.length * size);
  indices.forEach((n, k) => values.set(set.values.subarray(n * size, (n + 1) * size), k * size));
  return [tf.tensor(values, [indices.length, ...set.shape]), oneHot(indices.map((n) => set.labels[n]), set.numClasses)];
}

/**
 * One pass over the training set in a seeded random order; returns the mean loss and accuracy
 * (Diverged on a NaN/∞ loss). Each step is what `trainOnBatch` does (the forward pass in training
 * mode, categorical cross-entropy, one optimizer step), but its loss and accuracy stay on the
 * backend, summed, and are read once per epoch: a read per batch (trainOnBatch's) waits for the
 * backend every step, which cost more than the small head's maths.
 */
async function trainEpoch(model: tf.LayersModel, set: HostSet, batchSize: number, rng: () => number, transform?: BatchTransform): Promise<[number, number]> {
  const count = set.labels.length;
  const order = Array.from({ length: count }, (_, n) => n);
  shuffleInPlace(order, rng);
  const optimizer = model.optimizer;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let sums = tf.zeros([2]);
  for (let start = 0; start < count; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    const next = tf.tidy(() => {
      const [batch, yb] = batchOf(set, indices);
      const xb = transform ? transform(batch) : batch;
      let correct: tf.Scalar | undefined;
      const loss = optimizer.minimize(() => {
        const predicted = model.apply(xb, { training: true }) as tf.Tensor;
        correct = tf.keep(tf.metrics.categoricalAccuracy(yb, predicted).sum() as tf.Scalar);
        return tf.metrics.categoricalCrossentropy(yb, predicted).mean() as tf.Scalar;
      }, true, variables) as tf.Scalar;
      const added = sums.add(tf.stack([loss.mul(indices.length), correct as tf.Scalar]));
      correct?.dispose(); // kept out of minimize's scope, so no tidy releases it
      return added;
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
    const predicted = model.predict(xs) as tf.Tensor;
    return [tf.metrics.categoricalCrossentropy(ys, predicted).mean(), tf.metrics.categoricalAccuracy(ys, predicted).mean()];
  });
  const values = await Promise.all([loss.data(), acc.data()]);
  tf.dispose([loss, acc]);
  return [values[0][0], values[1][0]];
}

/**
 * What the optimizer actually trains. The head's first layers (pooling, flatten) are a fixed
 * operation on a frozen base's output: they run once for all images, and a model of the remaining
 * layers, sharing their weights, trains on the pooled [n, k] values: the same maths, far less work per step.
 */
/** Layers without weights that a head starts with: pooling and scaling, the same for every step. */
const FIXED_LAYERS = ['GlobalAveragePooling2D', 'AveragePooling2D', 'Flatten', 'Rescaling'];

/** A head's leading fixed layers (FIXED_LAYERS), the layers after them, and how many values the fixed ones output (0 without any). */
export function splitFixedLayers(layers: tf.layers.Layer[]): { fixed: tf.layers.Layer[]; rest: tf.layers.Layer[]; width: number } {
  const count = layers.findIndex((layer) => !FIXED_LAYERS.includes(layer.getClassName()));
  if (count <= 0) return { fixed: [], rest: layers, width: 0 };
  return { fixed: layers.slice(0, count), rest: layers.slice(count), width: (layers[count - 1].outputShape as number[])[1] ?? 0 };
}

function trainingView(model: tf.LayersModel): { trainer: tf.LayersModel; inputs: (x: tf.Tensor4D) => tf.Tensor } {
  const { fixed, rest, width } = splitFixedLayers(model.layers);
  if (fixed.length === 0) return { trainer: model, inputs: (x) => x };
  const input = tf.input({ shape: [width] });
  const output = rest.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  return { trainer: tf.model({ inputs: input, outputs: output }), inputs: (x) => tf.tidy(() => fixed.reduce((y, layer) => layer.apply(y) as tf.Tensor, x as tf.Tensor)) };
}

/**
 * Trains `model` (compiled here with the head's optimizer) on xs with mini-batches in a seeded
 * order, so a run can be repeated; returns whether it was stopped early. Leaves xs to the caller.
 * `transform` (optional) changes each training batch's inputs (augmentation), never validation's.
 */
export async function fitModel(model: tf.LayersModel, head: HeadConfig, xs: tf.Tensor, labels: number[], valXs: tf.Tensor | undefined, valLabels: number[], numClasses: number, callbacks: FitCallbacks, transform?: BatchTransform): Promise<boolean> {
  const set: HostSet = { values: (await xs.data()) as Float32Array, shape: xs.shape.slice(1), labels, numClasses };
  const valYs = valXs ? oneHot(valLabels, numClasses) : undefined;
  model.compile({ optimizer: makeOptimizer(head.optimizer, head.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const rng = mulberry32(head.seed);
  const limit = divergenceLimit(numClasses);
  let epochsAboveLimit = 0;
  try {
    for (let epoch = 0; epoch < head.epochs; epoch++) {
      const [loss, acc] = await trainEpoch(model, set, head.batchSize, rng, transform);
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
    if (valYs) valYs.dispose();
  }
}

/** Trains the head on cached embeddings (see trainingView); returns whether it was stopped early. */
export async function fitHead(model: tf.LayersModel, head: HeadConfig, train: LabelledEmbeddings, validation: LabelledEmbeddings, numClasses: number, callbacks: FitCallbacks): Promise<boolean> {
  const { trainer, inputs } = trainingView(model);
  const [xs, valXs] = tf.tidy(() => [inputs(stackEmbeddings(train.embeddings)), validation.embeddings.length > 0 ? inputs(stackEmbeddings(validation.embeddings)) : undefined]);
  try {
    const stopped = await fitModel(trainer, head, xs, train.labels, valXs, validation.labels, numClasses, callbacks);
    // The head itself is saved and disposed with an optimizer like the one that trained it.
    if (trainer !== model) model.compile({ optimizer: trainer.optimizer, loss: 'categoricalCrossentropy' });
    return stopped;
  } catch (error) {
    // A failed run (e.g. Diverged): the optimizer never reached `model`, so it goes here.
    if (trainer !== model) trainer.optimizer?.dispose();
    throw error;
  } finally {
    // The training view shares the head's layers: releasing it leaves their weights to `model`.
    if (trainer !== model) trainer.dispose();
    tf.dispose([xs, ...(valXs ? [valXs] : [])]);
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
