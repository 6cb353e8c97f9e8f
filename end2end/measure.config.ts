import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The load measurement (scripts/measure): the same server and browser as the tests.
export default defineConfig({
  ...base,
  testDir: './measure',
  reporter: [['list']],
  workers: 1,
});
