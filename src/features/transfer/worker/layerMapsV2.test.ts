/**
 * The layer explorer on the real MobileNet v2 0.35 (../shared/models, Teachable Machine's base) and a
 * real photo, on the wasm backend: its 62 stages found by following the graph (Conv1; block 0's
 * depthwise and projection; blocks 1–16's expansion, depthwise, projection and, where shapes
 * match, the residual add; Conv_1 → out_relu), their maps, and one cell of each kind whose formula,
 * recomputed here from the numbers it shows, equals tfjs's own value at every step (conv sum,
 * BatchNormalization, ReLU6 or the linear bottleneck, and input + projection for an add). The
 * trained head reads out_relu (a fine-tuned tail's own copy too); no tensor leaks; the time for one
 * image is printed.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FromWorker } from '../../../worker/protocol';
import { BASES } from '../bases';
import type { AddCell, ConvCell, HeadCells, LayerCell } from '../layerMapsMeta';
import { DEFAULT_HEAD } from '../meta';
import { buildTail, cutLayerFor, lowerModel } from './finetune';
import { inboundOf } from './graph';
import { buildHead } from './head';
import { buildProbe, layerCell, LayerExplorer, layerMaps, layerStages, runProbe, type Probe, type ProbeRun } from './layerMaps';
import type { ConvStage } from './layerStages';
import { loadMobileNet, loadPhoto, MODEL_DIR_V2 } from './mobilenet.testutil';
import { truncate, type BaseModel } from './model';
import type { StudioView, Trained } from './studioView';
import { exploreRepeatedly } from './layerExplorer.testutil';

const V2 = BASES['mobilenet_v2_0.35'];
/** Blocks whose input and output have the same shape (stride 1, same channels): they end with an add. */
const RESIDUAL = [2, 4, 5, 7, 8, 9, 11, 12, 14, 15];
const STAGES = [
  'Conv1_relu', 'expanded_conv_depthwise_relu', 'expanded_conv_project_BN',
  ...Array.from({ length: 16 }, (_, k) => k + 1).flatMap((n) => [
    `block_${n}_expand_relu`, `block_${n}_depthwise_relu`, `block_${n}_project_BN`, ...(RESIDUAL.includes(n) ? [`block_${n}_add`] : []),
  ]),
  'out_relu',
];

/** Keras MobileNetV2's name for a convolution's BatchNormalization. */
const bnOf = (conv: string) => (conv === 'Conv1' ? 'bn_Conv1' : conv === 'Conv_1' ? 'Conv_1_bn' : `${conv}_BN`);

/** The formula's numbers, put together again: Σ w·x (+ b), the batch normalization, the activation; or the add's sum. */
function recompute(cell: LayerCell) {
  if (cell.kind === 'add') return { value: cell.inputs[0].value + cell.inputs[1].value };
  const z = cell.terms.reduce((sum, t) => sum + t.w * t.x, cell.bias ?? 0);
  const { mean, variance, epsilon, gamma, beta } = cell.bn;
  const bn = ((z - mean) / Math.sqrt(variance + epsilon)) * gamma + beta;
  return { z, bn, value: cell.activation.kind === 'relu6' ? Math.min(Math.max(0, bn), 6) : bn };
}

describe('layer maps on the real MobileNet v2 0.35', () => {
  let full: tf.LayersModel;
  let probe: Probe;
  let run: ProbeRun;
  const photo = loadPhoto();
  let previousBackend: string;

  beforeAll(async () => {
    previousBackend = tf.getBackend();
    await tf.setBackend('wasm');
    full = await loadMobileNet(MODEL_DIR_V2);
    probe = buildProbe(full, V2.cutLayer);
    run = await runProbe(probe, photo);
  }, 60_000);

  afterAll(async () => {
    full.dispose();
    if (previousBackend) await tf.setBackend(previousBackend);
  });

  it('follows the graph: 62 stages, grouped by block, each fed by the stage below (adds by the block input and the projection)', () => {
    const stages = layerStages(full, V2.cutLayer);
    expect(stages.map((s) => s.out.name)).toEqual(STAGES);
    const kinds = stages.map((s) => s.kind);
    expect(kinds.filter((k) => k === 'expand')).toHaveLength(16);
    expect(kinds.filter((k) => k === 'depthwise')).toHaveLength(17);
    expect(kinds.filter((k) => k === 'project')).toHaveLength(17);
    expect(stages.filter((s) => s.kind === 'add').map((s) => s.block)).toEqual(RESIDUAL);
    expect([kinds[0], kinds.at(-1)]).toEqual(['conv', 'pointwise']);
    expect([stages[0].block, stages.at(-1)!.block, stages[1].block, stages[3].block]).toEqual([undefined, undefined, 0, 1]);
    const name = (k: number) => (k < 0 ? 'image' : stages[k].out.name);
    for (const stage of stages) {
      if (stage.kind === 'add') {
        const n = stage.block!;
        const below = n === 2 ? 'block_1_project_BN' : STAGES.includes(`block_${n - 1}_add`) ? `block_${n - 1}_add` : `block_${n - 1}_project_BN`;
        expect(stage.inputs.map(name), stage.out.name).toEqual([below, `block_${n}_project_BN`]);
      } else if (stage.kind === 'project') {
        expect([stage.act, stage.out.name]).toEqual([null, `${stage.conv.name}_BN`]);
      } else {
        expect(stage.act?.getClassName(), stage.out.name).toBe('ReLU');
      }
    }
    const conv = (n: string) => stages.find((s) => s.out.name === n) as ConvStage;
    expect(name(conv('Conv1_relu').input)).toBe('image');
    expect(conv('Conv1_relu').zeroPad).toEqual([[0, 1], [0, 1]]);
    expect(name(conv('block_3_expand_relu').input)).toBe('block_2_add');
    expect(name(conv('block_3_depthwise_relu').input)).toBe('block_3_expand_relu');
    expect([conv('block_3_depthwise_relu').stride, conv('block_3_depthwise_relu').padding]).toEqual([2, 'valid']);
    expect(name(conv('out_relu').input)).toBe('block_16_project_BN');
  });

  it('gives one map set per stage, with their shapes; ReLU6 stages in [0, 6], projections and adds signed', () => {
    const layers = layerMaps(probe, run, 16, 56);
    expect(layers.map((l) => l.name)).toEqual(STAGES);
    const byName = (n: string) => layers.find((l) => l.name === n)!;
    expect(byName('Conv1_relu').shape).toEqual([112, 112, 16]);
    expect(byName('block_1_expand_relu').shape).toEqual([112, 112, 48]);
    expect(byName('block_1_depthwise_relu').shape).toEqual([56, 56, 48]);
    expect(byName('block_2_add').shape).toEqual(byName('block_2_project_BN').shape);
    expect(byName('out_relu').shape).toEqual([7, 7, 1280]);
    expect(byName('block_2_add')).toMatchObject({ kind: 'add', conv: null, block: 2, kernel: 1, stride: 1 });
    for (const layer of layers) {
      const [, , c] = layer.shape;
      expect(layer.channels).toHaveLength(Math.min(16, c));
      expect(layer.size.every((s) => s <= 56)).toBe(true);
      if (layer.kind !== 'project' && layer.kind !== 'add') expect([layer.min >= 0, layer.max <= 6], layer.name).toEqual([true, true]);
      expect(layer.channels[0].pixels.some((p) => p > 0), `${layer.name}: not blank`).toBe(true);
    }
    expect(layers.filter((l) => l.kind === 'project').every((l) => l.min < 0)).toBe(true);
  });

  it("a cell's formula of each kind, recomputed from its numbers, equals tfjs at each step", () => {
    const cells: [string, number, number, number][] = [
      ['Conv1_relu', 0, 0, 3],
      ['Conv1_relu', 111, 111, 5], // ZeroPadding2D after the image: the last row and column
      ['expanded_conv_depthwise_relu', 50, 60, 2],
      ['expanded_conv_project_BN', 0, 111, 7],
      ['block_1_expand_relu', 30, 40, 11],
      ['block_1_depthwise_relu', 55, 55, 9], // stride 2 on a padded input
      ['block_1_project_BN', 20, 21, 3],
      ['block_2_add', 10, 12, 5],
      ['block_6_depthwise_relu', 13, 13, 40],
      ['block_9_add', 6, 9, 17],
      ['block_16_project_BN', 3, 4, 100],
      ['out_relu', 3, 4, 1000],
    ];
    const convs = cells.map(([n]) => n).filter((n) => !n.endsWith('_add')).map((n) => n.replace(/(_relu|_BN)$/, '').replace(/^out$/, 'Conv_1'));
    const addInputs = cells.map(([n]) => n).filter((n) => n.endsWith('_add')).flatMap((n) => inboundOf(full.getLayer(n)).map((l) => l.name));
    const names = [...new Set([...convs, ...convs.map(bnOf), ...cells.map(([n]) => n), ...addInputs])];
    const inner = tf.model({ inputs: full.inputs, outputs: names.map((n) => full.getLayer(n).getOutputAt(0) as tf.SymbolicTensor) });
    const values = tf.tidy(() => (inner.predict(tf.tensor4d(run.input, [1, 224, 224, 3])) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array));
    const tfValue = (layer: string, at: number) => values[names.indexOf(layer)][at];
    const kinds = new Set<string>();
    for (const [layer, y, x, channel] of cells) {
      const cell = layerCell(probe, run, layer, y, x, channel);
      const [, w, c] = cell.shape;
      const at = (y * w + x) * c + channel;
      const again = recompute(cell);
      kinds.add(cell.kind);
      expect(Math.abs(cell.model - tfValue(layer, at)), layer).toBeLessThan(1e-6);
      expect(Math.abs(again.value - cell.model), layer).toBeLessThan(1e-4);
      if (cell.kind === 'add') {
        const [shortcut, project] = cell.inputs;
        expect(Math.abs(shortcut.value - tfValue(shortcut.layer, at))).toBeLessThan(1e-6);
        expect(Math.abs(project.value - tfValue(project.layer, at))).toBeLessThan(1e-6);
        expect(cell.value).toBe(again.value);
        continue;
      }
      expect(Math.abs(again.z! - tfValue(cell.conv, at)), `${layer} z`).toBeLessThan(1e-4);
      expect(Math.abs(again.bn! - tfValue(bnOf(cell.conv), at)), `${layer} batch normalization`).toBeLessThan(1e-4);
      expect([again.z, again.bn]).toEqual([expect.closeTo(cell.z, 6), expect.closeTo(cell.bn.value, 6)]);
      expect(cell.activation.kind, layer).toBe(cell.kind === 'project' ? 'linear' : 'relu6');
      const inC = cell.kind === 'depthwise' ? 1 : cell.conv === 'Conv1' ? 3 : cell.terms.length / (cell.kernel * cell.kernel);
      expect(cell.terms.length).toBeLessThanOrEqual(cell.kernel * cell.kernel * inC);
    }
    expect([...kinds].sort()).toEqual(['add', 'conv', 'depthwise', 'expand', 'pointwise', 'project']);
    const terms = (layer: string, y: number, x: number) => (layerCell(probe, run, layer, y, x, 0) as ConvCell).terms.length;
    expect([terms('Conv1_relu', 0, 0), terms('Conv1_relu', 111, 111)]).toEqual([27, 12]);
    expect([terms('block_1_depthwise_relu', 0, 0), terms('block_1_depthwise_relu', 55, 55)]).toEqual([9, 4]);
    expect([terms('block_1_expand_relu', 5, 5), terms('block_16_project_BN', 0, 0)]).toEqual([8, 336]);
    expect((layerCell(probe, run, 'block_9_add', 6, 9, 17) as AddCell).inputs.map((i) => i.layer)).toEqual(['block_8_add', 'block_9_project_BN']);
    expect(() => layerCell(probe, run, 'block_2_add', 56, 0, 0)).toThrow(RangeError);
  });

  it("fine-tuned (the top 2 blocks in the tail, a residual add among them): the head reads the tail's own out_relu, the same cells", async () => {
    const base: BaseModel = { spec: V2, full, truncated: truncate(full, V2), from: 'url' };
    const head = buildHead({ ...DEFAULT_HEAD, units: 12 }, 2, V2.embeddingShape);
    const cut = cutLayerFor(2, V2);
    const tail = buildTail(full, 2, head, V2);
    expect(tail.layers.some((layer) => layer.name === 'block_15_add')).toBe(true);
    const lower = lowerModel(full, cut);
    const heads: HeadCells[] = [];
    for (const trained of [
      { tail: head, cut: V2.cutLayer, labels: ['x', 'y'], config: DEFAULT_HEAD, base: V2.id },
      { tail, cut, labels: ['x', 'y'], config: { ...DEFAULT_HEAD, fineTuneBlocks: 2 }, base: V2.id },
    ] as Trained[]) {
      const posted: FromWorker[] = [];
      const view = { base: async () => base, trained: () => trained, rgb: () => photo, lower: () => lower, post: (m: FromWorker) => posted.push(m) } as unknown as StudioView;
      await new LayerExplorer(view).handle({ type: 'transfer/layerMaps', requestId: 1, imageId: 'photo', maxChannels: 4, maxSize: 28 });
      const ready = posted[0];
      if (ready.type !== 'transfer/layerMapsReady' || !ready.head) throw new Error(`no head cells: ${JSON.stringify(ready)}`);
      heads.push(ready.head);
    }
    const [headOnly, fineTuned] = heads;
    expect(fineTuned.layer).toBe('out_relu');
    expect(fineTuned.steps.map((s) => s.kind)).toEqual(['pool', 'flatten', 'scale', 'dense', 'dense', 'softmax']);
    fineTuned.steps.forEach((step, k) => {
      const other = headOnly.steps[k];
      if (step.kind === 'pool' && other.kind === 'pool') expect([step.channel, step.region, step.value]).toEqual([other.channel, other.region, expect.closeTo(other.value, 4)]);
      if ('model' in step && 'value' in step) expect(Math.abs(step.value - step.model)).toBeLessThan(1e-4);
    });
    tail.dispose(); // lower shares the base's layers: not disposed
    head.dispose();
  }, 120_000);

  it("answers requests through a studio view: 62 stages, the head's cells on out_relu, no tensor leak after a burn-in", async () => {
    const base: BaseModel = { spec: V2, full, truncated: truncate(full, V2), from: 'url' };
    const tail = buildHead({ ...DEFAULT_HEAD, units: 12 }, 2, V2.embeddingShape);
    const trained: Trained = { tail, cut: V2.cutLayer, labels: ['x', 'y'], config: DEFAULT_HEAD, base: V2.id };
    const { posted, leaked, times } = await exploreRepeatedly(base, trained, photo, 'block_5_add');
    expect(leaked).toBe(0);
    expect(posted.filter((m) => m.type === 'transfer/layerFailed')).toEqual([]);
    const ready = posted.filter((m) => m.type === 'transfer/layerMapsReady');
    expect(ready).toHaveLength(4);
    const last = ready[3];
    if (last.type !== 'transfer/layerMapsReady' || !last.head) throw new Error('no head cells');
    expect(last.layers.map((l) => l.name)).toEqual(STAGES);
    expect(last.head.layer).toBe('out_relu');
    expect(last.head.steps.map((s) => s.kind)).toEqual(['pool', 'flatten', 'scale', 'dense', 'dense', 'softmax']);
    for (const step of last.head.steps) if ('model' in step) expect(Math.abs(step.value - step.model), step.kind).toBeLessThan(1e-4);
    const cell = posted.filter((m) => m.type === 'transfer/layerCellReady').at(-1);
    expect(cell).toMatchObject({ cell: { layer: 'block_5_add', kind: 'add', block: 5 } });
    console.info(`layer maps for one image (MobileNet v2 0.35: 62 stages × 16 maps, head cells), ${tf.getBackend()} backend in Node: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    expect(Math.min(...times)).toBeGreaterThan(0); // a benchmark figure, not a verdict
    tail.dispose();
  }, 120_000);
});
