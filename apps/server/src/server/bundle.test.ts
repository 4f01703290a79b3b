import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript module of the `tend` command, without type declarations
import { digest, ensureBundle, isCurrent } from '../../bin/bundle.js';
import { tendData, tendEnv } from '../test/tend-process';

/**
 * `tend` runs from one bundled file (bin/bundle.js, docs/decisions.md): it must find the files its
 * sources find beside themselves (here the migrations), be reused while nothing it was made from
 * changed, and be made again when something did — a stale bundle would run yesterday's code. A
 * bundle of its own (beside the real one, so packages resolve the same) keeps the other tests'
 * `tend` processes out of the way.
 */

const bundle = fileURLToPath(new URL(`../../dist/test-${randomBytes(6).toString('hex')}.mjs`, import.meta.url));
const inputsFile = `${bundle}.inputs.json`;

let data: Awaited<ReturnType<typeof tendData>>;

beforeAll(async () => {
  data = await tendData('bundle');
});
afterAll(async () => {
  rmSync(bundle, { force: true });
  rmSync(inputsFile, { force: true });
  await data?.cleanup();
});

it('bundles the server, which finds its migrations; reuses it until an input changes', async () => {
  expect(isCurrent(bundle)).toBe(false);
  expect(await ensureBundle(bundle)).toBe(true);
  const migrated = spawnSync(process.execPath, [bundle, 'migrate'], {
    env: tendEnv(data.env),
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(migrated.status, migrated.stderr).toBe(0);
  expect(migrated.stdout).toMatch(/0001_foundation\.sql/);

  const { inputs } = JSON.parse(readFileSync(inputsFile, 'utf8')) as { inputs: string[] };
  expect(inputs.some((input) => input.endsWith('apps/server/src/cli/main.ts'))).toBe(true);
  expect(inputs.some((input) => input.endsWith('packages/db/src/migrate.ts'))).toBe(true);
  expect(inputs.some((input) => input.endsWith('package-lock.json'))).toBe(true);

  // Reused: nothing it was made from changed, whatever the files' times say.
  const made = statSync(bundle).mtimeMs;
  const source = inputs.find((input) => input.endsWith('apps/server/src/cli/main.ts')) as string;
  const times = statSync(source);
  utimesSync(source, new Date(made + 60_000), new Date(made + 60_000));
  try {
    expect(isCurrent(bundle)).toBe(true);
    expect(await ensureBundle(bundle)).toBe(true);
    expect(statSync(bundle).mtimeMs).toBe(made);
  } finally {
    utimesSync(source, times.atime, times.mtime);
  }

  // Made again when the content of something it was made from changed.
  const input = `${bundle}.input.txt`;
  writeFileSync(input, 'version 1');
  try {
    writeFileSync(inputsFile, JSON.stringify({ inputs: [input], digest: digest([input]) }));
    expect(isCurrent(bundle)).toBe(true);
    writeFileSync(input, 'version 2');
    expect(isCurrent(bundle)).toBe(false);
  } finally {
    rmSync(input, { force: true });
  }
  expect(await ensureBundle(bundle)).toBe(true);
  expect(isCurrent(bundle)).toBe(true);
  expect(statSync(bundle).mtimeMs).toBeGreaterThan(made);
}, 600_000);
