/**
 * The studio's project in IndexedDB, so a reload loses nothing: each image as a 224² JPEG (with its
 * name), and one record with the classes, settings and what the trained head was trained on. The
 * trained head itself is saved by tfjs under HEAD_URL.
 */
import type { HeadConfig } from '../meta';

const DB_NAME = 'neural-playground-studio';
const IMAGES = 'images';
const META = 'meta';
export const HEAD_URL = 'indexeddb://neural-playground/studio-head';

export interface StoredClass {
  id: string;
  name: string;
  imageIds: string[];
}

export interface ProjectRecord {
  classes: StoredClass[];
  head: HeadConfig;
  /** class names the saved head was trained on, in output order; null without a trained head */
  trainedLabels: string[] | null;
  /** the base layer whose output feeds the saved classifier (absent: conv_pw_13_relu, a head only) */
  trainedCut?: string;
  /** the settings it was trained with */
  trainedConfig?: HeadConfig;
}

export interface StoredImageRecord {
  name: string;
  /** 224 × 224 JPEG */
  jpeg: Blob;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
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

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await open()).transaction(name, mode).objectStore(name);
}

export async function saveImage(id: string, record: StoredImageRecord): Promise<void> {
  await request((await store(IMAGES, 'readwrite')).put(record, id));
}

export async function deleteImages(ids: string[]): Promise<void> {
  const images = await store(IMAGES, 'readwrite');
  await Promise.all(ids.map((id) => request(images.delete(id))));
}

export async function loadImage(id: string): Promise<StoredImageRecord | undefined> {
  return request((await store(IMAGES, 'readonly')).get(id) as IDBRequest<StoredImageRecord | undefined>);
}

export async function saveProject(project: ProjectRecord): Promise<void> {
  await request((await store(META, 'readwrite')).put(project, 'project'));
}

export async function loadProject(): Promise<ProjectRecord | undefined> {
  return request((await store(META, 'readonly')).get('project') as IDBRequest<ProjectRecord | undefined>);
}

/** Removes images no saved class refers to (deleted in an earlier session and not undone). */
export async function pruneImages(keep: Set<string>): Promise<void> {
  const images = await store(IMAGES, 'readwrite');
  const keys = (await request(images.getAllKeys())) as string[];
  await Promise.all(keys.filter((key) => !keep.has(key)).map((key) => request(images.delete(key))));
}
