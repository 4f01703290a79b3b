import { queryRows } from '@tend/db';
import { addDaysTo, todayIn } from '@tend/domain';
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
  it('stores every day of the last two years (from the 1st of that month) and their whole months, and stops when asked', async () => {
    const { clinicId } = await t.createClinic();
    expect(await warmReportRollups(t.database.db, () => true)).toBe(0);
    const today = todayIn('America/New_York');
    const first = `${addDaysTo(today, -729).slice(0, 8)}01`;
    const days = Math.round((Date.parse(today) - Date.parse(first)) / 86_400_000) + 1;
    // 6 reports × 9 runs of 3 calendar months (25 months, today's included).
    expect(await warmReportRollups(t.database.db)).toBeGreaterThanOrEqual(54);
    const stored = await queryRows<{ report: string; days: string | number; first: string; months: string | number }>(
      t.database.db,
      sql`SELECT d.report, count(*) AS days, min(d.local_date)::text AS first,
            (SELECT count(*) FROM report_month_rollups m WHERE m.clinic_id = d.clinic_id AND m.report = d.report) AS months
          FROM report_day_rollups d WHERE d.clinic_id = ${clinicId} GROUP BY d.clinic_id, d.report ORDER BY d.report`,
    );
    // Every whole month but today's (24), for the reports summed in the database (not Patients).
    expect(stored.map((row) => [row.report, Number(row.days), row.first, Number(row.months)])).toEqual([
      ['appointments/2', days, first, 24],
      ['day-sheet/1', days, first, 24],
      ['patients-any/1', days, first, 0],
      ['reminders/1', days, first, 24],
      ['revenue/1/provider+location', days, first, 24],
      ['utilisation/1', days, first, 24],
    ]);
  });
});
