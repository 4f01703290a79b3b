import { defineConfig } from '@playwright/test';

/**
 * Browser tests of whole workflows, in Debian's Chromium (never a downloaded browser).
 * The server runs the built web app on a fresh embedded database in a temporary folder.
 */
const port = Number(process.env.TEND_E2E_PORT ?? 3199);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json']],
  outputDir: '../.tend-test/e2e-results',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.TEND_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /setup\.spec\.ts/ },
    { name: 'workflows', testIgnore: /setup\.spec\.ts/, dependencies: ['setup'] },
  ],
  webServer: {
    command: 'node start-server.mjs',
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { PORT: String(port), LOG_LEVEL: 'warn' },
  },
});
