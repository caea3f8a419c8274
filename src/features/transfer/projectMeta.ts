/**
 * Project files (Save project / Open project): the types the page and the worker share. The format
 * itself (manifest, version, write, read, validate) is worker/projectFile.ts. Pure: no DOM, no tfjs.
 */
import type { BaseId } from './bases';
import type { HeadConfig } from './meta';

/** The project-file format version this build writes, and the newest it reads (worker/projectFile.ts). */
export const PROJECT_VERSION = 1;

/** the file name "Save project" downloads */
export const PROJECT_FILE_NAME = 'neural-playground-project.zip';

/**
 * Why a project file was not opened (or saved); the page shows `project.error.<code>`, and nothing
 * loaded before is changed. projectCorrupt: not a zip, or damaged (an entry missing or unreadable);
 * projectForeign: a zip, but not a Neural Playground project (e.g. "Export images (.zip)");
 * projectNewer: written by a newer version of the format (detail: its version); projectTooLarge: more
 * entries or bytes than a project may hold; projectBaseUnknown: made on a base this version does not
 * know (detail: its name); projectBaseUnavailable: its base could not be loaded (offline, not cached);
 * projectEmpty: nothing to save; projectFailed: anything else (detail).
 */
export type ProjectErrorCode =
  | 'projectCorrupt'
  | 'projectForeign'
  | 'projectNewer'
  | 'projectTooLarge'
  | 'projectBaseUnknown'
  | 'projectBaseUnavailable'
  | 'projectEmpty'
  | 'projectFailed';

/** What a project file holds, read and checked (shown before it replaces the project). */
export interface ProjectSummary {
  base: BaseId;
  /** class names, in order, and their photo counts */
  classes: { name: string; photos: number }[];
  /** whether it holds a trained classifier */
  trained: boolean;
  head: HeadConfig;
}
