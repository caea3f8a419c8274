/**
 * The from-scratch contrast: a Tiny VGG (as in CNN Explainer) with random initial weights, trained
 * on the same images, split and settings as the transfer run. Images are scaled to 64 × 64:
 * conv 3×3 (10, ReLU) ×2 → max-pool 2 → conv 3×3 (10, ReLU) ×2 → max-pool 2 → flatten → softmax.
 * `inputSize` (optional, default 64; at least 16) gives the same network on smaller inputs: tests train it on 24² in seconds.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../../engine/random';
import type { HeadConfig } from '../meta';
import { augmentationOf, augmentTensor } from './augment';
import { preprocess } from './embed';
import { disposeModel, fitModel, rows, type BatchTransform, type FitCallbacks } from './head';

export const VGG_INPUT_SIZE = 64;
export const VGG_FILTERS = 10;

export function buildTinyVgg(numClasses: number, seed: number, inputSize = VGG_INPUT_SIZE): tf.Sequential {
  const model = tf.sequential({ name: 'tiny_vgg' });
  const conv = (n: number, first = false) =>
    tf.layers.conv2d({
      ...(first ? { inputShape: [inputSize, inputSize, 3] } : {}),
      filters: VGG_FILTERS,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: seed + n }),
      name: `conv_${n}`,
    });
  model.add(conv(1, true));
  model.add(conv(2));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pool_1' }));
  model.add(conv(3));
  model.add(conv(4));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pool_2' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 5 }), name: 'output' }));
  return model;
}

/** RGB 224² images → the Tiny VGG's inputs [n, 64, 64, 3] (or [n, inputSize, inputSize, 3]) in [−1, 1] (the caller disposes). */
export function vggInputs(images: Uint8Array[], inputSize = VGG_INPUT_SIZE): tf.Tensor4D {
  if (images.length === 0) return tf.zeros([0, inputSize, inputSize, 3]);
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    for (let start = 0; start < images.length; start += 32) {
      parts.push(tf.image.resizeBilinear(preprocess(images.slice(start, start + 32)), [inputSize, inputSize], true));
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts);
  });
}

export interface ScratchData {
  images: Uint8Array[];
  labels: number[];
}

/**
 * With `head.augmentScratch`, each training batch of 64² inputs gets new random changes (augment.ts),
 * from their own seeded generator: the batches come in the same order as without augmentation.
 */
function scratchAugmentation(head: HeadConfig): BatchTransform | undefined {
  if (!head.augmentScratch) return undefined;
  const rng = mulberry32(head.seed + 3);
  const augmentation = augmentationOf(head);
  return (batch) => augmentTensor(batch as tf.Tensor4D, augmentation, rng);
}

/**
 * Trains a new Tiny VGG with the head's optimizer, learning rate, epochs and batch size (and
 * augmentation if asked for) on inputs of `inputSize`² (default 64²); returns it and whether it was stopped.
 */
export async function trainTinyVgg(head: HeadConfig, train: ScratchData, validation: ScratchData, numClasses: number, callbacks: FitCallbacks, inputSize = VGG_INPUT_SIZE): Promise<{ model: tf.Sequential; stopped: boolean }> {
  const model = buildTinyVgg(numClasses, head.seed, inputSize);
  const xs = vggInputs(train.images, inputSize);
  const valXs = validation.images.length > 0 ? vggInputs(validation.images, inputSize) : undefined;
  try {
    const stopped = await fitModel(model, head, xs, train.labels, valXs, validation.labels, numClasses, callbacks, scratchAugmentation(head));
    return { model, stopped };
  } catch (error) {
    disposeModel(model);
    throw error;
  } finally {
    tf.dispose([xs, ...(valXs ? [valXs] : [])]);
  }
}

/** Class probabilities for 224² RGB images (scaled to the model's input size). */
export function predictTinyVgg(model: tf.LayersModel, images: Uint8Array[]): Float32Array[] {
  if (images.length === 0) return [];
  const inputSize = model.inputs[0].shape[1] ?? VGG_INPUT_SIZE;
  return rows(tf.tidy(() => (model.predict(vggInputs(images, inputSize)) as tf.Tensor).dataSync() as Float32Array), images.length);
}
