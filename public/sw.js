// propdesk service worker: keeps the app shell (HTML of visited pages, WASM, JS, CSS,
// icons) so that after one online visit the app starts and reloads with no network.
// Network first, cache as the fallback: online, people always get the current build.
// The sync engine's data lives in IndexedDB, not here.

const VERSION = 'v1';
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

// Pages hold the signed-in person's data: forget them at sign-out.
self.addEventListener('message', (event) => {
  if (event.data === 'forget-pages') {
    event.waitUntil(caches.delete(PAGES));
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
