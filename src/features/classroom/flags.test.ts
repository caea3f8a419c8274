import { describe, expect, it } from 'vitest';
import { CONTROL_IDS, controlFlags, LOCKABLE_IDS, parseFlags, PRESENTER_HIDDEN, shareUrl } from './flags';

const parse = (query: string) => parseFlags(new URLSearchParams(query));

describe('classroom URL flags', () => {
  it('no flags: nothing hidden, locked, presented or opened', () => {
    expect(parse('lr=0.1&lang=en')).toEqual({ presenter: false, hidden: [], locked: [], lesson: null, invalid: [] });
  });

  it('hide= hides exactly the listed controls, in order, once each', () => {
    const flags = parse('hide=learningRate,activation,learningRate');
    expect(flags.hidden).toEqual(['learningRate', 'activation']);
    const view = controlFlags(flags);
    expect(view.hidden('learningRate')).toBe(true);
    expect(view.hidden('activation')).toBe(true);
    expect(CONTROL_IDS.filter((id) => view.hidden(id))).toEqual(['learningRate', 'activation']);
    expect(view.locked('learningRate')).toBe(false);
  });

  it('ignores unknown ids and reports them as param=value', () => {
    const flags = parse('hide=learningRate,bogus,,%20noise%20&lock=dataset,nope');
    expect(flags.hidden).toEqual(['learningRate', 'noise']);
    expect(flags.locked).toEqual(['dataset']);
    expect(flags.invalid).toEqual(['hide=bogus', 'lock=nope']);
    expect(parse('hide=noise&hide=speed').hidden).toEqual(['noise', 'speed']);
  });

  it('lock= disables lockable controls only; sections can only be hidden', () => {
    expect(LOCKABLE_IDS).not.toContain('mathsPanels');
    const flags = parse('lock=dataset,mathsPanels,nav');
    expect(flags.locked).toEqual(['dataset']);
    expect(flags.invalid).toEqual(['lock=mathsPanels', 'lock=nav']);
  });

  it('a control both hidden and locked is hidden', () => {
    const flags = parse('hide=noise&lock=noise,dataset');
    expect(flags.hidden).toEqual(['noise']);
    expect(flags.locked).toEqual(['dataset']);
  });

  it('presenter=1 hides the advanced controls; show= brings some back; hide= adds more', () => {
    const flags = parse('presenter=1&show=batchSize&hide=speed');
    expect(flags.presenter).toBe(true);
    expect(flags.hidden).toEqual([...PRESENTER_HIDDEN.filter((id) => id !== 'batchSize'), 'speed']);
    expect(parse('presenter=true').presenter).toBe(true);
    expect(parse('presenter').presenter).toBe(true);
    expect(parse('presenter=0').hidden).toEqual([]);
  });

  it('a bad presenter value is reported and off', () => {
    const flags = parse('presenter=yes');
    expect(flags.presenter).toBe(false);
    expect(flags.invalid).toEqual(['presenter=yes']);
  });

  it('lesson=n opens lessons 1 to 5; anything else is reported', () => {
    expect(parse('lesson=1').lesson).toBe(1);
    expect(parse('lesson=5').lesson).toBe(5);
    for (const bad of ['0', '6', '1.5', 'x', '']) {
      const flags = parse(`lesson=${bad}`);
      expect(flags.lesson).toBeNull();
      expect(flags.invalid).toEqual([`lesson=${bad}`]);
    }
  });

  it('shareUrl keeps settings and the hash, replaces the classroom flags, and parses back', () => {
    const link = shareUrl('https://example.org/app/?lr=0.3&hide=noise&lesson=2#playground', { presenter: true, hide: ['learningRate', 'activation'], lock: ['dataset'], lesson: 3 });
    const url = new URL(link);
    expect(url.pathname).toBe('/app/');
    expect(url.hash).toBe('#playground');
    expect(url.searchParams.get('lr')).toBe('0.3');
    const flags = parseFlags(url.searchParams);
    expect(flags.presenter).toBe(true);
    expect(flags.hidden).toEqual([...PRESENTER_HIDDEN, 'learningRate', 'activation']);
    expect(flags.locked).toEqual(['dataset']);
    expect(flags.lesson).toBe(3);
    expect(flags.invalid).toEqual([]);
    const plain = new URL(shareUrl(link, { presenter: false, hide: [], lock: [], lesson: null }));
    expect([...plain.searchParams.keys()].sort()).toEqual(['lr']);
  });
});
