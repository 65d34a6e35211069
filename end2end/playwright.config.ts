// Browser end-to-end tests for the Fleetdesk console.
//
// Run from end2end/ with the server already built:
//   FLEETDESK_BIN=/abs/path/target/release/fleetdesk LEPTOS_SITE_ROOT=/abs/path/target/site npx playwright test
// `webServer` starts a throwaway server through start-server.sh (fresh data dir, port 3210, or
// FLEETDESK_E2E_PORT so that two checkouts can run the suite at once).
// Browsers are not downloaded: the suite drives Debian's Chromium at /usr/bin/chromium.
// Every spec runs twice: `hydrated` (JavaScript on, waits for `networkidle` so the Leptos
// bundle has hydrated before acting) and `no-js` (plain server-rendered HTML and form posts).
import { defineConfig } from '@playwright/test';

const BASE_URL = `http://127.0.0.1:${process.env.FLEETDESK_E2E_PORT ?? '3210'}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },

  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },

  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],

  webServer: {
    command: 'bash ./start-server.sh',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
