import { test, expect } from '@playwright/test';
import { signIn, waitForHydration } from './helpers';

test('the language switch changes the texts and is remembered', async ({ page }) => {
  await page.context().addCookies([{ name: 'propdesk_lang', value: 'zh-CN', domain: '127.0.0.1', path: '/' }]);
  await page.goto('/login');
  await waitForHydration(page);
  const submit = page.locator('button[type=submit]');
  await expect(submit).toHaveText('登录');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByTestId('lang-switch').selectOption('en');
  await expect(submit).toHaveText('Sign in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByTestId('lang-switch').selectOption('es');
  await expect(submit).toHaveText('Entrar');

  // The server renders the remembered language on the next load.
  await page.reload();
  await expect(submit).toHaveText('Entrar');
  // The switch only reacts once the page has hydrated; the server-rendered text shows earlier.
  await waitForHydration(page);
  await page.getByTestId('lang-switch').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await signIn(page, 'super');
  await expect(page.getByTestId('home-title')).toHaveText('Customer-service supervisor');
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await expect(page.getByTestId('home-title')).toHaveText('客服主管');
  await expect(page.getByRole('navigation').getByRole('link', { name: '住户' })).toBeVisible();
});
