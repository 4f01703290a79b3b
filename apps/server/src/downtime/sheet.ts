import { type Db, schema } from '@tend/db';
import {
  AppError,
  type AuditAction,
  addDaysTo,
  type DowntimeAppointment,
  type DowntimeContact,
  type DowntimeSheet,
  formatPhone,
  instantToIsoInZone,
  instantToZoned,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, asc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { recordPatientsAccess } from '../audit/service';
import { balancesOf } from '../billing/ledger';
import { type ClinicScope, ctxCan, type RequestContext } from '../context';

/**
 * The downtime kit's data: per clinic-local day, per provider, the appointments not cancelled
 * (time, patient, phones, visit type, room, location, status — never the notes), and per patient
 * of those days the balance they owe. One function for the print page, the PDFs, the evening's
 * files and the offline copy, so they all show the same thing.
 */

const a = schema.appointments;
const p = schema.patients;

/** The most appointments one kit holds (a big clinic's week is well under it). */
const SHEET_LIMIT = 10_000;

export interface SheetOptions {
  dates: string[];
  providerId?: string;
  locationId?: string;
  /** Include balances (the role may read them; the evening's files always do). */
  balances: boolean;
  now: Date;
}

/** The sheet, without an audit row: the caller writes its own (a user's read, or the system's print). */
export async function buildDowntimeSheet(db: Db, scope: ClinicScope, options: SheetOptions): Promise<DowntimeSheet> {
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, scope.clinicId));
  if (!clinic) throw AppError.notFound('The clinic');
  const tz = clinic.timezone;
  const dates = [...new Set(options.dates)].sort();
  const days = new Map(dates.map((date) => [date, new Map<string, DowntimeAppointment[]>()]));
  const rows = dates.length
    ? await db
        .select({
          appointment: a,
          patient: p,
          providerName: schema.providers.name,
          providerTitle: schema.providers.title,
          type: schema.appointmentTypes.name,
          room: schema.rooms.name,
          location: schema.locations.name,
        })
        .from(a)
        .innerJoin(p, and(eq(p.id, a.patientId), eq(p.clinicId, a.clinicId)))
        .innerJoin(schema.providers, eq(schema.providers.id, a.providerId))
        .innerJoin(schema.appointmentTypes, eq(schema.appointmentTypes.id, a.appointmentTypeId))
        .innerJoin(schema.locations, eq(schema.locations.id, a.locationId))
        .leftJoin(schema.rooms, eq(schema.rooms.id, a.roomId))
        .where(
          and(
            eq(a.clinicId, scope.clinicId),
            // Each day from its local midnight to the next (23 or 25 hours on a clock change).
            gte(a.startAt, new Date(zonedTimeToInstant(dates[0], '00:00', tz))),
            lt(a.startAt, new Date(zonedTimeToInstant(addDaysTo(dates[dates.length - 1], 1), '00:00', tz))),
            ne(a.status, 'cancelled'),
            options.providerId ? eq(a.providerId, options.providerId) : undefined,
            options.locationId ? eq(a.locationId, options.locationId) : undefined,
          ),
        )
        .orderBy(asc(a.startAt), asc(p.familyName), asc(p.givenName))
        .limit(SHEET_LIMIT + 1)
    : [];
  if (rows.length > SHEET_LIMIT) {
    throw AppError.validation(
      [{ path: 'querystring.days', message: 'Choose fewer days, one location or one provider.' }],
      `More than ${SHEET_LIMIT.toLocaleString('en-US')} appointments on these days: choose fewer days, one location or one provider.`,
    );
  }

  const providerNames = new Map<string, string>();
  const contacts = new Map<string, DowntimeContact>();
  for (const row of rows) {
    const start = instantToZoned(row.appointment.startAt.getTime(), tz);
    const byProvider = days.get(start.date);
    // A day between the first and last that was not asked for (dates need not be consecutive).
    if (!byProvider) continue;
    const providerName = [row.providerTitle, row.providerName].filter(Boolean).join(' ');
    providerNames.set(row.appointment.providerId, providerName);
    const patientName = `${row.patient.familyName}, ${row.patient.givenName}`;
    const phones = row.patient.phones.map((phone) => ({ use: phone.use, number: formatPhone(phone.number) }));
    const appointment: DowntimeAppointment = {
      id: row.appointment.id,
      patientId: row.patient.id,
      patientName,
      mrn: row.patient.mrn,
      birthDate: row.patient.birthDate,
      phones,
      startAt: instantToIsoInZone(row.appointment.startAt.getTime(), tz),
      start: start.time,
      end: instantToZoned(row.appointment.endAt.getTime(), tz).time,
      type: row.type,
      room: row.room,
      location: row.location,
      status: row.appointment.status as DowntimeAppointment['status'],
    };
    const list = byProvider.get(row.appointment.providerId) ?? [];
    list.push(appointment);
    byProvider.set(row.appointment.providerId, list);
    const contact = contacts.get(row.patient.id) ?? {
      patientId: row.patient.id,
      patientName,
      mrn: row.patient.mrn,
      birthDate: row.patient.birthDate,
      phones,
      balanceDueCents: null,
      creditCents: null,
      appointments: [],
    };
    contact.appointments.push({ date: start.date, start: start.time, providerName });
    contacts.set(row.patient.id, contact);
  }

  if (options.balances && contacts.size) {
    const owed = await patientBalances(db, scope.clinicId, [...contacts.keys()]);
    for (const contact of contacts.values()) {
      const balance = owed.get(contact.patientId);
      contact.balanceDueCents = balance?.due ?? 0;
      contact.creditCents = balance?.credit ?? 0;
    }
  }

  const [location] = options.locationId
    ? await db
        .select({ name: schema.locations.name })
        .from(schema.locations)
        .where(and(eq(schema.locations.id, options.locationId), eq(schema.locations.clinicId, scope.clinicId)))
    : [];
  const byName = (x: string, y: string) => x.localeCompare(y, 'en', { sensitivity: 'base' });
  return {
    clinicName: clinic.name,
    locationName: location?.name ?? null,
    timezone: tz,
    currency: clinic.currency,
    generatedAt: options.now.toISOString(),
    generatedAtLocal: instantToZoned(options.now.getTime(), tz).time,
    dates,
    days: dates.map((date) => ({
      date,
      providers: [...(days.get(date) ?? new Map<string, DowntimeAppointment[]>()).entries()]
        .map(([providerId, appointments]) => ({
          providerId,
          providerName: providerNames.get(providerId) ?? '',
          appointments,
        }))
        .sort((x, y) => byName(x.providerName, y.providerName)),
    })),
    contacts: [...contacts.values()].sort((x, y) => byName(x.patientName, y.patientName) || x.mrn.localeCompare(y.mrn)),
  };
}

/**
 * What each patient owes (their portion still open on their charges, from the ledger, as the
 * balance tab shows it) and what they paid that is not applied to a charge yet.
 */
async function patientBalances(
  db: Db,
  clinicId: string,
  patientIds: string[],
): Promise<Map<string, { due: number; credit: number }>> {
  const charges = await db
    .select()
    .from(schema.charges)
    .where(and(eq(schema.charges.clinicId, clinicId), inArray(schema.charges.patientId, patientIds)));
  const balances = await balancesOf(db, charges);
  const result = new Map(patientIds.map((id) => [id, { due: 0, credit: 0 }]));
  for (const charge of charges) {
    const entry = result.get(charge.patientId);
    if (entry) entry.due += balances.get(charge.id)?.patient ?? 0;
  }
  const pay = schema.payments;
  const [paid, allocated] = await Promise.all([
    db
      .select({ patientId: pay.patientId, total: sql<number>`sum(${pay.amountCents})::int` })
      .from(pay)
      .where(and(eq(pay.clinicId, clinicId), eq(pay.source, 'patient'), inArray(pay.patientId, patientIds)))
      .groupBy(pay.patientId),
    db
      .select({ patientId: pay.patientId, total: sql<number>`sum(${schema.allocations.amountCents})::int` })
      .from(schema.allocations)
      .innerJoin(pay, eq(pay.id, schema.allocations.paymentId))
      .where(and(eq(pay.clinicId, clinicId), eq(pay.source, 'patient'), inArray(pay.patientId, patientIds)))
      .groupBy(pay.patientId),
  ]);
  for (const row of paid) {
    const entry = row.patientId ? result.get(row.patientId) : undefined;
    if (entry) entry.credit += Number(row.total);
  }
  for (const row of allocated) {
    const entry = row.patientId ? result.get(row.patientId) : undefined;
    if (entry) entry.credit -= Number(row.total);
  }
  return result;
}

/** A kit's PDF's file name: `schedule-2031-03-04.pdf`, and the location's name when it is of one. */
export function kitFileName(kind: 'schedule' | 'contacts', sheet: DowntimeSheet): string {
  const place = sheet.locationName
    ?.normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${kind}-${sheet.dates[0]}${sheet.locationName ? `-${place || 'location'}` : ''}.pdf`;
}

/** How many appointments the sheet lists. */
export function appointmentsOn(sheet: DowntimeSheet): number {
  return sheet.days.reduce((sum, day) => sum + day.providers.reduce((n, x) => n + x.appointments.length, 0), 0);
}

/** `days` clinic-local dates from `first`. */
export function consecutiveDates(first: string, days: number): string[] {
  const dates = [first];
  while (dates.length < days) dates.push(addDaysTo(dates[dates.length - 1], 1));
  return dates;
}

/**
 * The sheet as the signed-in user may see it (balances only for roles that read balances),
 * audited: one row per patient shown, as the schedule's list does.
 */
export async function loadDowntimeSheet(
  db: Db,
  ctx: RequestContext,
  options: { dates: string[]; providerId?: string; locationId?: string },
  action: Extract<AuditAction, 'downtime.read' | 'downtime.print'> = 'downtime.read',
  details: Record<string, unknown> = {},
): Promise<DowntimeSheet> {
  const sheet = await buildDowntimeSheet(db, ctx, {
    ...options,
    balances: ctxCan(ctx, 'balance.read'),
    now: new Date(),
  });
  await recordPatientsAccess(
    db,
    ctx,
    action,
    sheet.contacts.map((contact) => contact.patientId),
    {
      dates: sheet.dates,
      providerId: options.providerId ?? null,
      locationId: options.locationId ?? null,
      appointments: appointmentsOn(sheet),
      ...details,
    },
  );
  return sheet;
}
