/** Benchmark probe: images/s of plain predict on the truncated base (batch 16, inputs already tensors). */
import * as tf from '@tensorflow/tfjs';

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
