/*
 * Tend's service worker: keeps the app shell (index.html and the hashed assets it names) so the
 * web app opens when the server or the network is down, and shows the offline copy of the
 * schedule from IndexedDB. It never touches /api: patient data is never in its cache (the offline
 * copy lives in IndexedDB, written by the app, and is deleted on sign-out).
 *
 * - Pages (navigations): the network first; without it, the cached index.html (the app routes).
 * - /assets/*: hashed names never change, so the cache first, filled as they are fetched.
 * - Every fresh index.html refreshes the shell: its assets are cached, assets no longer named go.
 */

const CACHE = 'tend-shell-v1';
const SHELL = '/index.html';

/** The hashed files index.html loads (scripts, module preloads, styles). */
function assetsOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
}

async function keepShell(html) {
  const cache = await caches.open(CACHE);
  const assets = assetsOf(html);
  await cache.put(SHELL, new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
  const cached = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  await Promise.all(assets.filter((path) => !cached.has(path)).map((path) => cache.add(path)));
  const wanted = new Set([SHELL, '/favicon.svg', ...assets]);
  await Promise.all([...cached].filter((path) => !wanted.has(path)).map((path) => cache.delete(path)));
}

async function fetchShell() {
  const response = await fetch(SHELL, { cache: 'no-store' });
  if (!response.ok) throw new Error(`index.html: ${response.status}`);
  await keepShell(await response.text());
  await (await caches.open(CACHE)).add('/favicon.svg').catch(() => undefined);
}

self.addEventListener('install', (event) => {
  event.waitUntil(fetchShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

async function navigate(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get('content-type')?.includes('text/html')) {
      const copy = response.clone();
      // Keep this version's shell in the background; the page does not wait for it.
      copy.text().then(keepShell, () => undefined);
    }
    return response;
  } catch {
    const cached = await caches.match(SHELL);
    if (cached) return cached;
    throw new Error('offline, and no app shell cached yet');
  }
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(asset(request));
  } else if (url.pathname === '/favicon.svg') {
    event.respondWith(fetch(request).catch(() => caches.match(request).then((hit) => hit ?? Response.error())));
  }
});
