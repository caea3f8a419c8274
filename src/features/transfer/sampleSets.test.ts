import { describe, expect, it } from 'vitest';
import { parseSampleIndex, pickPhotos, sampleUrl, type SampleSet } from './sampleSets';

const set: SampleSet = {
  id: 'grocery-store',
  title: 'Grocery Store',
  attribution: 'by someone',
  licence: 'MIT',
  licenceUrl: 'https://opensource.org/license/mit',
  source: 'https://example.org',
  documents: ['LICENSE.txt'],
  classes: [
    { name: 'kiwi', files: ['kiwi/1.jpg', 'kiwi/2.jpg', 'kiwi/3.jpg'] },
    { name: 'red apple', files: ['red apple/a b.jpg'] },
  ],
};

describe('the sample index', () => {
  it('keeps well-formed sets and drops the rest', () => {
    expect(parseSampleIndex({ version: 1, sets: [set] })).toEqual({ version: 1, sets: [set] });
    expect(parseSampleIndex({ version: 2, sets: [set] })).toBeNull();
    expect(parseSampleIndex('<!doctype html>')).toBeNull();
    const unsafe = [
      { ...set, id: '../etc' },
      { ...set, documents: ['/etc/passwd'] },
      { ...set, classes: [{ name: 'x', files: ['x/../../secret.jpg'] }] },
      { ...set, classes: [{ name: 'x', files: ['https://elsewhere.example/x.jpg'] }] },
      { ...set, classes: [] },
      { ...set, licence: undefined },
    ];
    expect(parseSampleIndex({ version: 1, sets: unsafe })!.sets).toEqual([]);
  });

  it('picks the first photos of each class and makes URLs under samples/', () => {
    expect(pickPhotos(set, 2).map((c) => c.files)).toEqual([['kiwi/1.jpg', 'kiwi/2.jpg'], ['red apple/a b.jpg']]);
    expect(sampleUrl(set, 'red apple/a b.jpg')).toBe('samples/grocery-store/red%20apple/a%20b.jpg');
  });
});
