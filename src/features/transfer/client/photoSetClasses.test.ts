import { describe, expect, it } from 'vitest';
import { MAX_CLASSES } from '../meta';
import { applyPlan, isBlankClass, planClasses } from './photoSetClasses';
import type { ClassView } from './useTransfer';

const defaultName = (n: number) => `Class ${n}`;
const view = (id: string, name: string, images = 0): ClassView => ({ id, name, images: Array.from({ length: images }, (_, k) => ({ id: `${id}-${k}`, name: `${k}.jpg`, url: '' })) });
let counter = 0;
const newId = () => `new-${++counter}`;

describe('a photo set into the classes', () => {
  it('merges by name, takes over untouched default classes, then adds new ones', () => {
    counter = 0;
    const all = [view('a', 'Class 1'), view('b', 'cat', 3), view('c', 'Class 2', 1), view('d', 'Class 3')];
    const plan = planClasses(all, ['cat', 'dog', 'bird', 'fish'], defaultName, newId);
    expect(plan.ids).toEqual(['b', 'a', 'd', 'new-1']);
    const next = applyPlan(all, plan);
    expect(next.map((c) => [c.id, c.name, c.images.length])).toEqual([['a', 'dog', 0], ['b', 'cat', 3], ['c', 'Class 2', 1], ['d', 'bird', 0], ['new-1', 'fish', 0]]);
    expect(next[1]).toBe(all[1]); // unchanged classes keep their object
  });

  it('fills 10 classes from the two default ones', () => {
    const all = [view('a', 'Class 1'), view('b', 'Class 2')];
    const names = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const next = applyPlan(all, planClasses(all, names, defaultName, newId));
    expect(next.map((c) => c.name)).toEqual(names);
  });

  it('gives null for classes past MAX_CLASSES and never removes one', () => {
    const all = Array.from({ length: MAX_CLASSES - 1 }, (_, k) => view(`k${k}`, `n${k}`, 1));
    const plan = planClasses(all, ['n0', 'x', 'y'], defaultName, newId);
    expect(plan.ids.map((id) => id !== null)).toEqual([true, true, false]);
    expect(applyPlan(all, plan)).toHaveLength(MAX_CLASSES);
  });

  it('a class with photos or a chosen name is not blank', () => {
    expect(isBlankClass(view('a', 'Class 4'), defaultName)).toBe(true);
    expect(isBlankClass(view('a', ' '), defaultName)).toBe(true);
    expect(isBlankClass(view('a', 'Class 4', 1), defaultName)).toBe(false);
    expect(isBlankClass(view('a', 'cats'), defaultName)).toBe(false);
  });
});
