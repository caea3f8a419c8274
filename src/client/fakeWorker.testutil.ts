/**
 * For component tests: a stand-in for the worker's client that records what is sent and lets the
 * test answer as the worker would. Use with
 *   vi.mock('…/client/WorkerProvider', async () => (await import('…/client/fakeWorker.testutil')).workerProviderMock);
 */
import { vi } from 'vitest';
import type { FromWorker, TransferToWorker } from '../worker/protocol';
import type { WorkerListener } from './trainerClient';

export const fakeWorker = {
  sent: [] as TransferToWorker[],
  listener: null as WorkerListener | null,
  client: {
    sendTransfer: (message: TransferToWorker) => fakeWorker.sent.push(message),
    subscribe: (listener: WorkerListener) => {
      fakeWorker.listener = listener;
      return () => (fakeWorker.listener = null);
    },
  },
  /** delivers a message as if the worker had sent it */
  reply: (message: FromWorker) => fakeWorker.listener!.onMessage(message),
};

export const workerProviderMock = { useWorker: () => fakeWorker.client };

/**
 * Before each test of a panel that draws on canvases: nothing sent yet, and no 2-D context (jsdom
 * has none), so painting is skipped and the data-* attributes are what a test checks.
 */
export function resetForCanvasPanel(): void {
  fakeWorker.sent.length = 0;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
}
