import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './fixtures';

/**
 * A guided exercise in a training clinic, in the browser: the receptionist starts "Find your way
 * around the dashboard" and its checklist (in the corner of every screen) ticks as she opens
 * Home, the schedule, the patient search and a record. The shared e2e server's clinic is a real
 * one, so this spec runs its own server on a data folder whose clinic is a training clinic
 * (e2e/training-clinic.ts) — until the training switch can be clicked in the user menu.
 */

const PASSWORD = 'Lantern-Harbor-7193';
const ADMIN = 'exadmin@practice.test';
const RECEPTION = 'exdesk@practice.test';

let server: ChildProcess | undefined;
let dataDir = '';
let base = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(600_000);
  dataDir = mkdtempSync(join(tmpdir(), 'tend-e2e-training-'));
  execFileSync(process.execPath, ['--import', 'tsx', 'training-clinic.ts', dataDir, ADMIN, PASSWORD, RECEPTION], {
    cwd: import.meta.dirname,
    stdio: 'inherit',
  });
  const port = await freePort();
  base = `http://localhost:${port}`;
  server = spawn(process.execPath, [join(import.meta.dirname, '../apps/server/bin/tend.js'), 'start'], {
    stdio: 'ignore',
    env: {
      ...process.env,
      TEND_DATA_DIR: dataDir,
      DATABASE_URL: '',
      TEND_SECRET_KEY: 'e2e-training',
      PORT: String(port),
    },
  });
  await expect(async () => expect((await fetch(`${base}/api/health`)).ok).toBe(true)).toPass({ timeout: 300_000 });
});

test.afterAll(async () => {
  if (server) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(base);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation')).toBeVisible();
}

/** The schedule needs a location and a provider; the search, a patient. */
async function practiceData(page: Page): Promise<void> {
  const api = page.request;
  const location = await api.post(`${base}/api/locations`, {
    data: { name: 'Main Street', timezone: 'America/New_York' },
  });
  expect(location.status()).toBe(201);
  const provider = await api.post(`${base}/api/providers`, { data: { name: 'Dr Nadia Practice' } });
  expect(provider.status()).toBe(201);
  const hours = await api.put(`${base}/api/providers/${(await provider.json()).id}/working-hours`, {
    data: {
      locationId: (await location.json()).id,
      validFrom: '2020-01-01',
      blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
    },
  });
  expect(hours.status()).toBe(200);
  const patient = await api.post(`${base}/api/patients`, {
    data: {
      givenName: 'Trainee',
      familyName: 'Exercisewood',
      birthDate: '1981-04-12',
      sex: 'female',
      phone: '617-555-0199',
    },
  });
  expect(patient.status()).toBe(201);
}

test('a receptionist completes "Find your way around the dashboard" and sees each step tick', async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, ADMIN);
  await practiceData(page);
  await page.context().clearCookies();

  await signIn(page, RECEPTION);
  await page.getByRole('navigation').getByRole('link', { name: 'Exercises', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Guided exercises', level: 1 })).toBeVisible();
  for (const title of [
    'Find your way around the dashboard',
    'Book an appointment',
    'Register a walk-in',
    'Check a patient in',
    'Post a copay',
  ]) {
    await expect(page.getByRole('heading', { name: title, level: 2 })).toBeVisible();
  }
  await expectAccessible(page, 'the exercises page');
  await page.screenshot({ path: test.info().outputPath('exercises-page.png'), fullPage: true });

  await page.getByRole('button', { name: 'Start: Find your way around the dashboard' }).click();
  const panel = page.getByRole('complementary', { name: 'Exercise checklist' });
  await expect(panel).toBeVisible();
  await expect(panel.getByText('0 of 4 steps done')).toBeVisible();
  const step = (text: string) => panel.getByRole('listitem').filter({ hasText: text });

  await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).click();
  await expect(step('Open Home')).toHaveAttribute('data-done', 'true');
  await expect(step('Open the schedule')).toHaveAttribute('data-done', 'false');

  await page.getByRole('navigation').getByRole('link', { name: 'Schedule', exact: true }).click();
  await expect(step('Open the schedule')).toHaveAttribute('data-done', 'true');
  await expect(panel.getByText('2 of 4 steps done')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('checklist-panel-schedule.png') });

  await page.keyboard.press('Control+k');
  const search = page.getByRole('dialog', { name: 'Patient search' });
  await search.getByLabel('Find a patient').fill('Exercisewood');
  await expect(search.getByText('Trainee Exercisewood')).toBeVisible();
  await expect(step('Search for a patient')).toHaveAttribute('data-done', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Trainee Exercisewood/ })).toBeVisible();
  await expect(step('Open a patient’s record')).toHaveAttribute('data-done', 'true');
  await expect(panel.getByText('Well done: every step is done.')).toBeVisible();
  await expectAccessible(page, 'a chart with the checklist panel');
  await page.screenshot({ path: test.info().outputPath('checklist-panel-done.png') });

  await page.getByRole('navigation').getByRole('link', { name: 'Exercises', exact: true }).click();
  await expect(
    page.getByRole('region', { name: 'Find your way around the dashboard' }).getByText('Done', { exact: true }),
  ).toBeVisible();
});
