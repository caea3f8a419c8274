// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWorker, resetForCanvasPanel } from '../../../client/fakeWorker.testutil';
import type { FromWorker, TransferToWorker } from '../../../worker/protocol';
import type { HeadCells, LayerCell, LayerMaps } from '../layerMapsMeta';
import { LayerExplorer } from './LayerExplorer';
import { HeadFormula, LayerFormulas } from './LayerFormula';
import type { ClassView } from './useTransfer';

const { sent } = fakeWorker;
vi.mock('../../../client/WorkerProvider', async () => (await import('../../../client/fakeWorker.testutil')).workerProviderMock);

beforeEach(resetForCanvasPanel);
afterEach(cleanup);

const classes: ClassView[] = [{ id: 'c1', name: 'a', images: [{ id: 'i1', name: 'one.png', url: 'blob:1' }, { id: 'i2', name: 'two.png', url: 'blob:2' }] }];
const layer = (name: string): LayerMaps => ({
  name, conv: name.replace('_relu', ''), kind: 'pointwise', shape: [2, 2, 3], kernel: 1, stride: 1, size: [2, 2], min: 0, max: 6,
  channels: [0, 1].map((index) => ({ index, min: 0, max: 6, mean: 3 - index, pixels: new Uint8Array([0, 64, 128, 255]) })),
});
const cell: LayerCell = {
  layer: 'conv_pw_1_relu', conv: 'conv_pw_1', kind: 'pointwise', y: 1, x: 0, channel: 1, shape: [2, 2, 3], kernel: 1, stride: 1, inputY: 1, inputX: 0,
  terms: [{ i: 0, j: 0, c: 0, w: 0.5, x: 2 }, { i: 0, j: 0, c: 1, w: -1, x: 0.25 }], bias: null, z: 0.75,
  bn: { mean: 0.25, variance: 0.999, epsilon: 0.001, gamma: 2, beta: -0.5, value: 0.5 }, activation: { kind: 'relu6', value: 0.5 }, model: 0.5,
  map: new Uint8Array([0, 1, 2, 3]), layerMin: 0, layerMax: 6,
};
const reply = (message: FromWorker) => act(() => fakeWorker.reply(message));
const ofType = <T extends TransferToWorker['type']>(type: T) => sent.filter((m): m is Extract<TransferToWorker, { type: T }> => m.type === type);

describe('LayerExplorer', () => {
  it('computes nothing until opened; then maps for the chosen image, rows one per frame, a cell formula on click', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
    render(<LayerExplorer classes={classes} prediction={null} modelStatus="ready" />);
    expect(sent).toHaveLength(0);
    fireEvent.click(screen.getByTestId('layer-explorer-toggle'));
    expect(ofType('transfer/layerMaps')).toEqual([expect.objectContaining({ requestId: 1, imageId: 'i1', maxChannels: 16 })]);
    fireEvent.click(screen.getAllByTestId('layer-image')[1]);
    expect(ofType('transfer/layerMaps').at(-1)).toMatchObject({ requestId: 2, imageId: 'i2' });
    await reply({ type: 'transfer/layerMapsReady', requestId: 1, layers: [layer('stale_relu')], head: null, ms: 1 }); // stale: dropped
    expect(screen.queryByTestId('layer-explorer-ms')).toBeNull();
    await reply({ type: 'transfer/layerMapsReady', requestId: 2, layers: [layer('conv1_relu'), layer('conv_pw_1_relu')], head: null, ms: 123.4 });
    expect(screen.getByTestId('layer-explorer-ms').dataset.ms).toBe('123.4');
    expect(screen.queryAllByTestId('layer-maps')).toHaveLength(0);
    await act(() => vi.advanceTimersToNextFrame());
    expect(screen.getAllByTestId('layer-maps')).toHaveLength(1);
    await act(() => vi.advanceTimersToNextFrame());
    const rows = screen.getAllByTestId('layer-maps');
    expect(rows.map((row) => [row.dataset.layer, row.dataset.channels])).toEqual([['conv1_relu', '2'], ['conv_pw_1_relu', '2']]);
    expect(screen.getAllByTestId('layer-map')).toHaveLength(4);

    // Enlarge conv_pw_1_relu's channel 1: the brightest cell (the last pixel: y 1, x 1) is asked for.
    fireEvent.click(screen.getAllByTestId('layer-map')[3]);
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(ofType('transfer/layerCell').at(-1)).toMatchObject({ layer: 'conv_pw_1_relu', y: 1, x: 1, channel: 1 });
    const requestId = ofType('transfer/layerCell').at(-1)!.requestId;
    await reply({ type: 'transfer/layerCellReady', requestId, cell });
    const formula = screen.getByTestId('layer-formula');
    expect(formula.textContent).toContain('z = 0.500·2.000 + (−1.000)·0.250 = 0.7500');
    expect(formula.textContent).toContain('(0.7500 − 0.2500) / √(0.9990 + 0.001) · 2.0000 + (−0.5000) = 0.5000');
    expect(screen.getByTestId('layer-cell-value').textContent).toBe('0.5000');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    vi.useRealTimers();
  });

  it("MobileNet v2: stages grouped by block; an add's formula is the block input + the projection; a projection has no ReLU6", async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
    render(<LayerExplorer classes={classes} prediction={null} modelStatus="ready" />);
    fireEvent.click(screen.getByTestId('layer-explorer-toggle'));
    const v2 = (name: string, kind: LayerMaps['kind'], block?: number): LayerMaps => ({ ...layer(name), kind, conv: kind === 'add' ? null : name.replace(/_relu|_BN/, ''), ...(block !== undefined ? { block } : {}) });
    const layers = [
      v2('Conv1_relu', 'conv'), v2('expanded_conv_depthwise_relu', 'depthwise', 0), v2('expanded_conv_project_BN', 'project', 0),
      v2('block_1_expand_relu', 'expand', 1), v2('block_1_depthwise_relu', 'depthwise', 1), v2('block_1_project_BN', 'project', 1),
      v2('block_2_expand_relu', 'expand', 2), v2('block_2_depthwise_relu', 'depthwise', 2), v2('block_2_project_BN', 'project', 2), v2('block_2_add', 'add', 2),
      v2('out_relu', 'pointwise'),
    ];
    await reply({ type: 'transfer/layerMapsReady', requestId: 1, layers, head: null, ms: 5 });
    for (let n = 0; n < layers.length; n++) await act(() => vi.advanceTimersToNextFrame());
    expect(screen.getAllByTestId('layer-maps').map((row) => row.dataset.layer)).toEqual(layers.map((l) => l.name));
    const blocks = screen.getAllByTestId('layer-block');
    expect(blocks.map((b) => [b.dataset.block, b.querySelectorAll('[data-testid="layer-maps"]').length])).toEqual([['0', 2], ['1', 3], ['2', 4]]);
    expect(blocks.map((b) => b.querySelector('h3')?.textContent)).toEqual([
      'Block 0: depthwise → projection (no expansion)', 'Block 1: expansion → depthwise → projection', 'Block 2: expansion → depthwise → projection → residual addition',
    ]);
    expect(blocks[2].textContent).toContain('Residual addition: the block\'s input + its projection');

    const open = async (name: string, next: LayerCell) => {
      fireEvent.click(screen.getAllByTestId('layer-map')[2 * layers.findIndex((l) => l.name === name)]);
      await reply({ type: 'transfer/layerCellReady', requestId: ofType('transfer/layerCell').at(-1)!.requestId, cell: next });
      return screen.getByTestId('layer-formula');
    };
    const base = { y: 1, x: 1, channel: 0, shape: [2, 2, 3] as [number, number, number], map: new Uint8Array(4), layerMin: -2, layerMax: 6 };
    let formula = await open('block_2_add', { ...base, layer: 'block_2_add', block: 2, kind: 'add', inputs: [{ layer: 'block_1_project_BN', value: 1.25 }, { layer: 'block_2_project_BN', value: -0.5 }], value: 0.75, model: 0.75 });
    expect(formula.textContent).toContain('The block\'s input (block_1_project_BN) and its projection (block_2_project_BN) at this cell, added:');
    expect(screen.getByTestId('layer-add').textContent).toBe('out = 1.2500 + (−0.5000) = 0.7500');
    expect(formula.firstElementChild).toMatchObject({ dataset: expect.objectContaining({ kind: 'add', value: '0.75', model: '0.75' }) });
    fireEvent.keyDown(window, { key: 'Escape' });

    formula = await open('block_2_project_BN', { ...cell, ...base, layer: 'block_2_project_BN', conv: 'block_2_project', block: 2, kind: 'project', bn: { ...cell.bn, value: -0.25 }, activation: { kind: 'linear', value: -0.25 }, model: -0.25 });
    expect(formula.textContent).toContain('Projection (1 × 1 convolution, MobileNet v2)');
    expect(formula.textContent).toContain('Linear bottleneck: no activation');
    expect(formula.textContent).not.toContain('min(max(0');
    expect(screen.getByTestId('layer-activation').textContent).toBe('a = v = −0.2500');
    fireEvent.keyDown(window, { key: 'Escape' });

    formula = await open('block_1_expand_relu', { ...cell, ...base, layer: 'block_1_expand_relu', conv: 'block_1_expand', block: 1, kind: 'expand' });
    expect(formula.textContent).toContain('Expansion (1 × 1 convolution, MobileNet v2)');
    expect(screen.getByTestId('layer-activation').textContent).toBe('min(max(0, 0.5000), 6) = 0.5000');
    vi.useRealTimers();
  });

  it('says why there is nothing to show', () => {
    render(<LayerExplorer classes={[]} prediction={null} modelStatus="ready" />);
    fireEvent.click(screen.getByTestId('layer-explorer-toggle'));
    expect(screen.getByTestId('layer-explorer').textContent).toContain('Add images to a class');
    expect(sent).toHaveLength(0);
  });
});

describe('HeadFormula', () => {
  it("shows a regions head's cells: the region's average, the scaling, the dense sums and the softmax", () => {
    const head: HeadCells = {
      layer: 'conv_pw_13_relu',
      labels: ['fist', 'palm'],
      classIndex: 1,
      steps: [
        { kind: 'pool', channel: 17, region: { y0: 0, x0: 3, size: 3 }, count: 9, sum: 13.5, value: 1.5, model: 1.5 },
        { kind: 'flatten', length: 1024 },
        { kind: 'scale', scale: 0.1, offset: 0, input: 1.5, value: 0.15, model: 0.15 },
        { kind: 'dense', layer: 'dense_1', unit: 4, activation: 'relu', terms: [{ k: 273, w: 2, x: 0.15 }], termCount: 1024, bias: 0.1, z: 0.4, value: 0.4, model: 0.4 },
        { kind: 'dense', layer: 'dense_2', unit: 1, activation: 'softmax', terms: [{ k: 4, w: 1, x: 0.4 }], termCount: 100, bias: 0, z: 0.4, value: 0.4, model: 0.4 },
        { kind: 'softmax', classIndex: 1, logits: [0, 0.4], value: 0.5987, model: 0.5987 },
      ],
    };
    render(<HeadFormula head={head} />);
    const text = screen.getByTestId('layer-head').textContent;
    expect(text).toContain('Average of the region rows 0–2, columns 3–5 of conv_pw_13_relu, channel 17:');
    expect(text).toContain('g = 13.5000 / 9 = 1.5000');
    expect(text).toContain('Flatten: the 1024 values in one row.');
    expect(text).toContain('Rescaling: the value times 0.1:');
    expect(text).toContain('0.1 · 1.5000 = 0.1500');
    expect(text).toContain('p = e^0.400 / (e^0.000 + e^0.400) = 0.5987');
  });

  it('lists the regional pooling and the scaling among the layer formulas', () => {
    render(<LayerFormulas />);
    const items = screen.getAllByRole('listitem', { hidden: true }).map((li) => li.textContent);
    expect(items.some((text) => text?.startsWith('Regional average pooling'))).toBe(true);
    expect(items.some((text) => text?.startsWith('Rescaling: v = s · g + o'))).toBe(true);
  });
});
