import { describe, expect, it } from 'vitest';
import { otherLabels } from './classifierFile';

describe('otherLabels (an imported classifier against the classes holding photos)', () => {
  it('takes the same names in any order, trimmed', () => {
    expect(otherLabels(['cat', 'dog'], ['dog', 'cat'])).toBe(false);
    expect(otherLabels(['cat ', 'dog'], [' cat', 'dog'])).toBe(false);
  });

  it('refuses other names, a class more or a class fewer', () => {
    expect(otherLabels(['cat', 'dog'], ['Class 1', 'Class 2'])).toBe(true);
    expect(otherLabels(['cat', 'dog'], ['cat', 'dog', 'bird'])).toBe(true);
    expect(otherLabels(['cat', 'dog', 'bird'], ['cat', 'dog'])).toBe(true);
    expect(otherLabels(['cat', 'dog'], ['Cat', 'dog'])).toBe(true);
  });

  it('takes any classifier when no class holds a photo', () => {
    expect(otherLabels(['cat', 'dog'], [])).toBe(false);
  });
});
