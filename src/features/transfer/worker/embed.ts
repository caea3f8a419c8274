/**
 * Embeddings: images through the frozen base, once per image. Every tensor is made in tf.tidy or
 * disposed; what leaves is plain Float32Arrays.
 */
import * as tf from '@tensorflow/tfjs';
import { EMBEDDING_SHAPE, IMAGE_SIZE } from '../meta';

/** Values per embedding of MobileNet v1 0.25 (7 × 7 × 256); other bases' are 7 × 7 × their channels. */
export const EMBEDDING_LENGTH = EMBEDDING_SHAPE.reduce((a, b) => a * b, 1);
/** The embeddings' grid: 7 × 7 cells for every base in the registry. */
const GRID = EMBEDDING_SHAPE[0];
const PIXELS = IMAGE_SIZE * IMAGE_SIZE * 3;

/** RGB bytes [n, 224, 224, 3] → the network's input, scaled to [−1, 1] (x / 127.5 − 1). Call inside tf.tidy. */
export function preprocess(images: Uint8Array[]): tf.Tensor4D {
  // Scaled here in one pass rather than by three tensor ops: the embedding path stays as fast as a plain predict.
  const flat = new Float32Array(images.length * PIXELS);
  images.forEach((image, n) => {
    const offset = n * PIXELS;
    for (let k = 0; k < PIXELS; k++) flat[offset + k] = image[k] / 127.5 - 1;
  });
  return tf.tensor4d(flat, [images.length, IMAGE_SIZE, IMAGE_SIZE, 3]);
}

/** Embeds images in batches; onBatch reports how many are done. */
export async function embedImages(base: tf.LayersModel, images: Uint8Array[], onBatch?: (done: number) => void, batchSize = 16): Promise<Float32Array[]> {
  const embeddings: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const output = tf.tidy(() => base.predict(preprocess(batch)) as tf.Tensor);
    const data = (await output.data()) as Float32Array;
    output.dispose();
    const length = data.length / batch.length;
    for (let n = 0; n < batch.length; n++) embeddings.push(data.slice(n * length, (n + 1) * length));
    onBatch?.(embeddings.length);
  }
  return embeddings;
}

/** Stacks embeddings into one tensor [n, 7, 7, channels] (the caller disposes it); channels = length / 49 (256 without any). */
export function stackEmbeddings(embeddings: Float32Array[]): tf.Tensor4D {
  const length = embeddings[0]?.length ?? EMBEDDING_LENGTH;
  const flat = new Float32Array(embeddings.length * length);
  embeddings.forEach((embedding, n) => flat.set(embedding, n * length));
  return tf.tensor4d(flat, [embeddings.length, GRID, GRID, length / (GRID * GRID)]);
}
