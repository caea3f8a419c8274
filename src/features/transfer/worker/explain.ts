/**
 * The studio's "where did it look" request: Grad-CAM and saliency of one image for the trained
 * classifier (at the base's cut layer: MobileNet v1's conv_pw_13_relu, 7 × 7 × 256, or MobileNet
 * v2's out_relu, 7 × 7 × 1280) or the Tiny VGG (conv_4, 26 × 26 × 10). Reads the studio through its
 * view and changes nothing in it.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExplainRequest } from '../../../worker/protocol';
import { decodeImage } from './decode';
import { preprocess } from './embed';
import { asFunction, classScores, gradCam, saliency, splitAt, type SplitNetwork } from './gradcam';
import { isHeadOnly, type StudioView } from './studioView';
import { vggInputs } from './vgg';

/** The Tiny VGG's last convolution. */
export const VGG_LAST_CONV = 'conv_4';

export interface Explainable {
  net: SplitNetwork;
  /** 224² RGB → the network's input [1, H, W, 3] (call inside tf.tidy) */
  input(rgb: Uint8Array): tf.Tensor4D;
}

/**
 * The trained classifier split at the base's cut layer. Head only: A is the truncated base's output
 * and the head maps it to logits. Fine-tuned: the cut layer is inside the tail (copies of the top
 * blocks, connected as in the base, MobileNet v2's residual additions included, + the head), so A
 * is lower(x) run through the tail's graph up to its copy of the cut layer.
 */
export async function transferNetwork(view: StudioView): Promise<Explainable | null> {
  const trained = view.trained();
  const base = await view.base();
  if (!trained || !base) return null;
  const input = (rgb: Uint8Array) => preprocess([rgb]);
  if (isHeadOnly(trained)) {
    const scores = classScores(trained.tail.layers);
    return { input, net: { conv: asFunction(base.truncated), scores: (a) => scores(a) } };
  }
  return { input, net: splitAt(trained.tail, base.spec.cutLayer, asFunction(view.lower(base, trained.cut))) };
}

export function scratchNetwork(view: StudioView): Explainable | null {
  const model = view.scratch();
  return model && { input: (rgb) => vggInputs([rgb]), net: splitAt(model, VGG_LAST_CONV) };
}

/**
 * Grad-CAM (top class unless one is asked for), then, if asked, saliency for the same class, with
 * their times. Saliency back-propagates through the whole network (MobileNet, one image: ~0.2 s
 * on wasm in Chromium, ~0.5 s on the Node cpu backend, 10× Grad-CAM's time), so only on request.
 */
export function explainImage({ net, input }: Explainable, rgb: Uint8Array, classIndex?: number, withSaliency = true) {
  const x = tf.tidy(() => input(rgb));
  try {
    const started = performance.now();
    const cam = gradCam(net, x, classIndex);
    const gradCamMs = performance.now() - started;
    const map = withSaliency ? saliency((image) => net.scores(net.conv(image)), x, cam.classIndex) : null;
    return { cam, map, gradCamMs, saliencyMs: performance.now() - started - gradCamMs };
  } finally {
    x.dispose();
  }
}

/** Answers `transfer/explain` with `transfer/explained`, or `transfer/explainFailed`. */
export async function explain(view: StudioView, request: ExplainRequest): Promise<void> {
  const { requestId, model } = request;
  try {
    const { rgb } = await decodeImage(request.file);
    // The models are looked up after the last wait, so the run below uses what is current.
    const explainable = model === 'scratch' ? scratchNetwork(view) : await transferNetwork(view);
    if (!explainable) return view.post({ type: 'transfer/explainFailed', requestId, code: 'noModel' });
    const { cam, map, gradCamMs, saliencyMs } = explainImage(explainable, rgb, request.classIndex, request.saliency);
    view.post({
      type: 'transfer/explained',
      requestId,
      model,
      classIndex: cam.classIndex,
      probabilities: cam.probabilities,
      gradCam: cam.map,
      gridSize: cam.rows,
      saliency: map?.map ?? null,
      saliencySize: map?.height ?? 0,
      image: rgb,
      gradCamMs,
      saliencyMs,
    });
  } catch (error) {
    view.post({ type: 'transfer/explainFailed', requestId, code: 'failed', detail: String(error) });
  }
}
