import { useEffect } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { LOCALES, type Locale } from '../i18n/i18n';
import { PlaygroundView } from '../features/playground/client/PlaygroundView';
import { usePlayground } from '../features/playground/client/usePlayground';
import { BACKEND_OPTIONS } from '../features/playground/meta';

export function App() {
  const { t, locale, setLocale } = useI18n();
  const controller = usePlayground();
  const { backend, config } = controller.state;
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
        <nav aria-label={t('app.navigation')}>
          <a href="#playground" aria-current="page">{t('nav.playground')}</a>
        </nav>
        <div className="header-settings">
          <label className="control">
            <span>{t('app.backend')}</span>
            <select value={config.backend} onChange={(e) => controller.setConfig({ backend: e.target.value as (typeof BACKEND_OPTIONS)[number] })} data-testid="backend-choice">
              {BACKEND_OPTIONS.map((choice) => (
                <option key={choice} value={choice}>{choice === 'auto' ? t('app.backendAuto') : choice}</option>
              ))}
            </select>
          </label>
          <span className="backend-badge" title={backend ? t('app.backendTitle', { renderer: backend.renderer || '—' }) : t('app.backendLoading')}>
            {t('app.activeBackend')} <strong data-testid="backend">{backend?.backend ?? ''}</strong>
          </span>
          <label className="control">
            <span>{t('app.language')}</span>
            <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
              {LOCALES.map((code) => (
                <option key={code} value={code}>{t(`language.${code}`)}</option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <PlaygroundView controller={controller} />
      <footer className="app-footer">{t('app.footer')}</footer>
    </div>
  );
}
