import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ENGLISH, loadMessages, translator, type Locale, type Translate } from './i18n';

interface I18nValue {
  locale: Locale;
  t: Translate;
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18nValue>({ locale: 'en', t: translator(ENGLISH), setLocale: () => {} });

export function I18nProvider({ initialLocale, children }: { initialLocale: Locale; children: ReactNode }) {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [messages, setMessages] = useState(ENGLISH);
  const [loadedLocale, setLoadedLocale] = useState<Locale>('en');
  // A non-English first screen waits for its messages rather than flashing English.
  const [ready, setReady] = useState(initialLocale === 'en');
  useEffect(() => {
    let cancelled = false;
    loadMessages(locale).then((loaded) => {
      if (cancelled) return;
      setMessages(loaded);
      setLoadedLocale(locale);
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
  }, [locale]);
  useEffect(() => {
    document.documentElement.lang = loadedLocale;
    const url = new URL(window.location.href);
    url.searchParams.set('lang', loadedLocale);
    window.history.replaceState(null, '', url);
  }, [loadedLocale]);
  const value = useMemo(() => ({ locale: loadedLocale, t: translator(messages), setLocale }), [loadedLocale, messages]);
  return <I18nContext.Provider value={value}>{ready ? children : null}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}
