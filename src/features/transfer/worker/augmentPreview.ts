/**
 * The augmentation panel's preview: `count` augmented versions of one stored image, made by the
 * same code as the training batches (augment.ts), as small JPEGs (OffscreenCanvas, like decode.ts
 * makes thumbnails). Reads the studio through its view and changes nothing in it.
 */
import type { AugmentPreviewRequest } from '../../../worker/protocol';
import { THUMBNAIL_SIZE, normalizeAugmentation } from '../meta';
import { augmentPreviews } from './augment';
import type { StudioView } from './studioView';

/** At most this many versions per request. */
export const MAX_PREVIEW_COUNT = 16;

async function toJpeg(rgba: Uint8ClampedArray<ArrayBuffer>, size: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, size, size), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

export async function augmentPreview(view: StudioView, request: AugmentPreviewRequest, backendReady: () => Promise<void>): Promise<void> {
  const { requestId, imageId } = request;
  const rgb = view.rgb(imageId);
  if (!rgb) return view.post({ type: 'transfer/augmentPreviewFailed', requestId, detail: 'noImage' });
  try {
    await backendReady();
    const count = Math.max(1, Math.min(MAX_PREVIEW_COUNT, Math.floor(request.count)));
    const { pixels, hash } = augmentPreviews(rgb, normalizeAugmentation(request.augmentation), count, request.seed, THUMBNAIL_SIZE);
    const thumbnails = await Promise.all(pixels.map((rgba) => toJpeg(rgba, THUMBNAIL_SIZE)));
    view.post({ type: 'transfer/augmentPreviewReady', requestId, imageId, thumbnails, hash });
  } catch (error) {
    view.post({ type: 'transfer/augmentPreviewFailed', requestId, detail: String(error) });
  }
}
