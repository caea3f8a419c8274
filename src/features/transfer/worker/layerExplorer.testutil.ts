/** The layer explorer asked through a studio view, as the worker asks it (layerMaps*.test.ts). */
import * as tf from '@tensorflow/tfjs';
import type { FromWorker } from '../../../worker/protocol';
import { LayerExplorer } from './layerMaps';
import type { BaseModel } from './model';
import type { StudioView, Trained } from './studioView';

/**
 * Asks for one photo's maps and one cell of `cellLayer`, once to burn in and three times more;
 * returns every message posted, the tensors left over after the burn-in, and the three runs' times.
 */
export async function exploreRepeatedly(base: BaseModel, trained: Trained, photo: Uint8Array, cellLayer: string) {
  const posted: FromWorker[] = [];
  const view = { base: async () => base, trained: () => trained, rgb: (id: string) => (id === 'photo' ? photo : undefined), post: (m: FromWorker) => posted.push(m) } as unknown as StudioView;
  const explorer = new LayerExplorer(view);
  const once = async (requestId: number) => {
    await explorer.handle({ type: 'transfer/layerMaps', requestId, imageId: 'photo', maxChannels: 16, maxSize: 56 });
    await explorer.handle({ type: 'transfer/layerCell', requestId: requestId + 1, layer: cellLayer, y: 3, x: 3, channel: 5 });
  };
  await once(1); // burn-in: the probe, weights read once
  const tensors = tf.memory().numTensors;
  const times: number[] = [];
  for (let n = 0; n < 3; n++) {
    await once(10 + 2 * n);
    const ready = [...posted].reverse().find((m) => m.type === 'transfer/layerMapsReady');
    if (ready?.type === 'transfer/layerMapsReady') times.push(ready.ms);
  }
  return { explorer, posted, leaked: tf.memory().numTensors - tensors, times };
}
