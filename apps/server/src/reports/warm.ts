import { type Db, schema } from '@tend/db';
import { addDaysTo, type ReportName, reportPeriods, todayIn, zReportQuery } from '@tend/domain';
import { REPORTS } from './registry';

/** The reports that read per-day rollups (rollups.ts), warmed in this order (Patients: its clinic-wide scope). */
const ROLLED_UP: ReportName[] = ['appointments', 'utilisation', 'reminders', 'revenue', 'day-sheet', 'patients'];

/** How far back the rollups are warmed (from the 1st of that month), and how many months one report run computes. */
const WARM_DAYS = 730;
const CHUNK_MONTHS = 3;

/**
 * Computes and stores the per-day rollups of the last two years of every clinic, and their whole
 * months merged (rollups.ts), oldest first and a quarter at a time, so that the first report opened
 * after an upgrade (or on a migrated database) reads stored days and months instead of computing a
 * year on the spot (seconds on a clinic network). The server runs it in the background after it
 * starts; days and months already stored and unchanged are only read. Stops between two runs when
 * `stopped()` says so.
 */
export async function warmReportRollups(db: Db, stopped: () => boolean = () => false): Promise<number> {
  const clinics = await db.select({ id: schema.clinics.id, timezone: schema.clinics.timezone }).from(schema.clinics);
  let runs = 0;
  for (const clinic of clinics) {
    const today = todayIn(clinic.timezone);
    const months = reportPeriods(addDaysTo(today, -(WARM_DAYS - 1)), today, 'month');
    for (const name of ROLLED_UP) {
      for (let k = 0; k < months.length; k += CHUNK_MONTHS) {
        if (stopped()) return runs;
        const chunk = months.slice(k, k + CHUNK_MONTHS);
        const query = { from: chunk[0].period, to: chunk[chunk.length - 1].to, group: 'month' };
        await REPORTS[name].run(db, { clinicId: clinic.id }, zReportQuery.parse(query));
        runs += 1;
      }
    }
  }
  return runs;
}
