import { test, expect, Page, Browser, Locator } from '@playwright/test';
import { signIn, useEnglish, waitForHydration, waitForServiceWorker } from './helpers';

// A patrol on a tablet in a building with no signal: the supervisor plans a route
// online; the patrol visits once, then the network is cut before the run starts. They
// check in at each area by typing its code, fail an item with a photo, reload mid-route
// and go on, pause and resume, finish, and sync when the signal returns. The supervisor
// sees the run and its nonconformity; engineering reports the fix and the follow-up
// inspection closes it.

// A real 1×1 PNG: the device decodes, downscales and re-encodes it as JPEG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const TABLET = { width: 820, height: 1180 };
const LAPTOP = { width: 1366, height: 900 };
const SHOTS = process.env.PROPDESK_SHOTS;

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function person(browser: Browser, username: string, viewport = LAPTOP) {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-US' });
  const page = await context.newPage();
  await useEnglish(page);
  await signIn(page, username);
  await waitForServiceWorker(page);
  return { context, page };
}

async function open(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
  await expect(page.getByTestId('sync-waiting')).toBeVisible({ timeout: 20_000 });
}

async function synced(page: Page) {
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0', { timeout: 30_000 });
}

function area(page: Page, code: string): Locator {
  return page.locator(`[data-testid="area"][data-code="${code}"]`);
}

async function checkIn(page: Page, code: string) {
  await page.getByTestId('checkin-code').fill(code);
  await page.getByTestId('checkin-submit').click();
  await expect(area(page, code.toUpperCase())).not.toHaveAttribute('data-state', 'not_visited');
}

function item(page: Page, code: string, index: number): Locator {
  return area(page, code).locator(`[data-testid="item"][data-index="${index}"]`);
}

test('a patrol run offline on a tablet, its nonconformity followed up to closed', async ({ browser }) => {
  test.setTimeout(300_000);
  const tag = Date.now().toString(36).toUpperCase();
  const routeName = `Night round ${tag}`;

  // The supervisor plans the route online, with its checklist written as lines.
  const sup = await person(browser, 'super');
  await open(sup.page, '/patrols/routes');
  await sup.page.getByTestId('route-name').fill(routeName);
  await sup.page.getByTestId('route-department').selectOption('engineering');
  await sup.page.getByTestId('route-sheet').fill([
    '[PUMP] Pump room',
    '- Pumps running quietly {photo}',
    '- Outlet pressure {number MPa 0.3..0.6}',
    '[LOBBY] Lobby',
    '- Floor clean',
    '- Remarks {text}',
    '[ROOF] Roof door',
    '- Door locked',
  ].join('\n'));
  await sup.page.getByTestId('route-submit').click();
  const planned = sup.page.locator(`[data-testid="route"][data-name="${routeName}"]`);
  await expect(planned).toHaveAttribute('data-version', '1');
  await synced(sup.page);
  // Its QR labels: one A4 sheet, a label per area.
  await planned.getByTestId('route-labels').click();
  await waitForHydration(sup.page);
  await expect(sup.page.getByTestId('label-sheet')).toHaveCount(1);
  await expect(sup.page.locator('g.label')).toHaveCount(3);
  await expect(sup.page.locator('g.label[data-code="PUMP"]')).toHaveCount(1);
  await shot(sup.page, 'patrol-labels');

  // The patrol opens the patrol pages once online, then loses the signal.
  const patrol = await person(browser, 'patrol', TABLET);
  const page = patrol.page;
  for (const p of ['/patrols/findings', '/patrols']) await open(page, p);
  const onBoard = page.locator(`[data-testid="patrol-route"][data-name="${routeName}"]`);
  await expect(onBoard.getByTestId('slot-state')).toHaveText('Due');
  await patrol.context.setOffline(true);
  await page.reload();
  await waitForHydration(page);

  // Offline from the start of the run.
  await onBoard.getByTestId('start-run').click();
  await page.waitForURL('**/patrols/run?id=*');
  await waitForHydration(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'in_progress');
  await expect(page.getByTestId('area')).toHaveCount(3);
  await checkIn(page, 'PUMP');
  await expect(area(page, 'PUMP')).toHaveAttribute('data-state', 'checked_in');

  // The pumps are noisy: a nonconformity, and it needs a photo.
  await item(page, 'PUMP', 0).getByTestId('answer-fail').click();
  const fail = page.getByTestId('fail-form');
  await fail.getByTestId('fail-note').fill('Pump 2 rattles, bearing worn');
  await fail.getByTestId('fail-submit').click();
  await expect(page.getByTestId('form-error')).toContainText('photo is required');
  await fail.getByTestId('photo-input').setInputFiles({ name: 'pump.png', mimeType: 'image/png', buffer: PNG });
  await expect(fail.getByTestId('photo-count')).toContainText('1');
  await fail.getByTestId('fail-submit').click();
  await expect(item(page, 'PUMP', 0)).toHaveAttribute('data-failed', 'true');
  await expect(page.getByTestId('fail-form')).toHaveCount(0);
  // A reading within bounds.
  await item(page, 'PUMP', 1).getByTestId('answer-number').fill('0.45');
  await item(page, 'PUMP', 1).getByTestId('answer-save').click();
  await expect(area(page, 'PUMP')).toHaveAttribute('data-state', 'complete');
  await shot(page, 'patrol-run-tablet');

  // Mid-route the page reloads, still offline: the run is all there.
  await page.reload();
  await waitForHydration(page);
  await expect(area(page, 'PUMP')).toHaveAttribute('data-state', 'complete');
  await expect(page.getByTestId('run-progress')).toHaveText('1/3');
  // A complete area folds away; a tap opens it again.
  await expect(item(page, 'PUMP', 0)).toHaveCount(0);
  await area(page, 'PUMP').getByTestId('area-head').click();
  await expect(item(page, 'PUMP', 0)).toHaveAttribute('data-failed', 'true');

  // A pause (a call elsewhere) survives a reload too, then the run goes on.
  await page.getByTestId('pause-run').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await page.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'in_progress');

  // The lobby's code typed in lower case; the roof last.
  await checkIn(page, 'lobby');
  await item(page, 'LOBBY', 0).getByTestId('answer-pass').click();
  await expect(item(page, 'LOBBY', 0)).toHaveAttribute('data-answered', 'true');
  await item(page, 'LOBBY', 1).getByTestId('answer-text').fill('Quiet night');
  await item(page, 'LOBBY', 1).getByTestId('answer-save').click();
  await expect(area(page, 'LOBBY')).toHaveAttribute('data-state', 'complete');
  // A code that is not on the route is refused at once, offline.
  await page.getByTestId('checkin-code').fill('GARAGE');
  await page.getByTestId('checkin-submit').click();
  await expect(page.getByTestId('form-error')).toContainText('not an area of this route');
  await checkIn(page, 'ROOF');
  await item(page, 'ROOF', 0).getByTestId('answer-pass').click();
  await expect(area(page, 'ROOF')).toHaveAttribute('data-state', 'complete');
  await page.getByTestId('finish-run').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished');
  const waitingCount = Number(await page.getByTestId('sync-waiting').getAttribute('data-count'));
  expect(waitingCount).toBeGreaterThanOrEqual(12);
  await shot(page, 'patrol-run-finished-offline');

  // The signal returns: everything goes up in one sync.
  await patrol.context.setOffline(false);
  await synced(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished');
  await expect(page.getByTestId('waiting-badge')).toHaveCount(0);

  // The supervisor sees the route covered and the run's full record with its photo.
  await open(sup.page, '/patrols/coverage');
  await synced(sup.page);
  const row = sup.page.locator(`[data-testid="coverage-row"][data-route="${routeName}"]`).first();
  await expect(row.locator('[data-testid="coverage-slot"][data-state="done"]')).toHaveCount(1);
  await shot(sup.page, 'patrol-coverage');
  await sup.page.getByTestId('week-run').filter({ hasText: routeName }).getByTestId('open-run').click();
  await waitForHydration(sup.page);
  await expect(sup.page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished');
  await expect(item(sup.page, 'PUMP', 0)).toHaveAttribute('data-failed', 'true');
  await expect(item(sup.page, 'PUMP', 0).getByTestId('photo')).toHaveAttribute('data-pending', 'false');
  await expect(sup.page.getByTestId('checkin-form')).toHaveCount(0);
  await shot(sup.page, 'patrol-run-record');

  // The nonconformity is a sheet to engineering.
  await open(sup.page, '/patrols/findings');
  const sheet = sup.page.getByTestId('finding').filter({ hasText: 'Pumps running quietly' }).filter({ hasText: routeName });
  await expect(sheet).toHaveAttribute('data-status', 'open');
  await expect(sup.page.locator('[data-testid="dept-group"][data-department="engineering"]').getByTestId('finding').filter({ hasText: routeName })).toHaveCount(1);
  await expect(sheet.getByTestId('photo')).toHaveCount(1);

  // Engineering reports the fix.
  const tech = await person(browser, 'tech', TABLET);
  await open(tech.page, '/patrols/findings');
  const theirs = tech.page.getByTestId('finding').filter({ hasText: routeName });
  await theirs.getByTestId('rectify-open').click();
  await theirs.getByTestId('rectify-note').fill('Bearing replaced on pump 2');
  await theirs.getByTestId('rectify-submit').click();
  await expect(theirs).toHaveAttribute('data-status', 'rectified');
  await synced(tech.page);
  await shot(tech.page, 'patrol-findings-tech');

  // The follow-up inspection finds it fixed and closes the sheet.
  await open(sup.page, '/patrols/findings');
  await synced(sup.page);
  await expect(sheet).toHaveAttribute('data-status', 'rectified');
  await expect(sheet.getByTestId('rectification')).toContainText('Bearing replaced');
  await sheet.getByTestId('follow-up-open').click();
  await sheet.getByTestId('follow-up-note').fill('Pump 2 quiet now');
  await sheet.getByTestId('follow-up-pass').click();
  await expect(sheet).toHaveAttribute('data-status', 'closed');
  await synced(sup.page);
  await open(tech.page, '/patrols/findings');
  await synced(tech.page);
  await expect(tech.page.getByTestId('closed-findings').getByTestId('finding').filter({ hasText: routeName })).toHaveAttribute('data-status', 'closed');
  await shot(sup.page, 'patrol-findings-closed');
});

/** A PNG of `w`×`h` pixels with a pattern and noise seeded by `seed`: like a photo, it
 *  does not compress to nothing, and each seed gives different bytes. */
function photo(seed: number, w = 1600, h = 1200): Buffer {
  const zlib = require('zlib');
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const raw = Buffer.alloc((w * 3 + 1) * h);
  let x = seed * 2654435761 >>> 0;
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let i = 0; i < w; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const noise = (x >>> 24) & 0x3f;
      raw[row + 1 + i * 3] = (i * 255 / w + noise) & 0xff;
      raw[row + 2 + i * 3] = (y * 255 / h + seed * 37) & 0xff;
      raw[row + 3 + i * 3] = (noise * 3 + seed * 11) & 0xff;
    }
  }
  const head = Buffer.alloc(13);
  head.writeUInt32BE(w, 0);
  head.writeUInt32BE(h, 4);
  head[8] = 8; // bit depth
  head[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', head),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// The size: a route of 40 areas × 10 items walked offline with 20 failed items,
// each with its own photo, then synced in one go. Prints the push time on loopback and
// the device storage the run took.
test('a 40-area patrol with 20 photos, offline, syncs in one go', async ({ browser }) => {
  test.setTimeout(600_000);
  const tag = Date.now().toString(36).toUpperCase();
  const routeName = `Tower inspection ${tag}`;
  const codes = Array.from({ length: 40 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`);
  const sup = await person(browser, 'super');
  await open(sup.page, '/patrols/routes');
  await sup.page.getByTestId('route-name').fill(routeName);
  await sup.page.getByTestId('route-sheet').fill(codes.map((c, i) => [
    `[${c}] Floor ${i + 1}`,
    '- Fire door closed {photo}',
    ...Array.from({ length: 9 }, (_, k) => `- Check ${k + 2} on floor ${i + 1}`),
  ].join('\n')).join('\n'));
  await sup.page.getByTestId('route-submit').click();
  await expect(sup.page.locator(`[data-testid="route"][data-name="${routeName}"]`)).toHaveCount(1);
  await synced(sup.page);

  const patrol = await person(browser, 'patrol', TABLET);
  const page = patrol.page;
  await open(page, '/patrols');
  const onBoard = page.locator(`[data-testid="patrol-route"][data-name="${routeName}"]`);
  await expect(onBoard).toHaveCount(1);
  const usage = () => page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await patrol.context.setOffline(true);
  const before = await usage();

  await onBoard.getByTestId('start-run').click();
  await page.waitForURL('**/patrols/run?id=*');
  await waitForHydration(page);
  for (const [i, code] of codes.entries()) {
    await checkIn(page, code);
    const a = area(page, code);
    for (let k = 0; k < 10; k++) {
      const it = a.locator(`[data-testid="item"][data-index="${k}"]`);
      if (k === 0 && i < 20) {
        await it.getByTestId('answer-fail').click();
        const fail = page.getByTestId('fail-form');
        await fail.getByTestId('photo-input').setInputFiles({ name: `door-${i}.png`, mimeType: 'image/png', buffer: photo(i + 1) });
        await expect(fail.getByTestId('photo-count')).toContainText('1');
        await fail.getByTestId('fail-note').fill(`Door wedged open on floor ${i + 1}`);
        await fail.getByTestId('fail-submit').click();
        await expect(page.getByTestId('fail-form')).toHaveCount(0);
      } else {
        await it.getByTestId('answer-pass').click();
      }
      await expect(it).toHaveAttribute('data-answered', 'true');
    }
    await expect(a).toHaveAttribute('data-state', 'complete');
  }
  await page.getByTestId('finish-run').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished');
  // 1 start + 40 check-ins + 400 answers + 20 nonconformities + 1 finish.
  await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '462');
  const after = await usage();

  await patrol.context.setOffline(false);
  const t0 = Date.now();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0', { timeout: 120_000 });
  const pushMs = Date.now() - t0;
  console.log(`FIGURES patrol 40x10 + 20 photos: 462 mutations synced in ${pushMs} ms; device storage +${((after - before) / 1048576).toFixed(2)} MiB`);

  // The server has it all: the supervisor sees the run complete with its 20 failures.
  await open(sup.page, '/patrols/coverage');
  await synced(sup.page);
  await sup.page.getByTestId('week-run').filter({ hasText: routeName }).getByTestId('open-run').click();
  await waitForHydration(sup.page);
  await expect(sup.page.getByTestId('run-progress')).toHaveText('40/40');
  await expect(sup.page.locator('[data-testid="item"][data-failed="true"]')).toHaveCount(20);
  await open(sup.page, '/patrols/findings');
  await expect(sup.page.getByTestId('finding').filter({ hasText: routeName })).toHaveCount(20);
});
