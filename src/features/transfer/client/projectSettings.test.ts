import { describe, expect, it } from 'vitest';
import type { RestoredImage } from '../../../worker/protocol';
import { DEFAULT_HEAD } from '../meta';
import { readSettings, SETTINGS_KEY, withRestoredImages, writeSettings } from './projectSettings';
import { formatBytes } from './StorageStatus';

function storageWith(value: string | null): Storage {
  const items = new Map<string, string>(value === null ? [] : [[SETTINGS_KEY, value]]);
  return { length: items.size, clear: () => items.clear(), getItem: (k) => items.get(k) ?? null, key: () => null, removeItem: (k) => void items.delete(k), setItem: (k, v) => void items.set(k, v) };
}

describe('saved classes and settings', () => {
  it('round-trip, with the settings normalised (missing ones get defaults)', () => {
    const storage = storageWith(null);
    expect(writeSettings({ classes: [{ id: 'a', name: 'cat' }], head: { ...DEFAULT_HEAD, epochs: 12 } }, storage)).toBe(true);
    expect(readSettings(storage)).toEqual({ classes: [{ id: 'a', name: 'cat' }], head: { ...DEFAULT_HEAD, epochs: 12 }, base: 'mobilenet_v1_0.25' });
    writeSettings({ classes: [], head: DEFAULT_HEAD, base: 'mobilenet_v2_0.35' }, storage);
    expect(readSettings(storage)!.base).toBe('mobilenet_v2_0.35');
    const partial = storageWith(JSON.stringify({ version: 2, classes: [{ id: 'b', name: 'dog' }], head: { epochs: 3 } }));
    // Saved before the refit existed: trained without it, as then.
    expect(readSettings(partial)!.head).toEqual({ ...DEFAULT_HEAD, epochs: 3, refit: false });
    // Saved before there was a choice of base (or an unknown one): MobileNet v1 0.25.
    expect(readSettings(partial)!.base).toBe('mobilenet_v1_0.25');
    expect(readSettings(storageWith(JSON.stringify({ version: 2, classes: [], base: 'resnet' })))!.base).toBe('mobilenet_v1_0.25');
  });

  it('ignore what is not theirs: no record, bad JSON, another version, malformed classes', () => {
    expect(readSettings(storageWith(null))).toBeNull();
    expect(readSettings(storageWith('{not json'))).toBeNull();
    expect(readSettings(storageWith(JSON.stringify({ version: 1, classes: [] })))).toBeNull();
    expect(readSettings(storageWith(JSON.stringify({ version: 2, classes: [{ id: '', name: 'x' }, { id: 'k', name: 3 }, { id: 'ok', name: 'fine' }] })))!.classes).toEqual([{ id: 'ok', name: 'fine' }]);
    expect(readSettings(null)).toBeNull();
  });
});

describe('photos read back into their classes', () => {
  const restored = (classId: string, id: string): RestoredImage => ({ classId, id, name: `${id}.jpg`, thumbnail: new Blob([]) });
  const view = (image: RestoredImage) => ({ id: image.id, fresh: true });

  it('go to their class in order, keep the views already shown, and come before photos added meanwhile', () => {
    const shownBefore = { id: 'a2', fresh: false };
    const classes = [{ id: 'A', name: 'a', images: [shownBefore, { id: 'new', fresh: false }] }, { id: 'B', name: 'b', images: [] }];
    const result = withRestoredImages(classes, [restored('A', 'a1'), restored('B', 'b1'), restored('A', 'a2')], null, view, (n) => `Class ${n}`);
    expect(result.map((c) => c.images.map((image) => image.id))).toEqual([['a1', 'a2', 'new'], ['b1']]);
    expect(result[0].images[1]).toBe(shownBefore);
    expect(result[1]).not.toBe(classes[1]);
  });

  it("adopt a legacy project's classes, keeping classes that got photos before it was read", () => {
    const classes = [{ id: 'x', name: 'Class 1', images: [] }, { id: 'y', name: 'Class 2', images: [{ id: 'early', fresh: false }] }];
    const legacy = { classes: [{ id: 'K', name: 'keys' }], head: DEFAULT_HEAD };
    const result = withRestoredImages(classes, [restored('K', 'k1'), restored('y', 'early')], legacy, view, (n) => `Class ${n}`);
    expect(result.map((c) => [c.name, c.images.map((image) => image.id)])).toEqual([['keys', ['k1']], ['Class 2', ['early']]]);
  });
});

describe('formatBytes', () => {
  it('rounds to B, kB, MB and GB', () => {
    expect([512, 2_345, 45_600, 6_300_000, 10_700_000_000].map(formatBytes)).toEqual(['512 B', '2.3 kB', '46 kB', '6.3 MB', '10.7 GB']);
  });
});
