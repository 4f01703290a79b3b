import { readFileSync, statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTend, tendData } from '../test/tend-process';

/**
 * `tend` runs from one bundled file (bin/tend.js, docs/decisions.md): it must find the files its
 * sources find beside themselves (here the migrations), be reused while no source changed, and be
 * made again when one did — a stale bundle would run yesterday's code.
 */

const bundle = fileURLToPath(new URL('../../dist/tend.mjs', import.meta.url));
const source = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

let data: Awaited<ReturnType<typeof tendData>>;
const sourceTimes = statSync(source);

beforeAll(async () => {
  data = await tendData('bundle');
});
afterAll(async () => {
  utimesSync(source, sourceTimes.atime, sourceTimes.mtime);
  await data?.cleanup();
});

it('runs tend from a bundle that finds the migrations, reuses it, and bundles again after a source changes', () => {
  const migrated = runTend(data.env, 'migrate');
  expect(migrated.status, migrated.stderr).toBe(0);
  expect(migrated.stdout).toMatch(/0001_foundation\.sql/);
  const inputs: string[] = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8'));
  expect(inputs).toContain(source);
  expect(inputs.some((input) => input.endsWith('packages/db/src/migrate.ts'))).toBe(true);

  const made = statSync(bundle).mtimeMs;
  expect(runTend(data.env, 'help').status).toBe(0);
  expect(statSync(bundle).mtimeMs).toBe(made);

  const later = new Date(made + 60_000);
  utimesSync(source, later, later);
  expect(runTend(data.env, 'help').status).toBe(0);
  expect(statSync(bundle).mtimeMs).toBeGreaterThan(made);
}, 600_000);
