/**
 * Benchmark probes: images/s of plain predict on the truncated base (batch 16, inputs already
 * tensors), and of the studio's own embedding path (embedImages: scaling, predict, copying out) on
 * the images loaded in the studio.
 */
import * as tf from '@tensorflow/tfjs';
import { embedImages } from './embed';

export async function measureRawPredict(truncated: tf.LayersModel, batches: number): Promise<{ imagesPerSec: number; backend: string }> {
  const input = tf.randomUniform([16, 224, 224, 3], -1, 1);
  const once = async () => {
    const output = truncated.predict(input) as tf.Tensor;
    await output.data();
    output.dispose();
  };
  try {
    await once(); // warm-up: shader compilation, wasm set-up
    const start = performance.now();
    for (let n = 0; n < batches; n++) await once();
    const seconds = (performance.now() - start) / 1000;
    return { imagesPerSec: (batches * 16) / seconds, backend: tf.getBackend() };
  } finally {
    input.dispose();
  }
}

/** images/s of embedImages on these images (after a one-batch warm-up); NaN without images. */
export async function measureEmbed(truncated: tf.LayersModel, images: Uint8Array[]): Promise<number> {
  if (images.length === 0) return NaN;
  await embedImages(truncated, images.slice(0, 16));
  const start = performance.now();
  await embedImages(truncated, images);
  return images.length / ((performance.now() - start) / 1000);
}
