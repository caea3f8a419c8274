/**
 * The studio's photos and trained head in IndexedDB, so a reload loses nothing.
 *
 * THE CONTRACT (what a reload, a crash or a closed tab may never lose):
 * 1. A photo is saved in one write that is complete on its own: its record holds its class id and
 *    the order it was added in (`addedAt`), besides its 224² JPEG and name. No list elsewhere has to
 *    be written too, so no second write can land late, early or not at all and lose it.
 * 2. The page shows a photo only once that write has committed (`saveImage` resolves on the
 *    transaction's `complete`), or shows it marked "not saved" when the browser refused it. Until
 *    then the class shows it as still being added (its progress bar).
 * 3. Class ids, names and order, and the settings, are written by the page itself, synchronously
 *    (localStorage, before the change is painted: client/projectSettings.ts).
 * 4. A class is in that saved list before any photo can be added to it. A photo whose class is not in
 *    the list belongs to a class the user deleted (and did not undo): the restore (persistence.ts) removes those
 *    at the next start, and nothing else. With no saved list at all, nothing is pruned.
 * 5. Removing a photo deletes its record; a delete that fails only brings the photo back.
 * 6. The trained head: tfjs saves its weights under HEAD_URL first, then `saveTrained` writes what it
 *    was trained on. A reload between the two keeps the previous record, which the restore checks
 *    against the labels before using the weights.
 * Writes that touch one object store run in the order they were made (IndexedDB orders read-write
 * transactions with overlapping scopes), and a refused write rejects with StorageRefused.
 */
import type { StorageCode } from '../../../worker/protocol';
import type { BaseId } from '../bases';
import { TRUNCATION_LAYER, type HeadConfig } from '../meta';

const DB_NAME = 'neural-playground-studio';
const IMAGES = 'images';
const META = 'meta';
/** the key of what the trained head was trained on */
const TRAINED_KEY = 'trained';
/** the key of the whole project as versions before 2026-12 saved it (classes with image ids, settings) */
const LEGACY_KEY = 'project';
export const HEAD_URL = 'indexeddb://neural-playground/studio-head';

export interface StoredImageRecord {
  name: string;
  /** 224 × 224 JPEG */
  jpeg: Blob;
  /** the class it was added to (absent only in records of the legacy format, before migration) */
  classId?: string;
  /** when it was added (ms since 1970, made strictly increasing): its place in its class */
  addedAt?: number;
}

/** What the saved head was trained on. */
export interface TrainedRecord {
  /** class names in output order */
  labels: string[];
  /** the base layer whose output feeds the saved classifier */
  cut: string;
  /** the settings it was trained with */
  config: HeadConfig;
  /** the base it sits on (absent in records made before the registry: MobileNet v1 0.25) */
  base?: BaseId;
}

/** The legacy project record (one list of classes with their image ids, and the settings). */
export interface LegacyProject {
  classes: { id: string; name: string; imageIds: string[] }[];
  head: HeadConfig;
  trainedLabels: string[] | null;
  trainedCut?: string;
  trainedConfig?: HeadConfig;
}

/** The browser refused a write: 'quota' when storage is full (or was evicted), 'failed' otherwise. */
export class StorageRefused extends Error {
  constructor(readonly code: StorageCode, detail: string) {
    super(detail);
  }
}

export function refusal(error: unknown): StorageRefused {
  if (error instanceof StorageRefused) return error;
  const name = error instanceof DOMException ? error.name : '';
  return new StorageRefused(name === 'QuotaExceededError' ? 'quota' : 'failed', String(error));
}

/** Writes that fail on purpose (the `?debug=1` hook `debug/failWrites`), to test a full disk. */
let failingWrites = 0;
export function failNextWrites(count: number): void {
  failingWrites = Math.max(0, Math.floor(count));
}
function injectedFailure(): StorageRefused | null {
  if (failingWrites === 0) return null;
  failingWrites--;
  return new StorageRefused('quota', 'QuotaExceededError (debug/failWrites)');
}

let database: Promise<IDBDatabase> | null = null;
function open(): Promise<IDBDatabase> {
  database ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(IMAGES);
      req.result.createObjectStore(META);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return database;
}

/** Forgets the open connection (tests delete the database between cases). */
export async function closeForTests(): Promise<void> {
  const db = await database?.catch(() => null);
  db?.close();
  database = null;
  failingWrites = 0;
}

/**
 * Runs `work` in one transaction and resolves with its result once the transaction has committed;
 * rejects with StorageRefused if a write is refused or the transaction aborts.
 */
async function transact<T>(name: string, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  if (mode === 'readwrite') {
    const failure = injectedFailure();
    if (failure) throw failure;
  }
  const tx = (await open()).transaction(name, mode);
  return new Promise<T | undefined>((resolve, reject) => {
    let result: T | undefined;
    const req = work(tx.objectStore(name));
    if (req) req.onsuccess = () => (result = req.result);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(refusal(tx.error ?? req?.error));
    tx.onabort = () => reject(refusal(tx.error ?? new DOMException('transaction aborted', 'AbortError')));
  });
}

let lastAddedAt = 0;
/** A strictly increasing time stamp: the order photos were added in, across sessions. */
export function nextAddedAt(): number {
  lastAddedAt = Math.max(lastAddedAt + 1, Date.now());
  return lastAddedAt;
}

/** Saves one photo; resolves once it is on disk (committed). */
export async function saveImage(id: string, record: StoredImageRecord): Promise<void> {
  await transact(IMAGES, 'readwrite', (images) => void images.put(record, id));
}

export async function deleteImages(ids: string[]): Promise<void> {
  await transact(IMAGES, 'readwrite', (images) => ids.forEach((id) => images.delete(id)));
}

export async function loadImage(id: string): Promise<StoredImageRecord | undefined> {
  return transact(IMAGES, 'readonly', (images) => images.get(id) as IDBRequest<StoredImageRecord | undefined>);
}

/** Every saved photo with its id, in the order added (records without a time stamp first, by id). */
export async function loadImages(): Promise<{ id: string; record: StoredImageRecord }[]> {
  const db = await open();
  const tx = db.transaction(IMAGES, 'readonly');
  const store = tx.objectStore(IMAGES);
  const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
  const all = (keys as string[]).map((id, k) => ({ id, record: values[k] as StoredImageRecord }));
  return all.sort((a, b) => (a.record.addedAt ?? 0) - (b.record.addedAt ?? 0));
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Saves the trained head: its weights (by tfjs, under HEAD_URL), then what it was trained on. */
export async function saveTrained(head: { save(url: string): Promise<unknown> }, record: TrainedRecord): Promise<void> {
  const failure = injectedFailure();
  if (failure) throw failure;
  try {
    await head.save(HEAD_URL);
  } catch (error) {
    throw refusal(error);
  }
  await transact(META, 'readwrite', (meta) => void meta.put(record, TRAINED_KEY));
}

/** Forgets what the saved head was trained on (a project opened without a classifier): its weights are then never used. */
export async function clearTrained(): Promise<void> {
  await transact(META, 'readwrite', (meta) => void meta.delete(TRAINED_KEY));
}

export async function loadTrained(): Promise<TrainedRecord | undefined> {
  return transact(META, 'readonly', (meta) => meta.get(TRAINED_KEY) as IDBRequest<TrainedRecord | undefined>);
}

/**
 * Moves a project saved in the legacy format to this one, once: each listed photo gets its class
 * id and order, photos no class listed go (as the legacy restore pruned them), and what the head
 * was trained on moves to its own record. Returns the legacy classes and settings (null when there
 * was none) for the page to adopt.
 */
export async function migrateLegacy(): Promise<LegacyProject | null> {
  const legacy = (await transact(META, 'readonly', (meta) => meta.get(LEGACY_KEY) as IDBRequest<LegacyProject | undefined>)) ?? null;
  if (!legacy) return null;
  const classOf = new Map<string, { classId: string; order: number }>();
  legacy.classes.forEach((c) => c.imageIds.forEach((id) => classOf.set(id, { classId: c.id, order: classOf.size })));
  const base = Date.now();
  const db = await open();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction([IMAGES, META], 'readwrite');
    const images = tx.objectStore(IMAGES);
    const cursor = images.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      const place = classOf.get(at.key as string);
      const record = at.value as StoredImageRecord;
      if (record.classId !== undefined) {
        // already in this format: left as it is
      } else if (!place) at.delete();
      else at.update({ ...record, classId: place.classId, addedAt: base - classOf.size + place.order });
      at.continue();
    };
    const meta = tx.objectStore(META);
    if (legacy.trainedLabels) meta.put({ labels: legacy.trainedLabels, cut: legacy.trainedCut ?? TRUNCATION_LAYER, config: legacy.trainedConfig ?? legacy.head } satisfies TrainedRecord, TRAINED_KEY);
    meta.delete(LEGACY_KEY);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(refusal(tx.error));
    tx.onabort = () => reject(refusal(tx.error));
  });
  return legacy;
}

/** Writes a project in the legacy format (for the migration's tests only). */
export async function saveLegacyForTests(project: LegacyProject): Promise<void> {
  await transact(META, 'readwrite', (meta) => void meta.put(project, LEGACY_KEY));
}
