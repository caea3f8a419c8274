/**
 * A backend's numerics, checked before it trains. Two things must hold:
 * - 32-bit floats, so that the loss clips probabilities at ε = 1e-7. (Teachable Machine's tfjs
 *   1.3.1 ran WebGL at 16-bit precision, clipped at 1e-4, and whole classes stopped getting
 *   gradient: its WebGL runs scored lower than its cpu runs on the same images.)
 * - the base model gives the cpu backend's numbers on a fixed input, within TOLERANCE of the
 *   output's largest magnitude.
 * On a failure the worker moves on to the next backend and tells the user why.
 */
import * as tf from '@tensorflow/tfjs';

/** Largest |active − cpu| allowed, as a share of the cpu output's largest |value| (1 %). */
export const TOLERANCE = 0.01;
/** Largest loss epsilon that still trains every class (tfjs uses 1e-7 at 32 bits, 1e-4 at 16). */
export const MAX_EPSILON = 1e-6;

export interface PrecisionReport {
  floatPrecision: number;
  epsilon: number;
  ok: boolean;
  /** the backend said 16 bits but computes in 32: its precision (and so its ε) was corrected */
  corrected: boolean;
}

/**
 * The precision a kernel actually keeps: 1 + 2⁻²⁰ survives a multiplication by 1 only with a
 * 23-bit mantissa (float16 has 10). 32 × 32 values, so webgl runs it on the GPU, not on the cpu.
 */
export function measuredFloatBits(): 16 | 32 {
  const value = 1 + 2 ** -20;
  const kept = tf.tidy(() => tf.mul(tf.fill([32, 32], value), tf.onesLike(tf.fill([32, 32], 1))).dataSync());
  return kept.every((v) => v === Math.fround(value)) ? 32 : 16;
}

/**
 * The active backend's float precision and loss epsilon. tfjs-backend-webgl 4.22 reports 16 bits
 * whenever float32 rendering is enabled (its floatPrecision() only measures when it is not), and
 * so clips losses at ε = 1e-4: where the measurement shows 32 bits, that value is corrected.
 */
export function checkPrecision(): PrecisionReport {
  const backend = tf.backend() as tf.KernelBackend & { floatPrecisionValue?: number };
  let corrected = false;
  if (backend.floatPrecision() < 32 && 'floatPrecisionValue' in backend && measuredFloatBits() === 32) {
    backend.floatPrecisionValue = 32;
    corrected = true;
  }
  const floatPrecision = backend.floatPrecision();
  const epsilon = backend.epsilon();
  return { floatPrecision, epsilon, ok: floatPrecision >= 32 && epsilon <= MAX_EPSILON, corrected };
}

/** A fixed input for a model taking [1, h, w, c] in [−1, 1]: smooth waves, the same everywhere. */
export function probeInput(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let k = 0; k < size; k++) values[k] = Math.sin(k * 0.0137) * Math.cos(k * 0.00071);
  return tf.tensor(values, shape);
}

export interface AgreementReport {
  backend: string;
  /** max |active − cpu| / max |cpu| */
  relativeError: number;
  ok: boolean;
}

function run(model: tf.LayersModel): Float32Array {
  const shape = [1, ...(model.inputs[0].shape.slice(1) as number[])];
  return tf.tidy(() => (model.predict(probeInput(shape)) as tf.Tensor).dataSync() as Float32Array).slice();
}

export function relativeError(values: ArrayLike<number>, reference: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let k = 0; k < reference.length; k++) {
    scale = Math.max(scale, Math.abs(reference[k]));
    worst = Math.max(worst, Math.abs(values[k] - reference[k]));
  }
  if (values.length !== reference.length || !Number.isFinite(worst)) return Infinity;
  return scale > 0 ? worst / scale : worst;
}

/**
 * Runs the model on the fixed input on the active backend and on cpu (switching there and back:
 * tfjs moves the weights as needed), and compares.
 */
export async function checkAgainstCpu(model: tf.LayersModel): Promise<AgreementReport> {
  const backend = tf.getBackend();
  const here = run(model);
  if (backend === 'cpu') return { backend, relativeError: 0, ok: true };
  let reference: Float32Array;
  await tf.setBackend('cpu');
  try {
    reference = run(model);
  } finally {
    await tf.setBackend(backend);
  }
  const error = relativeError(here, reference);
  return { backend, relativeError: error, ok: error <= TOLERANCE };
}
