import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL databases the tests make (TEND_TEST_DATABASE_URL) carry the second they were made
 * in their name, `tend_test_<unix seconds>_<12 hex digits>`, since PostgreSQL keeps no creation time:
 * that is how a killed run's leftovers are told from a running test's database.
 */
const TEST_DATABASE = /^tend_test_(\d{10})_[0-9a-f]{12}$/;

/** A test database older than this is a leftover (no test file runs for hours). */
export const STALE_TEST_DATABASE_MS = 6 * 60 * 60_000;

/** A new test database's name, made at `now`. */
export function testDatabaseName(now = Date.now()): string {
  return `tend_test_${Math.floor(now / 1000)}_${randomBytes(6).toString('hex')}`;
}

/**
 * Of the server's databases, the test databases left by runs long gone: named as `testDatabaseName`
 * names them, made more than `maxAgeMs` before `now`, and with no connection. Any other name (a
 * benchmark's data, a developer's database, an older test database's name without its time) is kept.
 */
export function staleTestDatabases(
  databases: Array<{ name: string; connections: number }>,
  now: number,
  maxAgeMs = STALE_TEST_DATABASE_MS,
): string[] {
  return databases
    .filter(({ name, connections }) => {
      const made = TEST_DATABASE.exec(name);
      return made !== null && connections === 0 && now - Number(made[1]) * 1000 > maxAgeMs;
    })
    .map(({ name }) => name);
}

/**
 * Drops the stale test databases of the server at `serverUrl` (run once before the tests): without
 * FORCE, so one that has a connection by then is refused by PostgreSQL and kept, as is one this role
 * may not drop. Returns the names dropped.
 */
export async function dropStaleTestDatabases(serverUrl: string, now = Date.now()): Promise<string[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; connections: number }>(
      `SELECT d.datname AS name, (SELECT count(*)::int FROM pg_stat_activity a WHERE a.datid = d.oid) AS connections
         FROM pg_database d WHERE d.datname LIKE 'tend\\_test\\_%'`,
    );
    const dropped: string[] = [];
    for (const name of staleTestDatabases(rows, now)) {
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
        dropped.push(name);
      } catch (error) {
        // 55006: in use after all (someone connected since); 42501: another role's.
        const code = (error as { code?: string }).code;
        if (code !== '55006' && code !== '42501') throw error;
      }
    }
    return dropped;
  } finally {
    await client.end();
  }
}
