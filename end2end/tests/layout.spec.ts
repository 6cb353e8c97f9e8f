import { test, expect, Page } from '@playwright/test';
import { signIn, useEnglish, waitForHydration } from './helpers';

const SIZES = [
  { name: 'tablet', width: 800, height: 1180 },
  { name: 'laptop', width: 1366, height: 860 },
];

async function noSideScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

for (const size of SIZES) {
  test(`screens fit and are touchable at ${size.name} size`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    await useEnglish(page);
    await page.goto('/login');
    await waitForHydration(page);
    await page.screenshot({ path: `screenshots/${size.name}-login.png` });
    await signIn(page, 'super');
    for (const [path, shot] of [['/supervisor', 'home'], ['/estate/units?q=A-1', 'units'], ['/estate/residents', 'residents'], ['/estate', 'estate']]) {
      await page.goto(path);
      await waitForHydration(page);
      await noSideScroll(page);
      await page.screenshot({ path: `screenshots/${size.name}-${shot}.png`, fullPage: false });
    }
    // Touch targets: every navigation link and button is at least 44 px high.
    const heights = await page.locator('.topbar nav a, main button').evaluateAll(
      (els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().height),
    );
    expect(heights.length).toBeGreaterThan(3);
    for (const h of heights) expect(h).toBeGreaterThanOrEqual(43.5);
  });
}
