import { lazy, Suspense, useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { LOCALES, type Locale } from '../i18n/i18n';
import { PlaygroundView } from '../features/playground/client/PlaygroundView';
import { usePlayground } from '../features/playground/client/usePlayground';
import { BACKEND_OPTIONS } from '../features/playground/meta';

// The studio's code loads only when it is first opened.
const TransferView = lazy(() => import('../features/transfer/client/TransferView').then((module) => ({ default: module.TransferView })));

type View = 'playground' | 'transfer';
const viewOf = (hash: string): View => (hash === '#transfer' ? 'transfer' : 'playground');

function useHashView(): View {
  const [view, setView] = useState(() => viewOf(window.location.hash));
  useEffect(() => {
    const onHash = () => setView(viewOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return view;
}

export function App() {
  const { t, locale, setLocale } = useI18n();
  const controller = usePlayground();
  const { backend, config } = controller.state;
  const view = useHashView();
  const [transferVisited, setTransferVisited] = useState(view === 'transfer');
  useEffect(() => {
    if (view === 'transfer') {
      setTransferVisited(true);
      if (controller.state.snapshot?.status === 'playing') controller.send({ type: 'pause' });
    }
  }, [view]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
        <nav aria-label={t('app.navigation')}>
          <a href="#playground" aria-current={view === 'playground' ? 'page' : undefined}>{t('nav.playground')}</a>
          <a href="#transfer" aria-current={view === 'transfer' ? 'page' : undefined}>{t('nav.transfer')}</a>
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
      <div hidden={view !== 'playground'}>
        <PlaygroundView controller={controller} active={view === 'playground'} />
      </div>
      {transferVisited && (
        <div hidden={view !== 'transfer'}>
          <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
            <TransferView />
          </Suspense>
        </div>
      )}
      <footer className="app-footer">{t('app.footer')}</footer>
    </div>
  );
}
