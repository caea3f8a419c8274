// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FromWorker, TransferToWorker } from '../../../worker/protocol';
import { fakeWorker } from '../../../client/fakeWorker.testutil';
import { DEFAULT_HEAD, type HeadConfig } from '../meta';
import { AugmentationPanel, PREVIEW_COUNT } from './AugmentationPanel';
import type { ClassView } from './useTransfer';

const { sent } = fakeWorker;
vi.mock('../../../client/WorkerProvider', async () => (await import('../../../client/fakeWorker.testutil')).workerProviderMock);

let urls = 0;
beforeEach(() => {
  sent.length = 0;
  vi.useFakeTimers();
  URL.createObjectURL = vi.fn(() => `blob:preview-${++urls}`);
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const classes: ClassView[] = [
  { id: 'c0', name: 'empty', images: [] },
  { id: 'c1', name: 'cats', images: [{ id: 'i1', name: 'a.jpg', url: 'blob:a' }, { id: 'i2', name: 'b.jpg', url: 'blob:b' }] },
];
const requests = () => sent.filter((m): m is Extract<TransferToWorker, { type: 'transfer/augmentPreview' }> => m.type === 'transfer/augmentPreview');
const ready = (requestId: number, imageId: string, hash: string): FromWorker => ({ type: 'transfer/augmentPreviewReady', requestId, imageId, hash, thumbnails: Array.from({ length: PREVIEW_COUNT }, () => new Blob([])) });
const wait = () => act(() => vi.advanceTimersByTime(200));

describe('AugmentationPanel', () => {
  it('previews the first image (debounced), shows the latest reply only, and asks again when a setting changes', async () => {
    let head: HeadConfig = DEFAULT_HEAD;
    const onHead = vi.fn((next: HeadConfig) => (head = next));
    const { rerender } = render(<AugmentationPanel head={head} classes={classes} onHead={onHead} />);
    expect(requests()).toHaveLength(0);
    await wait();
    expect(requests()).toEqual([{ type: 'transfer/augmentPreview', requestId: 1, imageId: 'i1', augmentation: DEFAULT_HEAD.augmentation, count: 8, seed: 1 }]);
    const grid = screen.getByTestId('augment-preview');
    expect(grid.getAttribute('aria-busy')).toBe('true');
    act(() => fakeWorker.reply(ready(1, 'i1', 'aaaa0001')));
    expect(grid.getAttribute('data-count')).toBe('8');
    expect(grid.getAttribute('data-hash')).toBe('aaaa0001');
    expect(grid.querySelectorAll('img')).toHaveLength(8);
    expect(grid.getAttribute('aria-busy')).toBe('false');

    fireEvent.click(screen.getByTestId('augment-flip'));
    expect(onHead).toHaveBeenLastCalledWith({ ...DEFAULT_HEAD, augmentation: { ...DEFAULT_HEAD.augmentation, flip: false } });
    rerender(<AugmentationPanel head={head} classes={classes} onHead={onHead} />);
    fireEvent.change(screen.getByTestId('augment-rotation'), { target: { value: '15' } });
    expect(head.augmentation).toEqual({ ...DEFAULT_HEAD.augmentation, flip: false, rotation: 15 });
    rerender(<AugmentationPanel head={head} classes={classes} onHead={onHead} />);
    await wait();
    // Both changes within the delay: one request, with both.
    expect(requests()).toHaveLength(2);
    expect(requests()[1].augmentation).toEqual(head.augmentation);
    // A reply to an older request is dropped.
    act(() => fakeWorker.reply(ready(1, 'i1', 'stale')));
    expect(grid.getAttribute('data-hash')).toBe('aaaa0001');
    act(() => fakeWorker.reply(ready(2, 'i1', 'bbbb0002')));
    expect(grid.getAttribute('data-hash')).toBe('bbbb0002');
    expect(URL.revokeObjectURL).toHaveBeenCalledTimes(8);

    fireEvent.change(screen.getByTestId('augment-image'), { target: { value: 'i2' } });
    fireEvent.click(screen.getByTestId('augment-reseed'));
    await wait();
    expect(requests().at(-1)).toMatchObject({ imageId: 'i2', seed: 2 });
  });

  it('switches augmentation on and off for fine-tuning and for the Tiny VGG', () => {
    const onHead = vi.fn();
    render(<AugmentationPanel head={DEFAULT_HEAD} classes={classes} onHead={onHead} />);
    expect((screen.getByTestId('fine-tune-augment') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('augment-scratch') as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByTestId('fine-tune-augment'));
    expect(onHead).toHaveBeenLastCalledWith({ ...DEFAULT_HEAD, augment: false });
    fireEvent.click(screen.getByTestId('augment-scratch'));
    expect(onHead).toHaveBeenLastCalledWith({ ...DEFAULT_HEAD, augmentScratch: true });
  });

  it('asks for nothing without images', async () => {
    render(<AugmentationPanel head={DEFAULT_HEAD} classes={[classes[0]]} onHead={() => undefined} />);
    await wait();
    expect(requests()).toHaveLength(0);
    expect(screen.queryByTestId('augment-preview')).toBeNull();
  });
});
