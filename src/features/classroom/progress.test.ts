import { describe, expect, it } from 'vitest';
import { LESSONS } from './lessons';
import { applyCheck, currentStep, loadProgress, parseProgress, PROGRESS_KEY, resetLesson, saveProgress, withMemory, type Progress } from './progress';

const lesson = LESSONS[3];

describe('lesson progress', () => {
  it('a passed check marks its step done and keeps what it recorded; a failed one changes nothing', () => {
    let progress: Progress = {};
    expect(currentStep(lesson, progress)).toBe(0);
    progress = applyCheck(progress, lesson, 'setup', { done: true });
    progress = applyCheck(progress, lesson, 'overfit', { done: false, hint: 'noGap' });
    expect(currentStep(lesson, progress)).toBe(1);
    progress = applyCheck(progress, lesson, 'overfit', { done: true, record: { gap: 0.4 } });
    progress = applyCheck(progress, lesson, 'overfit', { done: true, record: { gap: 0.3 } });
    expect(progress[lesson.id]).toEqual({ done: ['setup', 'overfit'], memory: { gap: 0.3 } });
    expect(currentStep(lesson, progress)).toBe(2);
    progress = applyCheck(progress, lesson, 'regularize', { done: true });
    expect(currentStep(lesson, progress)).toBe(lesson.steps.length);
    expect(resetLesson(progress, lesson)).toEqual({});
    expect(withMemory({}, lesson, { diverged: 1 })[lesson.id]).toEqual({ done: [], memory: { diverged: 1 } });
  });

  it('round-trips through storage and survives garbage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const progress = applyCheck({}, lesson, 'setup', { done: true, record: { gap: 0.2 } });
    saveProgress(storage, progress);
    expect(store.has(PROGRESS_KEY)).toBe(true);
    expect(loadProgress(storage)).toEqual(progress);
    expect(parseProgress('not json')).toEqual({});
    expect(parseProgress('[1,2]')).toEqual({});
    expect(parseProgress('{"a":{"done":[1],"memory":{}},"b":{"done":["x"],"memory":{"g":1}}}')).toEqual({ b: { done: ['x'], memory: { g: 1 } } });
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
    expect(loadProgress(broken)).toEqual({});
    expect(() => saveProgress(broken, progress)).not.toThrow();
    expect(loadProgress(undefined)).toEqual({});
  });
});
