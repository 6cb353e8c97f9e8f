import { test, expect } from '@playwright/test';
import { signIn, useEnglish, waitForHydration, waitForServiceWorker } from './helpers';

test('after one online visit the app reloads and hydrates with the network cut', async ({ page, context }) => {
  await useEnglish(page);
  await signIn(page, 'desk');
  await waitForServiceWorker(page);
  // Visit while online, now that the service worker controls the page.
  for (const path of ['/desk', '/estate/units', '/estate/units?q=A-1']) {
    await page.goto(path);
    await waitForHydration(page);
  }
  await expect(page.getByTestId('unit-table')).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId('unit-table')).toBeVisible();
  await expect(page.getByTestId('sync-status')).toHaveText(/Offline/);

  await page.goto('/desk');
  await waitForHydration(page);
  await expect(page.getByTestId('home-title')).toHaveText('Front desk');
  await expect(page.getByTestId('sync-status')).toHaveText(/Offline/);

  // The navigation works offline for screens opened before.
  await page.getByRole('navigation').getByRole('link', { name: 'Units' }).click();
  await page.waitForURL('**/estate/units');
  await waitForHydration(page);
  await expect(page.getByTestId('unit-table')).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Units' })).toHaveAttribute('aria-current', 'page');

  // A page never opened online says so instead of failing.
  await page.goto('/estate/residents?q=never-visited');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are offline');

  await context.setOffline(false);
  await page.goto('/desk');
  await waitForHydration(page);
  await expect(page.getByTestId('sync-status')).toHaveText(/Online/);
});

test('without the service worker an offline reload fails (control)', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await useEnglish(page);
  await signIn(page, 'desk');
  await context.setOffline(true);
  await expect(page.reload()).rejects.toThrow();
  await context.close();
});
