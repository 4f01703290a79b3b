import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, queryRows, queryRowsWithoutJit } from './database';
import { createTestDatabase } from './testing';

let database: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
});
afterAll(() => drop());

it('queryRowsWithoutJit runs its query with JIT off, returns its rows, and leaves the setting as it was', async () => {
  const jit = async () => (await queryRows<{ jit: string }>(database.db, sql`SHOW jit`))[0].jit;
  const before = await jit();
  expect(await queryRowsWithoutJit<{ jit: string }>(database.db, sql`SHOW jit`)).toEqual([{ jit: 'off' }]);
  expect(
    await queryRowsWithoutJit<{ n: number }>(database.db, sql`SELECT n FROM generate_series(1, 3) AS s(n) ORDER BY n`),
  ).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  // SET LOCAL ends with the transaction: every pooled connection keeps the server's setting.
  for (let i = 0; i < 12; i++) expect(await jit()).toBe(before);
});

it('queryRowsWithoutJit in a caller’s transaction leaves that transaction’s setting alone', async () => {
  await database.db.transaction(async (tx) => {
    const jit = async () => (await queryRows<{ jit: string }>(tx, sql`SHOW jit`))[0].jit;
    const before = await jit();
    expect(await queryRowsWithoutJit<{ n: number }>(tx, sql`SELECT 1 AS n`)).toEqual([{ n: 1 }]);
    expect(await jit()).toBe(before);
  });
});
