/**
 * Registers the service worker (`public/sw.js`, served at `/sw.js` with scope `/`) that keeps the
 * app shell for offline use. Production builds only: under `vite dev` it would cache modules the
 * dev server rewrites on every change.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
