// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWorker } from '../../../client/fakeWorker.testutil';
import type { TransferToWorker } from '../../../worker/protocol';
import { usePrediction } from './usePrediction';
import type { ClassView } from './useTransfer';

vi.mock('../../../client/WorkerProvider', async () => (await import('../../../client/fakeWorker.testutil')).workerProviderMock);

const { sent } = fakeWorker;
const file = new Blob(['x'], { type: 'image/jpeg' });
const image = (id: string) => ({ id, name: `${id}.jpg`, url: `blob:${id}` });
const classes = (...imageIds: string[][]): ClassView[] => imageIds.map((ids, k) => ({ id: `c${k}`, name: `class ${k}`, images: ids.map(image) }));
const predictions = () => sent.filter((m): m is Extract<TransferToWorker, { type: 'transfer/predict' }> => m.type === 'transfer/predict');
const answer = (requestId: number, source: 'instant' | 'trained') =>
  act(() => fakeWorker.reply({ type: 'transfer/prediction', requestId, probabilities: new Float32Array([0.7, 0.3]), labels: ['class 0', 'class 1'], source }));

describe('usePrediction', () => {
  beforeEach(() => {
    sent.length = 0;
    URL.createObjectURL = () => 'blob:prediction';
    URL.revokeObjectURL = () => undefined;
  });

  it('can predict before training once two classes hold a photo (and the base is ready)', () => {
    const { result, rerender } = renderHook(({ all, ready }) => usePrediction(all, false, ready), { initialProps: { all: classes(['a'], []), ready: true } });
    expect(result.current.canPredict).toBe(false);
    rerender({ all: classes(['a'], ['b']), ready: false });
    expect(result.current.canPredict).toBe(false);
    rerender({ all: classes(['a'], ['b']), ready: true });
    expect(result.current.canPredict).toBe(true);
  });

  it('asks an instant prediction again when the photos change or a classifier is ready, then no more', () => {
    const { result, rerender } = renderHook(({ all, trained }) => usePrediction(all, trained, true), { initialProps: { all: classes(['a'], ['b']), trained: false } });
    act(() => result.current.predict(file));
    expect(predictions().map((m) => m.classes)).toEqual([[{ id: 'c0', name: 'class 0', imageIds: ['a'] }, { id: 'c1', name: 'class 1', imageIds: ['b'] }]]);
    answer(1, 'instant');
    expect(result.current.prediction).toMatchObject({ requestId: 1, source: 'instant' });

    // a photo added while nothing is pending: the same image, asked again with the classes now
    rerender({ all: classes(['a', 'a2'], ['b']), trained: false });
    expect(predictions()).toHaveLength(2);
    expect(predictions()[1]).toMatchObject({ requestId: 2, file, classes: [{ imageIds: ['a', 'a2'] }, { imageIds: ['b'] }] });
    // a photo removed while that one is pending: asked once it is back
    rerender({ all: classes(['a2'], ['b']), trained: false });
    expect(predictions()).toHaveLength(2);
    answer(2, 'instant');
    expect(predictions()).toHaveLength(3);
    expect(predictions()[2].classes![0].imageIds).toEqual(['a2']);
    answer(3, 'instant');
    expect(predictions()).toHaveLength(3);

    // trained: asked again, answered by the classifier; then class changes do not ask again
    rerender({ all: classes(['a2'], ['b']), trained: true });
    expect(predictions()).toHaveLength(4);
    answer(4, 'trained');
    expect(result.current.prediction).toMatchObject({ requestId: 4, source: 'trained' });
    rerender({ all: classes(['a2', 'a3'], ['b']), trained: true });
    expect(predictions()).toHaveLength(4);
  });
});
