import { test, expect } from '@playwright/test';
import { HOMES, signIn, useEnglish, waitForHydration } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
});

for (const [username, home] of Object.entries(HOMES)) {
  test(`${username} signs in and lands on ${home}`, async ({ page }) => {
    await signIn(page, username);
    expect(new URL(page.url()).pathname).toBe(home);
    await expect(page.getByTestId('home-title')).toBeVisible();
    await expect(page.getByTestId('sync-status')).toHaveText(/Online/);
    // The navigation offers only what the role may use.
    const nav = page.getByRole('navigation');
    if (username === 'resident' || username === 'tech' || username === 'patrol') {
      await expect(nav.getByRole('link', { name: 'Staff' })).toHaveCount(0);
      await expect(nav.getByRole('link', { name: 'Import' })).toHaveCount(0);
    }
    if (username === 'admin' || username === 'manager') {
      await expect(nav.getByRole('link', { name: 'Staff' })).toBeVisible();
    }
  });
}

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await waitForHydration(page);
  await page.locator('input[name=username]').fill('desk');
  await page.locator('input[name=password]').fill('wrong');
  await page.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toHaveText(/Wrong username or password/);
  expect(new URL(page.url()).pathname).toBe('/login');
});

test('a resident cannot reach staff pages by URL', async ({ page }) => {
  await signIn(page, 'resident');
  for (const path of ['/estate', '/estate/units', '/estate/residents', '/admin/staff', '/desk']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await expect(page.locator('table')).toHaveCount(0);
  }
});

test('a stranger is sent to sign in', async ({ page }) => {
  await page.goto('/estate/units');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('input[name=username]')).toBeVisible();
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'desk');
  await page.goto('/account');
  await waitForHydration(page);
  await page.getByTestId('sign-out').click();
  await page.waitForURL('**/login');
  await page.goto('/desk');
  await expect(page).toHaveURL(/\/login$/);
});
