/**
 * Lesson progress: which steps are done and what they recorded, per lesson, kept in localStorage.
 * Pure functions over plain data; `loadProgress` / `saveProgress` take the storage to use.
 */
import type { CheckResult, Lesson, LessonMemory } from './lessons';

export interface LessonProgress {
  /** ids of the steps whose check passed */
  done: string[];
  memory: LessonMemory;
}

/** by lesson id */
export type Progress = Record<string, LessonProgress>;

export const PROGRESS_KEY = 'neural-playground.classroom.progress.v1';

const EMPTY: LessonProgress = { done: [], memory: {} };

export function progressOf(progress: Progress, lesson: Lesson): LessonProgress {
  return progress[lesson.id] ?? EMPTY;
}

/** Index of the first step not done yet (steps.length when the lesson is complete). */
export function currentStep(lesson: Lesson, progress: Progress): number {
  const { done } = progressOf(progress, lesson);
  const index = lesson.steps.findIndex((step) => !done.includes(step.id));
  return index < 0 ? lesson.steps.length : index;
}

/** Records a check's outcome: a passed step is done (and stays done); its numbers are remembered. */
export function applyCheck(progress: Progress, lesson: Lesson, stepId: string, result: CheckResult): Progress {
  if (!result.done) return progress;
  const current = progressOf(progress, lesson);
  const done = current.done.includes(stepId) ? current.done : [...current.done, stepId];
  return { ...progress, [lesson.id]: { done, memory: { ...current.memory, ...result.record } } };
}

export function withMemory(progress: Progress, lesson: Lesson, memory: LessonMemory): Progress {
  return { ...progress, [lesson.id]: { ...progressOf(progress, lesson), memory } };
}

export function resetLesson(progress: Progress, lesson: Lesson): Progress {
  const next = { ...progress };
  delete next[lesson.id];
  return next;
}

function isLessonProgress(value: unknown): value is LessonProgress {
  if (typeof value !== 'object' || value === null) return false;
  const { done, memory } = value as LessonProgress;
  return Array.isArray(done) && done.every((id) => typeof id === 'string')
    && typeof memory === 'object' && memory !== null && Object.values(memory).every((x) => typeof x === 'number');
}

/** Reads saved progress; anything unreadable counts as none. */
export function parseProgress(text: string | null): Progress {
  if (!text) return {};
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
    return Object.fromEntries(Object.entries(data).filter(([, value]) => isLessonProgress(value))) as Progress;
  } catch {
    return {};
  }
}

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function loadProgress(storage: KeyValueStore | undefined): Progress {
  try {
    return parseProgress(storage?.getItem(PROGRESS_KEY) ?? null);
  } catch {
    return {};
  }
}

export function saveProgress(storage: KeyValueStore | undefined, progress: Progress): void {
  try {
    storage?.setItem(PROGRESS_KEY, JSON.stringify(progress));
  } catch {
    // private mode or full storage: progress lasts for this page only
  }
}
