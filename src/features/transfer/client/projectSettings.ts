/**
 * The page's half of the project store's contract (worker/projectStore.ts): class ids, names and
 * order, and the settings, written synchronously to localStorage on every change, before the change
 * is painted, so a reload, a crash or a closed tab never loses a class name or a setting. The
 * photos are in IndexedDB, each with its class id; `withRestoredImages` puts them back in their
 * classes.
 */
import type { LegacyProjectView, RestoredImage } from '../../../worker/protocol';
import { isBaseId, LEGACY_BASE, type BaseId } from '../bases';
import { normalizeHead, type HeadConfig } from '../meta';

export const SETTINGS_KEY = 'neural-playground/studio-project';
const VERSION = 2;

export interface SavedClass {
  id: string;
  name: string;
}

export interface SavedSettings {
  classes: SavedClass[];
  head: HeadConfig;
  /** the base model (bases.ts); projects saved before there was a choice used MobileNet v1 0.25 */
  base: BaseId;
}

/** localStorage, or null where it is not available (some private modes, a sandboxed frame). */
export function pageStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The saved classes and settings; null when none are saved or the record is not ours. */
export function readSettings(storage: Storage | null = pageStorage()): SavedSettings | null {
  try {
    const raw = storage?.getItem(SETTINGS_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { version?: unknown; classes?: unknown; head?: unknown; base?: unknown };
    if (parsed.version !== VERSION || !Array.isArray(parsed.classes)) return null;
    const classes = parsed.classes.filter((c): c is SavedClass => typeof c?.id === 'string' && c.id !== '' && typeof c?.name === 'string');
    const head = normalizeHead(typeof parsed.head === 'object' && parsed.head !== null ? (parsed.head as Partial<HeadConfig>) : {});
    return { classes, head, base: isBaseId(parsed.base) ? parsed.base : LEGACY_BASE };
  } catch {
    return null;
  }
}

/** Writes the classes and settings at once (the base: MobileNet v1 0.25 when not given); false when the browser refused (storage full, or none). */
export function writeSettings(settings: Omit<SavedSettings, 'base'> & { base?: BaseId }, storage: Storage | null = pageStorage()): boolean {
  if (!storage) return false;
  try {
    const classes = settings.classes.map(({ id, name }) => ({ id, name }));
    storage.setItem(SETTINGS_KEY, JSON.stringify({ version: VERSION, classes, head: settings.head, base: settings.base ?? LEGACY_BASE }));
    return true;
  } catch {
    return false;
  }
}

/** The parts of a class view this module reads and makes. */
interface ClassLike<I extends { id: string }> {
  id: string;
  name: string;
  images: I[];
}

/**
 * The classes with the photos read back from the store: each class's saved photos (in the order
 * added), then any it got meanwhile. A legacy project's classes come first when there is one;
 * photos of a class the page does not know (its list was lost) get a class of their own.
 */
export function withRestoredImages<I extends { id: string }>(
  classes: ClassLike<I>[],
  restored: RestoredImage[],
  legacy: LegacyProjectView | null,
  toView: (image: RestoredImage) => I,
  defaultName: (n: number) => string,
): ClassLike<I>[] {
  const byClass = new Map<string, RestoredImage[]>();
  for (const image of restored) byClass.set(image.classId, [...(byClass.get(image.classId) ?? []), image]);
  const base: ClassLike<I>[] = legacy
    ? [...legacy.classes.map((c) => ({ ...c, images: [] as I[] })), ...classes.filter((c) => c.images.length > 0 && !legacy.classes.some((l) => l.id === c.id))]
    : classes;
  const known = new Set(base.map((c) => c.id));
  const orphans = [...byClass.keys()].filter((id) => !known.has(id)).map((id, k) => ({ id, name: defaultName(base.length + k + 1), images: [] as I[] }));
  return [...base, ...orphans].map((c) => {
    const saved = byClass.get(c.id) ?? [];
    if (saved.length === 0) return c;
    // Photos already shown keep their view (and thumbnail URL); the others get one.
    const shown = new Map(c.images.map((image) => [image.id, image]));
    const savedIds = new Set(saved.map((image) => image.id));
    return { ...c, images: [...saved.map((image) => shown.get(image.id) ?? toView(image)), ...c.images.filter((image) => !savedIds.has(image.id))] };
  });
}
