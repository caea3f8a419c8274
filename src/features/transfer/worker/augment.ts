/**
 * Data augmentation: seeded random changes to each image of a training batch, in the order of the
 * generated train.py's Keras layers: flip → rotation → zoom → brightness → contrast.
 *
 * Flip, rotation and zoom are one projective transform per image (tf.image.transform: bilinear,
 * `reflect` fill, as Keras's RandomRotation / RandomZoom), so each image is resampled once (Keras
 * resamples after rotation and again after zoom: the same geometry, a little more blur).
 * Brightness and contrast act on the values, which stay in [−1, 1] (clipped, as Keras clips to
 * 0–255). Every random number comes from the caller's seeded generator, drawn per image in the
 * order flip, angle, zoom, brightness, contrast (only for the settings that are on), so a seed
 * gives the same images on every backend. Kernels used (Transform, Mean, ClipByValue) exist on
 * cpu, wasm and webgl in tfjs 4.22.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../../engine/random';
import { DEFAULT_AUGMENTATION, isIdentityAugmentation, type Augmentation, type HeadConfig } from '../meta';
import { preprocess } from './embed';

/** One image's random draw. */
export interface AugmentDraw {
  /** mirrored left–right */
  flip: boolean;
  /** rotation, radians */
  angle: number;
  /** share of each side shown (1: no zoom) */
  scale: number;
  /** added to every value (in [−1, 1] units) */
  shift: number;
  /** contrast factor about each channel's mean */
  factor: number;
}

/** Uniform in [−1, 1). */
const symmetric = (rng: () => number) => 2 * rng() - 1;

/** One image's random changes under the settings (draws only for the settings that are on). */
export function drawAugment(a: Augmentation, rng: () => number): AugmentDraw {
  return {
    flip: a.flip ? rng() < 0.5 : false,
    angle: a.rotation > 0 ? (symmetric(rng) * a.rotation * Math.PI) / 180 : 0,
    scale: a.zoom > 0 ? 1 - a.zoom * rng() : 1,
    // Keras's RandomBrightness adds δ × (range width): 255 in 0–255, 2 in [−1, 1].
    shift: a.brightness > 0 ? symmetric(rng) * a.brightness * 2 : 0,
    factor: a.contrast > 0 ? 1 + symmetric(rng) * a.contrast : 1,
  };
}

/**
 * tf.image.transform's [a0, a1, a2, b0, b1, b2, c0, c1] for one draw on a width × height image:
 * the output pixel (x, y) shows the input at (a0·x + a1·y + a2, b0·x + b1·y + b2), i.e. about the
 * centre c = ((width − 1) / 2, (height − 1) / 2): p_in = F·R(θ)·(s·(p − c)) + c, F the mirror.
 */
export function transformOf(draw: AugmentDraw, width: number, height: number): number[] {
  const [cx, cy] = [(width - 1) / 2, (height - 1) / 2];
  const f = draw.flip ? -1 : 1;
  const cos = Math.cos(draw.angle) * draw.scale;
  const sin = Math.sin(draw.angle) * draw.scale;
  return [f * cos, -f * sin, cx - f * (cos * cx - sin * cy), sin, cos, cy - (sin * cx + cos * cy), 0, 0];
}

/**
 * Augments a batch [n, h, w, 3] with values in [−1, 1] (left to the caller), one draw per image;
 * returns a new tensor of the same shape, values in [−1, 1]. All settings off: a copy.
 */
export function augmentTensor(x: tf.Tensor4D, a: Augmentation, rng: () => number): tf.Tensor4D {
  const [n, height, width] = x.shape;
  if (n === 0 || isIdentityAugmentation(a)) return tf.clone(x);
  const draws = Array.from({ length: n }, () => drawAugment(a, rng));
  return tf.tidy(() => {
    let y: tf.Tensor4D = x;
    if (a.flip || a.rotation > 0 || a.zoom > 0) {
      // One image at a time: tfjs 4.22's cpu Transform kernel returns after the first image of a
      // batch (the others come back as zeros); wasm and webgl do the whole batch, but per image is
      // the same maths everywhere.
      const images = tf.split(y, n) as tf.Tensor4D[];
      y = tf.concat(images.map((image, k) => tf.image.transform(image, tf.tensor2d([transformOf(draws[k], width, height)]), 'bilinear', 'reflect')));
    }
    if (a.brightness > 0) {
      y = tf.clipByValue(tf.add(y, tf.tensor4d(draws.map((d) => d.shift), [n, 1, 1, 1])), -1, 1) as tf.Tensor4D;
    }
    if (a.contrast > 0) {
      const mean = tf.mean(y, [1, 2], true);
      const factor = tf.tensor4d(draws.map((d) => d.factor), [n, 1, 1, 1]);
      y = tf.clipByValue(tf.add(tf.mul(tf.sub(y, mean), factor), mean), -1, 1) as tf.Tensor4D;
    }
    return y === x ? tf.clone(x) : y;
  });
}

/** The settings a run uses (a head from an older project may lack them: today's defaults then). */
export function augmentationOf(head: HeadConfig): Augmentation {
  return head.augmentation ?? DEFAULT_AUGMENTATION;
}

/**
 * Inputs for one batch of 224² RGB images: x / 127.5 − 1, then, if `augment` is on (`true`: the
 * default flip + zoom 80–100 %; settings: those), one random draw per image.
 */
export function augmentBatch(images: Uint8Array[], augment: boolean | Augmentation, rng: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const x = preprocess(images);
    if (augment === false) return x;
    return augmentTensor(x, augment === true ? DEFAULT_AUGMENTATION : augment, rng);
  });
}

/** FNV-1a of bytes, as 8 hex digits: tells two previews apart. */
export function hashBytes(bytes: ArrayLike<number>): string {
  let hash = 0x811c9dc5;
  for (let k = 0; k < bytes.length; k++) hash = Math.imul(hash ^ bytes[k], 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * `count` augmented versions of one 224² RGB image (seeded), each size × size RGBA (for a canvas),
 * and a hash of them all.
 */
export function augmentPreviews(rgb: Uint8Array, a: Augmentation, count: number, seed: number, size: number): { pixels: Uint8ClampedArray<ArrayBuffer>[]; hash: string } {
  const rng = mulberry32(seed);
  const values = tf.tidy(() => {
    const x = tf.tile(preprocess([rgb]), [count, 1, 1, 1]) as tf.Tensor4D;
    const small = tf.image.resizeBilinear(augmentTensor(x, a, rng), [size, size], true);
    return tf.clipByValue(tf.round(tf.mul(tf.add(small, 1), 127.5)), 0, 255).dataSync();
  });
  const perImage = size * size * 3;
  const pixels = Array.from({ length: count }, (_, n) => {
    const rgba = new Uint8ClampedArray(size * size * 4);
    for (let p = 0, q = n * perImage; p < rgba.length; p += 4, q += 3) {
      rgba[p] = values[q];
      rgba[p + 1] = values[q + 1];
      rgba[p + 2] = values[q + 2];
      rgba[p + 3] = 255;
    }
    return rgba;
  });
  return { pixels, hash: hashBytes(Uint8Array.from(values)) };
}
