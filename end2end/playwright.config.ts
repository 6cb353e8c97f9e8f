import { defineConfig } from '@playwright/test';

// The server under test, started from the workspace root on a fresh data directory with
// the demo estate: the binary scripts/test names in PROPDESK_E2E_BIN (the one the
// integration tests were built with), else the release build.
const port = Number(process.env.PROPDESK_E2E_PORT ?? 3000);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'results.json' }]],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PROPDESK_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'laptop', use: { viewport: { width: 1366, height: 860 } } },
  ],
  webServer: {
    command: `${process.env.PROPDESK_E2E_BIN ?? './target/release/propdesk'} serve --demo`,
    cwd: '..',
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PROPDESK_LISTEN: `127.0.0.1:${port}`,
      PROPDESK_DATA_DIR: process.env.PROPDESK_E2E_DATA_DIR ?? 'target/e2e-data',
      PROPDESK_DATABASE_URL: '',
      RUST_LOG: 'warn',
    },
  },
});
