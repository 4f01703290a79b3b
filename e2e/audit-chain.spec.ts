import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './fixtures';

/**
 * The audit log's hash chain, seen by an administrator: the Audit log page says the log is
 * intact; after someone changes an event directly in the database (the append-only trigger
 * switched off), the page names the event in a red banner and `tend audit verify` exits with 1.
 * Changing the database needs the server stopped (the embedded database has one owner), so this
 * spec runs its own server on its own data folder, on the port after the suite's + 1000.
 */

const port = Number(process.env.TEND_E2E_PORT ?? 3199) + 1000;
const tendBin = new URL('../apps/server/bin/tend.js', import.meta.url).pathname;
const ADMIN = { email: 'ada@chain.test', password: 'chain-admin-pass-2026' };
let dataDir: string;
let server: ChildProcess | null = null;

const env = () => ({ ...process.env, TEND_DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), LOG_LEVEL: 'warn' });

function tend(...args: string[]) {
  return spawnSync(process.execPath, [tendBin, ...args], { env: env(), encoding: 'utf8' });
}

async function startServer(): Promise<void> {
  server = spawn(process.execPath, [tendBin, 'start'], { env: env(), stdio: 'inherit' });
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`http://localhost:${port}/api/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server on port ${port} did not start`);
}

async function stopServer(): Promise<void> {
  const running = server;
  server = null;
  if (!running || running.exitCode !== null) return;
  await new Promise((resolve) => {
    running.once('exit', resolve);
    running.kill('SIGTERM');
  });
}

test.use({ baseURL: `http://localhost:${port}` });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(join(tmpdir(), 'tend-e2e-chain-'));
  const setup = tend(
    'setup',
    '--clinic',
    'Chain Street Clinic',
    '--timezone',
    'America/Chicago',
    '--admin-email',
    ADMIN.email,
    '--admin-password',
    ADMIN.password,
    '--admin-name',
    'Ada Admin',
  );
  expect(setup.status, setup.stderr).toBe(0);
  await startServer();
});

test.afterAll(async () => {
  await stopServer();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the Audit log page shows the chain intact, and names an event changed in the database', async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMIN);
  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const intact = page.getByRole('status').filter({ hasText: /Audit log intact \(\d+ events checked\)/ });
  await expect(intact).toBeVisible();
  await expectAccessible(page, 'the audit log, chain intact');
  const verified = tend('audit', 'verify');
  expect(verified.status, verified.stderr).toBe(0);
  expect(verified.stdout).toContain('Audit log of Chain Street Clinic');
  expect(verified.stdout).toMatch(/intact, \d+ events checked/);

  // Someone with the database's files rewrites what the administrator's sign-in recorded.
  await stopServer();
  const db = await PGlite.create(dataDir);
  let changed: string;
  try {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id::text AS id FROM audit_events WHERE action = 'auth.sign_in' ORDER BY id DESC LIMIT 1`,
    );
    changed = rows[0].id;
    await db.exec('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await db.query(`UPDATE audit_events SET ip = '203.0.113.9' WHERE id = $1`, [changed]);
    await db.exec('ALTER TABLE audit_events ENABLE TRIGGER USER');
  } finally {
    await db.close();
  }
  await startServer();

  await page.reload();
  const broken = page.getByRole('alert');
  await expect(broken).toContainText(`The audit log was changed: event #${changed} does not match`);
  await expect(broken).toContainText(`Events: #${changed}`);
  await expect(intact).toHaveCount(0);
  await expectAccessible(page, 'the audit log, chain broken');

  const failed = tend('audit', 'verify');
  expect(failed.status).toBe(1);
  expect(`${failed.stdout}${failed.stderr}`).toContain(`event #${changed}`);
});
