/**
 * Classroom URL flags, like TF Playground's `_hide`: a teacher shares a link that shows only what
 * the lesson needs. Pure: no DOM, no React.
 *
 * - `?presenter=1`  presenter view (large type, high contrast, the PRESENTER_HIDDEN controls hidden)
 * - `?hide=a,b`     hides those controls
 * - `?lock=a,b`     shows them disabled (only LOCKABLE ones)
 * - `?show=a,b`     shows controls the presenter view would hide
 * - `?lesson=n`     opens lesson n (1–LESSON_COUNT)
 * Unknown ids and bad values are ignored and reported (e.g. `hide=foo`), like other link values.
 */

/** The controls a link can hide, by where they live. */
export const CONTROL_IDS = [
  // header
  'nav', 'backend', 'language',
  // run controls and hyper-parameters
  'stepButtons', 'walkthrough', 'learningRate', 'activation', 'regularization', 'regularizationRate', 'speed',
  // data
  'dataset', 'trainRatio', 'noise', 'batchSize', 'regenerate',
  // network diagram: feature toggles, add/remove layers and neurons, click a link to edit its weight
  'features', 'layers', 'weights',
  // output options
  'showTestData', 'discretize',
  // whole sections and navigation links
  'mathsPanels', 'transfer', 'lessons',
] as const;

export type ControlId = (typeof CONTROL_IDS)[number];

/** Sections and links cannot be "disabled": they can only be hidden. */
const NOT_LOCKABLE: readonly ControlId[] = ['nav', 'mathsPanels', 'transfer', 'lessons'];
export const LOCKABLE_IDS: readonly ControlId[] = CONTROL_IDS.filter((id) => !NOT_LOCKABLE.includes(id));

/** Advanced controls the presenter view hides (a projector needs fewer): `show=` brings them back. */
export const PRESENTER_HIDDEN: readonly ControlId[] = ['backend', 'batchSize', 'regenerate', 'discretize', 'weights'];

export const LESSON_COUNT = 5;

export interface ParsedFlags {
  presenter: boolean;
  hidden: ControlId[];
  locked: ControlId[];
  /** the lesson a link opens (1-based), or null */
  lesson: number | null;
  /** what was ignored, as `param=value` (e.g. `hide=foo`) */
  invalid: string[];
}

function idList(params: URLSearchParams, param: string, allowed: readonly ControlId[], invalid: string[]): ControlId[] {
  // `hide=a,b` and `hide=a&hide=b` alike
  const ids: ControlId[] = [];
  for (const item of params.getAll(param).join(',').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if ((allowed as readonly string[]).includes(item)) {
      if (!ids.includes(item as ControlId)) ids.push(item as ControlId);
    } else invalid.push(`${param}=${item}`);
  }
  return ids;
}

function presenterOf(raw: string | null, invalid: string[]): boolean {
  if (raw === null || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true' || raw === '') return true;
  invalid.push(`presenter=${raw}`);
  return false;
}

function lessonOf(raw: string | null, invalid: string[]): number | null {
  if (raw === null) return null;
  const n = Number(raw);
  if (raw.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= LESSON_COUNT) return n;
  invalid.push(`lesson=${raw}`);
  return null;
}

export function parseFlags(params: URLSearchParams): ParsedFlags {
  const invalid: string[] = [];
  const presenter = presenterOf(params.get('presenter'), invalid);
  const hide = idList(params, 'hide', CONTROL_IDS, invalid);
  const lock = idList(params, 'lock', LOCKABLE_IDS, invalid);
  const show = idList(params, 'show', CONTROL_IDS, invalid);
  const hidden = presenter ? [...new Set([...PRESENTER_HIDDEN.filter((id) => !show.includes(id)), ...hide])] : hide;
  const lesson = lessonOf(params.get('lesson'), invalid);
  return { presenter, hidden, locked: lock.filter((id) => !hidden.includes(id)), lesson, invalid };
}

/** What components ask: is this control hidden, is it locked (shown, not editable)? */
export interface ControlFlags {
  presenter: boolean;
  hidden(id: ControlId): boolean;
  locked(id: ControlId): boolean;
}

export function controlFlags(parsed: Pick<ParsedFlags, 'presenter' | 'hidden' | 'locked'>): ControlFlags {
  const hidden = new Set(parsed.hidden);
  const locked = new Set(parsed.locked);
  return { presenter: parsed.presenter, hidden: (id) => hidden.has(id), locked: (id) => locked.has(id) };
}

export const NO_FLAGS: ControlFlags = controlFlags({ presenter: false, hidden: [], locked: [] });

export interface ShareOptions {
  presenter: boolean;
  hide: readonly ControlId[];
  lock: readonly ControlId[];
  lesson: number | null;
}

/** The link for a view: `base` (the current URL, settings included) with the classroom flags replaced. */
export function shareUrl(base: string, options: ShareOptions): string {
  const url = new URL(base);
  for (const param of ['presenter', 'hide', 'lock', 'show', 'lesson']) url.searchParams.delete(param);
  if (options.presenter) url.searchParams.set('presenter', '1');
  if (options.hide.length > 0) url.searchParams.set('hide', options.hide.join(','));
  if (options.lock.length > 0) url.searchParams.set('lock', options.lock.join(','));
  if (options.lesson !== null) url.searchParams.set('lesson', String(options.lesson));
  return url.toString();
}
