import { test, expect, Page, BrowserContext } from '@playwright/test';
import { signIn, useEnglish, waitForHydration, waitForServiceWorker } from './helpers';

// A real 1×1 PNG: the device decodes, downscales and re-encodes it as JPEG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Waits until the device has read IndexedDB and shows how many records wait. */
async function waitForDevice(page: Page) {
  await expect(page.getByTestId('sync-waiting')).toBeVisible({ timeout: 20_000 });
}

async function waiting(page: Page) {
  return page.getByTestId('sync-waiting');
}

/** Opens the case pages once online, so the service worker keeps them. */
async function visitCasePages(page: Page) {
  for (const path of ['/cases', '/cases/new', '/cases/view?id=none', '/sync']) {
    await page.goto(path);
    await waitForHydration(page);
  }
  await waitForDevice(page);
}

async function fileRepairOffline(page: Page, title: string) {
  await page.goto('/cases/new');
  await waitForHydration(page);
  await waitForDevice(page);
  await page.getByTestId('case-title').fill(title);
  await page.getByTestId('case-description').fill('Water drips from the bathroom ceiling.');
  await page.getByTestId('photo-input').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByTestId('photo-count')).toHaveText(/^1 /);
  await page.getByTestId('case-submit').click();
  await page.waitForURL('**/cases');
  await waitForHydration(page);
  await waitForDevice(page);
}

function row(page: Page, title: string) {
  return page.getByTestId('case-row').filter({ hasText: title });
}

test('a repair filed offline with a photo survives reloads and reaches the desk', async ({ browser }) => {
  // The resident on a tablet, the desk on a laptop.
  const context = await browser.newContext({ viewport: { width: 820, height: 1180 } });
  const page = await context.newPage();
  await useEnglish(page);
  await signIn(page, 'resident');
  await waitForServiceWorker(page);
  await visitCasePages(page);
  await expect(await waiting(page)).toHaveAttribute('data-count', '0');

  const title = `Ceiling leak ${Date.now()}`;
  await context.setOffline(true);
  await fileRepairOffline(page, title);
  await expect(row(page, title)).toBeVisible();
  await expect(row(page, title)).toHaveAttribute('data-pending', 'true');
  await expect(await waiting(page)).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('sync-online')).toHaveText('Offline');

  // Reload with the network still cut: the record is still there, still waiting.
  await page.reload();
  await waitForHydration(page);
  await waitForDevice(page);
  await expect(row(page, title)).toHaveAttribute('data-pending', 'true');

  // Close the page and open a new one: the outbox lives in IndexedDB, not in the page.
  await page.close();
  const again = await context.newPage();
  await again.goto('/cases');
  await waitForHydration(again);
  await waitForDevice(again);
  await expect(row(again, title)).toHaveAttribute('data-pending', 'true');
  await expect(await waiting(again)).toHaveAttribute('data-count', '1');

  // The case opens offline, with its photo from the device, marked as not uploaded.
  await row(again, title).locator('a').click();
  await waitForHydration(again);
  await waitForDevice(again);
  await expect(again.getByTestId('case-title')).toHaveText(title);
  const photo = again.getByTestId('photo');
  await expect(photo).toHaveAttribute('data-pending', 'true');
  await expect(photo.locator('img')).toHaveJSProperty('complete', true);
  expect(await photo.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await again.screenshot({ path: 'screenshots/case-offline-tablet.png', fullPage: true });

  // The network returns: the device syncs by itself.
  await context.setOffline(false);
  await expect(await waiting(again)).toHaveAttribute('data-count', '0', { timeout: 20_000 });
  await again.goto('/cases');
  await waitForHydration(again);
  await waitForDevice(again);
  await expect(row(again, title)).toHaveAttribute('data-pending', 'false');
  await context.close();

  // The desk sees it, with the photo from the server.
  const desk = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const deskPage = await desk.newPage();
  await useEnglish(deskPage);
  await signIn(deskPage, 'desk');
  await deskPage.goto('/cases');
  await waitForHydration(deskPage);
  await waitForDevice(deskPage);
  await expect(row(deskPage, title)).toBeVisible({ timeout: 20_000 });
  await row(deskPage, title).locator('a').click();
  await waitForHydration(deskPage);
  await waitForDevice(deskPage);
  const deskPhoto = deskPage.getByTestId('photo');
  await expect(deskPhoto).toHaveAttribute('data-pending', 'false');
  await expect.poll(() => deskPhoto.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await expect(deskPage.getByTestId('event')).toHaveCount(1);

  // A comment from the desk shows at once and reaches the server.
  await deskPage.getByTestId('comment-text').fill('Plumber booked for 3 pm.');
  await deskPage.getByTestId('comment-submit').click();
  await expect(deskPage.getByTestId('event')).toHaveCount(2);
  await expect(await waiting(deskPage)).toHaveAttribute('data-count', '0', { timeout: 20_000 });
  await deskPage.screenshot({ path: 'screenshots/case-desk-laptop.png', fullPage: true });
  await desk.close();
});

/** Empties the title of every waiting mutation in this person's IndexedDB outbox. */
async function spoilOutbox(page: Page) {
  await page.evaluate(async () => {
    const me = JSON.parse(localStorage.getItem('propdesk.me') || '{}');
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const r = indexedDB.open(`propdesk-${me.id}`);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    const keys: IDBValidKey[] = await new Promise((resolve) => {
      const r = store.getAllKeys();
      r.onsuccess = () => resolve(r.result);
    });
    for (const k of keys) {
      const text: string = await new Promise((resolve) => {
        const r = store.get(k);
        r.onsuccess = () => resolve(r.result);
      });
      const entry = JSON.parse(text);
      entry.mutation.payload.title = '';
      store.put(JSON.stringify(entry), k);
    }
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    db.close();
  });
}

test('a mutation the server refuses waits under "needs attention" until corrected', async ({ browser }) => {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  await useEnglish(page);
  await signIn(page, 'resident');
  await waitForServiceWorker(page);
  await visitCasePages(page);

  await context.setOffline(true);
  const title = `Broken intercom ${Date.now()}`;
  await fileRepairOffline(page, title);
  await expect(await waiting(page)).toHaveAttribute('data-count', '1');
  // What the server will see is spoiled behind the app's back (as an old app version might).
  await spoilOutbox(page);
  await page.reload();
  await waitForHydration(page);
  await waitForDevice(page);

  await context.setOffline(false);
  await expect(page.getByTestId('sync-attention')).toBeVisible({ timeout: 20_000 });
  await expect(await waiting(page)).toHaveAttribute('data-count', '0');
  await page.getByTestId('sync-attention').click();
  await waitForHydration(page);
  await waitForDevice(page);
  const rejected = page.getByTestId('rejected');
  await expect(rejected).toHaveCount(1);
  await expect(rejected.getByTestId('rejected-message')).toHaveText(/title is required/);
  await page.screenshot({ path: 'screenshots/needs-attention.png', fullPage: true });

  await rejected.getByTestId('rejected-field').fill(title);
  await rejected.getByTestId('resend').click();
  await expect(page.getByTestId('attention-empty')).toBeVisible({ timeout: 20_000 });
  await expect(await waiting(page)).toHaveAttribute('data-count', '0', { timeout: 20_000 });
  await page.goto('/cases');
  await waitForHydration(page);
  await waitForDevice(page);
  await expect(row(page, title)).toHaveAttribute('data-pending', 'false');
  await context.close();

  // The supervisor sees what the server refused, and from whom.
  const sup = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const supPage = await sup.newPage();
  await useEnglish(supPage);
  await signIn(supPage, 'super');
  await supPage.goto('/supervisor/sync');
  await waitForHydration(supPage);
  const refused = supPage.getByTestId('rejections').locator('tbody tr').filter({ hasText: 'title is required' });
  await expect(refused.first()).toContainText('resident');
  await expect(refused.first()).toContainText('bad_payload');
  await supPage.screenshot({ path: 'screenshots/sync-health-laptop.png', fullPage: true });
  await sup.close();
});
