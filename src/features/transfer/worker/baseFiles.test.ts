/// <reference types="node" />
/**
 * The base's files for the export zip: the loaded model saved back as model.json + weights.bin with
 * the same numbers under the same names (what train.py reads by layer name), and its provenance and
 * licence texts, from the user's files or fetched next to its URL (a dev server's index.html for a
 * missing file is not taken for one).
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BASES } from '../bases';
import { aboutText, BASE_WEIGHTS_FILE, readNotices, savedModelFiles } from './baseFiles';
import { loadMobileNet, MODEL_DIR_V2 } from './mobilenet.testutil';

describe('savedModelFiles', () => {
  it("saves MobileNet v2 0.35 as loaded: Keras's weight names, each weight's numbers at its offset in weights.bin", async () => {
    await tf.setBackend('cpu');
    const model = await loadMobileNet(MODEL_DIR_V2);
    const { modelJson, weights } = await savedModelFiles(model);
    const json = JSON.parse(modelJson);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual([BASE_WEIGHTS_FILE]);
    expect(weights.map((w) => w.name)).toEqual([BASE_WEIGHTS_FILE]);
    const specs: { name: string; shape: number[]; dtype: string }[] = json.weightsManifest[0].weights;
    const sizes = specs.map((spec) => spec.shape.reduce((a, b) => a * b, 1));
    expect(weights[0].bytes.length).toBe(4 * sizes.reduce((a, b) => a + b, 0));
    const bytes = weights[0].bytes;
    for (const [layer, k, name] of [['Conv1', 0, 'Conv1/kernel'], ['block_16_depthwise', 0, 'block_16_depthwise/depthwise_kernel'], ['Conv_1_bn', 3, 'Conv_1_bn/moving_variance']] as const) {
      const index = specs.findIndex((spec) => spec.name === name);
      expect(index, name).toBeGreaterThanOrEqual(0);
      const offset = 4 * sizes.slice(0, index).reduce((a, b) => a + b, 0);
      const saved = new Float32Array(bytes.slice(offset, offset + 4 * sizes[index]).buffer);
      expect(saved).toEqual(model.getLayer(layer).getWeights()[k].dataSync());
    }
    model.dispose();
  }, 60_000);
});

describe('readNotices and aboutText', () => {
  afterEach(() => vi.unstubAllGlobals());
  const spec = BASES['mobilenet_v2_0.35'];

  it("takes PROVENANCE.md and licences from the user's files, nothing else", async () => {
    const files = [new File(['{}'], 'model.json'), new File(['# origin'], 'PROVENANCE.md'), new File(['Apache'], 'LICENSE'), new File(['x'], 'notes.md')];
    const notices = await readNotices({ kind: 'files', files });
    expect(notices).toEqual([{ name: 'PROVENANCE.md', text: '# origin' }, { name: 'LICENSE', text: 'Apache' }]);
    const about = aboutText(spec, { kind: 'files', files }, notices);
    expect(about).toContain("the user's files (model.json, PROVENANCE.md, LICENSE, notes.md)");
    expect(about).toContain('Provenance and licence: PROVENANCE.md, LICENSE.');
    expect(about).toContain('weights=None');
  });

  it("fetches them next to the model's URL, skipping missing ones and a dev server's index.html", async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: URL) => {
      asked.push(String(url));
      if (url.pathname.endsWith('/PROVENANCE.md')) return new Response('# mobilenet_v2_0.35_224');
      if (url.pathname.endsWith('/LICENSE')) return new Response('<!doctype html><html></html>');
      return new Response('', { status: 404 });
    });
    const notices = await readNotices({ kind: 'auto', defaultUrl: 'http://localhost:5173/models/mobilenet_v2_0.35_224/model.json' });
    expect(notices).toEqual([{ name: 'PROVENANCE.md', text: '# mobilenet_v2_0.35_224' }]);
    expect(asked[0]).toBe('http://localhost:5173/models/mobilenet_v2_0.35_224/PROVENANCE.md');
    expect(aboutText(spec, null, [])).toContain('No provenance or licence file was found');
  });

  it('goes without them offline', async () => {
    vi.stubGlobal('fetch', async () => { throw new TypeError('offline'); });
    expect(await readNotices({ kind: 'url', url: 'https://example.com/m/model.json' })).toEqual([]);
  });
});
