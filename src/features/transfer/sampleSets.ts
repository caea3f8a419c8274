/**
 * The sample photo sets' index as the studio reads it (`samples/index.json`, relative to the app's
 * base URL; written by scripts/sampleSets.mjs): served from ../shared/datasets by the dev and
 * preview servers, or shipped in a build from public/samples/ (`npm run fetch-samples`). Pure.
 */

/** the index, relative to the app's base URL */
export const SAMPLE_INDEX_PATH = 'samples/index.json';
/** photos per class the menu offers (a set with fewer gives all it has) */
export const PER_CLASS_CHOICES = [5, 10, 20, 30, 50] as const;
export const DEFAULT_PER_CLASS = 10;

export interface SampleClass {
  name: string;
  /** paths inside the set's folder (`<class>/<file>`), in the set's own order */
  files: string[];
}

export interface SampleSet {
  /** the set's folder name, e.g. `sign-language-digits` */
  id: string;
  title: string;
  /** the credit line the licence asks for */
  attribution: string;
  /** SPDX id, e.g. `MIT` */
  licence: string;
  licenceUrl: string;
  source: string;
  /** licence and provenance files beside the photos (`LICENSE-….txt`, `PROVENANCE.md`) */
  documents: string[];
  classes: SampleClass[];
}

export interface SampleIndex {
  version: 1;
  sets: SampleSet[];
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
/** a relative path without `..`, a scheme or a leading slash */
const isSafePath = (value: string) => value !== '' && !value.startsWith('/') && !value.includes('\\') && !value.includes(':') && value.split('/').every((part) => part !== '..' && part !== '.' && part !== '');

function parseSet(value: unknown): SampleSet | null {
  if (typeof value !== 'object' || value === null) return null;
  const set = value as Record<string, unknown>;
  const texts = ['id', 'title', 'attribution', 'licence', 'licenceUrl', 'source'] as const;
  if (!texts.every((key) => isString(set[key])) || !isSafePath(set.id as string) || !isStringArray(set.documents) || !Array.isArray(set.classes)) return null;
  const classes = set.classes.filter((c): c is SampleClass => typeof c === 'object' && c !== null && isString(c.name) && c.name.trim() !== '' && isStringArray(c.files) && c.files.length > 0 && c.files.every(isSafePath));
  if (classes.length === 0 || !set.documents.every(isSafePath)) return null;
  return { ...(set as unknown as SampleSet), classes };
}

/** The index's usable sets (anything malformed is left out), or null when it is not an index at all. */
export function parseSampleIndex(value: unknown): SampleIndex | null {
  if (typeof value !== 'object' || value === null) return null;
  const index = value as Record<string, unknown>;
  if (index.version !== 1 || !Array.isArray(index.sets)) return null;
  return { version: 1, sets: index.sets.map(parseSet).filter((set): set is SampleSet => set !== null) };
}

/** The first `perClass` photos of each class (the set's own order: a fixed shuffle). */
export function pickPhotos(set: SampleSet, perClass: number): SampleClass[] {
  return set.classes.map((c) => ({ name: c.name, files: c.files.slice(0, Math.max(1, perClass)) }));
}

/** A file of the set, relative to the app's base URL. */
export const sampleUrl = (set: SampleSet, file: string) => `samples/${set.id.split('/').map(encodeURIComponent).join('/')}/${file.split('/').map(encodeURIComponent).join('/')}`;
