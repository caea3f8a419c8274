/**
 * Registers the service worker (built by vite-plugin-pwa): after the first visit the app shell and
 * the base model are cached, so a reload without a network still gives a working app. Only in a
 * production build (the dev server serves modules live).
 */
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  registerSW({ immediate: true });
}
