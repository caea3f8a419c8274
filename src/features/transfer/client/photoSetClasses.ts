/**
 * Where a photo set's classes go (a sample set, an imported zip or folder): into the class of the
 * same name (merged), else into an empty class that still has its default name ("Class 2", reused
 * and renamed), else into a new class while there is room (MAX_CLASSES). Pure.
 */
import { MAX_CLASSES } from '../meta';
import type { ClassView } from './transferViews';

export interface ClassPlan {
  /** the class id for each name asked for, in order (null: no room left) */
  ids: (string | null)[];
  /** empty default-named classes taken over: id → new name */
  renamed: Map<string, string>;
  /** classes to add at the end */
  created: { id: string; name: string }[];
}

/** Whether a class is untouched: no photos and a default name (or none). */
export function isBlankClass(view: ClassView, defaultName: (n: number) => string): boolean {
  if (view.images.length > 0) return false;
  const name = view.name.trim();
  return name === '' || Array.from({ length: MAX_CLASSES }, (_, k) => defaultName(k + 1)).includes(name);
}

export function planClasses(all: ClassView[], names: string[], defaultName: (n: number) => string, newId: () => string = () => crypto.randomUUID(), max = MAX_CLASSES): ClassPlan {
  const byName = new Map<string, string>();
  all.forEach((c) => byName.has(c.name.trim()) || byName.set(c.name.trim(), c.id));
  const blanks = all.filter((c) => isBlankClass(c, defaultName) && !names.some((name) => name.trim() === c.name.trim())).map((c) => c.id);
  const renamed = new Map<string, string>();
  const created: { id: string; name: string }[] = [];
  const ids = names.map((raw) => {
    const name = raw.trim();
    const existing = byName.get(name);
    if (existing !== undefined) return existing;
    let id: string | null = null;
    if (blanks.length > 0) {
      id = blanks.shift()!;
      renamed.set(id, name);
    } else if (all.length + created.length < max) {
      id = newId();
      created.push({ id, name });
    }
    if (id !== null) byName.set(name, id);
    return id;
  });
  return { ids, renamed, created };
}

/** The classes after the plan (the same objects where nothing changed). */
export function applyPlan(all: ClassView[], plan: ClassPlan): ClassView[] {
  const present = new Set(all.map((c) => c.id));
  const renamed = all.map((c) => (plan.renamed.has(c.id) ? { ...c, name: plan.renamed.get(c.id)! } : c));
  const added = plan.created.filter((c) => !present.has(c.id)).map((c) => ({ id: c.id, name: c.name, images: [] }));
  return [...renamed, ...added].slice(0, Math.max(all.length, MAX_CLASSES));
}
