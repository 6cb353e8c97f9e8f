// propdesk service worker: keeps the app shell (HTML of visited pages, WASM, JS, CSS,
// icons) so that after one online visit the app starts and reloads with no network.
// Network first, cache as the fallback: online, people always get the current build.
// The sync engine's data lives in IndexedDB, not here.

const VERSION = 'v3';
const SHELL = `propdesk-shell-${VERSION}`;
const PAGES = `propdesk-pages-${VERSION}`;
const PRECACHE = [
  '/offline.html',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/pkg/propdesk.js',
  '/pkg/propdesk.wasm',
  '/pkg/propdesk.css',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k !== SHELL && k !== PAGES).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

// Pages whose content the device renders from IndexedDB: one kept copy serves every
// query (`/cases/view?id=…` for any case, including one made offline; a pass to print;
// a patrol run started offline; a route's labels).
const ANY_QUERY = ['/cases/view', '/ledger/pass', '/patrols/run', '/patrols/labels'];

// Pages hold the signed-in person's data: forget them at sign-out. `warm` fetches and
// keeps pages the person has not opened yet, so they open offline too.
self.addEventListener('message', (event) => {
  if (event.data === 'forget-pages') {
    event.waitUntil(caches.delete(PAGES));
  } else if (event.data && Array.isArray(event.data.warm)) {
    // One at a time, and only pages not kept yet: this runs on every page load.
    event.waitUntil(caches.open(PAGES).then(async (cache) => {
      for (const path of event.data.warm) {
        if (await cache.match(path, { ignoreVary: true })) continue;
        try {
          const r = await fetch(path, { credentials: 'same-origin' });
          if (r.ok && !r.redirected && r.type === 'basic') await cache.put(path, r);
        } catch (e) { /* offline: try again on a later page load */ }
      }
    }));
  }
});

function cacheable(url, request) {
  return request.method === 'GET'
    && url.origin === self.location.origin
    && !url.pathname.startsWith('/api/')
    && url.pathname !== '/sw.js';
}

async function networkFirst(request, cacheName) {
  try {
    const response = await fetch(request);
    // Only whole, direct answers are kept: a redirect to sign-in is not the page.
    if (response.ok && !response.redirected && response.type === 'basic') {
      const copy = response.clone();
      caches.open(cacheName).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (err) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    const url = new URL(request.url);
    if (ANY_QUERY.includes(url.pathname)) {
      const any = await caches.match(url.pathname, { ignoreVary: true, ignoreSearch: true });
      if (any) return any;
    }
    if (request.mode === 'navigate') {
      const offline = await caches.match('/offline.html');
      if (offline) return offline;
    }
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!cacheable(url, event.request)) return;
  const cacheName = event.request.mode === 'navigate' ? PAGES : SHELL;
  event.respondWith(networkFirst(event.request, cacheName));
});
