import { test, expect, Page, BrowserContext } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { countingRelay } from './relay';
import { signIn, useEnglish, waitForHydration, waitForServiceWorker } from './helpers';

/** How many pages the service worker keeps, once its `warm` list has been fetched. */
async function keptPages(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const name = (await caches.keys()).find((k) => k.startsWith('propdesk-pages-'));
    return name ? (await (await caches.open(name)).keys()).length : 0;
  });
}

/** Whether the worker's install has stored this build's WASM. */
async function shellKept(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const name = (await caches.keys()).find((k) => k.startsWith('propdesk-shell-'));
    if (!name) return false;
    const keys = await (await caches.open(name)).keys();
    return keys.some((r) => r.url.endsWith('.wasm'));
  });
}

async function readyForOffline(page: Page, pages: number) {
  await waitForServiceWorker(page);
  await expect.poll(() => shellKept(page), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => keptPages(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(pages);
}

/** Fills and sends the sign-in form on whatever state the page is in (no waiting for the app). */
async function fillSignIn(page: Page, username: string, password: string) {
  if (!new URL(page.url()).pathname.startsWith('/login')) await page.goto('/login');
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
}

test('signing in works before the app script has loaded (no JavaScript at all)', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await useEnglish(page);
  await fillSignIn(page, 'desk', 'wrong');
  await page.waitForURL('**/login?failed=bad_credentials');
  await expect(page.getByRole('alert')).toHaveText(/Wrong username or password/);

  await fillSignIn(page, 'desk', 'demo');
  await page.waitForURL('**/desk');
  await expect(page.getByTestId('home-title')).toHaveText('Front desk');
  await context.close();
});

test('the build is served hashed, precompressed and cached for good; pages are not', async ({ request }) => {
  const html = await (await request.get('/login')).text();
  const wasm = html.match(/href="(\/pkg\/propdesk\.[^"]+\.wasm)"/)?.[1];
  const css = html.match(/href="(\/pkg\/propdesk\.[^"]+\.css)"/)?.[1];
  expect(wasm, 'the page names a hashed WASM').toBeTruthy();
  expect(css, 'the page names a hashed stylesheet').toBeTruthy();
  for (const [encoding, expected] of [['br', 'br'], ['gzip', 'gzip'], ['identity', undefined]]) {
    const r = await request.get(wasm!, { headers: { 'Accept-Encoding': encoding } });
    expect(r.status()).toBe(200);
    expect(r.headers()['content-encoding'], encoding).toBe(expected);
    expect(r.headers()['cache-control']).toContain('immutable');
    expect(r.headers()['vary']).toContain('accept-encoding');
  }
  const page = await request.get('/login');
  expect(page.headers()['cache-control']).toContain('no-cache');
  const sw = await request.get('/sw.js');
  expect(sw.headers()['cache-control']).toBe('no-cache');
  expect(await sw.text(), 'the worker names this build').toContain(wasm!);
  // Unhashed public files are revalidated, and unchanged ones are not sent again.
  const manifest = await request.get('/manifest.webmanifest');
  const since = manifest.headers()['last-modified'];
  expect(since).toBeTruthy();
  const again = await request.get('/manifest.webmanifest', { headers: { 'If-Modified-Since': since } });
  expect(again.status()).toBe(304);
  // A file that is not there is the app's not-found page, not cached for good.
  const missing = await request.get('/pkg/propdesk.nothing.wasm');
  expect(missing.status()).toBe(404);
  expect(missing.headers()['cache-control'] ?? '').not.toContain('immutable');
});

test('tapping through five screens and reloading downloads no code, only data', async ({ browser }) => {
  const relay = await countingRelay(new URL(baseURL));
  const context = await browser.newContext({ baseURL: relay.url });
  try {
    const page = await context.newPage();
    await useEnglish(page);
    await signIn(page, 'desk');
    await readyForOffline(page, 15);
    const firstVisit = relay.wire.down;
    relay.wire.down = 0; relay.wire.up = 0; relay.wire.paths = [];

    const nav = page.getByRole('navigation');
    for (const name of ['Desk ledger', 'Cases', 'Return visits', 'Units', 'Residents']) {
      await nav.getByRole('link', { name, exact: true }).click();
      await page.waitForLoadState('load');
      await waitForHydration(page);
    }
    await page.reload();
    await waitForHydration(page);

    // The app's code is everything under /pkg. The browser may also ask for /sw.js on a
    // navigation: that is how a new release is noticed (a few KB, never the app itself).
    const code = relay.wire.paths.filter((p) => p.startsWith('/pkg/'));
    console.log(`first visit: ${firstVisit} bytes; five screens and a reload: ${relay.wire.down} bytes in ${relay.wire.paths.length} requests`);
    expect(code, 'no script, WASM or style from the network').toEqual([]);
    expect(relay.wire.down).toBeLessThan(2_000_000);
  } finally {
    await context.close();
    relay.close();
  }
});

/** Every screen each role may open, which must open offline after the first load. */
const SCREENS: Record<string, { user: string; viewport: { width: number; height: number }; pages: string[] }> = {
  patrol: {
    user: 'patrol',
    viewport: { width: 800, height: 1280 },
    pages: ['/patrol', '/patrols', '/patrols/run', '/patrols/findings', '/ledger/gate', '/cases', '/cases/new', '/cases/view', '/cases/mine', '/sync'],
  },
  desk: {
    user: 'desk',
    viewport: { width: 1440, height: 900 },
    pages: ['/desk', '/ledger', '/ledger/visitors', '/ledger/calls', '/ledger/passes', '/ledger/pass', '/ledger/gate', '/ledger/keys',
      '/ledger/mail', '/ledger/shift', '/ledger/notices', '/cases', '/cases/new', '/cases/view', '/cases/mine', '/cases/visits', '/sync'],
  },
};

for (const [role, s] of Object.entries(SCREENS)) {
  test(`${role}: offline right after the first load, every screen of the role opens`, async ({ browser }) => {
    const context: BrowserContext = await browser.newContext({ viewport: s.viewport });
    const page = await context.newPage();
    await useEnglish(page);
    await signIn(page, s.user);
    await readyForOffline(page, s.pages.length);
    await context.setOffline(true);
    for (const path of s.pages) {
      await page.goto(path);
      await waitForHydration(page);
      await expect(page.locator('.offline-page'), path).toHaveCount(0);
      await expect(page.getByTestId('forbidden'), path).toHaveCount(0);
      await expect(page.getByTestId('sync-status')).toHaveText(/Offline/);
    }
    await context.close();
  });
}

test('a form submitted before the app has started is held, then sent with what was typed', async ({ browser }) => {
  // No service worker, and the WASM held back until the test lets it through.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  await context.route('**/*.wasm', async (route) => { await gate; await route.continue(); });
  const page = await context.newPage();
  await useEnglish(page);
  await fillSignIn(page, 'desk', 'demo');
  await page.waitForURL('**/desk');

  await page.goto('/account', { waitUntil: 'domcontentloaded' });
  const current = page.locator('input[autocomplete=current-password]');
  await current.fill('not-my-password');
  await page.locator('input[autocomplete=new-password]').fill('a-new-password-9');
  await page.locator('form.panel button[type=submit]').click();
  await expect(page.locator('form[aria-busy=true]')).toHaveCount(1);
  expect(page.url(), 'nothing went into the address').not.toContain('?');
  await expect(current).toHaveValue('not-my-password');

  release();
  await waitForHydration(page);
  // The held form went out with the typed values: the new password passed its checks and
  // the server refused the wrong current one (lost values would fail on the new one).
  await expect(page.locator('[role=alert][data-code=invalid]')).toContainText('current_password');
  await context.close();
});
