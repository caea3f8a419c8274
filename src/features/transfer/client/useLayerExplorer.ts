/**
 * The page side of the layer explorer: asks the worker for one image's layer maps, and for one
 * cell's numbers. Only the latest request of each kind counts; older answers are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { FromWorker } from '../../../worker/protocol';
import type { HeadCells, LayerCell, LayerMaps } from '../layerMapsMeta';

/** Channels per layer, and the largest side of a map sent for the grid. */
export const MAX_CHANNELS = 16;
export const MAX_MAP_SIZE = 56;

/** The image to look at: one of the classes' images (by id), or a file (the last predicted image). */
export type LayerSource = { key: string; imageId: string } | { key: string; file: Blob };

export type LayerMapsState =
  | { status: 'idle' }
  | { status: 'working'; key: string }
  | { status: 'done'; key: string; layers: LayerMaps[]; head: HeadCells | null; ms: number }
  | { status: 'error'; key: string; code: 'noModel' | 'noImage' | 'failed'; detail?: string };

export type CellState = { status: 'idle' } | { status: 'working' } | { status: 'done'; cell: LayerCell } | { status: 'error' };

export function useLayerExplorer() {
  const worker = useWorker();
  const [maps, setMaps] = useState<LayerMapsState>({ status: 'idle' });
  const [cell, setCell] = useState<CellState>({ status: 'idle' });
  const nextId = useRef(0);
  const mapsRequest = useRef<{ id: number; key: string } | null>(null);
  const cellRequest = useRef<number | null>(null);

  useEffect(() => {
    const onMessage = (message: FromWorker) => {
      if (message.type !== 'transfer/layerMapsReady' && message.type !== 'transfer/layerCellReady' && message.type !== 'transfer/layerFailed') return;
      const forMaps = message.requestId === mapsRequest.current?.id;
      if (!forMaps && message.requestId !== cellRequest.current) return;
      if (message.type === 'transfer/layerMapsReady') {
        setMaps({ status: 'done', key: mapsRequest.current!.key, layers: message.layers, head: message.head, ms: message.ms });
      } else if (message.type === 'transfer/layerCellReady') {
        setCell({ status: 'done', cell: message.cell });
      } else if (forMaps) {
        setMaps({ status: 'error', key: mapsRequest.current!.key, code: message.code, detail: message.detail });
      } else {
        setCell({ status: 'error' });
      }
    };
    const onCrash = () => {
      [mapsRequest.current, cellRequest.current] = [null, null];
      setMaps({ status: 'idle' });
      setCell({ status: 'idle' });
    };
    return worker.subscribe({ onMessage, onCrash });
  }, [worker]);

  const requestMaps = useCallback((source: LayerSource) => {
    const requestId = ++nextId.current;
    mapsRequest.current = { id: requestId, key: source.key };
    cellRequest.current = null;
    setMaps({ status: 'working', key: source.key });
    setCell({ status: 'idle' });
    const image = 'imageId' in source ? { imageId: source.imageId } : { file: source.file };
    worker.sendTransfer({ type: 'transfer/layerMaps', requestId, ...image, maxChannels: MAX_CHANNELS, maxSize: MAX_MAP_SIZE });
  }, [worker]);

  const requestCell = useCallback((layer: string, y: number, x: number, channel: number) => {
    const requestId = ++nextId.current;
    cellRequest.current = requestId;
    setCell((current) => (current.status === 'done' && current.cell.layer === layer && current.cell.channel === channel ? current : { status: 'working' }));
    worker.sendTransfer({ type: 'transfer/layerCell', requestId, layer, y, x, channel });
  }, [worker]);

  const closeCell = useCallback(() => {
    cellRequest.current = null;
    setCell({ status: 'idle' });
  }, []);

  return { maps, cell, requestMaps, requestCell, closeCell };
}
