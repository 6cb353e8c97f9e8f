import { test, expect } from '@playwright/test';
import { signIn, useEnglish, waitForHydration } from './helpers';

test('an admin opens an estate and switches to it', async ({ page }) => {
  await useEnglish(page);
  await signIn(page, 'admin');
  await expect(page.getByTestId('estate-switch')).toHaveCount(0);
  await page.goto('/estate');
  await waitForHydration(page);
  const form = page.locator('form', { hasText: 'Open an estate' });
  await form.getByLabel('Code').fill('RV');
  await form.getByLabel('Name').fill('River View');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(form.getByRole('status')).toContainText('Estate opened');

  await page.goto('/admin');
  await waitForHydration(page);
  const sw = page.getByTestId('estate-switch');
  await expect(sw).toBeVisible();
  await sw.selectOption({ label: 'RV River View' });
  await page.waitForLoadState('load');
  await waitForHydration(page);
  await expect(page.getByTestId('estate-switch')).toHaveValue(await sw.inputValue());
  await page.goto('/estate');
  await waitForHydration(page);
  // The new estate has no buildings yet; the demo estate's A, B, C are not listed.
  await expect(page.locator('table.grid').first().locator('tbody tr')).toHaveCount(0);
});

test('a supervisor renames a building', async ({ page }) => {
  await useEnglish(page);
  await signIn(page, 'super');
  await page.goto('/estate');
  await waitForHydration(page);
  const row = page.locator('table.grid').first().locator('tbody tr', { hasText: 'Building C' });
  await row.getByRole('button', { name: 'Edit' }).click();
  const panel = page.getByTestId('building-edit');
  await panel.getByLabel('Name').fill('C栋 Tower C');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toHaveCount(0);
  await expect(page.locator('table.grid').first()).toContainText('C栋 Tower C');
  await page.reload();
  await expect(page.locator('table.grid').first()).toContainText('C栋 Tower C');
});
