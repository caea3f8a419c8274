/**
 * Typed i18n. The English files are the source of truth: every key passed to t() is type-checked
 * against them. Messages are split by feature (one JSON per namespace and locale); other locales
 * load lazily; a missing key falls back to English.
 */
import enCore from './en.json';
import enMaths from './en.maths.json';
import enTransfer from './en.transfer.json';
import enExplain from './en.explain.json';
import enReliability from './en.reliability.json';
import enClassroom from './en.classroom.json';
import enPhotoSets from './en.photoSets.json';
import enProject from './en.project.json';

const en = { ...enCore, ...enMaths, ...enTransfer, ...enExplain, ...enReliability, ...enClassroom, ...enPhotoSets, ...enProject };

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

type Namespace = { default: Partial<Messages> };
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Namespace[]>> = {
  'zh-CN': () => Promise.all([import('./zh-CN.json'), import('./zh-CN.maths.json'), import('./zh-CN.transfer.json'), import('./zh-CN.explain.json'), import('./zh-CN.reliability.json'), import('./zh-CN.classroom.json'), import('./zh-CN.photoSets.json'), import('./zh-CN.project.json')]),
};

export async function loadMessages(locale: Locale): Promise<Messages> {
  if (locale === 'en') return en;
  const namespaces = await loaders[locale]();
  return Object.assign({ ...en }, ...namespaces.map((namespace) => namespace.default));
}

export const ENGLISH: Messages = en;

/** Picks the locale: `?lang=` first, then the browser's languages, English last. */
export function detectLocale(search: string, languages: readonly string[]): Locale {
  const requested = new URLSearchParams(search).get('lang');
  if (requested && (LOCALES as readonly string[]).includes(requested)) return requested as Locale;
  for (const language of languages) {
    if (language.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (language.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export type Params = Record<string, string | number>;

/** Fills `{name}` placeholders. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(messages: Messages): Translate {
  return (key, params) => format(messages[key] ?? ENGLISH[key], params);
}
