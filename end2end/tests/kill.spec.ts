import { test, expect, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useEnglish, waitForHydration, waitForServiceWorker } from './helpers';

// Its own server process (the binary the other tests run against), so this test can kill it.
const port = Number(process.env.PROPDESK_E2E_PORT ?? 3000) + 1;
const base = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..', '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'propdesk-kill-'));

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.env.PROPDESK_E2E_BIN ?? './target/release/propdesk', ['serve', '--demo'], {
    cwd: root,
    env: {
      ...process.env,
      PROPDESK_LISTEN: `127.0.0.1:${port}`,
      PROPDESK_DATA_DIR: dataDir,
      PROPDESK_DATABASE_URL: '',
      RUST_LOG: 'warn',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('propdesk did not start');
}

async function killServer(child: ChildProcess) {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

async function fileCase(page: Page, title: string) {
  await page.goto(`${base}/cases/new`);
  await waitForHydration(page);
  await expect(page.getByTestId('sync-waiting')).toBeVisible();
  await page.getByTestId('case-title').fill(title);
  await page.getByTestId('case-submit').click();
  await page.waitForURL('**/cases');
}

test('the server killed in the middle of a sync: nothing lost, nothing doubled', async ({ browser }) => {
  let server = await startServer();
  try {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 820, height: 1180 } });
    const page = await context.newPage();
    await useEnglish(page);
    await page.goto(`${base}/login`);
    await waitForHydration(page);
    await page.locator('input[name=username]').fill('resident');
    await page.locator('input[name=password]').fill('demo');
    await page.locator('button[type=submit]').click();
    await page.waitForURL('**/resident');
    await waitForServiceWorker(page);
    for (const p of ['/cases', '/cases/new']) {
      await page.goto(`${base}${p}`);
      await waitForHydration(page);
    }
    await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0');

    // A batch of work recorded offline.
    await context.setOffline(true);
    const stamp = Date.now();
    const titles = Array.from({ length: 12 }, (_, i) => `Kill test ${stamp} #${i + 1}`);
    for (const t of titles) await fileCase(page, t);
    await waitForHydration(page);
    await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', String(titles.length));

    // The network returns; the server dies the moment the push leaves the browser.
    let killed: Promise<void> | null = null;
    page.on('request', (r) => {
      if (!killed && r.url().endsWith('/api/v1/sync/push')) killed = killServer(server);
    });
    await context.setOffline(false);
    await expect.poll(() => killed !== null, { timeout: 20_000 }).toBe(true);
    await killed;
    server = await startServer();

    // The device backs off, retries, and empties its outbox.
    await expect(page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0', { timeout: 45_000 });

    // The server has each case exactly once.
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'desk', password: 'demo' }),
    });
    const { token } = await login.json();
    const pulled = await (await fetch(`${base}/api/v1/sync/pull?since=0&limit=5000`, {
      headers: { authorization: `Bearer ${token}` },
    })).json();
    const seen = pulled.changes
      .filter((c: any) => c.entity === 'case')
      .map((c: any) => c.record.title)
      .filter((t: string) => t.startsWith(`Kill test ${stamp}`));
    expect(seen.sort()).toEqual([...titles].sort());
    await context.close();
  } finally {
    await killServer(server).catch(() => undefined);
  }
});
