import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Db, queryRows, schema } from '@tend/db';
import {
  addDaysTo,
  DEFAULT_DOWNTIME_PRINT_SETTINGS,
  DOWNTIME_EVENING_DAYS,
  DOWNTIME_KEEP_DAYS,
  type DowntimePrintOverview,
  type DowntimePrintSettings,
  defaultPaper,
  zonedTimeToInstant,
} from '@tend/domain';
import { eq, sql } from 'drizzle-orm';
import { recordAnonymousAudit, recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import type { MessagingEnv } from '../messaging/outbox';
import { renderContactsPdf, renderSchedulePdf } from './pdf';
import { appointmentsOn, buildDowntimeSheet, consecutiveDates, kitFileName } from './sheet';

/**
 * The evening's downtime kit: once a clinic day, from the time a manager chose, the outbox
 * worker's sweep writes the next days' schedule and contact sheet as PDFs into
 * `<backup folder>/<clinic id>/downtime/<first day>/`, so a copy sits on the server (and in
 * whatever copies the backup folder elsewhere) even when nobody printed one. Like the balance
 * reminders, a day is claimed with one UPDATE of the settings row: with several server processes
 * one writes, the others stop at that cheap query. The files hold patients' phone numbers and
 * balances, so only the server's user can read them (folders 0700, files 0600). Training clinics
 * follow their own setting, which is off unless someone turns it on inside training.
 */

const dps = schema.downtimePrintSettings;
const SYSTEM = { ip: null, userAgent: null };

/** `<backup folder>/<clinic id>/downtime`: where a clinic's evening kits go. */
export function downtimeFolder(backupDir: string, clinicId: string): string {
  return join(backupDir, clinicId, 'downtime');
}

async function loadSettings(db: Db, clinicId: string) {
  const [row] = await db.select().from(dps).where(eq(dps.clinicId, clinicId));
  return row ?? null;
}

export async function getDowntimePrint(db: Db, ctx: RequestContext, backupDir: string): Promise<DowntimePrintOverview> {
  const row = await loadSettings(db, ctx.clinicId);
  return {
    enabled: row?.enabled ?? DEFAULT_DOWNTIME_PRINT_SETTINGS.enabled,
    time: row?.printTime ?? DEFAULT_DOWNTIME_PRINT_SETTINGS.time,
    lastPrintedOn: row?.printedOn ?? null,
    folder: downtimeFolder(backupDir, ctx.clinicId),
  };
}

/** Saves the settings (audited). A kit already written today stays the day's kit whatever the new time. */
export async function putDowntimePrint(
  db: Db,
  ctx: RequestContext,
  input: DowntimePrintSettings,
  backupDir: string,
): Promise<DowntimePrintOverview> {
  await db.transaction(async (tx) => {
    const before = await loadSettings(tx, ctx.clinicId);
    const values = { enabled: input.enabled, printTime: input.time, updatedAt: new Date(), updatedBy: ctx.userId };
    await tx
      .insert(dps)
      .values({ clinicId: ctx.clinicId, ...values })
      .onConflictDoUpdate({ target: dps.clinicId, set: values });
    await recordAudit(tx, ctx, {
      action: 'downtime.settings_update',
      entityType: 'downtime_print_settings',
      entityId: ctx.clinicId,
      details: {
        before: before ? { enabled: before.enabled, time: before.printTime } : null,
        after: input,
      },
    });
  });
  return getDowntimePrint(db, ctx, backupDir);
}

interface ClaimedClinic {
  clinic_id: string;
  country: string;
  timezone: string;
  today: string;
  previous: string | null;
}

/**
 * The worker's sweep: for each clinic with the evening kit on whose day has no kit yet, from its
 * chosen time, claims the day and writes the kit. A clinic that fails gets its day back (tried
 * again at the next pass); the others go on. Answers how many kits were written.
 */
export async function sweepDowntimePrint(db: Db, env: Pick<MessagingEnv, 'backupDir'>, now: Date): Promise<number> {
  const backupDir = env.backupDir;
  if (!backupDir) return 0;
  const at = now.toISOString();
  const claimed = await queryRows<ClaimedClinic>(
    db,
    sql`UPDATE downtime_print_settings s
           SET printed_on = (${at}::timestamptz AT TIME ZONE c.timezone)::date
          FROM clinics c, (SELECT clinic_id, printed_on FROM downtime_print_settings) old
         WHERE c.id = s.clinic_id AND old.clinic_id = s.clinic_id AND s.enabled
           AND s.printed_on IS DISTINCT FROM (${at}::timestamptz AT TIME ZONE c.timezone)::date
           AND (${at}::timestamptz AT TIME ZONE c.timezone)::time >= s.print_time::time
     RETURNING s.clinic_id, c.country, c.timezone, s.printed_on::text AS today, old.printed_on::text AS previous`,
  );
  const errors: unknown[] = [];
  for (const clinic of claimed) {
    try {
      await writeKit(db, backupDir, clinic, now);
    } catch (error) {
      // Given back: the next pass tries again (a full disk, a folder not writable yet).
      await db.update(dps).set({ printedOn: clinic.previous }).where(eq(dps.clinicId, clinic.clinic_id));
      errors.push(error);
    }
  }
  if (errors.length) throw errors[0];
  return claimed.length;
}

/**
 * The kit of the next days: with appointments at several locations, a schedule and a contact
 * sheet per location (a clinic network's two days are thousands of appointments; one location's
 * are what its front desk needs), else one of each.
 */
async function writeKit(db: Db, backupDir: string, clinic: ClaimedClinic, now: Date): Promise<void> {
  const dates = consecutiveDates(addDaysTo(clinic.today, 1), DOWNTIME_EVENING_DAYS);
  const instant = (date: string) => new Date(zonedTimeToInstant(date, '00:00', clinic.timezone)).toISOString();
  const locations = await queryRows<{ location_id: string }>(
    db,
    sql`SELECT DISTINCT location_id FROM appointments
        WHERE clinic_id = ${clinic.clinic_id} AND status <> 'cancelled'
          AND start_at >= ${instant(dates[0])}::timestamptz AND start_at < ${instant(addDaysTo(dates[dates.length - 1], 1))}::timestamptz`,
  );
  const paper = defaultPaper(clinic.country);
  const root = downtimeFolder(backupDir, clinic.clinic_id);
  const folder = join(root, dates[0]);
  // 0700 on every folder Tend makes here (mkdir's mode applies to each one it creates).
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  const patientIds = new Set<string>();
  let appointments = 0;
  for (const locationId of locations.length > 1 ? locations.map((row) => row.location_id) : [undefined]) {
    const sheet = await buildDowntimeSheet(
      db,
      { clinicId: clinic.clinic_id },
      { dates, locationId, balances: true, now },
    );
    const [schedule, contacts] = await Promise.all([renderSchedulePdf(sheet, paper), renderContactsPdf(sheet, paper)]);
    for (const [kind, content] of [
      ['schedule', schedule],
      ['contacts', contacts],
    ] as const) {
      // Two locations of the same name: the second's files get a number.
      let name = kitFileName(kind, sheet);
      for (let n = 2; files.includes(name); n += 1) name = kitFileName(kind, sheet).replace(/\.pdf$/, `-${n}.pdf`);
      // Written beside, then renamed: a reader never finds half a PDF.
      const partial = join(folder, `.${name}.partial`);
      writeFileSync(partial, content, { mode: 0o600 });
      renameSync(partial, join(folder, name));
      files.push(name);
    }
    for (const contact of sheet.contacts) patientIds.add(contact.patientId);
    appointments += appointmentsOn(sheet);
  }
  const removed = pruneKits(root, clinic.today);

  const details = { dates, folder, files, appointments, removed };
  // Written by the server itself: one audit row per patient on the paper, as for a user's print.
  await db.transaction(async (tx) => {
    for (const patientId of patientIds.size ? patientIds : [null]) {
      await recordAnonymousAudit(tx, SYSTEM, {
        clinicId: clinic.clinic_id,
        actorRole: 'system',
        action: 'downtime.print',
        patientId,
        entityType: patientId ? 'patient' : null,
        entityId: patientId,
        details,
      });
    }
  });
}

/** Removes the kits of days more than DOWNTIME_KEEP_DAYS before `today`; answers their folder names. */
export function pruneKits(root: string, today: string): string[] {
  const oldest = addDaysTo(today, -DOWNTIME_KEEP_DAYS);
  const removed: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    // Only the folders this sweep makes: anything else someone put here stays.
    if (!entry.isDirectory() || !/^\d{4}-\d{2}-\d{2}$/.test(entry.name) || entry.name >= oldest) continue;
    rmSync(join(root, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed.sort();
}
