/**
 * Controls must not depend on emoji or symbol-font glyphs (Debian's Chromium without emoji fonts
 * drew the class card's 🗑 as an empty box): no component's markup holds one; icons are inline SVG
 * (Icon.tsx). Comments may (they are not drawn).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Emoji and pictographs, miscellaneous symbols, dingbats, geometric shapes, ↺ ↻, the emoji variation selector. */
const GLYPH = /[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{25A0}-\u{25FF}\u{21BA}\u{21BB}\u{FE0F}]/u;

function componentFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return componentFiles(path);
    return name.endsWith('.tsx') && !name.includes('.test.') ? [path] : [];
  });
}

const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('no emoji in the UI', () => {
  const files = componentFiles(join(__dirname, '..'));
  it('finds the components', () => expect(files.length).toBeGreaterThan(40));
  it('no component draws an emoji or symbol glyph', () => {
    const found = files.flatMap((file) =>
      withoutComments(readFileSync(file, 'utf8')).split('\n').flatMap((line, k) => (GLYPH.test(line) ? [`${file}:${k + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
  it('would catch one', () => expect(GLYPH.test('<button>🗑</button>') && GLYPH.test('▶') && GLYPH.test('❚❚') && GLYPH.test('↺')).toBe(true));
});
