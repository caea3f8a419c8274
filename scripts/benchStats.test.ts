/** The benchmark's pure helpers: medians, spreads, accuracy and the train / held-out split. */
import { describe, expect, it } from 'vitest';
import { accuracy, argmax, datasetSplit, median, round, splitClass, spread } from './benchStats.mjs';

describe('benchStats', () => {
  it('takes the median of odd and even counts without reordering its input', () => {
    const runs = [0.9, 0.5, 0.7];
    expect(median(runs)).toBe(0.7);
    expect(runs).toEqual([0.9, 0.5, 0.7]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([42])).toBe(42);
    expect(() => median([])).toThrow();
  });

  it('measures the spread as max − min', () => {
    expect(spread([0.48, 0.55, 0.5])).toBeCloseTo(0.07, 10);
    expect(spread([0.9])).toBe(0);
    expect(() => spread([])).toThrow();
  });

  it('picks the first largest value', () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax(new Float32Array([0.5, 0.5]))).toBe(0);
    expect(argmax([])).toBe(-1);
  });

  it('counts the share of correct predictions', () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(() => accuracy([0], [0, 1])).toThrow();
    expect(() => accuracy([], [])).toThrow();
  });

  it('rounds to the given digits', () => {
    expect(round(3.14159)).toBe(3.1);
    expect(round(3.14159, 3)).toBe(3.142);
  });

  it('trains on the first files by name and tests on the last, never both', () => {
    const names = Array.from({ length: 50 }, (_, i) => `IMG_${String(1000 + 49 - i)}.jpg`);
    const { train, test } = splitClass(names, 30, 20);
    expect(train).toHaveLength(30);
    expect(test).toHaveLength(20);
    expect(train[0]).toBe('IMG_1000.jpg');
    expect(test[19]).toBe('IMG_1049.jpg');
    expect(train.filter((name) => test.includes(name))).toEqual([]);
    expect(() => splitClass(names, 40, 20)).toThrow();
  });

  it('takes any class folder names, sorted, and splits each class', () => {
    const tree: Record<string, string[]> = { '/d': ['pear', 'apple', 'kiwi'], '/d/apple': ['a2.jpg', 'a1.jpg', 'a3.jpg'], '/d/kiwi': ['k1.jpg', 'k2.jpg', 'k3.jpg'], '/d/pear': ['p1.jpg'] };
    const list = (dir: string) => [...tree[dir]];
    const split = datasetSplit({ datasetDir: '/d', classes: 2, trainPerClass: 2, testPerClass: 1 }, list);
    expect(split).toEqual([
      { name: 'apple', train: ['a1.jpg', 'a2.jpg'], test: ['a3.jpg'] },
      { name: 'kiwi', train: ['k1.jpg', 'k2.jpg'], test: ['k3.jpg'] },
    ]);
    expect(() => datasetSplit({ datasetDir: '/d', classes: 4, trainPerClass: 1, testPerClass: 0 }, list)).toThrow(/4 class folders/);
    expect(() => datasetSplit({ datasetDir: '/d', classes: 3, trainPerClass: 1, testPerClass: 1 }, list)).toThrow();
  });
});
