/**
 * For component tests: the camera a component sees through useWebcam, on, with a JPEG for every
 * capture. Use with
 *   vi.mock('./useWebcam', async (original) => ({ ...(await original<typeof import('./useWebcam')>()), useWebcam: () => webcam }));
 * (vi.mock is hoisted, so each test file keeps its own call; `webcam` is imported from here.)
 */
import { vi } from 'vitest';
import type { useWebcam } from './useWebcam';

export const webcam: ReturnType<typeof useWebcam> = {
  status: 'on',
  error: null,
  start: vi.fn(async () => undefined),
  stop: vi.fn(),
  videoRef: () => undefined,
  capture: vi.fn(async () => new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' })),
};
