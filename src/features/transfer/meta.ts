/**
 * The transfer-learning studio's settings: the base model, the classification head and training.
 * Pure: no DOM, no tfjs.
 */

export const OPTIMIZERS = ['sgd', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The base network the head sits on. */
export type BaseModelKind = 'mobilenet' | 'vgg';

/**
 * How the [7, 7, 256] embedding enters the head:
 * - `regions` (the default) = average pooling over 3 × 3 regions with stride 3 (Keras's 'valid'
 *   pooling: the 2 × 2 regions of the top-left 6 × 6 cells), flattened to 1,024 values and scaled by
 *   REGION_SCALE. Where a feature is, roughly, still counts (a raised finger top-left or bottom-right).
 * - `average` = global average pooling to 256 values (where each feature is does not matter).
 * - `flatten` = all 12,544 values.
 */
export const POOLINGS = ['regions', 'average', 'flatten'] as const;
/** Side and stride of the `regions` pooling windows, in cells of the 7 × 7 grid. */
export const REGION_POOL = 3;
/**
 * The `regions` values are multiplied by this. Adam moves every weight by about the learning rate
 * per step, so a hidden unit's input moves by about lr · Σ|x|: with 1,024 region means instead of
 * 256 global ones, unscaled steps are four times larger and the head overshoots. Measured on
 * sign-language digits (10 × 25 training photos, 9 head seeds, the default head): held-out
 * accuracy median 0.93 scaled by 0.1, 0.925 by 0.25, 0.925 unscaled; global average pooling 0.87.
 */
export const REGION_SCALE = 0.1;
export type Pooling = (typeof POOLINGS)[number];

export interface HeadConfig {
  pooling: Pooling;
  /** units of the hidden Dense layer (ReLU); 0 = softmax directly on the embedding */
  units: number;
  /** dropout rate before the softmax layer, 0–0.9 */
  dropout: number;
  optimizer: OptimizerName;
  learningRate: number;
  epochs: number;
  batchSize: number;
  /** share of each class held out for validation, 0–0.5 */
  validationSplit: number;
  /**
   * after the run with a validation set (its curves and evaluation), train the head once more, from
   * its first weights, on every photo: the classifier kept. Head-only runs (fine-tuning keeps its run).
   */
  refit: boolean;
  /** after the head: unfreeze the top K MobileNet blocks and train on (0 = head only) */
  fineTuneBlocks: number;
  /** epochs of fine-tuning after the head */
  fineTuneEpochs: number;
  /** learning rate for fine-tuning (low) */
  fineTuneLearningRate: number;
  /** augmentation on/off while fine-tuning (the head on cached embeddings always sees the original images) */
  augment: boolean;
  /** augmentation on/off for the Tiny VGG trained from scratch */
  augmentScratch: boolean;
  /** what augmentation does to each training image (when on) */
  augmentation: Augmentation;
  seed: number;
}

/**
 * Data augmentation: random changes to each training image, drawn anew for every image in every
 * batch (seeded). Keras's layer with the same effect in brackets (codegenPython.ts uses them).
 */
export interface Augmentation {
  /** mirror left–right with probability ½ (RandomFlip('horizontal')) */
  flip: boolean;
  /** rotate about the centre by a uniform angle in [−rotation, rotation], degrees (RandomRotation(rotation / 360)) */
  rotation: number;
  /** zoom in about the centre: each side shows a uniform share in [1 − zoom, 1] of the image (RandomZoom((−zoom, 0))) */
  zoom: number;
  /** add δ × the value range (2 in [−1, 1], 255 in 0–255), δ uniform in [−brightness, brightness], then clip (RandomBrightness(brightness)) */
  brightness: number;
  /** each channel: (x − mean) × c + mean, c uniform in [1 − contrast, 1 + contrast], then clip (RandomContrast(contrast)) */
  contrast: number;
}

/** Allowed range of each numeric augmentation setting. */
export const AUGMENTATION_LIMITS = { rotation: [0, 180], zoom: [0, 0.9], brightness: [0, 1], contrast: [0, 1] } as const;

/** The studio's augmentation before it had settings: random flip and zoom-in to 80–100 %. */
export const DEFAULT_AUGMENTATION: Augmentation = { flip: true, rotation: 0, zoom: 0.2, brightness: 0, contrast: 0 };

/** Whether the settings leave every image as it is. */
export function isIdentityAugmentation(a: Augmentation): boolean {
  return !a.flip && a.rotation === 0 && a.zoom === 0 && a.brightness === 0 && a.contrast === 0;
}

/** Whether the head trains a second time on every photo after its run with validation (HeadConfig.refit; head-only runs). */
export function refits(head: HeadConfig): boolean {
  return head.refit && head.validationSplit > 0 && head.fineTuneBlocks === 0;
}

/** Whether fine-tuning trains on augmented images (on, and some setting changes something). */
export function augmentsFineTuning(head: HeadConfig): boolean {
  return head.fineTuneBlocks > 0 && head.augment && !isIdentityAugmentation(head.augmentation);
}

/** Valid augmentation settings from anything (a saved project, a message): defaults for what is missing or out of range. */
export function normalizeAugmentation(value: unknown): Augmentation {
  const saved = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const numberIn = (key: keyof typeof AUGMENTATION_LIMITS) => {
    const [min, max] = AUGMENTATION_LIMITS[key];
    const v = saved[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : DEFAULT_AUGMENTATION[key];
  };
  return {
    flip: typeof saved.flip === 'boolean' ? saved.flip : DEFAULT_AUGMENTATION.flip,
    rotation: numberIn('rotation'),
    zoom: numberIn('zoom'),
    brightness: numberIn('brightness'),
    contrast: numberIn('contrast'),
  };
}

/**
 * Head settings restored from a saved project (or exported metadata) of any version: defaults for
 * what is missing. Projects from before augmentation had settings hold only `augment: boolean`
 * (flip + zoom 80–100 % when on), which is DEFAULT_AUGMENTATION switched on or off.
 */
export function normalizeHead(saved: Partial<HeadConfig>): HeadConfig {
  return {
    ...DEFAULT_HEAD,
    ...saved,
    augment: typeof saved.augment === 'boolean' ? saved.augment : DEFAULT_HEAD.augment,
    // Saved before the refit existed: trained on the training share only, as then.
    refit: typeof saved.refit === 'boolean' ? saved.refit : false,
    augmentScratch: typeof saved.augmentScratch === 'boolean' ? saved.augmentScratch : DEFAULT_HEAD.augmentScratch,
    augmentation: normalizeAugmentation(saved.augmentation),
  };
}

/**
 * The default head, chosen by measuring on both public photo sets (docs/PERFORMANCE.md, "Choosing the
 * default head"): the 2 × 2 regions (see POOLINGS) straight into softmax (no hidden layer), Adam
 * 0.003, batch 64, 50 epochs, 15 % validation for the curves and the evaluation, then the same
 * head trained again on every photo (refit).
 */
export const DEFAULT_HEAD: HeadConfig = {
  pooling: 'regions',
  units: 0,
  dropout: 0,
  optimizer: 'adam',
  learningRate: 0.003,
  epochs: 50,
  batchSize: 64,
  validationSplit: 0.15,
  refit: true,
  fineTuneBlocks: 0,
  fineTuneEpochs: 5,
  fineTuneLearningRate: 0.0001,
  augment: true,
  augmentScratch: false,
  augmentation: DEFAULT_AUGMENTATION,
  seed: 1,
};

/**
 * Teachable Machine's head as its web app trains it (on MobileNet v2 0.35): global average pooling,
 * Dense 100 ReLU → softmax, Adam 1e-3, batch 16, 50 epochs, 15 % validation, no second run on all photos.
 */
export const TEACHABLE_MACHINE_HEAD: HeadConfig = {
  ...DEFAULT_HEAD,
  pooling: 'average',
  units: 100,
  learningRate: 0.001,
  batchSize: 16,
  refit: false,
};

/** The lesson's Keras example: Dense 1024 ReLU → softmax, RMSprop, batch 32, 10 epochs. */
export const LESSON_HEAD: HeadConfig = {
  ...TEACHABLE_MACHINE_HEAD,
  pooling: 'regions',
  units: 1024,
  optimizer: 'rmsprop',
  learningRate: 0.001,
  epochs: 10,
  batchSize: 32,
};

export const HEAD_PRESETS = { default: DEFAULT_HEAD, teachableMachine: TEACHABLE_MACHINE_HEAD, lesson: LESSON_HEAD } as const;
export type HeadPreset = keyof typeof HEAD_PRESETS;

/** MobileNet v1 0.25 @ 224: the input side and where the base is cut for transfer learning. */
export const IMAGE_SIZE = 224;
export const TRUNCATION_LAYER = 'conv_pw_13_relu';
/** MobileNet v1 has 13 depthwise-separable blocks: conv_dw_N / conv_pw_N for N = 1 … 13. */
export const MOBILENET_BLOCKS = 13;
/** shape of the truncated base's output: [batch, 7, 7, 256] */
export const EMBEDDING_SHAPE = [7, 7, 256] as const;
export const THUMBNAIL_SIZE = 96;
export const MAX_CLASSES = 20;
export const MIN_CLASSES = 2;
/** larger files are rejected before decoding */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
/** larger images (either side) are rejected: decoding them could exhaust memory */
export const MAX_IMAGE_SIDE = 8192;

/** The official hosted copy of the model (used by production builds without a local copy). */
export const HOSTED_MOBILENET_URL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json';
/** Where dev, preview and tests serve ../shared/models (and where `npm run fetch-model` puts a copy). */
export const LOCAL_MOBILENET_PATH = 'models/mobilenet_v1_0.25_224/model.json';
