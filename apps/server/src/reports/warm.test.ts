import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { warmReportRollups } from './warm';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('warming the report rollups', () => {
  it('stores every day of the last two years of each rolled-up report, and stops when asked', async () => {
    const { clinicId } = await t.createClinic();
    expect(await warmReportRollups(t.database.db, () => true)).toBe(0);
    // 6 reports × 9 runs of 91 days (730 days).
    expect(await warmReportRollups(t.database.db)).toBeGreaterThanOrEqual(54);
    const stored = await queryRows<{ report: string; days: string | number }>(
      t.database.db,
      sql`SELECT report, count(DISTINCT local_date) AS days FROM report_day_rollups
          WHERE clinic_id = ${clinicId} GROUP BY report ORDER BY report`,
    );
    expect(stored.map((row) => [row.report, Number(row.days)])).toEqual([
      ['appointments/2', 730],
      ['day-sheet/1', 730],
      ['patients-any/1', 730],
      ['reminders/1', 730],
      ['revenue/1/provider+location', 730],
      ['utilisation/1', 730],
    ]);
  });
});
