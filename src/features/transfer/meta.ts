/**
 * The transfer-learning studio's settings: the base model, the classification head and training.
 * Pure: no DOM, no tfjs.
 */

export const OPTIMIZERS = ['sgd', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The base network the head sits on. */
export type BaseModelKind = 'mobilenet' | 'vgg';

/**
 * How the [7, 7, 256] embedding enters the head: `average` = global average pooling to 256 values
 * (where each feature is in the image does not matter; generalises from few images), `flatten` =
 * all 12,544 values (Teachable Machine's choice).
 */
export const POOLINGS = ['average', 'flatten'] as const;
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
  /** after the head: unfreeze the top K MobileNet blocks and train on (0 = head only) */
  fineTuneBlocks: number;
  /** epochs of fine-tuning after the head */
  fineTuneEpochs: number;
  /** learning rate for fine-tuning (low) */
  fineTuneLearningRate: number;
  /** random flip / crop augmentation while fine-tuning */
  augment: boolean;
  seed: number;
}

/** Teachable Machine's defaults: Dense 100 ReLU → softmax, Adam 1e-3, batch 16, 50 epochs, 15 % validation. */
export const DEFAULT_HEAD: HeadConfig = {
  pooling: 'average',
  units: 100,
  dropout: 0,
  optimizer: 'adam',
  learningRate: 0.001,
  epochs: 50,
  batchSize: 16,
  validationSplit: 0.15,
  fineTuneBlocks: 0,
  fineTuneEpochs: 5,
  fineTuneLearningRate: 0.0001,
  augment: true,
  seed: 1,
};

/** The lesson's Keras example: Dense 1024 ReLU → softmax, RMSprop, batch 32, 10 epochs. */
export const LESSON_HEAD: HeadConfig = {
  ...DEFAULT_HEAD,
  units: 1024,
  optimizer: 'rmsprop',
  learningRate: 0.001,
  epochs: 10,
  batchSize: 32,
};

export const HEAD_PRESETS = { teachableMachine: DEFAULT_HEAD, lesson: LESSON_HEAD } as const;
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
