import { describe, expect, it } from 'vitest';
import enCore from './en.json';
import enMaths from './en.maths.json';
import zhCore from './zh-CN.json';
import zhMaths from './zh-CN.maths.json';
import enTransfer from './en.transfer.json';
import zhTransfer from './zh-CN.transfer.json';
import enExplain from './en.explain.json';
import zhExplain from './zh-CN.explain.json';
import enReliability from './en.reliability.json';
import zhReliability from './zh-CN.reliability.json';
import enClassroom from './en.classroom.json';
import zhClassroom from './zh-CN.classroom.json';
import enPhotoSets from './en.photoSets.json';
import zhPhotoSets from './zh-CN.photoSets.json';
import enProject from './en.project.json';
import zhProject from './zh-CN.project.json';

const EN = { ...enCore, ...enMaths, ...enTransfer, ...enExplain, ...enReliability, ...enClassroom, ...enPhotoSets, ...enProject } as Record<string, string>;
const ZH = { ...zhCore, ...zhMaths, ...zhTransfer, ...zhExplain, ...zhReliability, ...zhClassroom, ...zhPhotoSets, ...zhProject } as Record<string, string>;
import { detectLocale, format, loadMessages } from './i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  const namespaces: [string, Record<string, string>, Record<string, string>][] = [
    ['core', enCore, zhCore],
    ['maths', enMaths, zhMaths],
    ['transfer', enTransfer, zhTransfer],
    ['explain', enExplain, zhExplain],
    ['reliability', enReliability, zhReliability],
    ['classroom', enClassroom, zhClassroom],
    ['photoSets', enPhotoSets, zhPhotoSets],
    ['project', enProject, zhProject],
  ];
  for (const [name, en, zh] of namespaces) {
    it(`${name}: Chinese has exactly the English keys, with the same placeholders`, () => {
      expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en)) {
        expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
        expect(zh[key].trim(), key).not.toBe('');
      }
    });
  }

  it('Chinese strings are Chinese (not copied English) where the English has words', () => {
    const all = ZH;
    const english = EN;
    const untranslated = Object.keys(english).filter((key) => /[A-Za-z]{4,}/.test(english[key].replace(/\{\w+\}/g, '')) && all[key] === english[key]);
    // Names that stay as they are in Chinese UIs.
    const allowed = new Set(['language.en', 'activation.relu', 'activation.tanh', 'activation.sigmoid', 'activation.leakyRelu']);
    expect(untranslated.filter((key) => !allowed.has(key))).toEqual([]);
  });

  it('loads Chinese lazily and falls back to nothing missing', async () => {
    const messages = await loadMessages('zh-CN');
    expect(messages['toolbar.pause']).toBe('暂停');
    expect(Object.keys(messages).length).toBe(Object.keys(EN).length);
  });

  it('picks ?lang first, then the browser language, then English', () => {
    expect(detectLocale('?lang=zh-CN', ['en-US'])).toBe('zh-CN');
    expect(detectLocale('?lang=en', ['zh-CN'])).toBe('en');
    expect(detectLocale('?lang=xx', ['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale('', ['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLocale('', ['fr-FR'])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(format('Epoch {epoch} of {total}', { epoch: 3, total: 10 })).toBe('Epoch 3 of 10');
  });
});
