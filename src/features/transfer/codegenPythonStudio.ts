/**
 * train.py's way back to the studio (issue 12, "Back to the studio"): write_studio() writes the
 * trained classifier as trainedFormat.ts describes (metadata.json, weights.json, weights.bin), with
 * numpy and json only: the head's Dense layers in order, and with fine-tuning the base's trained
 * convolutions by layer name (the TensorFlow.js base's names: it was converted from Keras). The
 * studio rebuilds the model from them (worker/trainedFiles.ts). Pure string building.
 */
import type { BaseSpec } from './bases';
import type { HeadConfig } from './meta';
import { IMAGE_SIZE } from './meta';
import { PREPROCESSING, STUDIO_FOLDER, TRAINED_MANIFEST, TRAINED_WEIGHTS, WEIGHTS_BY_LAYER } from './trainedFormat';

/** The `--studio` option for parse_args(). */
export function studioArgument(): string {
  return `    parser.add_argument('--studio', default='${STUDIO_FOLDER}', help="folder for the studio's Import a model (metadata.json, ${TRAINED_MANIFEST}, ${TRAINED_WEIGHTS})")`;
}

/** Python: write_studio(model, base, folder, fine_tuned_blocks) for this base and head. */
export function studioFunctions(head: HeadConfig, base: BaseSpec): string[] {
  const metadata = {
    format: 'neural-playground-classifier',
    version: 1,
    imageSize: IMAGE_SIZE,
    preprocessing: PREPROCESSING,
    base: `${base.label} @ 224 (ImageNet), cut at ${base.cutLayer}, trained by train.py`,
    baseId: base.id,
    head,
    weightsByLayer: WEIGHTS_BY_LAYER,
  };
  return [
    '# What the studio\'s "Import a model" reads back (its metadata; labels and blocks are added when written).',
    `STUDIO_METADATA = json.loads(${JSON.stringify(JSON.stringify(metadata))})`,
    '',
    '',
    'def write_studio(model, base, folder, fine_tuned_blocks):',
    '    """The trained classifier for the studio\'s "Import a model": metadata.json, weights.json (each',
    '    weight\'s name and shape) and weights.bin (float32, little-endian). The head\'s Dense layers are',
    "    head/dense_K/kernel|bias in order; with fine-tuning, the base's trained convolutions keep their",
    '    layer names. The studio rebuilds the model on its base and checks every shape."""',
    '    import numpy as np  # installed with TensorFlow',
    '    tensors = []',
    '    dense = [layer for layer in model.layers[model.layers.index(base) + 1:] if layer.weights]',
    '    for index, layer in enumerate(dense):',
    '        for variable in layer.weights:',
    "            tensors.append((f'head/dense_{index}/{short_name(variable)}', variable))",
    '    if fine_tuned_blocks > 0:',
    '        for layer in base.layers:',
    '            if not layer.trainable or not layer.weights or isinstance(layer, layers.BatchNormalization):',
    '                continue',
    '            for variable in layer.weights:',
    '                short = short_name(variable)',
    "                if short == 'kernel' and isinstance(layer, layers.DepthwiseConv2D):",
    "                    short = 'depthwise_kernel'  # TensorFlow.js's name (Keras 3 says kernel)",
    "                tensors.append((f'{layer.name}/{short}', variable))",
    '    os.makedirs(folder, exist_ok=True)',
    '    specs = []',
    `    with open(os.path.join(folder, '${TRAINED_WEIGHTS}'), 'wb') as file:`,
    '        for name, variable in tensors:',
    "            values = np.ascontiguousarray(np.asarray(variable.numpy(), dtype='<f4'))",
    "            specs.append({'name': name, 'shape': list(values.shape), 'dtype': 'float32'})",
    '            file.write(values.tobytes())',
    `    with open(os.path.join(folder, '${TRAINED_MANIFEST}'), 'w', encoding='utf-8') as file:`,
    `        json.dump({'paths': ['${TRAINED_WEIGHTS}'], 'weights': specs}, file, indent=1)`,
    "    head = dict(STUDIO_METADATA['head'], fineTuneBlocks=fine_tuned_blocks)",
    "    metadata = dict(STUDIO_METADATA, labels=CLASS_NAMES, head=head, fineTunedBlocks=fine_tuned_blocks,",
    "                    createdAt=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))",
    "    with open(os.path.join(folder, 'metadata.json'), 'w', encoding='utf-8') as file:",
    '        json.dump(metadata, file, ensure_ascii=False, indent=2)',
    `    print(f'studio: {folder} (metadata.json, ${TRAINED_MANIFEST}, ${TRAINED_WEIGHTS}): import these three in the studio')`,
    '',
    '',
  ];
}
