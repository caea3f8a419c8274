/**
 * The registry of pretrained bases the studio can put a head on: what each is, where it loads from,
 * how big and how good it is (ImageNet top-1, as published with the weights), how its input is
 * scaled, where it is cut, its blocks (for fine-tuning) and its Keras `applications` constructor (for
 * the generated code). Pure: no DOM, no tfjs. Adding a base is adding a row.
 */

export const BASE_IDS = ['mobilenet_v1_0.25', 'mobilenet_v2_0.35', 'mobilenet_v2_0.50', 'mobilenet_v2_0.75', 'mobilenet_v2_1.00'] as const;
export type BaseId = (typeof BASE_IDS)[number];

export interface BaseSpec {
  id: BaseId;
  /** e.g. "MobileNet v2 0.35" */
  label: string;
  family: 'mobilenet_v1' | 'mobilenet_v2';
  /** the width multiplier */
  alpha: number;
  /** the weights' size to download, MB (float32 parameters of the cut model, plus its model.json) */
  sizeMB: number;
  /** ImageNet top-1 accuracy of the full network, %, as published with the weights */
  imagenetTop1: number;
  /** the model's folder in ../shared/models (served at models/<folder>/ in dev, preview and tests) */
  folder: string;
  /** the hosted copy (loaded only when the user picks it and is online; then cached in IndexedDB) */
  hostedUrl: string;
  /** where a copy loaded once is kept (tfjs IndexedDB model store) */
  cacheUrl: string;
  /** input: float32 RGB [batch, 224, 224, 3], scaled x / 127.5 − 1 (Keras's mobilenet preprocess_input) */
  preprocessing: 'x/127.5-1';
  /** the layer the base is cut at: its output feeds the head */
  cutLayer: string;
  /** the cut layer's output per image: [7, 7, channels] */
  embeddingShape: readonly [number, number, number];
  /** blocks that fine-tuning can unfreeze, counted from the top (v1: 13 depthwise-separable, v2: 17 inverted-residual) */
  blocks: number;
  /** whether the studio (and its generated code) fine-tunes this base; otherwise the head trains alone */
  fineTunes: boolean;
  /** the same base in Keras, for the generated train.py */
  keras: string;
}

const IMAGE = 224;
const TM_FOLDER = 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_';

/** Hosted folder of Teachable Machine's MobileNet v2 bases (its library's naming: alpha with two decimals). */
export const tmHostedUrl = (alpha: number) => `${TM_FOLDER}${alpha.toFixed(2)}_${IMAGE}_no_top/model.json`;

function v2(alpha: number, parameters: number, imagenetTop1: number): BaseSpec {
  const a = alpha.toFixed(2);
  return {
    id: `mobilenet_v2_${a}` as BaseId,
    label: `MobileNet v2 ${alpha === 1 ? '1.0' : String(alpha)}`,
    family: 'mobilenet_v2',
    alpha,
    sizeMB: Math.round((parameters * 4) / 1e5 + 1) / 10,
    imagenetTop1,
    folder: `mobilenet_v2_${alpha === 1 ? '1.0' : String(alpha)}_${IMAGE}`,
    hostedUrl: tmHostedUrl(alpha),
    cacheUrl: `indexeddb://neural-playground/mobilenet_v2_${a}_${IMAGE}`,
    preprocessing: 'x/127.5-1',
    cutLayer: 'out_relu',
    embeddingShape: [7, 7, 1280],
    blocks: 17,
    fineTunes: true,
    keras: `tf.keras.applications.MobileNetV2(input_shape=(${IMAGE}, ${IMAGE}, 3), alpha=${alpha === 1 ? '1.0' : alpha}, include_top=False, weights='imagenet')`,
  };
}

/** Every base, in the order the studio lists them. Parameter counts: the cut models' float32 weights. */
export const BASES: Record<BaseId, BaseSpec> = {
  'mobilenet_v1_0.25': {
    id: 'mobilenet_v1_0.25',
    label: 'MobileNet v1 0.25',
    family: 'mobilenet_v1',
    alpha: 0.25,
    sizeMB: 2.0,
    imagenetTop1: 49.8,
    folder: 'mobilenet_v1_0.25_224',
    hostedUrl: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json',
    cacheUrl: 'indexeddb://neural-playground/mobilenet_v1_0.25_224',
    preprocessing: 'x/127.5-1',
    cutLayer: 'conv_pw_13_relu',
    embeddingShape: [7, 7, 256],
    blocks: 13,
    fineTunes: true,
    keras: `tf.keras.applications.MobileNet(input_shape=(${IMAGE}, ${IMAGE}, 3), alpha=0.25, include_top=False, weights='imagenet')`,
  },
  'mobilenet_v2_0.35': v2(0.35, 410_208, 60.3),
  'mobilenet_v2_0.50': v2(0.5, 706_224, 65.4),
  'mobilenet_v2_0.75': v2(0.75, 1_382_064, 69.8),
  'mobilenet_v2_1.00': v2(1, 2_257_984, 71.8),
};

/** The base a project starts with when it names none (projects saved before the registry used v1 0.25). */
export const LEGACY_BASE: BaseId = 'mobilenet_v1_0.25';
/**
 * The base a new project starts with: MobileNet v2 0.35, Teachable Machine's web app's base
 * (docs/PERFORMANCE.md compares the two on both public photo sets).
 */
export const DEFAULT_BASE: BaseId = 'mobilenet_v2_0.35';

export const isBaseId = (value: unknown): value is BaseId => typeof value === 'string' && (BASE_IDS as readonly string[]).includes(value);

/** The spec of a base id (the default base for anything unknown). */
export const baseSpec = (id: unknown): BaseSpec => BASES[isBaseId(id) ? id : DEFAULT_BASE];

/** Values per image of the cut layer's output (7 × 7 × channels). */
export const embeddingLength = (spec: BaseSpec) => spec.embeddingShape.reduce((a, b) => a * b, 1);
