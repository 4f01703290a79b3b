import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { histogramMedian } from './rollups';

/**
 * The day versions behind the per-day report rollups (0021): each write touches its days, and
 * the versions are bumped when the writing transaction commits — in date order, so two
 * transactions touching the same days in opposite orders neither deadlock nor lose a bump.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ poolSize: 4 });
});
afterAll(() => t?.close());

type Db = TestApp['database']['db'];
const version = async (clinicId: string, day: string, db: Db = t.database.db) =>
  Number(
    (
      await queryRows<{ version: string | number }>(
        db,
        sql`SELECT version FROM report_day_versions WHERE clinic_id = ${clinicId} AND local_date = ${day}::date`,
      )
    )[0]?.version ?? 0,
  );

describe('report day versions', () => {
  it('are bumped at commit, once per transaction and day, whatever order two transactions touch them in', async () => {
    const { clinicId } = await t.createClinic();
    const [a, b] = ['2031-03-03', '2031-03-04'];
    const touch = (tx: Db, day: string) =>
      tx.execute(sql`SELECT touch_report_days(${clinicId}::uuid, ARRAY[${day}::date])`);
    // One transaction touches A then B (twice), the other B then A, each waiting for the other
    // between its two writes: with the versions locked as each write happened, that is a deadlock.
    let release: () => void = () => {};
    const bothTouchedOnce = new Promise<void>((resolve) => {
      let count = 0;
      release = () => {
        count += 1;
        if (count === 2) resolve();
      };
    });
    const side = (first: string, second: string) =>
      t.database.db.transaction(async (tx) => {
        const before = await version(clinicId, first, tx as unknown as Db);
        await touch(tx as unknown as Db, first);
        release();
        // On the embedded database transactions run one at a time: the other waits for this one.
        if (t.database.kind === 'postgres') await bothTouchedOnce;
        await touch(tx as unknown as Db, second);
        await touch(tx as unknown as Db, second);
        // Nothing is bumped before the commit: a reader sees the old versions until then.
        expect(await version(clinicId, first, tx as unknown as Db)).toBe(before);
      });
    await Promise.all([side(a, b), side(b, a)]);
    expect(await version(clinicId, a)).toBe(2);
    expect(await version(clinicId, b)).toBe(2);
    const pending = await queryRows<{ n: string | number }>(
      t.database.db,
      sql`SELECT count(*) AS n FROM report_days_pending`,
    );
    expect(Number(pending[0].n), 'the pending days are cleared at commit').toBe(0);

    // A transaction that rolls back bumps nothing.
    await expect(
      t.database.db.transaction(async (tx) => {
        await touch(tx as unknown as Db, a);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await version(clinicId, a)).toBe(2);
  });
});

describe('histogramMedian', () => {
  it('is percentile_cont(0.5) of the values the histogram counts', () => {
    expect(histogramMedian({})).toBeNull();
    expect(histogramMedian({ 3: 1 })).toBe(3);
    expect(histogramMedian({ 1: 1, 4: 1 })).toBe(2.5);
    expect(histogramMedian({ 10: 2, 2: 1, 7: 0 })).toBe(10);
    expect(histogramMedian({ '-1': 2, 5: 2 })).toBe(2);
  });
});
