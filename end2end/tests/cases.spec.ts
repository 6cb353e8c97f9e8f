import { test, expect, Page, Browser } from '@playwright/test';
import { signIn, useEnglish, waitForHydration, waitForServiceWorker } from './helpers';

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

async function person(browser: Browser, username: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-US' });
  const page = await context.newPage();
  await useEnglish(page);
  await signIn(page, username);
  await waitForServiceWorker(page);
  return { context, page };
}

async function waitForDevice(page: Page) {
  await expect(page.getByTestId('sync-waiting')).toBeVisible({ timeout: 20_000 });
}

async function open(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
  await waitForDevice(page);
}

/** Syncs now and waits until nothing waits. */
async function synced(page: Page) {
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0', { timeout: 20_000 });
}

function row(page: Page, title: string) {
  return page.getByTestId('case-row').filter({ hasText: title });
}

async function openCase(page: Page, title: string) {
  await open(page, '/cases');
  await page.getByTestId('case-search').fill(title);
  await row(page, title).locator('a').click();
  await waitForHydration(page);
  await expect(page.getByTestId('case-title')).toHaveText(title);
}

/** Opens a step's disclosure (it stays open across syncs once opened). */
async function step(page: Page, testid: string) {
  const el = page.getByTestId(testid);
  if (!(await el.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await el.locator('summary').click();
  }
  return el;
}

/** `YYYY-MM-DDTHH:MM` in UTC, for a datetime-local input in a UTC browser. */
function localInput(ms: number) {
  return new Date(ms).toISOString().slice(0, 16);
}

test('a leak from the resident, through the technician offline, to the return visit', async ({ browser }) => {
  test.setTimeout(180_000);
  const title = `Bathroom leak ${Date.now()}`;

  // The resident files it offline with a photo, marked as a leak.
  const resident = await person(browser, 'resident', TABLET);
  await open(resident.page, '/cases/new');
  await resident.context.setOffline(true);
  await resident.page.reload();
  await waitForHydration(resident.page);
  await waitForDevice(resident.page);
  await resident.page.getByTestId('case-title').fill(title);
  await resident.page.getByTestId('case-description').fill('Water comes through the ceiling below the bath.');
  await resident.page.getByTestId('case-leak').check();
  await resident.page.getByTestId('photo-input').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: PNG });
  await expect(resident.page.getByTestId('photo-count')).toHaveText(/^1 /);
  await resident.page.getByTestId('case-submit').click();
  await resident.page.waitForURL('**/cases');
  await waitForHydration(resident.page);
  await expect(row(resident.page, title)).toHaveAttribute('data-pending', 'true');
  await resident.context.setOffline(false);
  await synced(resident.page);

  // The desk dispatches it to engineering and the technician.
  const desk = await person(browser, 'desk', LAPTOP);
  await openCase(desk.page, title);
  await expect(desk.page.getByTestId('timer').first()).toHaveAttribute('data-kind', 'due');
  const dispatch = await step(desk.page, 'act-dispatch');
  await dispatch.getByTestId('dispatch-department').selectOption('engineering');
  await dispatch.getByTestId('dispatch-assignee').selectOption({ label: '维修工 陈强 Chen Qiang' });
  await dispatch.getByTestId('dispatch-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('Dispatched');
  await synced(desk.page);
  await shot(desk.page, 'desk-dispatched-laptop');

  // The technician works it on a tablet with no signal, and reloads mid-way.
  const tech = await person(browser, 'tech', TABLET);
  await open(tech.page, '/cases/mine');
  await open(tech.page, `/cases/view?id=none`);
  await open(tech.page, '/cases/mine');
  await tech.context.setOffline(true);
  // Its own order: the technician's queue holds the demo desk's orders too.
  const card = tech.page.getByTestId('order').filter({ hasText: title });
  const sign = card.getByTestId('order-sign');
  await expect(sign).toBeVisible();
  await sign.click();
  await card.getByTestId('order-start').click();
  await expect(tech.page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '2');
  await tech.page.reload();
  await waitForHydration(tech.page);
  await waitForDevice(tech.page);
  await shot(tech.page, 'tech-orders-tablet');
  await tech.page.getByTestId('case-row').filter({ hasText: title }).locator('a').click();
  await waitForHydration(tech.page);
  await waitForDevice(tech.page);
  await expect(tech.page.getByTestId('case-status')).toHaveText('In progress');
  const water = Date.now() + 60 * 60 * 1000;
  const finish = await step(tech.page, 'act-finish');
  await finish.getByTestId('finish-notes').fill('Replaced the drain seal; water test passed.');
  await finish.getByTestId('finish-materials').fill('drain seal, 1, pcs');
  await finish.getByTestId('finish-water-test').fill(localInput(water));
  await finish.getByTestId('finish-submit').click();
  await expect(tech.page.getByTestId('case-status')).toHaveText('Awaiting acceptance');
  await expect(tech.page.getByTestId('waiting-badge').first()).toBeVisible();
  await shot(tech.page, 'tech-finished-offline-tablet');
  await tech.context.setOffline(false);
  await synced(tech.page);

  // The resident accepts with a drawn signature.
  await openCase(resident.page, title);
  await expect(resident.page.getByTestId('case-status')).toHaveText('Awaiting acceptance');
  await step(resident.page, 'act-accept');
  const pad = resident.page.getByTestId('signature-pad');
  const box = await pad.boundingBox();
  if (!box) throw new Error('no signature pad');
  await resident.page.mouse.move(box.x + 20, box.y + 60);
  await resident.page.mouse.down();
  await resident.page.mouse.move(box.x + 120, box.y + 30, { steps: 8 });
  await resident.page.mouse.move(box.x + 220, box.y + 80, { steps: 8 });
  await resident.page.mouse.up();
  await resident.page.getByTestId('accept-submit').click();
  await expect(resident.page.getByTestId('case-status')).toHaveText('Return visit due');
  await synced(resident.page);

  // The desk sees the return visit due 3 days after the water test, and makes it.
  await open(desk.page, '/cases/visits');
  const visit = row(desk.page, title);
  await expect(visit).toBeVisible();
  const due = new Date(water + 3 * 24 * 60 * 60 * 1000).toLocaleDateString('en-US', { timeZone: 'UTC' });
  await expect(visit.getByTestId('timer')).toHaveAttribute('data-kind', 'visit');
  await expect(visit.getByTestId('timer')).toContainText(due);
  await shot(desk.page, 'desk-visits-laptop');
  await visit.locator('a').click();
  await waitForHydration(desk.page);
  await waitForDevice(desk.page);
  const rv = await step(desk.page, 'act-return-visit');
  await rv.getByTestId('visit-method').selectOption('phone');
  await rv.getByTestId('visit-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('Closed');
  await synced(desk.page);
  const kinds = await desk.page.getByTestId('event').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  expect(kinds).toEqual(['created', 'dispatched', 'signed', 'started', 'finished', 'accepted', 'visited']);
  await expect(desk.page.getByTestId('work-record')).toContainText('drain seal');
  await shot(desk.page, 'desk-closed-laptop');

  // The resident rates it.
  await openCase(resident.page, title);
  const rate = await step(resident.page, 'act-rate');
  await rate.getByTestId('star-4').click();
  await rate.getByTestId('rate-submit').click();
  await expect(resident.page.getByTestId('case-rating')).toContainText('★★★★');
  await synced(resident.page);
  await shot(resident.page, 'resident-rated-tablet');
});

test('a complaint is classified, handled, visited and closed only with its summary', async ({ browser }) => {
  test.setTimeout(120_000);
  const title = `Guard rude at gate ${Date.now()}`;
  const desk = await person(browser, 'desk', LAPTOP);
  await open(desk.page, '/cases/new');
  await desk.page.getByTestId('case-kind').selectOption('complaint');
  await desk.page.getByTestId('case-title').fill(title);
  await desk.page.getByTestId('case-channel').selectOption('phone');
  await desk.page.getByTestId('case-contact-phone').fill('138 0000 0000');
  await desk.page.getByTestId('case-submit').click();
  await desk.page.waitForURL('**/cases');
  await openCase(desk.page, title);

  // Dispatching before judging the complaint is refused by the rules, at once.
  const dispatch = await step(desk.page, 'act-dispatch');
  await dispatch.getByTestId('dispatch-submit').click();
  await expect(desk.page.getByTestId('action-error')).toContainText('classify');

  const classify = await step(desk.page, 'act-classify');
  await classify.getByTestId('classify-nature').selectOption('venting');
  await classify.getByTestId('classify-cause').selectOption('service_attitude');
  await classify.getByTestId('classify-department').selectOption('security');
  await expect(classify.getByTestId('standing')).toBeVisible();
  await classify.getByTestId('classify-submit').click();
  await expect(desk.page.getByTestId('action-error')).toContainText('identity');
  await classify.getByTestId('classify-identity').check();
  await classify.getByTestId('classify-submit').click();
  await expect(desk.page.getByTestId('case-nature')).toHaveText('Communicative – venting');

  const dispatch2 = await step(desk.page, 'act-dispatch');
  await expect(dispatch2.getByTestId('dispatch-department')).toHaveValue('security');
  await dispatch2.getByTestId('dispatch-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('Dispatched');

  const visit = await step(desk.page, 'act-site-visit');
  await visit.getByTestId('notes').fill('Went to the gate with the security head.');
  await visit.getByTestId('notes-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('In progress');
  const handle = await step(desk.page, 'act-handle');
  await handle.getByTestId('notes').fill('The guard apologised; retraining booked.');
  await handle.getByTestId('notes-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('Return visit due');

  const rv = await step(desk.page, 'act-return-visit');
  await rv.getByTestId('visit-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('Awaiting summary');
  const summary = await step(desk.page, 'act-summarize');
  await summary.getByTestId('summary-cause').fill('Night shift fatigue');
  await summary.getByTestId('summary-lesson').fill('Courtesy slips when posts are understaffed');
  await summary.getByTestId('summary-change').fill('Two guards at the gate after 22:00');
  await summary.getByTestId('summary-submit').click();
  await expect(desk.page.getByTestId('case-status')).toHaveText('Closed');
  await expect(desk.page.getByTestId('case-summary')).toContainText('Two guards');
  await synced(desk.page);
  await shot(desk.page, 'complaint-closed-laptop');

  // The supervisor finds it by a word of its title in the full queue.
  const sup = await person(browser, 'super', LAPTOP);
  await open(sup.page, '/cases');
  await sup.page.getByTestId('filter-open').uncheck();
  await sup.page.getByTestId('case-search').fill('rude gate');
  await expect(row(sup.page, title)).toBeVisible();
  await sup.page.getByTestId('filter-kind').selectOption('repair');
  await expect(row(sup.page, title)).toHaveCount(0);
});
