import { type Db, schema } from '@tend/db';
import { addDaysTo, type ReportName, todayIn, zReportQuery } from '@tend/domain';
import { REPORTS } from './registry';

/** The reports that read per-day rollups (rollups.ts), warmed in this order (Patients: its clinic-wide scope). */
const ROLLED_UP: ReportName[] = ['appointments', 'utilisation', 'reminders', 'revenue', 'day-sheet', 'patients'];

/** How far back the rollups are warmed, and how many days one report run computes at a time. */
const WARM_DAYS = 730;
const CHUNK_DAYS = 91;

/**
 * Computes and stores the per-day rollups of the last two years of every clinic, oldest first and
 * a quarter at a time, so that the first report opened after an upgrade (or on a migrated
 * database) reads stored days instead of computing a year on the spot (seconds on a clinic
 * network). The server runs it in the background after it starts; days already stored and
 * unchanged are only read. Stops between two runs when `stopped()` says so.
 */
export async function warmReportRollups(db: Db, stopped: () => boolean = () => false): Promise<number> {
  const clinics = await db.select({ id: schema.clinics.id, timezone: schema.clinics.timezone }).from(schema.clinics);
  let runs = 0;
  for (const clinic of clinics) {
    const today = todayIn(clinic.timezone);
    for (const name of ROLLED_UP) {
      for (let from = addDaysTo(today, -(WARM_DAYS - 1)); from <= today; from = addDaysTo(from, CHUNK_DAYS)) {
        if (stopped()) return runs;
        const end = addDaysTo(from, CHUNK_DAYS - 1);
        // biome-ignore lint/complexity/useMathMinMax: ISO dates are strings, which Math.min would turn into NaN.
        const to = end < today ? end : today;
        await REPORTS[name].run(db, { clinicId: clinic.id }, zReportQuery.parse({ from, to, group: 'month' }));
        runs += 1;
      }
    }
  }
  return runs;
}
