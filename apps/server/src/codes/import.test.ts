import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, queryRows } from '@tend/db';
import { AppError } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absoluteFileOperands, formatError, runCommand } from '../cli/commands';
import { loadConfig } from '../config';
import { buildApp } from '../http/app';
import { createTestDatabase, request } from '../test/harness';
import { getIcd10, requireBillableIcd10, searchIcd10 } from './service';

/**
 * `tend import icd10 FILE`: the CMS code-descriptions file. The fixture is a generated sample in
 * the official format (code padded to column 9, then the description): the curated billable
 * codes and a few more, with their official descriptions.
 */

const SAMPLE = fileURLToPath(new URL('./fixtures/icd10cm-codes-2025-sample.txt', import.meta.url));
const sampleText = readFileSync(SAMPLE, 'utf8');
const sampleLines = sampleText.trimEnd().split('\n');

let database: Database;
let drop: () => Promise<void>;
let dir: string;
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  dir = mkdtempSync(join(tmpdir(), 'tend-icd10-'));
});
afterAll(async () => {
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

const tend = (...argv: string[]) => runCommand(database, argv);
const failure = async (promise: Promise<unknown>): Promise<AppError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};
const snapshot = () =>
  queryRows<{ code: string; description: string; billable: boolean; source: string }>(
    database.db,
    sql`SELECT code, description, billable, source FROM icd10_codes ORDER BY code`,
  );
const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
};

describe('a malformed file', () => {
  it('is rejected whole, naming the bad lines, and imports nothing', async () => {
    const before = await snapshot();
    const lines = [...sampleLines];
    lines[2] = 'A00.9   Cholera, unspecified';
    lines[10] = 'E119';
    lines.push('ZZ      Not a code');
    const path = file('icd10cm-codes-2025-broken.txt', lines);
    const error = await failure(tend('import', 'icd10', path));
    expect(error.code).toBe('validation_failed');
    const message = formatError(error);
    expect(message).toMatch(/^icd10cm-codes-2025-broken\.txt was not imported: 3 lines are not in the CMS/);
    expect(message).toContain('line 3: "A00.9" is not an ICD-10-CM code');
    expect(message).toContain(`line 11: ${lines[10]} has no description`);
    expect(message).toContain(`line ${lines.length}: "ZZ" is not an ICD-10-CM code`);
    expect(error.details).toMatchObject({ errorCount: 3 });
    expect(await snapshot()).toEqual(before);
  });

  it('shows the first twenty errors and counts the rest', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `E11.${i}   Not the CMS form`);
    const error = await failure(tend('import', 'icd10', file('icd10cm-codes-2025-dots.txt', lines)));
    expect(error.message.split('\n')).toHaveLength(1 + 20 + 1);
    expect(error.message).toContain('line 20:');
    expect(error.message).not.toContain('line 21:');
    expect(error.message).toContain('… and 10 more');
  });

  it('needs a file and its year', async () => {
    expect((await failure(tend('import', 'icd10'))).message).toMatch(/Say which file/);
    expect(formatError(await failure(tend('import', 'icd10', join(dir, 'missing-2025.txt'))))).toMatch(
      /There is no file/,
    );
    const undated = file('codes.txt', sampleLines.slice(0, 3));
    expect(formatError(await failure(tend('import', 'icd10', undated)))).toMatch(/--year YYYY/);
    expect((await failure(tend('import', 'icd10', undated, '--year', '25'))).fields[0]?.path).toBe('year');
    expect((await failure(tend('import', 'snomed', undated))).message).toMatch(/Unknown command/);
  });
});

describe('a good file', () => {
  it('adds the new codes and takes over the curated ones, in one go', async () => {
    const curatedBillable = (await snapshot()).filter((row) => row.billable).length;
    const output = await tend('import', 'icd10', SAMPLE);
    const added = sampleLines.length - curatedBillable;
    expect(added).toBe(17);
    expect(output).toBe(
      `Imported ${sampleLines.length} ICD-10-CM codes from icd10cm-codes-2025-sample.txt (cms-2025): ` +
        `${added} added, 0 updated, ${curatedBillable} unchanged, 0 retired (no longer billable, kept for old visits).`,
    );
    const rows = await snapshot();
    expect(rows.find((row) => row.code === 'A000')).toEqual({
      code: 'A000',
      description: 'Cholera due to Vibrio cholerae 01, biovar cholerae',
      billable: true,
      source: 'cms-2025',
    });
    expect(rows.find((row) => row.code === 'J111')?.source).toBe('cms-2025');
    // Headers are not in the file: they stay, not billable.
    expect(rows.find((row) => row.code === 'E11')).toMatchObject({ billable: false, source: 'curated' });
    // Imported codes are found by the search; the curated common ones still rank first.
    const flu = await searchIcd10(database.db, { q: 'flu', limit: 50 });
    expect(flu.items.map((item) => item.code)).toEqual(expect.arrayContaining(['J11.1', 'J11.83', 'J09.X2']));
    expect(flu.items.slice(0, 8).map((item) => item.code)).toContain('J11.1');
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await snapshot();
    expect(await tend('import', 'icd10', SAMPLE)).toMatch(/: 0 added, 0 updated, 315 unchanged, 0 retired/);
    expect(await snapshot()).toEqual(before);
  });

  it('takes a newer year: descriptions updated, dropped codes retired (kept, not billable), new ones added', async () => {
    const lines = sampleLines
      .filter((line) => !line.startsWith('A001 ') && !line.startsWith('M5481 '))
      .map((line) => (line.startsWith('A009 ') ? 'A009    Cholera, unspecified (revised)' : line));
    lines.push('A0101   Typhoid meningitis');
    const output = await tend('import', 'icd10', file('icd10cm-codes-2026.txt', lines));
    expect(output).toMatch(/\(cms-2026\): 1 added, 1 updated, 312 unchanged, 2 retired/);
    expect(await getIcd10(database.db, 'A00.9')).toEqual({
      code: 'A00.9',
      description: 'Cholera, unspecified (revised)',
      billable: true,
    });
    expect(await getIcd10(database.db, 'A00.1')).toEqual({
      code: 'A00.1',
      description: 'Cholera due to Vibrio cholerae 01, biovar eltor',
      billable: false,
    });
    expect((await failure(requireBillableIcd10(database.db, 'M54.81'))).message).toMatch(/no longer a billable/);
    // Re-importing the older file brings a retired code back: "updated".
    expect(await tend('import', 'icd10', SAMPLE)).toMatch(/\(cms-2025\): 0 added, 3 updated, 312 unchanged, 1 retired/);
    expect((await getIcd10(database.db, 'A00.1')).billable).toBe(true);
  });
});

describe('the command line', () => {
  it('names the file absolutely before a running server reads it', () => {
    const args = absoluteFileOperands(
      ['import', 'icd10', 'codes/icd10cm-codes-2025.txt', '--year', '2025'],
      '/home/ada',
    );
    expect(args[2]).toBe('/home/ada/codes/icd10cm-codes-2025.txt');
    expect(absoluteFileOperands(['import', 'icd10', '/data/icd10cm-codes-2025.txt'], '/home/ada')[2]).toBe(
      '/data/icd10cm-codes-2025.txt',
    );
    expect(args.slice(3)).toEqual(['--year', '2025']);
    expect(absoluteFileOperands(['user', 'add', 'x'])).toEqual(['user', 'add', 'x']);
  });

  it('hands the import to the running server on the embedded database', async () => {
    const secret = 'c'.repeat(64);
    const app = await buildApp({ database, config: loadConfig({}), cliSecret: secret }, { logLevel: false });
    try {
      const run = (args: string[]) =>
        request(app, 'POST', '/api/internal/cli', { headers: { 'x-tend-cli-secret': secret }, body: { args } });
      const ok = await run(['import', 'icd10', SAMPLE]);
      expect(ok.status).toBe(200);
      expect(ok.body.output).toMatch(/^Imported 315 ICD-10-CM codes from icd10cm-codes-2025-sample\.txt/);
      const bad = await run(['import', 'icd10', file('icd10cm-codes-2025-bad.txt', ['E11.9   Type 2'])]);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('line 1: "E11.9" is not an ICD-10-CM code');
    } finally {
      await app.close();
    }
  });
});

describe('the full CMS file', () => {
  it('imports ~74,000 codes in reasonable time, in one transaction', async () => {
    const lines = Array.from({ length: 74_000 }, (_, i) => {
      const n = Math.floor(i / 4);
      const code = `${'VWXY'[i % 4]}${n % 10}${n.toString(36).toUpperCase().padStart(4, '0')}`;
      return `${code.padEnd(8)}Synthetic description number ${i} for the import timing test`;
    });
    const path = file('icd10cm-codes-2027.txt', lines);
    const started = performance.now();
    const output = await tend('import', 'icd10', path);
    const seconds = (performance.now() - started) / 1000;
    expect(output).toMatch(/Imported 74,000 ICD-10-CM codes .*: 74,000 added, 0 updated, 0 unchanged, 315 retired/);
    expect(seconds).toBeLessThan(60);
    const again = performance.now();
    expect(await tend('import', 'icd10', path)).toMatch(/0 added, 0 updated, 74,000 unchanged, 0 retired/);
    expect((performance.now() - again) / 1000).toBeLessThan(30);
    const started2 = performance.now();
    const found = await searchIcd10(database.db, { q: 'synthetic 7399', limit: 20 });
    expect(found.items.length).toBeGreaterThan(0);
    expect(performance.now() - started2).toBeLessThan(2000);
    console.log(`74,000 codes imported in ${seconds.toFixed(1)} s`);
  }, 120_000);
});
