import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { LOCALES, type Locale } from '../i18n/i18n';
import { PlaygroundView } from '../features/playground/client/PlaygroundView';
import { usePlayground } from '../features/playground/client/usePlayground';
import { BACKEND_OPTIONS } from '../features/playground/meta';
import { useControlFlags } from '../features/classroom/client/ClassroomProvider';
import { LessonPanel } from '../features/classroom/client/LessonPanel';
import { LessonsView } from '../features/classroom/client/LessonsView';

// The studio's code loads only when it is first opened.
const TransferView = lazy(() => import('../features/transfer/client/TransferView').then((module) => ({ default: module.TransferView })));

type View = 'playground' | 'transfer' | 'lessons';
const viewOf = (hash: string): View => (hash === '#transfer' ? 'transfer' : hash === '#lessons' ? 'lessons' : 'playground');

/**
 * The view named by the URL's hash. A store subscription rather than state set in an effect: a
 * click on a nav link that lands before the effect has run (a busy page, just painted) is then
 * not missed, since the hash is read again when the subscription starts.
 */
function subscribeHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function useHashView(): View {
  return viewOf(useSyncExternalStore(subscribeHash, () => window.location.hash));
}

export function App() {
  const { t, locale, setLocale } = useI18n();
  const { hidden, locked, presenter } = useControlFlags();
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
    <div className={presenter ? 'app presenter' : 'app'} data-presenter={presenter || undefined}>
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
        {!hidden('nav') && <nav aria-label={t('app.navigation')}>
          <a href="#playground" aria-current={view === 'playground' ? 'page' : undefined}>{t('nav.playground')}</a>
          {!hidden('transfer') && <a href="#transfer" aria-current={view === 'transfer' ? 'page' : undefined}>{t('nav.transfer')}</a>}
          {!hidden('lessons') && <a href="#lessons" aria-current={view === 'lessons' ? 'page' : undefined}>{t('classroom.nav')}</a>}
        </nav>}
        <div className="header-settings">
          {!hidden('backend') && <label className="control">
            <span>{t('app.backend')}</span>
            <select disabled={locked('backend')} value={config.backend} onChange={(e) => controller.setConfig({ backend: e.target.value as (typeof BACKEND_OPTIONS)[number] })} data-testid="backend-choice">
              {BACKEND_OPTIONS.map((choice) => (
                <option key={choice} value={choice}>{choice === 'auto' ? t('app.backendAuto') : choice}</option>
              ))}
            </select>
          </label>}
          <span className="backend-badge" title={backend ? t('app.backendTitle', { renderer: backend.renderer || '—' }) : t('app.backendLoading')}>
            {t('app.activeBackend')} <strong data-testid="backend">{backend?.backend ?? ''}</strong>
          </span>
          {!hidden('language') && <label className="control">
            <span>{t('app.language')}</span>
            <select disabled={locked('language')} value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
              {LOCALES.map((code) => (
                <option key={code} value={code}>{t(`language.${code}`)}</option>
              ))}
            </select>
          </label>}
        </div>
      </header>
      <LessonPanel controller={controller} view={view} />
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
      {view === 'lessons' && <LessonsView />}
      <footer className="app-footer">{t('app.footer')}</footer>
    </div>
  );
}
