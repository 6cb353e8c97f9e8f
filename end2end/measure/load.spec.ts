// A measurement, not a test: loads the sign-in screen and a role's home in Chromium with
// the CPU slowed 4x and the network throttled to slow 4G (through the DevTools protocol),
// then reloads offline, and prints first paint, when the page answers input (hydrated),
// and the bytes over the wire. Run by scripts/measure; goals in README.
import { test, Page, CDPSession } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { countingRelay } from '../tests/relay';
import { useEnglish, waitForServiceWorker } from '../tests/helpers';

// Slow 4G as Chromium's DevTools define it: 150 ms latency (scaled), 1.6 Mbit/s down, 750 kbit/s up.
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 };

async function timings(page: Page) {
  await page.waitForFunction(() => (window as any).__propdesk_hydrated === true, null, { timeout: 180_000 });
  return page.evaluate(() => ({
    paint: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN),
    answers: Math.round((window as any).__propdesk_hydrated_at ?? NaN),
  }));
}

async function throttle(cdp: CDPSession, offline = false) {
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { ...SLOW_4G, offline });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

const rows: string[] = [];
function row(what: string, t: { paint: number; answers: number }, bytes: number | string) {
  rows.push(`${what.padEnd(36)} ${String(t.paint).padStart(8)} ${String(t.answers).padStart(10)} ${String(bytes).padStart(12)}`);
}

for (const user of ['desk', 'patrol']) {
  test(`${user}: sign-in screen and home on slow 4G, CPU 4x slower, then offline`, async ({ browser }) => {
    test.setTimeout(600_000);
    const relay = await countingRelay(new URL(baseURL));
    const context = await browser.newContext({ baseURL: relay.url });
    const page = await context.newPage();
    await useEnglish(page);
    const cdp = await context.newCDPSession(page);
    await throttle(cdp);

    await page.goto('/login');
    row(`${user}: sign-in screen, first visit`, await timings(page), relay.wire.down);
    relay.wire.down = 0;
    await page.locator('input[name=username]').fill(user);
    await page.locator('input[name=password]').fill('demo');
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    row(`${user}: home after sign-in`, await timings(page), relay.wire.down);

    await waitForServiceWorker(page);
    relay.wire.down = 0;
    await page.reload();
    row(`${user}: home, reload online`, await timings(page), relay.wire.down);

    await context.setOffline(true);
    await throttle(cdp, true);
    relay.wire.down = 0;
    await page.reload();
    row(`${user}: home, reload offline`, await timings(page), relay.wire.down);
    await context.close();
    relay.close();
  });
}

test.afterAll(() => {
  console.log(`\n${'load (slow 4G, CPU 4x)'.padEnd(36)} ${'paint ms'.padStart(8)} ${'answers ms'.padStart(10)} ${'bytes'.padStart(12)}`);
  for (const r of rows) console.log(r);
});
