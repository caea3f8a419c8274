/**
 * The Keras export: a complete train.py for TensorFlow 2.x. Pure string building.
 * Built by generatePython in ./codegen (which checks the input first).
 */
import type { BaseSpec } from './bases';
import type { ResolvedInput } from './codegen';
import type { Augmentation, HeadConfig, OptimizerName, Pooling } from './meta';
import { augmentsFineTuning, IMAGE_SIZE, refits, REGION_POOL, REGION_SCALE } from './meta';
import { BASE_FOLDER, fitFunctions, loadBaseFunction, saveFunctions, strategyFunctions, tfjsWeightFunctions } from './codegenPythonBase';
import { dataFunctions } from './codegenPythonData';
import { studioArgument, studioFunctions } from './codegenPythonStudio';

/** Keras's optimizer class for each of the studio's names. */
export const KERAS_OPTIMIZERS: Record<OptimizerName, string> = { sgd: 'SGD', rmsprop: 'RMSprop', adam: 'Adam' };

const PY_ESCAPES = new Map([['\\', '\\\\'], ['"', '\\"'], ['\n', '\\n'], ['\r', '\\r'], ['\t', '\\t']]);
/** characters written as they are: letters, marks, digits, punctuation, symbols (emoji), spaces */
const PY_VERBATIM = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u;

/**
 * A Python string literal that evaluates to exactly `value`: backslash, quote and every character
 * that is not printable (controls, line/paragraph separators, format characters, lone surrogates,
 * private-use or unassigned code points) are escaped (\xNN, \uNNNN, \UNNNNNNNN); the rest
 * (Chinese, emoji, …) stays readable as UTF-8.
 */
export function pyString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (PY_ESCAPES.has(char)) out += PY_ESCAPES.get(char);
    else if (PY_VERBATIM.test(char)) out += char;
    else if (code <= 0xff) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code <= 0xffff) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out + '"';
}

function header(summary: string[], base: BaseSpec): string[] {
  return [
    '#!/usr/bin/env python3',
    `# train.py: transfer learning on ${base.label}, exported from Neural Playground.`,
    '#',
    '# Studio settings that produced this script:',
    ...summary.map((line) => `#   ${line}`),
    '#',
    '# Data: the exported image folder, one sub-folder per class (named as in CLASS_NAMES):',
    '#   dataset/<class name>/*.jpg',
    `# Base:  ${BASE_FOLDER}/model.json + weight files: the base as the browser used it (TensorFlow.js),`,
    '#        loaded into Keras by layer name, so training runs offline on the same numbers;',
    "#        --imagenet-weights downloads Keras's ImageNet weights instead.",
    '# Run:   python train.py [--data dataset] [--out classifier.keras] [--labels labels.json]',
    '#        [--epochs N] [--batch-size N] [--fine-tune-blocks K] [--base-alpha A --imagenet-weights]',
    '#        [--strategy auto|one|mirrored|multiworker] [--cpu-replicas N]   (python train.py --help)',
    '#        --strategy mirrored --cpu-replicas 2: the multi-device path on a machine without GPUs.',
    '# Needs TensorFlow 2.12 or newer (pip install tensorflow).',
    '',
    'import argparse',
    'import json',
    'import os',
    'import re',
    'import tempfile',
    'import time',
    '',
    'import tensorflow as tf',
    'from tensorflow.keras import layers',
    '',
  ];
}

function constants({ trained: head, classNames, imagesPerClass, base }: ResolvedInput): string[] {
  const names = classNames.map((name, k) => `    ${pyString(name)},${imagesPerClass ? `  # ${imagesPerClass[k]} images` : ''}`);
  return [
    "# The classes in the studio's order: label k is CLASS_NAMES[k], and each is a folder under --data.",
    'CLASS_NAMES = [',
    ...names,
    ']',
    '# Images per class in the export (None: unknown); only used to warn about missing files.',
    `EXPECTED_IMAGES = ${imagesPerClass ? `[${imagesPerClass.join(', ')}]` : 'None'}`,
    '',
    `IMAGE_SIZE = ${IMAGE_SIZE}`,
    `BASE_ALPHA = ${base.alpha === 1 ? '1.0' : base.alpha}  # the base's width multiplier`,
    `TRUNCATION_LAYER = '${base.cutLayer}'`,
    `EMBEDDING_SHAPE = (${base.embeddingShape.join(', ')})`,
    `LEARNING_RATE = ${head.learningRate}`,
    `EPOCHS = ${head.epochs}`,
    `BATCH_SIZE = ${head.batchSize}`,
    `VALIDATION_SPLIT = ${head.validationSplit}`,
    `SEED = ${head.seed}`,
    ...(refits(head) ? ['REFIT = True  # after the run with validation, the same head again on every image'] : []),
    ...(head.fineTuneBlocks > 0 ? [
      `FINE_TUNE_BLOCKS = ${head.fineTuneBlocks}  # the top blocks of MobileNet trained after the head`,
      `FINE_TUNE_EPOCHS = ${head.fineTuneEpochs}`,
      `FINE_TUNE_LEARNING_RATE = ${head.fineTuneLearningRate}`,
    ] : []),
    "IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.gif')",
    '',
    '',
  ];
}

function parseArgs(head: HeadConfig): string[] {
  const blocks = head.fineTuneBlocks > 0
    ? ["    parser.add_argument('--fine-tune-blocks', type=int, default=FINE_TUNE_BLOCKS, help='top blocks of the base to fine-tune (0: the head only)')"]
    : ["    parser.add_argument('--fine-tune-blocks', type=int, default=0, help='0: this script was exported without fine-tuning')"];
  return [
    'def parse_args():',
    "    parser = argparse.ArgumentParser(description='Train the Neural Playground image classifier.')",
    "    parser.add_argument('--data', default='dataset', help='folder with one sub-folder of images per class')",
    "    parser.add_argument('--out', default='classifier.keras', help='where to save the trained model')",
    "    parser.add_argument('--labels', default='labels.json', help='where to write the class names')",
    "    parser.add_argument('--history', default='history.json', help='where to write the loss and accuracy per epoch')",
    studioArgument(),
    `    parser.add_argument('--base', default='${BASE_FOLDER}', help="folder of the base's TensorFlow.js files (model.json + weights)")`,
    "    parser.add_argument('--imagenet-weights', action='store_true', help=\"download Keras's ImageNet weights instead of --base\")",
    "    parser.add_argument('--base-alpha', type=float, default=BASE_ALPHA, help='width multiplier of the base (another needs --imagenet-weights)')",
    "    parser.add_argument('--strategy', choices=['auto', 'one', 'mirrored', 'multiworker'], default='auto', help='tf.distribute strategy')",
    "    parser.add_argument('--cpu-replicas', type=int, default=1, metavar='N', help='split the CPU into N logical devices to try the multi-device path without GPUs (with --strategy mirrored: one replica on each when no GPU is visible)')",
    "    parser.add_argument('--epochs', type=int, default=EPOCHS, help='epochs of the head')",
    "    parser.add_argument('--batch-size', type=int, default=BATCH_SIZE, help='images per step on each replica')",
    ...blocks,
    '    args = parser.parse_args()',
    '    if args.cpu_replicas < 1:',
    "        parser.error('--cpu-replicas must be 1 or more')",
    "    if args.cpu_replicas > 1 and args.strategy != 'mirrored':",
    "        parser.error('--cpu-replicas N splits the CPU for --strategy mirrored: add --strategy mirrored')",
    ...(head.fineTuneBlocks > 0 ? [] : [
      '    if args.fine_tune_blocks != 0:',
      "        parser.error('this train.py was exported without fine-tuning: set it in the studio and export again')",
    ]),
    '    return args',
    '',
    '',
  ];
}

/** The head's first layers, without weights: the embedding [batch, 7, 7, channels] to [batch, values]. */
function poolingLayers(pooling: Pooling, [grid, , channels]: BaseSpec['embeddingShape']): string[] {
  const side = Math.floor(grid / REGION_POOL); // 'valid' pooling: whole regions only
  const values = side * side * channels;
  switch (pooling) {
    case 'regions': return [
      `    # The mean of each ${REGION_POOL} x ${REGION_POOL} region, stride ${REGION_POOL} ('valid'): the ${side} x ${side} regions of the top-left ${side * REGION_POOL} x ${side * REGION_POOL} cells.`,
      `    x = layers.AveragePooling2D(pool_size=${REGION_POOL}, strides=${REGION_POOL})(x)  # [batch, ${side}, ${side}, ${channels}]`,
      `    x = layers.Flatten()(x)  # [batch, ${side} * ${side} * ${channels} = ${values}]`,
      "    # Adam moves a hidden unit's input by about learning_rate * sum|x| per step: unscaled, the",
      `    # ${values} region means would step ${side * side} times as far as ${channels} global means (overshooting).`,
      `    x = layers.Rescaling(${REGION_SCALE})(x)  # [batch, ${values}], x ${REGION_SCALE}`,
    ];
    case 'average': return [`    x = layers.GlobalAveragePooling2D()(x)  # [batch, ${channels}]: the mean of each feature over the ${grid} x ${grid} grid`];
    case 'flatten': return [`    x = layers.Flatten()(x)  # [batch, ${grid} * ${grid} * ${channels} = ${grid * grid * channels}]`];
  }
}

function headLayers(head: HeadConfig, base: BaseSpec): string[] {
  const lines = poolingLayers(head.pooling, base.embeddingShape);
  if (head.units > 0) lines.push(`    x = layers.Dense(${head.units}, activation='relu')(x)`);
  if (head.dropout > 0) lines.push(`    x = layers.Dropout(${head.dropout}, seed=SEED)(x)`);
  lines.push("    outputs = layers.Dense(num_classes, activation='softmax')(x)");
  return lines;
}

function modelFunctions(head: HeadConfig, base: BaseSpec): string[] {
  return [
    ...tfjsWeightFunctions(),
    ...loadBaseFunction(base),
    'def build_model(base, num_classes):',
    '    """Images 0-255 -> x / 127.5 - 1 -> frozen MobileNet -> the studio\'s head."""',
    '    inputs = tf.keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3))',
    '    x = layers.Rescaling(1.0 / 127.5, offset=-1.0)(inputs)  # x / 127.5 - 1: pixels into [-1, 1]',
    '    x = base(x, training=False)  # BatchNormalization stays in inference mode, also when fine-tuning',
    ...headLayers(head, base),
    '    return tf.keras.Model(inputs, outputs)',
    '',
    '',
    'def compile_model(model, learning_rate):',
    '    model.compile(',
    `        optimizer=tf.keras.optimizers.${KERAS_OPTIMIZERS[head.optimizer]}(learning_rate=learning_rate),`,
    "        loss='categorical_crossentropy',",
    "        metrics=['accuracy'])",
    '',
    '',
  ];
}

/** A number for a comment, without floating-point noise (1 - 0.7 = 0.3). */
const tidy = (value: number) => Number(value.toFixed(6));

/** The studio's augmentation as Keras layers, only those whose setting changes something. */
function augmentationLayers(a: Augmentation): string[] {
  const lines: string[] = [];
  if (a.flip) lines.push("        layers.RandomFlip('horizontal', seed=SEED),  # mirrored with probability 1/2");
  if (a.rotation > 0) lines.push(`        layers.RandomRotation(${a.rotation} / 360, fill_mode='reflect', interpolation='bilinear', seed=SEED + 1),  # up to +-${a.rotation} degrees`);
  if (a.zoom > 0) lines.push(`        layers.RandomZoom(height_factor=(-${a.zoom}, 0.0), fill_mode='reflect', interpolation='bilinear', seed=SEED + 2),  # zoom in: ${tidy(1 - a.zoom)}-1 of each side shown`);
  if (a.brightness > 0) lines.push(`        layers.RandomBrightness(${a.brightness}, seed=SEED + 3),  # adds +-${a.brightness} * 255, clipped to 0-255`);
  if (a.contrast > 0) lines.push(`        layers.RandomContrast(${a.contrast}, seed=SEED + 4),  # (x - mean) * [${tidy(1 - a.contrast)}, ${tidy(1 + a.contrast)}] + mean per channel, clipped`);
  return lines;
}

function augmentationFunction(a: Augmentation): string[] {
  return [
    'def augmentation():',
    '    """The studio\'s data augmentation, on the raw images (values 0-255), in its order.',
    '',
    '    The studio changes images scaled to [-1, 1]: the same changes, as 0-255 is that range',
    '    times 127.5 (brightness: +-factor * the range width, then clipped to the range). It draws',
    '    its own random numbers (same distributions, other values), and does flip, rotation and zoom',
    '    as one transform per image (bilinear, reflect fill): one resampling where Keras does one',
    '    per layer (the same geometry, a little less blur). Keras 2.10+ clips RandomContrast\'s',
    '    output to 0-255 as the studio clips to [-1, 1]; a Keras without that clipping differs',
    '    only where a value leaves the range. Each layer has its own seed: with one seed, every',
    '    layer would draw the same random numbers (a flip would always come with the same zoom).',
    '    """',
    '    return tf.keras.Sequential([',
    ...augmentationLayers(a),
    '    ])',
    '',
    '',
  ];
}

/** unfreeze_top_blocks() for the base's family: the convolutions the studio trains (worker/finetune.ts, cutLayerFor). */
function unfreezeFunction(base: BaseSpec): string[] {
  if (base.family === 'mobilenet_v1') return [
    'def unfreeze_top_blocks(base, blocks):',
    '    """Makes the convolutions of the top `blocks` depthwise-separable blocks trainable:',
    '    conv_dw_N and conv_pw_N with N > 13 - blocks. BatchNormalization layers stay frozen."""',
    '    base.trainable = True',
    '    for layer in base.layers:',
    "        match = re.fullmatch(r'conv_(?:dw|pw)_(\\d+)', layer.name)",
    '        layer.trainable = match is not None and int(match.group(1)) > 13 - blocks',
    '',
    '',
  ];
  const last = base.blocks - 1;
  return [
    'def unfreeze_top_blocks(base, blocks):',
    `    """Makes the convolutions of the top \`blocks\` of the ${base.blocks} inverted-residual blocks trainable,`,
    '    with Conv_1 (the 1 x 1 convolution above them): block_N_expand, block_N_depthwise and',
    `    block_N_project with N > ${last} - blocks (block 0: expanded_conv_depthwise and expanded_conv_project).`,
    '    BatchNormalization layers stay frozen. The residual additions (block_N_add) have no weights."""',
    '    base.trainable = True',
    '    for layer in base.layers:',
    "        match = re.fullmatch(r'(?:block_(\\d+)|expanded_conv)_(?:expand|depthwise|project)', layer.name)",
    `        in_top_blocks = match is not None and int(match.group(1) or 0) > ${last} - blocks`,
    "        layer.trainable = in_top_blocks or layer.name == 'Conv_1'",
    '',
    '',
  ];
}

function fineTuneFunctions(head: HeadConfig, base: BaseSpec): string[] {
  if (head.fineTuneBlocks === 0) return [];
  const augments = augmentsFineTuning(head);
  const augment = augments ? augmentationFunction(head.augmentation) : [];
  const mapAugment = [
    '    augment = augmentation()',
    '    train_ds = train_ds.map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)',
  ];
  return [
    ...unfreezeFunction(base),
    ...augment,
    'def fine_tune(model, base, train_ds, val_ds, args, strategy):',
    '    """Trains the top blocks of the base together with the head, at a low learning rate."""',
    '    unfreeze_top_blocks(base, args.fine_tune_blocks)',
    '    compile_model(model, FINE_TUNE_LEARNING_RATE)  # recompile: the trainable weights changed',
    ...(augments ? mapAugment : []),
    '    return fit(model, args, strategy, train_ds, validation_data=val_ds, initial_epoch=args.epochs, epochs=args.epochs + FINE_TUNE_EPOCHS)',
    '',
    '',
  ];
}

function mainFunction(head: HeadConfig): string[] {
  return [
    ...saveFunctions(),
    'def main():',
    '    args = parse_args()',
    '    split_cpu(args.cpu_replicas)  # before anything else touches TensorFlow\'s devices',
    '    strategy = make_strategy(args.strategy)  # first: a multiworker strategy must exist before any other TensorFlow op',
    '    replicas = strategy.num_replicas_in_sync',
    '    global_batch = args.batch_size * replicas  # --batch-size images on each replica per step',
    "    print(f'strategy: {type(strategy).__name__}, {replicas} replica(s) in sync, global batch {global_batch} '",
    "          f'= {args.batch_size} per replica x {replicas}')",
    '    tf.keras.utils.set_random_seed(SEED)',
    '    check_folders(args.data)',
    '    train_ds, val_ds = load_datasets(args.data, global_batch)',
    '    history = {}',
    "    with strategy.scope():  # the model's variables and the optimizer's live on every replica",
    '        base = load_base(args)',
    '        model = build_model(base, len(CLASS_NAMES))',
    '        compile_model(model, LEARNING_RATE)',
    '        model.summary()',
    "        history['head'] = fit(model, args, strategy, train_ds, validation_data=val_ds, epochs=args.epochs)",
    ...(head.fineTuneBlocks > 0 ? [
      '        if args.fine_tune_blocks > 0:',
      "            history['fine_tune'] = fine_tune(model, base, train_ds, val_ds, args, strategy)",
    ] : []),
    ...(refits(head) ? [
      '        if REFIT:',
      '            # The curves above were measured on the validation images; the model kept learns from',
      '            # every image: the same head again, from the same first weights (the same seed).',
      '            tf.keras.utils.set_random_seed(SEED)',
      '            model = build_model(base, len(CLASS_NAMES))',
      '            compile_model(model, LEARNING_RATE)',
      "            history['refit'] = fit(model, args, strategy, train_ds.concatenate(val_ds), epochs=args.epochs)",
    ] : []),
    "    epochs = sum(len(phase.get('loss', [])) for phase in history.values())",
    "    print(f'finished: {epochs} epochs')",
    '    save(model, args, history, is_chief(strategy))',
    '    if is_chief(strategy):',
    "        write_studio(model, base, args.studio, args.fine_tune_blocks if 'fine_tune' in history else 0)",
    '',
    '',
    "if __name__ == '__main__':",
    '    main()',
    '',
  ];
}

/** The whole script; `summary` is the settings' description for the header comment. */
export function pythonScript(input: ResolvedInput, summary: string[]): string {
  const { trained: head, base } = input;
  return [
    ...header(summary, base),
    ...constants(input),
    ...parseArgs(head),
    ...dataFunctions(head),
    ...modelFunctions(head, base),
    ...fineTuneFunctions(head, base),
    ...studioFunctions(head, base),
    ...strategyFunctions(),
    ...fitFunctions(),
    ...mainFunction(head),
  ].join('\n');
}
