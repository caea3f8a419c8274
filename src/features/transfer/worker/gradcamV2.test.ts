/**
 * Grad-CAM at out_relu on MobileNet v2 0.35 (../shared/models, wasm backend) with a head: head only,
 * and fine-tuned on its top K blocks, where the classifier is a graph (the tail holds copies of the
 * base's layers above the cut, residual additions included). Each map must equal one computed
 * independently of gradcam.ts: the activations A by tfjs's own graph execution (model.predict of
 * sub-models), the class score by model.apply of a model from A to the logits, ∂y_c/∂A by tf.grad.
 * No tensor leaks. (Saliency through a residual graph: gradcam.test.ts's tiny one, against tf.grad
 * through model.apply; the whole network's backward pass, twice, costs seconds here.)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmFallbacks } from '../../../worker/tf/wasmFallbacks';
import { BASES } from '../bases';
import { DEFAULT_HEAD, type HeadConfig } from '../meta';
import { embedImages, preprocess } from './embed';
import { explainImage, transferNetwork } from './explain';
import { buildTail, cutLayerFor, fineTune, lowerModel, predictImages } from './finetune';
import { normaliseByMax, splitAt } from './gradcam';
import { buildHead, disposeModel, fitHead } from './head';
import { loadMobileNet, loadPhoto, MODEL_DIR_V2, twoKindImages } from './mobilenet.testutil';
import { truncate } from './model';
import type { StudioView, Trained } from './studioView';

const V2 = BASES['mobilenet_v2_0.35'];

/** A StudioView with just what explain reads. */
function viewOf(full: tf.LayersModel, truncated: tf.LayersModel, trained: Trained): StudioView {
  return {
    base: async () => ({ spec: V2, full, truncated, from: 'files' }),
    trained: () => trained,
    scratch: () => null,
    rgb: () => undefined,
    embedding: () => undefined,
    lower: (base, cut) => (cut === V2.cutLayer ? base.truncated : lowerModel(base.full, cut)),
    post: () => undefined,
  };
}

/**
 * The reference's class scores: a new model from an input shaped like A through the classifier's
 * layers above out_relu (the head: a chain), its last Dense copied without softmax (the logits).
 * Made with tfjs's functional API; the layers are shared with `classifier` (dispose: the copied Dense only).
 */
function logitsModel(classifier: tf.LayersModel): tf.LayersModel & { disposeCopy(): void } {
  const layers = classifier.layers;
  const above = layers.slice(layers.findIndex((layer) => layer.name === V2.cutLayer) + 1);
  const a = tf.input({ shape: [...V2.embeddingShape] });
  let y = a;
  for (const layer of above.slice(0, -1)) y = layer.apply(y) as tf.SymbolicTensor;
  const final = above.at(-1)!;
  const linear = tf.layers.dense({ units: (final.getConfig() as { units: number }).units, activation: 'linear' });
  const logits = linear.apply(y) as tf.SymbolicTensor;
  linear.setWeights(final.getWeights());
  return Object.assign(tf.model({ inputs: a, outputs: logits }), { disposeCopy: () => linear.dispose() });
}

/** Grad-CAM computed without gradcam.ts: `toA` maps the preprocessed image to A [1, 7, 7, 1280] (model.predict). */
function referenceCam(toA: (x: tf.Tensor4D) => tf.Tensor4D, scores: tf.LayersModel, x: tf.Tensor4D, classIndex: number): { map: Float32Array; probabilities: Float32Array } {
  return tf.tidy(() => {
    const a = toA(x);
    const score = (activations: tf.Tensor) => (scores.apply(activations, { training: false }) as tf.Tensor).slice([0, classIndex], [1, 1]).sum() as tf.Scalar;
    const alpha = tf.grad(score)(a).mean([1, 2], true);
    const map = normaliseByMax(tf.relu(a.mul(alpha).sum(-1).squeeze([0])));
    const probabilities = tf.softmax(scores.predict(a) as tf.Tensor).squeeze([0]);
    return { map: map.dataSync() as Float32Array, probabilities: probabilities.dataSync() as Float32Array };
  });
}

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);
const std = (values: Float32Array) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
};

describe('Grad-CAM on MobileNet v2 0.35 (a graph, at out_relu)', () => {
  let full: tf.LayersModel;
  let truncated: tf.LayersModel;
  let head: tf.Sequential;
  const config: HeadConfig = { ...DEFAULT_HEAD, units: 16, epochs: 3, batchSize: 2, fineTuneEpochs: 1, fineTuneLearningRate: 0.001, augment: false };
  const train = { images: [...twoKindImages(2, 0, 11), ...twoKindImages(2, 1, 12)], labels: [0, 0, 1, 1] };
  const photo = loadPhoto();

  beforeAll(async () => {
    registerWasmFallbacks();
    await tf.setBackend('wasm');
    full = await loadMobileNet(MODEL_DIR_V2);
    truncated = truncate(full, V2);
    head = buildHead(config, 2, V2.embeddingShape);
    const embeddings = await embedImages(truncated, train.images);
    await fitHead(head, config, { embeddings, labels: train.labels }, { embeddings: [], labels: [] }, 2, { onEpochEnd: () => undefined, shouldStop: () => false });
  }, 120_000);

  it('head only: the map and probabilities equal the reference (A = the truncated base\'s output); no leaks', async () => {
    const trained: Trained = { tail: head, cut: V2.cutLayer, labels: ['a', 'b'], config, base: V2.id };
    const explainable = (await transferNetwork(viewOf(full, truncated, trained)))!;
    const scores = logitsModel(head);
    const x = preprocess([photo]);
    for (const classIndex of [0, 1]) {
      const { cam } = explainImage(explainable, photo, classIndex, false);
      const reference = referenceCam((input) => truncated.predict(input) as tf.Tensor4D, scores, x, classIndex);
      expect([cam.rows, cam.cols]).toEqual([7, 7]);
      expect(std(cam.map)).toBeGreaterThan(0.05);
      expect(maxDifference(cam.map, reference.map)).toBeLessThan(1e-4);
      expect(maxDifference(cam.probabilities, reference.probabilities)).toBeLessThan(1e-5);
    }
    const before = tf.memory().numTensors;
    explainImage(explainable, photo, 1, false);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    scores.disposeCopy();
  }, 120_000);

  it.each([1, 3])('fine-tuned on the top %i block(s): the map equals the reference through the tail\'s graph, and differs from the base\'s, also once saved and loaded; no leaks', async (blocks) => {
    const cut = cutLayerFor(blocks, V2);
    const lower = lowerModel(full, cut);
    const tail = buildTail(full, blocks, head, V2);
    const adds = tail.layers.filter((layer) => layer.getClassName() === 'Add').map((layer) => layer.name);
    expect(adds).toEqual(blocks === 1 ? [] : ['block_14_add', 'block_15_add']);
    // one step (a batch of one image per class) is enough to move the tail's weights away from the base's
    const step = { images: [train.images[0], train.images[2]], labels: [0, 1] };
    await fineTune(lower, tail, { ...config, fineTuneBlocks: blocks }, new Set(full.layers.map((layer) => layer.name)), step, { images: [], labels: [] }, 2, { onEpochEnd: () => undefined, shouldStop: () => false });
    // fine-tuning changed the tail's copies (so a map made with the base's own layers would differ)
    const changed = (name: string) => maxDifference(tail.getLayer(name).getWeights()[0].dataSync() as Float32Array, full.getLayer(name).getWeights()[0].dataSync() as Float32Array);
    expect(changed('Conv_1')).toBeGreaterThan(1e-4);

    const trained: Trained = { tail, cut, labels: ['a', 'b'], config: { ...config, fineTuneBlocks: blocks }, base: V2.id };
    const explainable = (await transferNetwork(viewOf(full, truncated, trained)))!;
    const toA = tf.model({ inputs: tail.inputs, outputs: tail.getLayer(V2.cutLayer).getOutputAt(0) as tf.SymbolicTensor });
    const scores = logitsModel(tail);
    const x = preprocess([photo]);
    const [probabilities] = await predictImages(lower, tail, [photo]);
    const headScores = logitsModel(head);
    const baseOnly = referenceCam((input) => truncated.predict(input) as tf.Tensor4D, headScores, x, 0);
    headScores.disposeCopy();
    for (const classIndex of [0, 1]) {
      const { cam } = explainImage(explainable, photo, classIndex, false);
      const reference = referenceCam((input) => toA.predict(lower.predict(input)) as tf.Tensor4D, scores, x, classIndex);
      expect([cam.rows, cam.cols, cam.classIndex]).toEqual([7, 7, classIndex]);
      expect(std(cam.map)).toBeGreaterThan(0.05);
      expect(maxDifference(cam.map, reference.map)).toBeLessThan(1e-4);
      // the softmax of the scores is the classifier's output (predictImages: lower, then the tail)
      expect(maxDifference(cam.probabilities, probabilities)).toBeLessThan(1e-5);
      expect(maxDifference(reference.probabilities, probabilities)).toBeLessThan(1e-5);
      if (classIndex === 0) expect(maxDifference(cam.map, baseOnly.map)).toBeGreaterThan(1e-3);
    }

    const before = tf.memory().numTensors;
    explainImage(explainable, photo, 0, false);
    explainImage(explainable, photo, 1, false);
    expect(tf.memory().numTensors).toBe(before);

    // The tail saved and loaded again (as the studio restores a project): its graph, and so its map, is the same.
    let saved: tf.io.ModelArtifacts | null = null;
    await tail.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const restored = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const again = (await transferNetwork(viewOf(full, truncated, { ...trained, tail: restored })))!;
    expect(maxDifference(explainImage(again, photo, 0, false).cam.map, explainImage(explainable, photo, 0, false).cam.map)).toBeLessThan(1e-6);
    disposeModel(restored);
    x.dispose();
    scores.disposeCopy();
    disposeModel(tail);
  }, 240_000);

  it('refuses a split with a layer above it fed from below it (a residual addition across the split)', () => {
    const tail = buildTail(full, 2, head, V2);
    // block_15_add adds block_14_add (the tail's input) to block_15_project_BN: split at the latter, the scores depend on more than A
    expect(() => splitAt(tail, 'block_15_project_BN')).toThrow(/block_15_add is fed from below block_15_project_BN/);
    expect(() => splitAt(tail, V2.cutLayer)).not.toThrow();
    disposeModel(tail);
  });
});
