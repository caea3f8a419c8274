/**
 * The classroom's page-wide state, in three contexts so that each reader re-renders only for
 * what it reads: the URL's control flags (fixed for the page), the studio's facts (published
 * by the studio while it lives), and the lessons (which one is open, progress).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { studioFacts, type StudioFacts, type StudioInput } from '../facts';
import { controlFlags, NO_FLAGS, parseFlags, type ControlFlags, type ParsedFlags } from '../flags';
import { lessonByNumber, type CheckInput, type CheckResult, type Lesson, type LessonMemory } from '../lessons';
import { applyCheck, loadProgress, resetLesson, saveProgress, withMemory, type Progress } from '../progress';
import './classroom.css';

export interface ControlFlagsValue extends ControlFlags {
  /** what the link asked for, as parsed */
  parsed: ParsedFlags;
  /** ignored link values (e.g. `hide=foo`), until dismissed */
  invalidParams: string[];
  dismissInvalid(): void;
}

const EMPTY_PARSED: ParsedFlags = { presenter: false, hidden: [], locked: [], lesson: null, invalid: [] };
const FlagsContext = createContext<ControlFlagsValue>({ ...NO_FLAGS, parsed: EMPTY_PARSED, invalidParams: [], dismissInvalid: () => {} });

interface StudioValue {
  facts: StudioFacts | null;
  publish(facts: StudioFacts): void;
}
const StudioContext = createContext<StudioValue>({ facts: null, publish: () => {} });

export interface LessonsValue {
  /** the open lesson's number, or null */
  active: number | null;
  progress: Progress;
  open(n: number): void;
  close(): void;
  /** runs a step's check, records it, and returns the outcome */
  check(lesson: Lesson, stepId: string, input: Omit<CheckInput, 'memory'>): CheckResult;
  remember(lesson: Lesson, memory: LessonMemory): void;
  reset(lesson: Lesson): void;
}
const LessonsContext = createContext<LessonsValue | null>(null);

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Writes (or removes) `?lesson=` so that a reload or a copied link opens the same lesson. */
function writeLessonParam(n: number | null) {
  const url = new URL(window.location.href);
  if (n === null) url.searchParams.delete('lesson');
  else url.searchParams.set('lesson', String(n));
  window.history.replaceState(window.history.state, '', url);
}

function useLessonsState(initial: number | null): LessonsValue {
  const [active, setActive] = useState<number | null>(initial);
  const [progress, setProgress] = useState<Progress>(() => loadProgress(storage()));
  useEffect(() => saveProgress(storage(), progress), [progress]);
  const open = useCallback((n: number) => {
    setActive(n);
    writeLessonParam(n);
  }, []);
  const close = useCallback(() => {
    setActive(null);
    writeLessonParam(null);
  }, []);
  const check = useCallback((lesson: Lesson, stepId: string, input: Omit<CheckInput, 'memory'>) => {
    const step = lesson.steps.find((s) => s.id === stepId);
    if (!step) return { done: false };
    const memory = progress[lesson.id]?.memory ?? {};
    const result = step.check({ ...input, memory });
    setProgress((current) => applyCheck(current, lesson, stepId, result));
    return result;
  }, [progress]);
  const remember = useCallback((lesson: Lesson, memory: LessonMemory) => setProgress((current) => withMemory(current, lesson, memory)), []);
  const reset = useCallback((lesson: Lesson) => setProgress((current) => resetLesson(current, lesson)), []);
  return useMemo(() => ({ active, progress, open, close, check, remember, reset }), [active, progress, open, close, check, remember, reset]);
}

export function ClassroomProvider({ children, search = window.location.search }: { children: ReactNode; search?: string }) {
  const parsed = useMemo(() => parseFlags(new URLSearchParams(search)), [search]);
  const [invalidParams, setInvalidParams] = useState(parsed.invalid);
  const flags = useMemo<ControlFlagsValue>(
    () => ({ ...controlFlags(parsed), parsed, invalidParams, dismissInvalid: () => setInvalidParams([]) }),
    [parsed, invalidParams],
  );
  const [facts, setFacts] = useState<StudioFacts | null>(null);
  const studio = useMemo(() => ({ facts, publish: setFacts }), [facts]);
  const lessons = useLessonsState(parsed.lesson !== null && lessonByNumber(parsed.lesson) ? parsed.lesson : null);
  return (
    <FlagsContext.Provider value={flags}>
      <StudioContext.Provider value={studio}>
        <LessonsContext.Provider value={lessons}>{children}</LessonsContext.Provider>
      </StudioContext.Provider>
    </FlagsContext.Provider>
  );
}

/** `{ hidden(id), locked(id), presenter }` from the link; nothing hidden outside a ClassroomProvider. */
export function useControlFlags(): ControlFlagsValue {
  return useContext(FlagsContext);
}

export function useStudioFacts(): StudioFacts | null {
  return useContext(StudioContext).facts;
}

/** Called by the studio: keeps the lessons' read-only summary of it up to date. */
export function usePublishStudioFacts(input: StudioInput): void {
  const { publish } = useContext(StudioContext);
  const facts = studioFacts(input);
  const latest = useRef(facts);
  latest.current = facts;
  const key = JSON.stringify(facts);
  useEffect(() => publish(latest.current), [key, publish]);
}

export function useLessons(): LessonsValue {
  const value = useContext(LessonsContext);
  if (!value) throw new Error('useLessons outside ClassroomProvider');
  return value;
}
