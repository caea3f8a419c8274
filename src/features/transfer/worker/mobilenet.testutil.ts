/**
 * For tests in Node: the real MobileNet from ../shared/models, a real photo from ../shared/images
 * as 224² RGB (a minimal PNG decoder: 8-bit RGB/RGBA, not interlaced), and seeded synthetic
 * images of two kinds that any classifier can learn to tell apart.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { mulberry32 } from '../../../engine/random';
import { IMAGE_SIZE } from '../meta';

export const MODEL_DIR = resolve('../shared/models/mobilenet_v1_0.25_224');
export const PHOTO = resolve('../shared/images/chelsea.png');
export const haveMobileNet = () => existsSync(join(MODEL_DIR, 'model.json'));

/** MobileNet v2 0.35 (no top, to out_relu): Teachable Machine's base. */
export const MODEL_DIR_V2 = resolve('../shared/models/mobilenet_v2_0.35_224');

/** A tfjs layers model from a folder of model.json + shards (MobileNet v1 0.25 by default). */
export async function loadMobileNet(dir = MODEL_DIR): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((group: { weights: tf.io.WeightsManifestEntry[] }) => group.weights);
  const bytes = Buffer.concat(json.weightsManifest.flatMap((group: { paths: string[] }) => group.paths.map((p) => readFileSync(join(dir, p)))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

/** PNG → RGB bytes [height, width, 3]. */
export function decodePng(file: Buffer): { rgb: Uint8Array; width: number; height: number } {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 3;
  const idat: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('ascii', offset + 4, offset + 8);
    const data = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
      if (data[8] !== 8 || data[12] !== 0 || (data[9] !== 2 && data[9] !== 6)) throw new Error('only 8-bit RGB(A), not interlaced');
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const value = raw[y * (stride + 1) + 1 + i];
      const left = i >= channels ? pixels[y * stride + i - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const upLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] : 0;
      const p = left + up - upLeft;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      const paeth = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter];
      pixels[y * stride + i] = (value + predictor) & 255;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let n = 0; n < width * height; n++) rgb.set(pixels.subarray(n * channels, n * channels + 3), n * 3);
  return { rgb, width, height };
}

/** A PNG photo as the studio sees it: centre square, resized (nearest) to 224 × 224 × 3. */
export function loadPhoto(path = PHOTO): Uint8Array {
  const { rgb, width, height } = decodePng(readFileSync(path));
  const side = Math.min(width, height);
  const [x0, y0] = [Math.floor((width - side) / 2), Math.floor((height - side) / 2)];
  const out = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const source = ((y0 + Math.floor((y * side) / IMAGE_SIZE)) * width + x0 + Math.floor((x * side) / IMAGE_SIZE)) * 3;
      out.set(rgb.subarray(source, source + 3), (y * IMAGE_SIZE + x) * 3);
    }
  }
  return out;
}

/** 224² RGB images of two kinds (0: reddish, 1: bluish; both with horizontal stripes), with seeded noise. */
export function twoKindImages(count: number, kind: 0 | 1, seed: number): Uint8Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
    for (let p = 0; p < rgb.length; p += 3) {
      const stripe = Math.floor(p / 3 / IMAGE_SIZE) % 32 < 8 ? 60 : 0;
      rgb[p] = (kind === 0 ? 180 : 30) + rng() * 60 + stripe;
      rgb[p + 1] = 90 + rng() * 60;
      rgb[p + 2] = (kind === 0 ? 30 : 180) + rng() * 60 - stripe / 2;
    }
    return rgb;
  });
}
