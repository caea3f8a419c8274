/**
 * The one protocol between the page and the training worker. Discriminated unions both ways;
 * only plain data and typed arrays (sent as transferables) cross, never a tensor or a class.
 * Every message about a run carries its runId; the page drops messages of stale runs.
 */
import type { ProblemKind } from '../engine/datasets';
import type { GradCheckResult } from '../engine/gradcheck';
import type { BackendChoice, PlaygroundConfig } from '../features/playground/meta';
import type { Augmentation, HeadConfig } from '../features/transfer/meta';
import type { BaseId } from '../features/transfer/bases';
import type { EmbeddingMapResult } from '../features/transfer/embeddingMap';
import type { HeadCells, LayerCell, LayerMaps } from '../features/transfer/layerMapsMeta';
import type { ProjectErrorCode, ProjectSummary } from '../features/transfer/projectMeta';
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
  | TransferToWorker
  | DebugToWorker;

/**
 * Reliability checks only: sent by the `?debug=1` client (TrainerClient.debug), never by the app.
 * `loseWebglContext` loses the webgl backend's context (WEBGL_lose_context); `crash` throws an
 * uncaught error in the worker, which the page treats as a crash; `failWrites` makes the project
 * store's next `count` writes fail as a full disk would (QuotaExceededError).
 */
export type DebugToWorker = { type: 'debug/loseWebglContext' } | { type: 'debug/crash' } | { type: 'debug/failWrites'; count: number };

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
  /** the active backend stopped working (its WebGL context was lost); `backend` took over */
  | { type: 'backendLost'; lost: BackendName; backend: BackendName }
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
  /** the loss became NaN/∞ or stayed far above a guess's: the learning rate is too high */
  | 'diverged'
  | 'predictFailed'
  | 'exportFailed'
  | 'importFailed'
  /** model.json lists weight files that were not given, or they are shorter than it declares (detail: the names) */
  | 'importMissingWeights'
  /** model.json declares more weights than an import may hold (detail: the size in MB) */
  | 'importTooLarge'
  /** the weights do not fit the model's layers */
  | 'importShapes'
  /** train.py's classifier was trained on another base than the one loaded (detail: its base) */
  | 'importOtherBase'
  /** the classifier's labels are not the open project's classes (detail: its labels) */
  | 'importOtherLabels'
  /** dataset zip: a class name cannot be a folder name (detail: the name) */
  | 'datasetBadName'
  /** dataset zip: two class names are one folder on some file system (detail: the second name) */
  | 'datasetDuplicateName'
  | 'datasetEmpty'
  | 'datasetFailed';

export type ModelSource = { kind: 'auto'; defaultUrl: string } | { kind: 'url'; url: string } | { kind: 'files'; files: File[] };
/** The numerics self-check of the backend in use (src/worker/tf/numerics.ts). */
export interface NumericsSummary {
  backend: string;
  /** max |backend − cpu| / max |cpu| on the base model's output for a fixed input */
  relativeError: number;
  tolerance: number;
  floatPrecision: number;
  epsilon: number;
}

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';
/** refitting: the head trained again on every photo after the run with validation (HeadConfig.refit) */
export type TrainPhase = 'idle' | 'embedding' | 'training' | 'fineTuning' | 'refitting' | 'done' | 'stopped' | 'error';
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
  /** loads `base` (bases.ts) from `source`; the images stay, their embeddings and a head trained on another base go */
  | { type: 'transfer/loadModel'; source: ModelSource; base: BaseId }
  | { type: 'transfer/addImages'; classId: string; files: File[] }
  | { type: 'transfer/removeImages'; imageIds: string[] }
  | { type: 'transfer/train'; jobId: number; classes: ClassRef[]; head: HeadConfig }
  /** the from-scratch contrast: a Tiny VGG on the same images, split and settings */
  | { type: 'transfer/trainScratch'; jobId: number; classes: ClassRef[]; head: HeadConfig }
  | { type: 'transfer/stop'; jobId: number }
  /** `classes`: the classes now, for the nearest-class-mean prediction used while no classifier is trained or imported */
  | { type: 'transfer/predict'; requestId: number; file: Blob; classes?: ClassRef[] }
  /**
   * Reads the saved photos back (decoding them for this worker). `classIds`: the page's saved
   * classes (and one deleted but still undoable); photos of other classes are pruned. Null when
   * the page has no saved class list: nothing is pruned (see projectStore.ts's contract).
   */
  | { type: 'transfer/restoreProject'; classIds: string[] | null; base: BaseId }
  /** tries again to save the photos the browser refused (storage full) */
  | { type: 'transfer/retrySaves' }
  /** the trained classifier as one tfjs model (base + head) with a metadata file */
  | { type: 'transfer/exportModel'; labels: string[] }
  /** `classes`: the names of the project's classes that hold photos; a classifier with other labels is refused */
  | { type: 'transfer/importModel'; files: File[]; classes?: string[] }
  /** the image set as a zip: dataset/<class>/*.jpg (the stored JPEGs) and train.py for Keras */
  | { type: 'transfer/exportDataset'; classes: ClassRef[]; head: HeadConfig }
  /** benchmark: plain model.predict on the truncated base, batches of 16, for comparison with the embedding path */
  | { type: 'transfer/measureRawPredict'; batches: number }
  /** the embedding map of these classes' images (embedding those not embedded yet) */
  | { type: 'transfer/embeddingMap'; requestId: number; classes: ClassRef[] }
  /** project files (worker/projectFile.ts): save the project as one zip; read a file (checked, kept in the worker); open the one read, replacing the project */
  | { type: 'transfer/saveProject'; classes: ClassRef[]; head: HeadConfig; base: BaseId }
  | { type: 'transfer/readProject'; requestId: number; file: Blob }
  | { type: 'transfer/openProject'; requestId: number; current: { classes: ClassRef[]; head: HeadConfig; base: BaseId }; source: ModelSource }
  | ExplainRequest
  | AugmentPreviewRequest
  | LayerMapsRequest;

/**
 * The layer explorer: `layerMaps` runs the base once on an image (a class's, or a file) and sends
 * every stage's maps (MobileNet v1's conv layers; v2's expansions, depthwise convolutions,
 * projections and residual adds); `layerCell` gives one output cell's numbers for that image.
 */
export type LayerMapsRequest =
  | { type: 'transfer/layerMaps'; requestId: number; imageId?: string; file?: Blob; maxChannels: number; maxSize: number }
  | { type: 'transfer/layerCell'; requestId: number; layer: string; y: number; x: number; channel: number };

export type LayerMapsReply =
  /** ms: the forward pass and the maps, in the worker (decoding excluded) */
  | { type: 'transfer/layerMapsReady'; requestId: number; layers: LayerMaps[]; head: HeadCells | null; ms: number }
  | { type: 'transfer/layerCellReady'; requestId: number; cell: LayerCell }
  | { type: 'transfer/layerFailed'; requestId: number; code: 'noModel' | 'noImage' | 'failed'; detail?: string };

/** `count` augmented versions of one stored image (seeded), as small JPEGs: the augmentation panel's preview. */
export interface AugmentPreviewRequest {
  type: 'transfer/augmentPreview';
  requestId: number;
  imageId: string;
  augmentation: Augmentation;
  count: number;
  seed: number;
}

export type AugmentPreviewReply =
  /** THUMBNAIL_SIZE² JPEGs, and a hash of their pixels (tells two previews apart) */
  | { type: 'transfer/augmentPreviewReady'; requestId: number; imageId: string; thumbnails: Blob[]; hash: string }
  | { type: 'transfer/augmentPreviewFailed'; requestId: number; detail: string };

/** Grad-CAM and saliency of one image (the one just predicted) for a class (default: the top class). */
export interface ExplainRequest {
  type: 'transfer/explain';
  requestId: number;
  file: Blob;
  classIndex?: number;
  /** also the saliency map (a backward pass through the whole network: slow on cpu/wasm) */
  saliency: boolean;
  /** `transfer`: the trained classifier (MobileNet's conv_pw_13_relu); `scratch`: the Tiny VGG (conv_4) */
  model: TrainRun;
}

/** Grad-CAM and saliency maps of one image, with the 224² RGB they are drawn over. */
export interface Explanation {
  type: 'transfer/explained';
  requestId: number;
  model: TrainRun;
  classIndex: number;
  /** the explained model's class probabilities for the image */
  probabilities: Float32Array;
  /** ReLU(Σ_k α_k·A^k) / max, row-major [gridSize, gridSize], in [0, 1] */
  gradCam: Float32Array;
  /** the last convolution's grid: 7 (MobileNet) or 26 (Tiny VGG) */
  gridSize: number;
  /** max over channels of |∂y_c/∂x| / max, row-major [saliencySize, saliencySize], in [0, 1]; null unless asked for */
  saliency: Float32Array | null;
  /** the model's input size: 224 (MobileNet) or 64 (Tiny VGG); 0 without saliency */
  saliencySize: number;
  /** 224 × 224 × 3 RGB of the image as the model saw it (cropped) */
  image: Uint8Array;
  /** Grad-CAM (the forward pass included) and saliency, milliseconds */
  gradCamMs: number;
  saliencyMs: number;
}

export type ExplainFailure = { type: 'transfer/explainFailed'; requestId: number; code: 'noModel' | 'failed'; detail?: string };

/** How long the parts of a training run took. */
export interface TrainTimings {
  /** images embedded in this run (the others were cached) */
  embeddedImages: number;
  embedMs: number;
  /** head training (and fine-tuning), embeddings already cached */
  trainMs: number;
}

/** A saved photo read back, with its class. */
export interface RestoredImage {
  classId: string;
  id: string;
  name: string;
  thumbnail: Blob;
}

/** Classes and settings as versions before 2026-12 saved them in IndexedDB (moved to the page's store once). */
export interface LegacyProjectView {
  classes: { id: string; name: string }[];
  head: HeadConfig;
}

/** Why the browser refused to save: storage full (or evicted), or another failure. */
export type StorageCode = 'quota' | 'failed';

export type TransferFromWorker =
  | { type: 'transfer/modelStatus'; status: ModelStatus; progress: number; /** the base loading, loaded or in use */ base?: BaseId; from?: 'cache' | 'url' | 'files'; numerics?: NumericsSummary; code?: TransferErrorCode; detail?: string }
  /** a backend passed over: its float precision (at start-up) or its model outputs (vs cpu) were off */
  | { type: 'transfer/backendRejected'; backend: BackendName; reason: 'precision' | 'mismatch'; detail: string; now: string }
  /** a photo, posted once its save has committed (`saved`), or marked not saved when the browser refused it */
  | { type: 'transfer/imageAdded'; classId: string; imageId: string; name: string; thumbnail: Blob; saved: boolean }
  /** the browser refused to save: photos (kept for this session, `imageIds`) or the trained classifier */
  | { type: 'transfer/storageRefused'; what: 'images' | 'trained'; code: StorageCode; imageIds: string[]; detail: string }
  /** photos refused before are saved now */
  | { type: 'transfer/imagesSaved'; imageIds: string[] }
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
  | { type: 'transfer/rawPredictMeasured'; imagesPerSec: number; backend: string; /** the studio's embedImages on its loaded images (up to batches × 16) */ embedImagesPerSec: number }
  /** `source`: the classifier trained here (or imported), or `instant`: the nearest class mean of the photos, before training */
  | { type: 'transfer/prediction'; requestId: number; probabilities: Float32Array; labels: string[]; source: 'instant' | 'trained' }
  /** `otherBase`: the saved classifier was trained on this other base, so it was not used */
  | { type: 'transfer/projectRestored'; images: RestoredImage[]; legacy: LegacyProjectView | null; trainedLabels: string[] | null; otherBase: BaseId | null }
  | { type: 'transfer/modelExported'; files: { name: string; blob: Blob }[] }
  | { type: 'transfer/modelImported'; labels: string[] }
  /** the dataset zip; `images` in it, `skipped` listed but missing from the project store */
  | { type: 'transfer/datasetExported'; name: string; blob: Blob; images: number; skipped: number }
  | { type: 'transfer/error'; code: TransferErrorCode; jobId?: number; requestId?: number; detail?: string }
  | { type: 'transfer/embeddingMapReady'; requestId: number; map: EmbeddingMapResult }
  | { type: 'transfer/embeddingMapFailed'; requestId: number; detail: string }
  | { type: 'transfer/projectSaved'; name: string; blob: Blob; photos: number; skipped: number }
  | { type: 'transfer/projectRead'; requestId: number; summary: ProjectSummary }
  /** the project replaced the studio's (its photos saved under new ids); `undo`: the replaced project as a project file (null when it was empty) */
  | { type: 'transfer/projectOpened'; requestId: number; classes: { id: string; name: string }[]; images: RestoredImage[]; head: HeadConfig; base: BaseId; trainedLabels: string[] | null; undo: Blob | null }
  | { type: 'transfer/projectFailed'; requestId: number | null; code: ProjectErrorCode; detail?: string }
  | Explanation
  | ExplainFailure
  | AugmentPreviewReply
  | LayerMapsReply;

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
    case 'transfer/embeddingMapReady':
      return message.map.regions ? [message.map.regions.classes.buffer as ArrayBuffer, message.map.regions.confidence.buffer as ArrayBuffer] : [];
    case 'transfer/explained':
      return [message.probabilities, message.gradCam, message.saliency, message.image].flatMap((array) => (array ? [array.buffer as ArrayBuffer] : []));
    case 'transfer/layerMapsReady':
      return message.layers.flatMap((layer) => layer.channels.map((channel) => channel.pixels.buffer as ArrayBuffer));
    case 'transfer/layerCellReady':
      return [message.cell.map.buffer as ArrayBuffer];
    default:
      return [];
  }
}
