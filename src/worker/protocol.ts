/**
 * The one protocol between the page and the training worker. Discriminated unions both ways;
 * only plain data and typed arrays (sent as transferables) cross, never a tensor or a class.
 * Every message about a run carries its runId; the page drops messages of stale runs.
 */
import type { ProblemKind } from '../engine/datasets';
import type { GradCheckResult } from '../engine/gradcheck';
import type { BackendChoice, PlaygroundConfig } from '../features/playground/meta';
import type { HeadConfig } from '../features/transfer/meta';
import type { RunPosition } from '../features/playground/url';

export type StepUnit = 'sample' | 'batch' | 'epoch';
export type BackendName = 'webgl' | 'wasm' | 'cpu';

/** Error codes; the UI shows a translated text for each (`error.<code>` in the locale files). */
export type ErrorCode = 'diverged' | 'backendFailed' | 'badMessage' | 'workerCrashed';

export type ToWorker =
  | { type: 'init'; runId: number; config: PlaygroundConfig; position: RunPosition }
  | { type: 'updateSettings'; runId: number; config: PlaygroundConfig }
  | { type: 'play'; runId: number }
  | { type: 'pause'; runId: number }
  | { type: 'step'; runId: number; unit: StepUnit }
  | { type: 'selectSample'; runId: number; index: number }
  /** set w_ji of layer l (i = −1: the bias b_j) */
  | { type: 'editWeight'; runId: number; layer: number; j: number; i: number; value: number }
  | { type: 'gradCheck'; runId: number; layer: number; j: number; i: number }
  | { type: 'restoreBeforeDivergence'; runId: number }
  | { type: 'setBackend'; choice: BackendChoice }
  | TransferToWorker;

/** Forward and backward pass of one sample at the current parameters, every number the panels show. */
export interface SampleTrace {
  /** index in the dataset (train points first, then test) */
  index: number;
  isTrain: boolean;
  x1: number;
  x2: number;
  /** y */
  yTrue: number;
  /** ŷ */
  yHat: number;
  /** ½(y − ŷ)² */
  loss: number;
  /** z per neuron, flat by neuronOffset (layer 0 unused) */
  z: Float64Array;
  /** a = f(z) per neuron, flat by neuronOffset (layer 0: the input features) */
  a: Float64Array;
  /** δ = ∂L/∂z per neuron, flat by neuronOffset (layer 0 unused) */
  delta: Float64Array;
  /** ∂L/∂w = δ_j·a_i and ∂L/∂b = δ_j for this sample alone, flat parameter layout */
  gradient: Float64Array;
  /** parameters after one SGD step on this sample alone: θ − α(∂L/∂θ + λR′(θ)) */
  parametersAfter: Float64Array;
}

export interface Heatmap {
  /** grid points per side over [−6, 6]² */
  size: number;
  /** every neuron's output a over the grid: neuron n at [n·size², (n+1)·size²), row 0 = top (x₂ = 6) */
  values: Float32Array;
}

export type RunStatus = 'playing' | 'paused' | 'diverged';

export interface Snapshot {
  status: RunStatus;
  /** completed epochs */
  epoch: number;
  /** training samples processed since the network was built */
  samplesSeen: number;
  /** parameter updates (mini-batches) applied */
  updates: number;
  /** samples accumulated in the mini-batch not yet applied */
  batchFill: number;
  /** index (in the training set) of the next sample to train on */
  cursor: number;
  /** mean ½(y−ŷ)² over the training and test sets */
  trainLoss: number;
  testLoss: number;
  /** mean ½(y−ŷ)² over the last applied mini-batch */
  batchLoss: number;
  /** weights then biases, flat layout */
  parameters: Float64Array;
  trace: SampleTrace;
  heatmap?: Heatmap;
}

export type FromWorker =
  | { type: 'dataset'; runId: number; kind: ProblemKind; trainCount: number; /** [n, 3]: x1, x2, y */ points: Float32Array }
  | { type: 'snapshot'; runId: number; snapshot: Snapshot }
  | { type: 'gradCheck'; runId: number; layer: number; j: number; i: number; result: GradCheckResult }
  | { type: 'backend'; backend: BackendName; requested: BackendChoice; softwareRendered: boolean; renderer: string }
  | { type: 'error'; runId?: number; code: ErrorCode; detail?: string }
  | TransferFromWorker;

// ——— Transfer-learning studio ———

/** Why an image was not added; the UI shows `transfer.reject.<code>`. */
export type ImageRejection = 'notImage' | 'empty' | 'corrupt' | 'tooLarge' | 'tooManyPixels';
/** Transfer errors; the UI shows `transfer.error.<code>`. */
export type TransferErrorCode =
  | 'modelLoadFailed'
  | 'modelInvalid'
  | 'noModel'
  | 'tooFewClasses'
  | 'emptyClass'
  | 'trainFailed'
  | 'predictFailed'
  | 'exportFailed'
  | 'importFailed'
  /** dataset zip: a class name cannot be a folder name (detail: the name) */
  | 'datasetBadName'
  /** dataset zip: two class names are one folder on some file system (detail: the second name) */
  | 'datasetDuplicateName'
  | 'datasetEmpty'
  | 'datasetFailed';

export type ModelSource = { kind: 'auto'; defaultUrl: string } | { kind: 'url'; url: string } | { kind: 'files'; files: File[] };
export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';
export type TrainPhase = 'idle' | 'embedding' | 'training' | 'fineTuning' | 'done' | 'stopped' | 'error';
/** `transfer`: MobileNet + head (+ fine-tuning); `scratch`: the Tiny VGG from random weights */
export type TrainRun = 'transfer' | 'scratch';

export interface ClassRef {
  id: string;
  name: string;
  /** ids of the class's images, as the worker gave them */
  imageIds: string[];
}

/** Metrics of one epoch (validation ones absent without a validation set). */
export interface EpochLogs {
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
}

export interface Evaluation {
  /** accuracy on the validation set (NaN without one) */
  valAccuracy: number;
  /** confusion[true][predicted] counts on the validation set */
  confusion: number[][];
  /** validation image ids per true class and predicted class, for clicking a cell */
  cellImages: string[][][];
}

export type TransferToWorker =
  | { type: 'transfer/loadModel'; source: ModelSource }
  | { type: 'transfer/addImages'; classId: string; files: File[] }
  | { type: 'transfer/removeImages'; imageIds: string[] }
  | { type: 'transfer/train'; jobId: number; classes: ClassRef[]; head: HeadConfig }
  /** the from-scratch contrast: a Tiny VGG on the same images, split and settings */
  | { type: 'transfer/trainScratch'; jobId: number; classes: ClassRef[]; head: HeadConfig }
  | { type: 'transfer/stop'; jobId: number }
  | { type: 'transfer/predict'; requestId: number; file: Blob }
  /** the page's classes and settings changed: save them with the project */
  | { type: 'transfer/saveProject'; classes: ClassRef[]; head: HeadConfig }
  | { type: 'transfer/restoreProject' }
  /** the trained classifier as one tfjs model (base + head) with a metadata file */
  | { type: 'transfer/exportModel'; labels: string[] }
  | { type: 'transfer/importModel'; files: File[] }
  /** the image set as a zip: dataset/<class>/*.jpg (the stored JPEGs) and train.py for Keras */
  | { type: 'transfer/exportDataset'; classes: ClassRef[]; head: HeadConfig }
  /** benchmark: plain model.predict on the truncated base, batches of 16, for comparison with the embedding path */
  | { type: 'transfer/measureRawPredict'; batches: number };

/** How long the parts of a training run took. */
export interface TrainTimings {
  /** images embedded in this run (the others were cached) */
  embeddedImages: number;
  embedMs: number;
  /** head training (and fine-tuning), embeddings already cached */
  trainMs: number;
}

export interface RestoredClass {
  id: string;
  name: string;
  images: { id: string; name: string; thumbnail: Blob }[];
}

export type TransferFromWorker =
  | { type: 'transfer/modelStatus'; status: ModelStatus; progress: number; from?: 'cache' | 'url' | 'files'; code?: TransferErrorCode; detail?: string }
  | { type: 'transfer/imageAdded'; classId: string; imageId: string; name: string; thumbnail: Blob }
  | { type: 'transfer/imageRejected'; classId: string; name: string; code: ImageRejection }
  | { type: 'transfer/addProgress'; classId: string; done: number; total: number }
  | {
      type: 'transfer/trainProgress';
      run: TrainRun;
      jobId: number;
      phase: TrainPhase;
      /** epochs done and planned (head + fine-tuning) */
      epoch: number;
      epochs: number;
      logs?: EpochLogs;
      /** images embedded so far / to embed, and the rate */
      embedded?: number;
      toEmbed?: number;
      imagesPerSec?: number;
      elapsedMs: number;
    }
  | { type: 'transfer/trainDone'; run: TrainRun; jobId: number; phase: 'done' | 'stopped'; evaluation: Evaluation; elapsedMs: number; timings: TrainTimings; fineTunedBlocks: number }
  | { type: 'transfer/rawPredictMeasured'; imagesPerSec: number; backend: string }
  | { type: 'transfer/prediction'; requestId: number; probabilities: Float32Array; labels: string[] }
  | { type: 'transfer/projectRestored'; classes: RestoredClass[]; head: HeadConfig | null; trainedLabels: string[] | null }
  | { type: 'transfer/modelExported'; files: { name: string; blob: Blob }[] }
  | { type: 'transfer/modelImported'; labels: string[] }
  /** the dataset zip; `images` in it, `skipped` listed but missing from the project store */
  | { type: 'transfer/datasetExported'; name: string; blob: Blob; images: number; skipped: number }
  | { type: 'transfer/error'; code: TransferErrorCode; jobId?: number; requestId?: number; detail?: string };

/** The typed arrays of a message, to pass as transferables. */
export function transferablesOf(message: FromWorker): Transferable[] {
  switch (message.type) {
    case 'dataset':
      return [message.points.buffer];
    case 'snapshot': {
      const { parameters, trace, heatmap } = message.snapshot;
      const arrays = [parameters, trace.z, trace.a, trace.delta, trace.gradient, trace.parametersAfter];
      if (heatmap) arrays.push(heatmap.values as unknown as Float64Array);
      return arrays.map((array) => array.buffer as ArrayBuffer);
    }
    case 'transfer/prediction':
      return [message.probabilities.buffer as ArrayBuffer];
    default:
      return [];
  }
}
