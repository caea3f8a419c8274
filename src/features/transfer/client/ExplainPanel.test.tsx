// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Explanation, FromWorker, TransferToWorker } from '../../../worker/protocol';
import { fakeWorker, resetForCanvasPanel } from '../../../client/fakeWorker.testutil';
import { ExplainPanel } from './ExplainPanel';
import type { PredictionView } from './useTransfer';

const { sent } = fakeWorker;
vi.mock('../../../client/WorkerProvider', async () => (await import('../../../client/fakeWorker.testutil')).workerProviderMock);

beforeEach(resetForCanvasPanel);
afterEach(cleanup);

const file = new Blob([new Uint8Array([1])]);
const view = (requestId: number): PredictionView => ({ requestId, url: 'blob:x', file, probabilities: new Float32Array([0.2, 0.8]), classNames: ['a', 'b'] });
const explained = (requestId: number, classIndex: number, map: number[]): Explanation => ({
  type: 'transfer/explained',
  requestId,
  model: 'transfer',
  classIndex,
  probabilities: new Float32Array([0.2, 0.8]),
  gradCam: new Float32Array(map),
  gridSize: 2,
  saliency: null,
  saliencySize: 0,
  image: new Uint8Array(224 * 224 * 3),
  gradCamMs: 12.3,
  saliencyMs: 0,
});
const reply = (message: FromWorker) => act(() => fakeWorker.reply(message));
const requests = () => sent.filter((m): m is Extract<TransferToWorker, { type: 'transfer/explain' }> => m.type === 'transfer/explain');

describe('ExplainPanel', () => {
  it('explains each ready prediction (top class first), one request in flight, only the latest choice waiting', async () => {
    const { rerender } = render(<ExplainPanel prediction={{ ...view(1), probabilities: null }} canExplain imported={false} scratchReady={false} />);
    expect(requests()).toHaveLength(0);
    rerender(<ExplainPanel prediction={view(1)} canExplain imported={false} scratchReady={false} />);
    expect(requests()).toHaveLength(1);
    expect(requests()[0]).toMatchObject({ requestId: 1, file, model: 'transfer', saliency: false });
    expect(requests()[0].classIndex).toBeUndefined();

    // While it runs, two choices: only the last is sent, after the reply.
    fireEvent.change(screen.getByTestId('explain-class'), { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('explain-saliency-toggle'));
    expect(requests()).toHaveLength(1);
    await reply(explained(1, 1, [0, 0.5, 1, 0.25]));
    expect(requests()).toHaveLength(2);
    expect(requests()[1]).toMatchObject({ requestId: 2, classIndex: 0, saliency: true });

    const canvas = screen.getByTestId('gradcam');
    expect(canvas.dataset).toMatchObject({ class: '1', size: '2', min: '0.0000', max: '1.0000', mean: '0.4375' });
    expect(Number(canvas.dataset.std)).toBeCloseTo(Math.sqrt((0.4375 ** 2 + 0.0625 ** 2 + 0.5625 ** 2 + 0.1875 ** 2) / 4), 4);
    expect(screen.getByTestId('explain-time').textContent).toContain('Grad-CAM 12 ms');

    // A stale reply is ignored; a failure is shown.
    await reply(explained(1, 1, [0, 0, 0, 0]));
    expect(screen.getByTestId('gradcam').dataset.max).toBe('1.0000');
    await reply({ type: 'transfer/explainFailed', requestId: 2, code: 'failed' });
    expect(screen.getByRole('alert').textContent).toMatch(/could not be computed/);
  });

  it('offers nothing for an imported classifier, and the model choice only once the Tiny VGG is trained', () => {
    const { rerender } = render(<ExplainPanel prediction={view(1)} canExplain imported scratchReady={false} />);
    expect(requests()).toHaveLength(0);
    expect(screen.queryByTestId('explain-model')).toBeNull();
    rerender(<ExplainPanel prediction={view(2)} canExplain imported={false} scratchReady />);
    expect(screen.getByTestId('explain-model')).toBeTruthy();
  });
});
