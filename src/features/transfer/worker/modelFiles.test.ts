import { describe, expect, it } from 'vitest';
import { checkModelJson, MAX_IMPORT_BYTES, ModelFilesRefused } from './modelFiles';

const topology = { class_name: 'Sequential', config: { layers: [] } };
const json = (weightsManifest: unknown, extra: object = {}) => JSON.stringify({ modelTopology: topology, weightsManifest, ...extra });
const dense = (rows: number, cols: number, dtype = 'float32') => [{ name: 'd/kernel', shape: [rows, cols], dtype }, { name: 'd/bias', shape: [cols], dtype }];

function refusal(text: string, files: { name: string; size: number }[]): { code: string; detail: string } {
  try {
    checkModelJson(text, files);
  } catch (error) {
    if (error instanceof ModelFilesRefused) return { code: error.code, detail: error.detail };
    throw error;
  }
  throw new Error('accepted');
}

describe('checkModelJson', () => {
  it('accepts a model whose shards hold what the manifest declares, and returns the bytes', () => {
    const manifest = [{ paths: ['a.bin', 'b.bin'], weights: dense(100, 10) }];
    expect(checkModelJson(json(manifest), [{ name: 'a.bin', size: 4000 }, { name: 'b.bin', size: 40 }])).toBe(4040);
  });

  it('counts quantized weights at their stored size and matches paths by file name', () => {
    const manifest = [{ paths: ['dir/w.bin'], weights: [{ name: 'k', shape: [1000], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }] }];
    expect(checkModelJson(json(manifest), [{ name: 'w.bin', size: 1000 }])).toBe(1000);
  });

  it('refuses text that is not a layers model', () => {
    expect(refusal('{"modelTopology": 42}', []).code).toBe('importFailed');
    expect(refusal('not json', []).code).toBe('importFailed');
    expect(refusal(json([{ paths: 'w.bin', weights: [] }]), []).code).toBe('importFailed');
    expect(refusal(json([{ paths: ['w.bin'], weights: [{ name: 'k', shape: [-1], dtype: 'float32' }] }]), [{ name: 'w.bin', size: 4 }]).code).toBe('importFailed');
    expect(refusal(json([{ paths: ['w.bin'], weights: [{ name: 'k', shape: [2], dtype: 'string' }] }]), [{ name: 'w.bin', size: 8 }]).code).toBe('importFailed');
  });

  it('names the shards that were not given, or are too short', () => {
    const manifest = [{ paths: ['s1.bin', 's2.bin'], weights: dense(100, 10) }];
    expect(refusal(json(manifest), [{ name: 's1.bin', size: 4040 }])).toEqual({ code: 'importMissingWeights', detail: 's2.bin' });
    expect(refusal(json(manifest), [{ name: 's1.bin', size: 100 }, { name: 's2.bin', size: 100 }])).toEqual({ code: 'importMissingWeights', detail: 's1.bin, s2.bin' });
  });

  it('refuses gigabytes declared before looking at the files', () => {
    const manifest = [{ paths: ['w.bin'], weights: dense(100_000, 100_000) }];
    expect(refusal(json(manifest), [{ name: 'w.bin', size: 64 }])).toEqual({ code: 'importTooLarge', detail: '40000' });
    const justOver = [{ paths: ['w.bin'], weights: [{ name: 'k', shape: [MAX_IMPORT_BYTES / 4 + 1], dtype: 'float32' }] }];
    expect(refusal(json(justOver), [{ name: 'w.bin', size: MAX_IMPORT_BYTES + 4 }]).code).toBe('importTooLarge');
  });
});
