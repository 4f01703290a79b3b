#!/usr/bin/env node
// The whole test suite, as `npm test` runs it:
//   1. typecheck and lint,
//   2. unit + service/API tests on the embedded database (PGlite),
//   3. the same tests on a PostgreSQL server when TEND_TEST_DATABASE_URL is set
//      (each test file creates and drops its own randomly named database),
//   4. the web build and the browser tests in Chromium (Playwright, Debian's chromium),
//   5. "no patient data in logs": every test server logs into .tend-test/logs, which is then
//      searched for the test patients' names, phones and emails (scripts/log-canaries.mjs).
// It ends with one line "N passed, N failed" summing every runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.tend-test');
mkdirSync(out, { recursive: true });
const logs = join(out, 'logs');
rmSync(logs, { recursive: true, force: true });
const env = { ...process.env, TZ: 'UTC', TEND_TEST_LOG_DIR: logs };
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(label, command, args, extraEnv = {}) {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  if (result.status !== 0) failures.push(label);
  return result.status === 0;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  // A file that fails to load counts as one failure even though none of its tests ran.
  totals.failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  totals.failed += stats.unexpected ?? 0;
}

const only = process.argv[2]; // optional: "unit" or "e2e"

if (!only) {
  run('typecheck', 'npm', ['run', '-s', 'typecheck']);
  run('lint', 'npm', ['run', '-s', 'lint']);
}

if (!only || only === 'unit') {
  const vitest = ['vitest', 'run', '--reporter=default', '--reporter=json'];
  const embeddedReport = join(out, 'vitest-embedded.json');
  run('unit and API tests — embedded database', 'npx', [...vitest, `--outputFile=${embeddedReport}`], {
    TEND_TEST_DATABASE_URL: '',
  });
  countVitest(embeddedReport);
  if (process.env.TEND_TEST_DATABASE_URL) {
    const postgresReport = join(out, 'vitest-postgres.json');
    run('unit and API tests — PostgreSQL server', 'npx', [...vitest, `--outputFile=${postgresReport}`]);
    countVitest(postgresReport);
  } else {
    console.log(
      '\n(PostgreSQL run skipped: set TEND_TEST_DATABASE_URL=postgres://user@host:5432/postgres to run the same tests on a server.)',
    );
  }
}

if (!only || only === 'e2e') {
  const chromium = process.env.TEND_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(
      `\nBrowser tests need Chromium at ${chromium}. Install it (Debian/Ubuntu: "sudo apt-get install chromium") or set TEND_CHROMIUM to its path.`,
    );
    failures.push('browser tests (no Chromium)');
    totals.failed += 1;
  } else if (run('web build', 'npm', ['run', '-s', 'build'])) {
    const e2eReport = join(out, 'e2e.json');
    run('browser tests — Chromium', 'npx', ['playwright', 'test', '--config', 'e2e/playwright.config.ts'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
    });
    countPlaywright(e2eReport);
  }
}

if (run('no patient data in logs', 'node', ['scripts/log-canaries.mjs', logs])) totals.passed += 1;
else totals.failed += 1;

console.log('');
if (failures.length) console.log(`Failed steps: ${failures.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(failures.length ? 1 : 0);
