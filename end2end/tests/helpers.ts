import { expect, Page } from '@playwright/test';

/** The homes each demo account lands on. */
export const HOMES: Record<string, string> = {
  desk: '/desk',
  desk2: '/desk',
  super: '/supervisor',
  tech: '/tech',
  patrol: '/patrol',
  resident: '/resident',
  manager: '/supervisor',
  admin: '/admin',
  cashier: '/cashier',
};

/** Uses English so assertions read the same for everyone; the switch is tested apart. */
export async function useEnglish(page: Page) {
  await page.context().addCookies([{ name: 'propdesk_lang', value: 'en', domain: '127.0.0.1', path: '/' }]);
}

/** Signs in through the form and waits until the role's home has hydrated. */
export async function signIn(page: Page, username: string, password = 'demo') {
  await page.goto('/login');
  await waitForHydration(page);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL(`**${HOMES[username]}`);
  await waitForHydration(page);
}

/** The app marks nothing itself; wait until the WASM has run (the sync status reacts). */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => (window as any).__propdesk_hydrated === true, null, { timeout: 20_000 });
}

/** Waits until the service worker controls the page, so offline reloads are served. */
export async function waitForServiceWorker(page: Page) {
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.ready;
    return !!reg.active && !!navigator.serviceWorker.controller;
  }, null, { timeout: 20_000 });
}

export async function expectHeading(page: Page, text: string | RegExp) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text);
}
