/**
 * Code export: the transfer-learning studio's settings as code a learner can run outside the
 * browser — a Keras training script (train.py) or a TensorFlow.js ES module. Both rebuild the same
 * model: the chosen base (./bases, MobileNet v1 0.25 by default) cut at its cut layer
 * ([batch, 7, 7, channels]) and frozen, then the head's pooling (meta's POOLINGS: `regions` =
 * AveragePooling2D(REGION_POOL, strides REGION_POOL) → Flatten → Rescaling(REGION_SCALE),
 * `average` = GlobalAveragePooling2D, `flatten` = Flatten) →
 * (Dense(units, ReLU)) → (Dropout) → Dense(classes, softmax), optionally fine-tuning the top blocks
 * afterwards as the studio does (worker/finetune.ts: MobileNet v1's depthwise-separable blocks, or
 * MobileNet v2's inverted-residual blocks and its last 1 × 1 convolution). Pure string building: no
 * DOM, no tfjs.
 */
import { BASES, isBaseId, type BaseSpec } from './bases';
import { AUGMENTATION_LIMITS, augmentsFineTuning, IMAGE_SIZE, MOBILENET_BLOCKS, OPTIMIZERS, POOLINGS, type Augmentation, type HeadConfig } from './meta';
import { pythonScript } from './codegenPython';
import { headSummary, tfjsModule } from './codegenJs';

export { headSummary };

export interface CodegenInput {
  head: HeadConfig;
  /** the classes in the studio's order (label k = classNames[k]); also the export's folder names */
  classNames: string[];
  /** images per class in the export */
  imagesPerClass?: number[];
  /** the pretrained base the head sits on (default MobileNet v1 0.25) */
  base?: BaseSpec;
}

/** The input as the code is written from it: the base filled in, and the head as the studio trains it. */
export interface ResolvedInput extends CodegenInput {
  base: BaseSpec;
  /** the settings as the studio trains them: fineTuneBlocks 0 on a base the studio does not fine-tune (BaseSpec.fineTunes) */
  trained: HeadConfig;
}

export const DEFAULT_CODEGEN_BASE = BASES['mobilenet_v1_0.25'];

/** Whether the studio fine-tunes with these settings (blocks set, on a base it fine-tunes). */
export const fineTunes = (head: HeadConfig, base: BaseSpec = DEFAULT_CODEGEN_BASE) => head.fineTuneBlocks > 0 && base.fineTunes;

function resolve(input: CodegenInput): ResolvedInput {
  const base = input.base ?? DEFAULT_CODEGEN_BASE;
  return { ...input, base, trained: fineTunes(input.head, base) ? input.head : { ...input.head, fineTuneBlocks: 0 } };
}

export { MOBILENET_BLOCKS };

/**
 * A complete train.py (TensorFlow 2.x / Keras) for the exported image folder `dataset/<class>/*.jpg`.
 * @throws RangeError when the settings or class names cannot make a valid script
 */
export function generatePython(input: CodegenInput): string {
  checkInput(input);
  return pythonScript(resolve(input), settingsSummary(input));
}

/**
 * A complete ES module using `@tensorflow/tfjs` (browser or Node) that trains the same classifier.
 * @throws RangeError when the settings or class names cannot make a valid module
 */
export function generateTfjs(input: CodegenInput): string {
  checkInput(input);
  return tfjsModule(resolve(input), settingsSummary(input));
}

function checkNumber(name: string, value: number, min: number, max: number, integer: boolean): void {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`codegen: ${name} = ${value} is not ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
}

/** Rejects what would give broken code: non-finite or out-of-range numbers, empty or duplicate class names. */
export function checkInput({ head, classNames, imagesPerClass, base }: CodegenInput): void {
  if (base !== undefined && !isBaseId(base.id)) throw new RangeError(`codegen: unknown base ${String(base.id)}`);
  checkNumber('units', head.units, 0, 1e6, true);
  checkNumber('dropout', head.dropout, 0, 0.99, false);
  checkNumber('learningRate', head.learningRate, Number.MIN_VALUE, 1e3, false);
  checkNumber('epochs', head.epochs, 0, 1e6, true);
  checkNumber('batchSize', head.batchSize, 1, 1e6, true);
  checkNumber('validationSplit', head.validationSplit, 0, 0.9, false);
  checkNumber('fineTuneBlocks', head.fineTuneBlocks, 0, (base ?? DEFAULT_CODEGEN_BASE).blocks, true);
  checkNumber('fineTuneEpochs', head.fineTuneEpochs, 0, 1e6, true);
  checkNumber('fineTuneLearningRate', head.fineTuneLearningRate, Number.MIN_VALUE, 1e3, false);
  checkNumber('seed', head.seed, -(2 ** 31), 2 ** 31 - 1, true);
  for (const key of ['rotation', 'zoom', 'brightness', 'contrast'] as const) {
    checkNumber(`augmentation.${key}`, head.augmentation[key], AUGMENTATION_LIMITS[key][0], AUGMENTATION_LIMITS[key][1], false);
  }
  if (typeof head.augmentation.flip !== 'boolean') throw new RangeError('codegen: augmentation.flip is not a boolean');
  if (!(OPTIMIZERS as readonly string[]).includes(head.optimizer)) throw new RangeError(`codegen: unknown optimizer ${head.optimizer}`);
  if (!(POOLINGS as readonly string[]).includes(head.pooling)) throw new RangeError(`codegen: unknown pooling ${head.pooling}`);
  if (classNames.length === 0) throw new RangeError('codegen: no classes');
  if (classNames.some((name) => name.length === 0)) throw new RangeError('codegen: empty class name');
  // a lone UTF-16 surrogate can be neither a folder name nor UTF-8 text
  if (classNames.some((name) => /\p{Cs}/u.test(name))) throw new RangeError('codegen: class name with a lone surrogate');
  if (new Set(classNames).size !== classNames.length) throw new RangeError('codegen: duplicate class names');
  if (imagesPerClass && (imagesPerClass.length !== classNames.length || !imagesPerClass.every((n) => Number.isInteger(n) && n >= 0))) {
    throw new RangeError('codegen: imagesPerClass must hold one count per class');
  }
}

/** The augmentation in words (ASCII), e.g. "flip, rotation +-15 deg, zoom-in up to 20 %". */
export function describeAugmentation(a: Augmentation): string {
  const percent = (share: number) => Number((share * 100).toFixed(4));
  const parts: string[] = [];
  if (a.flip) parts.push('flip');
  if (a.rotation > 0) parts.push(`rotation +-${a.rotation} deg`);
  if (a.zoom > 0) parts.push(`zoom-in up to ${percent(a.zoom)} %`);
  if (a.brightness > 0) parts.push(`brightness +-${percent(a.brightness)} %`);
  if (a.contrast > 0) parts.push(`contrast +-${percent(a.contrast)} %`);
  return parts.join(', ');
}

/**
 * Which blocks fine-tuning trains, in words: MobileNet v1's blocks are numbered 1-13; MobileNet
 * v2's 0-16 (block 0: expanded_conv), and its last 1 x 1 convolution Conv_1 trains with them.
 */
export function topBlocks(blocks: number, base: BaseSpec): string {
  const first = base.blocks - blocks + (base.family === 'mobilenet_v1' ? 1 : 0);
  const last = base.family === 'mobilenet_v1' ? base.blocks : base.blocks - 1;
  const range = first === last ? `block ${first}` : `blocks ${first}-${last}`;
  return base.family === 'mobilenet_v1' ? range : `${range}${first === 0 ? ' (0: expanded_conv)' : ''}, then Conv_1`;
}

/**
 * The settings that produced the code, one line each, for its header comment. ASCII only, and no
 * class names (those could hold line breaks): they appear only as escaped string literals.
 */
export function settingsSummary({ head, classNames, imagesPerClass, base = DEFAULT_CODEGEN_BASE }: CodegenInput): string[] {
  const fineTune = fineTunes(head, base)
    ? `top ${head.fineTuneBlocks} block(s) (${topBlocks(head.fineTuneBlocks, base)}), ${head.fineTuneEpochs} epochs, learning rate ${head.fineTuneLearningRate}, augmentation ${augmentsFineTuning(head) ? `on (${describeAugmentation(head.augmentation)})` : 'off'}`
    : head.fineTuneBlocks > 0
      ? `off (head only): ${head.fineTuneBlocks} block(s) set, but ${base.label} is not fine-tuned here`
      : 'off (head only)';
  const lines = [
    `base: ${base.label} @ ${IMAGE_SIZE} (ImageNet), cut at ${base.cutLayer} -> [${base.embeddingShape.join(', ')}], frozen`,
    `head: ${headSummary(head, classNames.length)}`,
    `optimizer: ${head.optimizer}, learning rate ${head.learningRate}, loss categorical cross-entropy`,
    `training: ${head.epochs} epochs, batch size ${head.batchSize}, validation split ${head.validationSplit}, seed ${head.seed}`,
    `fine-tuning: ${fineTune}`,
    `classes: ${classNames.length}`,
  ];
  if (imagesPerClass) lines.push(`images per class: ${imagesPerClass.join(', ')}`);
  return lines;
}
