import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { I18nProvider } from './i18n/I18nProvider';
import { WorkerProvider } from './client/WorkerProvider';
import { detectLocale } from './i18n/i18n';
import { ClassroomProvider } from './features/classroom/client/ClassroomProvider';
import './app/app.css';
import { registerServiceWorker } from './app/serviceWorker';

const locale = detectLocale(window.location.search, navigator.languages ?? [navigator.language]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider initialLocale={locale}>
      <WorkerProvider>
        <ClassroomProvider>
          <App />
        </ClassroomProvider>
      </WorkerProvider>
    </I18nProvider>
  </StrictMode>,
);
registerServiceWorker();
