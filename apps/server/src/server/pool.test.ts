import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { openConfiguredDatabase } from '../server';
import { tendData } from '../test/tend-process';

/**
 * How many transactions a server has in flight is capped by its connections: DATABASE_POOL_SIZE of
 * them to PostgreSQL, one to the embedded database. Six queries at once each tell which database
 * connection ran them.
 */

let data: Awaited<ReturnType<typeof tendData>>;
afterAll(() => data?.cleanup());

async function connectionsUsed(env: Record<string, string>): Promise<number> {
  const database = await openConfiguredDatabase(loadConfig(env));
  try {
    const pids = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const [row] = await queryRows<{ pid: number }>(database.db, sql`SELECT pg_backend_pid() AS pid, pg_sleep(0.2)`);
        return row.pid;
      }),
    );
    return new Set(pids).size;
  } finally {
    await database.close();
  }
}

describe('the database connections of a server', () => {
  if (process.env.TEND_TEST_DATABASE_URL) {
    it('are DATABASE_POOL_SIZE connections to PostgreSQL', async () => {
      data = await tendData('pool');
      expect(await connectionsUsed({ ...data.env, DATABASE_POOL_SIZE: '4' })).toBe(4);
      expect(await connectionsUsed({ ...data.env, DATABASE_POOL_SIZE: '6' })).toBe(6);
    });
  } else {
    it('are one to the embedded database: its queries take turns', async () => {
      data = await tendData('pool');
      expect(await connectionsUsed(data.env)).toBe(1);
    });
  }
});
