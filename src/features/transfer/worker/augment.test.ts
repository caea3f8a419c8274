/**
 * Data augmentation on the cpu and wasm backends: shapes, seeds, what each setting does alone,
 * values kept in [−1, 1], no leaked tensors; and restoring settings saved by older versions.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random';
import { DEFAULT_AUGMENTATION, DEFAULT_HEAD, IMAGE_SIZE, normalizeHead, type Augmentation } from '../meta';
import { augmentBatch, augmentPreviews, augmentTensor, drawAugment, transformOf } from './augment';
import { preprocess } from './embed';
import { disposeModel } from './head';
import { trainTinyVgg } from './vgg';

const OFF: Augmentation = { flip: false, rotation: 0, zoom: 0, brightness: 0, contrast: 0 };
const ALL: Augmentation = { flip: true, rotation: 30, zoom: 0.3, brightness: 0.3, contrast: 0.5 };
const SIZE = 16;

/** [n, SIZE, SIZE, 3] in [−1, 1]: a left-to-right ramp, a different offset per image and channel. */
function ramps(n: number, amplitude = 1): tf.Tensor4D {
  const values = new Float32Array(n * SIZE * SIZE * 3);
  for (let k = 0; k < values.length; k++) {
    const [image, x, channel] = [Math.floor(k / (SIZE * SIZE * 3)), Math.floor(k / 3) % SIZE, k % 3];
    values[k] = amplitude * ((x / (SIZE - 1)) * 2 - 1) * (0.5 + 0.1 * channel) + 0.05 * image;
  }
  return tf.tensor4d(values, [n, SIZE, SIZE, 3]);
}

/** Runs fn on a fresh input and returns the output's values (no tensor kept). */
function run(a: Augmentation, seed: number, n = 4, amplitude = 1): { input: Float32Array; output: Float32Array } {
  return tf.tidy(() => {
    const x = ramps(n, amplitude);
    return { input: x.dataSync() as Float32Array, output: augmentTensor(x, a, mulberry32(seed)).dataSync() as Float32Array };
  });
}

const pixelsPerImage = SIZE * SIZE * 3;
const image = (values: Float32Array, n: number) => values.slice(n * pixelsPerImage, (n + 1) * pixelsPerImage);
const mean = (values: Float32Array) => values.reduce((s, v) => s + v, 0) / values.length;
const std = (values: Float32Array) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));

describe.each(['cpu', 'wasm'])('augmentation on %s', (backend) => {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('keeps the shape, for 224² batches and any other size', () => {
    const images = Array.from({ length: 3 }, (_, n) => new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).fill(40 * n));
    const batch = augmentBatch(images, ALL, mulberry32(1));
    expect(batch.shape).toEqual([3, IMAGE_SIZE, IMAGE_SIZE, 3]);
    batch.dispose();
    const small = tf.tidy(() => augmentTensor(ramps(5), ALL, mulberry32(1)).shape);
    expect(small).toEqual([5, SIZE, SIZE, 3]);
  });

  it('gives the same images for the same seed and others for another seed', () => {
    const a = run(ALL, 7).output;
    expect(run(ALL, 7).output).toEqual(a);
    expect(run(ALL, 8).output).not.toEqual(a);
  });

  it('changes nothing with every setting off, or rotation of at most 0°', () => {
    for (const settings of [OFF, { ...OFF, rotation: 0 }]) {
      const { input, output } = run(settings, 3);
      expect(output).toEqual(input);
    }
    const images = [new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).map((_, k) => k % 251)];
    const plain = tf.tidy(() => preprocess(images).dataSync());
    expect(tf.tidy(() => augmentBatch(images, false, mulberry32(1)).dataSync())).toEqual(plain);
    expect(tf.tidy(() => augmentBatch(images, OFF, mulberry32(1)).dataSync())).toEqual(plain);
  });

  it('flip alone mirrors a ramp exactly, for about half the images', () => {
    const n = 16;
    const { input, output } = run({ ...OFF, flip: true }, 11, n);
    let flipped = 0;
    for (let k = 0; k < n; k++) {
      const [before, after] = [image(input, k), image(output, k)];
      const mirrored = before.map((_, q) => {
        const [y, x, c] = [Math.floor(q / (SIZE * 3)), Math.floor(q / 3) % SIZE, q % 3];
        return before[(y * SIZE + (SIZE - 1 - x)) * 3 + c];
      });
      const isMirror = after.every((v, q) => Math.abs(v - mirrored[q]) < 1e-6);
      const isSame = after.every((v, q) => Math.abs(v - before[q]) < 1e-6);
      expect(isMirror || isSame).toBe(true);
      if (isMirror) flipped++;
    }
    expect(flipped).toBeGreaterThan(3);
    expect(flipped).toBeLessThan(13);
  });

  it('brightness alone shifts every value of an image by the same amount (at most 2 × the setting)', () => {
    const { input, output } = run({ ...OFF, brightness: 0.2 }, 5, 8, 0.3);
    const shifts = Array.from({ length: 8 }, (_, k) => mean(image(output, k)) - mean(image(input, k)));
    for (const [k, shift] of shifts.entries()) {
      expect(Math.abs(shift)).toBeLessThanOrEqual(0.4 + 1e-6);
      image(output, k).forEach((v, q) => expect(v - image(input, k)[q]).toBeCloseTo(shift, 5));
    }
    expect(new Set(shifts.map((s) => s.toFixed(4))).size).toBe(8);
  });

  it('contrast alone scales the spread about each channel mean, keeping the mean', () => {
    const { input, output } = run({ ...OFF, contrast: 0.5 }, 9, 8, 0.3);
    const ratios = Array.from({ length: 8 }, (_, k) => {
      const [before, after] = [image(input, k), image(output, k)];
      const channel = (values: Float32Array, c: number) => values.filter((_, q) => q % 3 === c);
      for (let c = 0; c < 3; c++) expect(mean(channel(after, c))).toBeCloseTo(mean(channel(before, c)), 5);
      return std(after) / std(before);
    });
    for (const ratio of ratios) {
      expect(ratio).toBeGreaterThanOrEqual(0.5 - 1e-4);
      expect(ratio).toBeLessThanOrEqual(1.5 + 1e-4);
    }
    expect(Math.max(...ratios) - Math.min(...ratios)).toBeGreaterThan(0.05);
  });

  it('rotation and zoom move pixels, values stay within the input range', () => {
    for (const settings of [{ ...OFF, rotation: 45 }, { ...OFF, zoom: 0.4 }]) {
      const { input, output } = run(settings, 13);
      expect(output).not.toEqual(input);
      expect(Math.max(...output)).toBeLessThanOrEqual(Math.max(...input) + 1e-5);
      expect(Math.min(...output)).toBeGreaterThanOrEqual(Math.min(...input) - 1e-5);
    }
  });

  it('keeps values in [−1, 1] with everything on and strong', () => {
    const { output } = run({ flip: true, rotation: 180, zoom: 0.9, brightness: 1, contrast: 1 }, 17, 8);
    expect(Math.max(...output)).toBeLessThanOrEqual(1);
    expect(Math.min(...output)).toBeGreaterThanOrEqual(-1);
  });

  it('leaks no tensor over repeated calls', () => {
    const images = [new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).fill(90), new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).fill(160)];
    const rng = mulberry32(2);
    augmentBatch(images, ALL, rng).dispose(); // burn-in
    const tensors = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      augmentBatch(images, ALL, rng).dispose();
      augmentBatch(images, true, rng).dispose();
      augmentBatch(images, false, rng).dispose();
      augmentPreviews(images[0], ALL, 4, k, 24);
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('makes preview thumbnails: count × size² RGBA, the same for a seed, another hash for other settings', () => {
    const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).map((_, k) => (k / 3) % IMAGE_SIZE);
    const first = augmentPreviews(rgb, DEFAULT_AUGMENTATION, 8, 1, 32);
    expect(first.pixels).toHaveLength(8);
    first.pixels.forEach((p) => expect(p.length).toBe(32 * 32 * 4));
    expect(augmentPreviews(rgb, DEFAULT_AUGMENTATION, 8, 1, 32).hash).toBe(first.hash);
    expect(augmentPreviews(rgb, { ...DEFAULT_AUGMENTATION, rotation: 20 }, 8, 1, 32).hash).not.toBe(first.hash);
    expect(augmentPreviews(rgb, DEFAULT_AUGMENTATION, 8, 2, 32).hash).not.toBe(first.hash);
  });
});

describe('the Tiny VGG from scratch with augmentation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  /** The Tiny VGG trains on 24² inputs here (vgg.ts's inputSize): the same code path as the app's 64², a ninth of the cost. */
  const SMALL = 24;

  it('trains on augmented batches when asked, repeatably, with no leaks', async () => {
    const picture = (level: number) => new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).map((_, k) => (k % (IMAGE_SIZE * 3) < IMAGE_SIZE * 1.5 ? level : 255 - level));
    const train = { images: [picture(20), picture(60), picture(200), picture(240)], labels: [0, 0, 1, 1] };
    const run = async (augmentScratch: boolean) => {
      const losses: number[] = [];
      const head = { ...DEFAULT_HEAD, epochs: 1, batchSize: 2, augmentScratch, augmentation: { ...DEFAULT_AUGMENTATION, rotation: 20, brightness: 0.2 } };
      const { model } = await trainTinyVgg(head, train, { images: [], labels: [] }, 2, { onEpochEnd: (_, logs) => void losses.push(logs.loss), shouldStop: () => false }, SMALL);
      expect(model.inputs[0].shape).toEqual([null, SMALL, SMALL, 3]);
      disposeModel(model);
      return losses;
    };
    const plain = await run(false);
    const tensors = tf.memory().numTensors;
    const first = await run(true);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await run(true)).toEqual(first);
    expect(first).not.toEqual(plain);
  }, 120_000);
});

describe('random draws and transforms', () => {
  it('draws within the settings', () => {
    const rng = mulberry32(4);
    for (let k = 0; k < 500; k++) {
      const draw = drawAugment(ALL, rng);
      expect(Math.abs(draw.angle)).toBeLessThanOrEqual((30 * Math.PI) / 180);
      expect(draw.scale).toBeGreaterThan(0.7);
      expect(draw.scale).toBeLessThanOrEqual(1);
      expect(Math.abs(draw.shift)).toBeLessThanOrEqual(0.6);
      expect(Math.abs(draw.factor - 1)).toBeLessThanOrEqual(0.5);
    }
    expect(drawAugment(OFF, rng)).toEqual({ flip: false, angle: 0, scale: 1, shift: 0, factor: 1 });
  });

  it('maps output pixels to input pixels about the centre', () => {
    const none = { flip: false, angle: 0, scale: 1, shift: 0, factor: 1 };
    expect(transformOf(none, 10, 6)).toEqual([1, -0, 0, 0, 1, 0, 0, 0]);
    expect(transformOf({ ...none, flip: true }, 10, 6)).toEqual([-1, 0, 9, 0, 1, 0, 0, 0]);
    // Zoom to half the side: the output's corner shows the input a quarter in.
    const [a0, a1, a2, b0, b1, b2] = transformOf({ ...none, scale: 0.5 }, 9, 9);
    expect([a0 * 0 + a1 * 0 + a2, b0 * 0 + b1 * 0 + b2]).toEqual([2, 2]);
    // A quarter turn keeps the centre and turns the corner (0, 0) into (8, 0) or (0, 8).
    const r = transformOf({ ...none, angle: Math.PI / 2 }, 9, 9);
    expect(r[0] * 4 + r[1] * 4 + r[2]).toBeCloseTo(4, 10);
    expect([r[2], r[5]].map((v) => Math.round(v)).sort()).toEqual([0, 8]);
  });
});

describe('settings from older projects', () => {
  it('maps augment: boolean to the settings it meant, and repairs bad values', () => {
    const old = { ...DEFAULT_HEAD, augment: false } as Partial<typeof DEFAULT_HEAD>;
    delete old.augmentation;
    delete old.augmentScratch;
    expect(normalizeHead(old)).toEqual({ ...DEFAULT_HEAD, augment: false });
    expect(normalizeHead({ augment: true }).augmentation).toEqual(DEFAULT_AUGMENTATION);
    expect(normalizeHead({ augmentation: { flip: 'yes', rotation: -5, zoom: 0.5, brightness: NaN, contrast: 2 } as never }).augmentation)
      .toEqual({ ...DEFAULT_AUGMENTATION, zoom: 0.5 });
    expect(DEFAULT_AUGMENTATION).toEqual({ flip: true, rotation: 0, zoom: 0.2, brightness: 0, contrast: 0 });
  });
});
