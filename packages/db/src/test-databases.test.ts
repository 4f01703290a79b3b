import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropStaleTestDatabases, STALE_TEST_DATABASE_MS, staleTestDatabases, testDatabaseName } from './test-databases';

/** Which databases a test run's start drops: killed runs' test databases only, never one in use. */

const NOW = Date.parse('2026-11-28T10:00:00Z');
const HOUR = 60 * 60_000;
const madeAt = (ms: number, hex = '0123456789ab') => `tend_test_${Math.floor(ms / 1000)}_${hex}`;

describe('test databases', () => {
  it('are named with the second they were made', () => {
    const name = testDatabaseName(NOW);
    expect(name).toMatch(/^tend_test_1795860000_[0-9a-f]{12}$/);
    expect(name).not.toBe(testDatabaseName(NOW));
    // A valid unquoted identifier, well within PostgreSQL's 63 characters.
    expect(name.length).toBeLessThan(40);
  });

  it('are stale only when made more than 6 hours ago, by that name, and with no connection', () => {
    const old = madeAt(NOW - 7 * HOUR);
    const stale = (name: string, connections = 0) => staleTestDatabases([{ name, connections }], NOW).length === 1;
    expect(STALE_TEST_DATABASE_MS).toBe(6 * HOUR);
    expect(stale(old)).toBe(true);
    expect(stale(madeAt(NOW - 30 * 24 * HOUR))).toBe(true);
    // In use, however old: kept.
    expect(stale(old, 1)).toBe(false);
    // Young, or made "later" than now (another machine's clock): kept.
    expect(stale(madeAt(NOW - 5 * HOUR))).toBe(false);
    expect(stale(madeAt(NOW - 6 * HOUR))).toBe(false);
    expect(stale(madeAt(NOW + HOUR))).toBe(false);
    // Any other name: kept.
    for (const name of [
      'postgres',
      'tend',
      'tend_bench_46ee9f5a54a9',
      'tend_bench_recon_ec0023ff',
      'tend_test_46ee9f5a54a9', // a test database named before the time was in the name
      `tend_scale_${Math.floor((NOW - 7 * HOUR) / 1000)}_0123456789ab`,
      `${old}_copy`,
      `x${old}`,
      madeAt(NOW - 7 * HOUR, '0123456789AB'),
      madeAt(NOW - 7 * HOUR, '0123456789a'),
      `tend_test_${Math.floor((NOW - 7 * HOUR) / 1000) * 10}_0123456789ab`,
    ]) {
      expect(stale(name), name).toBe(false);
    }
    expect(
      staleTestDatabases(
        [
          { name: old, connections: 0 },
          { name: madeAt(NOW - 8 * HOUR, 'aaaaaaaaaaaa'), connections: 2 },
          { name: madeAt(NOW - 9 * HOUR, 'bbbbbbbbbbbb'), connections: 0 },
        ],
        NOW,
      ),
    ).toEqual([old, madeAt(NOW - 9 * HOUR, 'bbbbbbbbbbbb')]);
  });

  // On a PostgreSQL server only (the embedded database makes no test databases of this kind).
  const url = process.env.TEND_TEST_DATABASE_URL;
  if (!url) return;
  it('are dropped when stale on the server, and kept while someone is connected', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const idle = madeAt(Date.now() - 7 * HOUR, testDatabaseName().slice(-12));
    const used = madeAt(Date.now() - 7 * HOUR, testDatabaseName().slice(-12));
    const young = testDatabaseName();
    for (const name of [idle, used, young]) await admin.query(`CREATE DATABASE ${name}`);
    const onUsed = new URL(url);
    onUsed.pathname = `/${used}`;
    const user = new pg.Client({ connectionString: onUsed.toString() });
    await user.connect();
    try {
      // (Another run starting now may drop `idle` first: what is left is checked, not who dropped it.)
      const dropped = await dropStaleTestDatabases(url);
      expect(dropped).not.toContain(used);
      expect(dropped).not.toContain(young);
      const { rows } = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname',
        [[idle, used, young]],
      );
      expect(rows.map((row) => row.datname).sort()).toEqual([used, young].sort());
    } finally {
      await user.end();
      for (const name of [idle, used, young]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
