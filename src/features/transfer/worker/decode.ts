/**
 * Image decoding, off the main thread: validate a dropped file, decode it (EXIF orientation
 * honoured), centre-crop and resize to 224 × 224 RGB for the network, and make a small JPEG
 * thumbnail for the page (the page never holds full-size images).
 */
import type { ImageRejection } from '../../../worker/protocol';
import { IMAGE_SIZE, MAX_FILE_BYTES, MAX_IMAGE_SIDE, THUMBNAIL_SIZE } from '../meta';
import { centreCrop } from './crop';

export interface DecodedImage {
  /** 224 × 224 × 3 RGB, row-major */
  rgb: Uint8Array;
  /** THUMBNAIL_SIZE² JPEG for the page */
  thumbnail: Blob;
  /** the 224² image as JPEG, for the saved project and exports */
  jpeg: Blob;
}

export class ImageRejected extends Error {
  constructor(readonly code: ImageRejection) {
    super(code);
  }
}

const SIGNATURES: [number[], string][] = [
  [[0xff, 0xd8, 0xff], 'jpeg'],
  [[0x89, 0x50, 0x4e, 0x47], 'png'],
  [[0x47, 0x49, 0x46, 0x38], 'gif'],
  [[0x42, 0x4d], 'bmp'],
  [[0x52, 0x49, 0x46, 0x46], 'webp'], // RIFF….WEBP, checked below
];

/** Recognises an image by its first bytes (a file's name or type can lie). */
export function sniffImage(head: Uint8Array): string | null {
  for (const [signature, kind] of SIGNATURES) {
    if (signature.every((byte, k) => head[k] === byte)) {
      if (kind === 'webp') return String.fromCharCode(...head.slice(8, 12)) === 'WEBP' ? 'webp' : null;
      return kind;
    }
  }
  return null;
}

async function openBitmap(file: Blob): Promise<ImageBitmap> {
  if (file.size === 0) throw new ImageRejected('empty');
  if (file.size > MAX_FILE_BYTES) throw new ImageRejected('tooLarge');
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (!sniffImage(head)) throw new ImageRejected('notImage');
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new ImageRejected('corrupt');
  }
}

/** Draws the centre square of the bitmap into a size × size canvas. */
function drawSquare(bitmap: ImageBitmap, size: number): OffscreenCanvas {
  const canvas = new OffscreenCanvas(size, size);
  const context = canvas.getContext('2d');
  if (!context) throw new ImageRejected('corrupt');
  const crop = centreCrop(bitmap.width, bitmap.height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, crop.x, crop.y, crop.size, crop.size, 0, 0, size, size);
  return canvas;
}

export async function decodeImage(file: Blob): Promise<DecodedImage> {
  const bitmap = await openBitmap(file);
  try {
    if (bitmap.width > MAX_IMAGE_SIDE || bitmap.height > MAX_IMAGE_SIDE) throw new ImageRejected('tooManyPixels');
    if (bitmap.width === 0 || bitmap.height === 0) throw new ImageRejected('corrupt');
    const canvas = drawSquare(bitmap, IMAGE_SIZE);
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE).data;
    const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
    for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
      rgb[q] = rgba[p];
      rgb[q + 1] = rgba[p + 1];
      rgb[q + 2] = rgba[p + 2];
    }
    const small = new OffscreenCanvas(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    small.getContext('2d')!.drawImage(canvas, 0, 0, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    const thumbnail = await small.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    return { rgb, thumbnail, jpeg };
  } finally {
    bitmap.close();
  }
}
