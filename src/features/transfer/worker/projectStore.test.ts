/**
 * The project store's contract (projectStore.ts), on an in-memory IndexedDB: a photo reported as
 * saved is on disk, complete, whatever else is written around it; interleaved adds to several
 * classes, removes, renames, deletes and Train's save all come back after a "reload" (a new
 * connection, a new worker); refused writes lose nothing saved before and can be tried again.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FromWorker } from '../../../worker/protocol';
import { DEFAULT_HEAD } from '../meta';
import { readSettings, withRestoredImages, writeSettings } from '../client/projectSettings';
import { Persistence } from './persistence';
import * as project from './projectStore';

/** A fake decoder: the "pixels" are the JPEG's bytes. */
const decode = async (jpeg: Blob) => ({ rgb: new Uint8Array(await jpeg.arrayBuffer()), thumbnail: jpeg });
const jpegOf = (text: string) => new Blob([text], { type: 'image/jpeg' });

/** A worker's persistence and what it posted to the page. */
function worker() {
  const posted: FromWorker[] = [];
  return { persistence: new Persistence((message) => posted.push(message), decode), posted, images: new Map<string, { rgb: Uint8Array }>() };
}

/** Reads the images store through a connection of its own: only what has committed. */
async function committedIds(): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('neural-playground-studio', 1);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
    const req = db.transaction('images', 'readonly').objectStore('images').getAllKeys();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return keys as string[];
}

/** A reload: the page's connection goes, the next worker opens its own. */
const reload = () => project.closeForTests();

/** A Storage in memory (the page's localStorage), optionally full. */
function memoryStorage(full = false): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (n) => [...items.keys()][n] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => {
      if (full) throw new DOMException('full', 'QuotaExceededError');
      items.set(key, value);
    },
  };
}

beforeEach(async () => {
  await reload();
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase('neural-playground-studio');
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
});
afterEach(reload);

/** Keys whose put has committed (its transaction's `complete` event), as it happens. */
function watchCommits(): { committed: Set<string>; stop(): void } {
  const committed = new Set<string>();
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const req = put.call(this, value, key);
    this.transaction.addEventListener('complete', () => committed.add(String(key)));
    return req;
  };
  return { committed, stop: () => void (IDBObjectStore.prototype.put = put) };
}

describe('saving photos', () => {
  it('reports a photo saved only once its write has committed, complete with its class', async () => {
    const { persistence } = worker();
    const commits = watchCommits();
    try {
      const saves = ['a1', 'a2', 'a3'].map((id) => persistence.save(id, 'A', `${id}.jpg`, jpegOf(id)).then((saved) => [saved, commits.committed.has(id)]));
      expect(await Promise.all(saves)).toEqual([[true, true], [true, true], [true, true]]);
    } finally {
      commits.stop();
    }
    expect((await committedIds()).sort()).toEqual(['a1', 'a2', 'a3']);
    const record = await project.loadImage('a2');
    expect(record).toMatchObject({ name: 'a2.jpg', classId: 'A' });
    expect(record!.addedAt).toBeGreaterThan((await project.loadImage('a1'))!.addedAt!);
  });

  it('interleaved adds to two classes, removes, a rename and a deleted class all come back after a reload', async () => {
    const storage = memoryStorage();
    const classes = [{ id: 'A', name: 'fist' }, { id: 'B', name: 'one' }, { id: 'C', name: 'gone' }];
    writeSettings({ classes, head: DEFAULT_HEAD }, storage);
    const page = worker();
    // Two adds running at once (A and B), not awaited in order, with a remove and a rename among them.
    const pending: Promise<boolean>[] = [];
    for (let k = 0; k < 12; k++) {
      pending.push(page.persistence.save(`a${k}`, 'A', `a${k}.jpg`, jpegOf(`a${k}`)));
      pending.push(page.persistence.save(`b${k}`, 'B', `b${k}.jpg`, jpegOf(`b${k}`)));
      if (k === 5) void page.persistence.remove(['a2', 'b3']);
      if (k === 7) writeSettings({ classes: [classes[0], { id: 'B', name: 'one finger' }, classes[2]], head: { ...DEFAULT_HEAD, epochs: 7 } }, storage);
    }
    pending.push(page.persistence.save('c0', 'C', 'c0.jpg', jpegOf('c0')));
    expect(await Promise.all(pending)).toEqual(pending.map(() => true));
    // Class C is deleted (and not undone) before the reload.
    writeSettings({ classes: [classes[0], { id: 'B', name: 'one finger' }], head: { ...DEFAULT_HEAD, epochs: 7 } }, storage);
    await reload();

    const saved = readSettings(storage)!;
    expect(saved.classes.map((c) => c.name)).toEqual(['fist', 'one finger']);
    expect(saved.head.epochs).toBe(7);
    const next = worker();
    const { images } = await next.persistence.restore(saved.classes.map((c) => c.id), next.images);
    const idsOf = (classId: string) => images.filter((image) => image.classId === classId).map((image) => image.id);
    expect(idsOf('A')).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((k) => `a${k}`));
    expect(idsOf('B')).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11].map((k) => `b${k}`));
    expect(idsOf('C')).toEqual([]);
    expect(await committedIds()).not.toContain('c0');
    expect(new TextDecoder().decode(next.images.get('a7')!.rgb)).toBe('a7');
  });

  it('a class deleted but still undoable when the worker restarts keeps its photos', async () => {
    const { persistence } = worker();
    await persistence.save('x', 'X', 'x.jpg', jpegOf('x'));
    await persistence.save('y', 'Y', 'y.jpg', jpegOf('y'));
    const next = worker();
    // The page lists class X as shown and Y as deleted-with-undo (as recover() does).
    const { images } = await next.persistence.restore(['X', 'Y'], next.images);
    expect(images.map((image) => image.id)).toEqual(['x', 'y']);
  });

  it('with no saved class list nothing is pruned, and orphan photos get a class of their own', async () => {
    const { persistence } = worker();
    await persistence.save('p', 'P', 'p.jpg', jpegOf('p'));
    await reload();
    const next = worker();
    const { images } = await next.persistence.restore(null, next.images);
    expect(images.map((image) => image.id)).toEqual(['p']);
    const classes = withRestoredImages([{ id: 'new', name: 'Class 1', images: [] as { id: string }[] }], images, null, (image) => ({ id: image.id }), (n) => `Class ${n}`);
    expect(classes.map((c) => [c.id, c.name, c.images.map((image) => image.id)])).toEqual([['new', 'Class 1', []], ['P', 'Class 2', ['p']]]);
  });
});

describe('refused writes (storage full)', () => {
  it('marks the refused photos, keeps every photo saved before, and saves them on a retry', async () => {
    const { persistence, posted } = worker();
    expect(await persistence.save('ok1', 'A', 'ok1.jpg', jpegOf('ok1'))).toBe(true);
    project.failNextWrites(2);
    expect(await persistence.save('no1', 'A', 'no1.jpg', jpegOf('no1'))).toBe(false);
    expect(await persistence.save('no2', 'A', 'no2.jpg', jpegOf('no2'))).toBe(false);
    expect(await persistence.save('ok2', 'A', 'ok2.jpg', jpegOf('ok2'))).toBe(true);
    const refusals = posted.filter((m) => m.type === 'transfer/storageRefused');
    expect(refusals.map((m) => m.type === 'transfer/storageRefused' && [m.code, m.imageIds])).toEqual([['quota', ['no1']], ['quota', ['no2']]]);
    expect((await committedIds()).sort()).toEqual(['ok1', 'ok2']);

    await persistence.retry();
    expect(posted.at(-1)).toEqual({ type: 'transfer/imagesSaved', imageIds: ['no1', 'no2'] });
    await reload();
    const next = worker();
    expect((await next.persistence.restore(['A'], next.images)).images.map((image) => image.id)).toEqual(['ok1', 'no1', 'no2', 'ok2']);
  });

  it('a retry that is refused again says so and keeps the photo for the next try', async () => {
    const { persistence, posted } = worker();
    project.failNextWrites(2);
    expect(await persistence.save('no', 'A', 'no.jpg', jpegOf('no'))).toBe(false);
    await persistence.retry();
    expect(posted.at(-1)).toMatchObject({ type: 'transfer/storageRefused', imageIds: ['no'] });
    await persistence.retry();
    expect(posted.at(-1)).toEqual({ type: 'transfer/imagesSaved', imageIds: ['no'] });
  });

  it('a removed photo that was refused is not tried again', async () => {
    const { persistence, posted } = worker();
    project.failNextWrites(1);
    await persistence.save('no', 'A', 'no.jpg', jpegOf('no'));
    await persistence.remove(['no']);
    await persistence.retry();
    expect(posted.filter((m) => m.type === 'transfer/imagesSaved')).toEqual([]);
    expect(await committedIds()).toEqual([]);
  });

  it('settings the browser refuses are reported (and the ones saved before stay)', () => {
    const storage = memoryStorage();
    expect(writeSettings({ classes: [{ id: 'A', name: 'cat' }], head: DEFAULT_HEAD }, storage)).toBe(true);
    const full = memoryStorage(true);
    expect(writeSettings({ classes: [{ id: 'A', name: 'dog' }], head: DEFAULT_HEAD }, full)).toBe(false);
    expect(readSettings(storage)!.classes[0].name).toBe('cat');
    expect(writeSettings({ classes: [], head: DEFAULT_HEAD }, null)).toBe(false);
  });
});

describe("Train's save", () => {
  const record = (labels: string[]): project.TrainedRecord => ({ labels, cut: 'conv_pw_13_relu', config: DEFAULT_HEAD });

  it('writes the head first, then what it was trained on; a refused head keeps the previous record', async () => {
    const order: string[] = [];
    const head = { save: async (url: string) => void order.push(url) };
    await project.saveTrained(head, record(['a', 'b']));
    expect(order).toEqual([project.HEAD_URL]);
    expect((await project.loadTrained())!.labels).toEqual(['a', 'b']);

    const refusing = { save: async () => Promise.reject(new DOMException('full', 'QuotaExceededError')) };
    await expect(project.saveTrained(refusing, record(['a', 'b', 'c']))).rejects.toMatchObject({ code: 'quota' });
    project.failNextWrites(1);
    await expect(project.saveTrained(head, record(['x', 'y']))).rejects.toBeInstanceOf(project.StorageRefused);
    await reload();
    expect((await project.loadTrained())!.labels).toEqual(['a', 'b']);
  });

  it('does not disturb photos being saved at the same time', async () => {
    const { persistence } = worker();
    const saves = [persistence.save('a', 'A', 'a.jpg', jpegOf('a')), project.saveTrained({ save: async () => undefined }, record(['A'])), persistence.save('b', 'A', 'b.jpg', jpegOf('b'))];
    await Promise.all(saves);
    await reload();
    expect((await committedIds()).sort()).toEqual(['a', 'b']);
    expect((await project.loadTrained())!.labels).toEqual(['A']);
  });

  it('a project opened without a classifier forgets the saved one (clearTrained): after a reload nothing is restored', async () => {
    await project.saveTrained({ save: async () => undefined }, record(['a', 'b']));
    await project.clearTrained();
    await reload();
    expect(await project.loadTrained()).toBeUndefined();
  });
});

describe('a project saved by an earlier version', () => {
  it('is moved over once: listed photos get their class and order, unlisted ones go, the trained record moves', async () => {
    for (const id of ['l1', 'l2', 'l3', 'stray']) await project.saveImage(id, { name: `${id}.jpg`, jpeg: jpegOf(id) });
    await project.saveLegacyForTests({ classes: [{ id: 'K', name: 'keys', imageIds: ['l2', 'l1'] }, { id: 'L', name: 'lamp', imageIds: ['l3'] }], head: { ...DEFAULT_HEAD, epochs: 9 }, trainedLabels: ['keys', 'lamp'] });
    const first = worker();
    const { images, legacy } = await first.persistence.restore(null, first.images);
    expect(legacy).toEqual({ classes: [{ id: 'K', name: 'keys' }, { id: 'L', name: 'lamp' }], head: { ...DEFAULT_HEAD, epochs: 9 } });
    expect(images.map((image) => [image.classId, image.id])).toEqual([['K', 'l2'], ['K', 'l1'], ['L', 'l3']]);
    expect(await committedIds()).not.toContain('stray');
    expect((await project.loadTrained())!.labels).toEqual(['keys', 'lamp']);
    await reload();
    const again = worker();
    expect((await again.persistence.restore(['K', 'L'], again.images)).legacy).toBeNull();
  });
});
