// propdesk service worker. The server fills in this build's version and assets when it
// sends this file (`server/src/http/static_files.rs`), so every release is a new worker.
//
// - The build's assets (/pkg, content-hashed names) are fetched once, at install, and then
//   always served from the cache: a tap or a reload never downloads them again.
// - A new release installs beside the old one: its worker fetches all of its assets before
//   it takes over (never half old, half new); a page already open keeps the code it
//   loaded; the old caches go when the new worker activates.
// - Pages are network first, the kept copy when offline, so online people always see
//   current data. The sync engine's data lives in IndexedDB, not here.

const VERSION = '__PROPDESK_VERSION__';
const ASSETS = '__PROPDESK_ASSETS__';
const SHELL = `propdesk-shell-${VERSION}`;
const PAGES = `propdesk-pages-${VERSION}`;
const PRECACHE = [
  '/offline.html',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  ...ASSETS,
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
// keeps the pages the person's role may open and has not opened yet, so they open offline
// too (the app sends the list; see `app::pages::offline_pages`).
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

// A hashed asset never changes: the kept copy is the answer. One missing (a cache the
// browser evicted) is fetched and kept again.
async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const copy = response.clone();
    caches.open(SHELL).then((cache) => cache.put(request, copy));
  }
  return response;
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
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(cacheFirst(event.request));
    return;
  }
  const cacheName = event.request.mode === 'navigate' ? PAGES : SHELL;
  event.respondWith(networkFirst(event.request, cacheName));
});
