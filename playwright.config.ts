import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright's own browser download does not work on these machines.
// The flags keep a headless Chromium from reaching for Google's services on a closed network.
export default defineConfig({
  testDir: 'apps/web/e2e',
  outputDir: 'test-results/e2e',
  globalSetup: './apps/web/e2e/globalSetup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/reports/e2e.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
