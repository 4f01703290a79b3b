import { type Db, schema } from '@tend/db';
import {
  addDaysTo,
  instantToIsoInZone,
  instantToZoned,
  type OfflineCopy,
  type OfflinePatient,
  todayIn,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { recordPatientsAccess } from '../audit/service';
import type { RequestContext } from '../context';
import { requireLocationField } from '../scheduling/shared';

/**
 * The browser's offline copy (`GET /api/offline/copy`): today's and tomorrow's appointments of the
 * clinic (its time zone's days) with provider, local times, type, room and status, and the
 * contact details of their patients (name, MRN, birth date, phones, email) — nothing clinical.
 *
 * The web app takes a copy every few minutes. Auditing each one per patient would write the same
 * rows every ten minutes all day, so a patient is audited once per user per clinic day (the row's
 * `details.day`): the log still answers "who took this patient's details onto their device, and
 * on which day".
 */

const a = schema.appointments;
const p = schema.patients;

/** The copy's rows, read in one query: the days' appointments with everything the page shows. */
async function loadOfflineSchedule(db: Db, clinicId: string, from: Date, to: Date, locationId?: string) {
  return db
    .select({
      id: a.id,
      patientId: a.patientId,
      providerId: a.providerId,
      providerName: sql<string>`concat_ws(' ', ${schema.providers.title}, ${schema.providers.name})`,
      startAt: a.startAt,
      endAt: a.endAt,
      status: a.status,
      typeName: schema.appointmentTypes.name,
      roomName: schema.rooms.name,
      locationName: schema.locations.name,
      mrn: p.mrn,
      givenName: p.givenName,
      familyName: p.familyName,
      birthDate: p.birthDate,
      phones: p.phones,
      email: p.email,
    })
    .from(a)
    .innerJoin(p, and(eq(p.id, a.patientId), eq(p.clinicId, a.clinicId)))
    .innerJoin(schema.providers, eq(schema.providers.id, a.providerId))
    .innerJoin(schema.appointmentTypes, eq(schema.appointmentTypes.id, a.appointmentTypeId))
    .innerJoin(schema.locations, eq(schema.locations.id, a.locationId))
    .leftJoin(schema.rooms, eq(schema.rooms.id, a.roomId))
    .where(
      and(
        eq(a.clinicId, clinicId),
        gte(a.startAt, from),
        lt(a.startAt, to),
        locationId ? eq(a.locationId, locationId) : undefined,
      ),
    )
    .orderBy(asc(a.startAt), asc(a.id));
}

/** Patients of `patientIds` this user already took into an offline copy of the clinic day `day`. */
async function alreadyAudited(db: Db, ctx: RequestContext, patientIds: string[], day: string): Promise<Set<string>> {
  if (!patientIds.length) return new Set();
  const e = schema.auditEvents;
  // Served by audit_events_patient_idx (clinic_id, patient_id, occurred_at): a clinic day lasts
  // at most 26 hours, so two days back holds every row of it.
  const rows = await db
    .selectDistinct({ patientId: e.patientId })
    .from(e)
    .where(
      and(
        eq(e.clinicId, ctx.clinicId),
        inArray(e.patientId, patientIds),
        gte(e.occurredAt, sql`now() - interval '2 days'`),
        eq(e.action, 'offline.copy'),
        eq(e.actorUserId, ctx.userId),
        sql`${e.details}->>'day' = ${day}`,
      ),
    );
  return new Set(rows.map((row) => row.patientId as string));
}

/**
 * The signed-in user's offline copy at `now`, of one location with `locationId`; audits the
 * patients not yet audited for them today.
 */
export async function offlineCopy(
  db: Db,
  ctx: RequestContext,
  now: Date = new Date(),
  locationId?: string,
): Promise<OfflineCopy> {
  const location = locationId ? await requireLocationField(db, ctx, locationId, 'querystring.locationId') : null;
  return db.transaction(async (tx) => {
    const [clinic] = await tx
      .select({ name: schema.clinics.name, timezone: schema.clinics.timezone })
      .from(schema.clinics)
      .where(eq(schema.clinics.id, ctx.clinicId));
    const zone = clinic.timezone;
    const today = todayIn(zone, now);
    const tomorrow = addDaysTo(today, 1);
    const from = new Date(zonedTimeToInstant(today, '00:00', zone));
    const to = new Date(zonedTimeToInstant(addDaysTo(today, 2), '00:00', zone));
    const rows = await loadOfflineSchedule(tx, ctx.clinicId, from, to, locationId);

    const providers = new Map<string, string>();
    const patients = new Map<string, OfflinePatient>();
    const appointments = rows.map((row) => {
      providers.set(row.providerId, row.providerName);
      patients.set(row.patientId, {
        id: row.patientId,
        mrn: row.mrn,
        name: `${row.givenName} ${row.familyName}`,
        birthDate: row.birthDate,
        phones: row.phones,
        email: row.email,
      });
      const start = instantToZoned(row.startAt.getTime(), zone);
      return {
        id: row.id,
        patientId: row.patientId,
        providerId: row.providerId,
        date: start.date,
        start: start.time,
        end: instantToZoned(row.endAt.getTime(), zone).time,
        status: row.status,
        typeName: row.typeName,
        roomName: row.roomName,
        locationName: row.locationName,
      };
    });

    const seen = await alreadyAudited(tx, ctx, [...patients.keys()], today);
    const fresh = [...patients.keys()].filter((id) => !seen.has(id));
    if (fresh.length) {
      await recordPatientsAccess(tx, ctx, 'offline.copy', fresh, {
        day: today,
        days: [today, tomorrow],
        locationId: locationId ?? null,
      });
    }

    return {
      clinicId: ctx.clinicId,
      clinicName: clinic.name,
      locationName: location?.name ?? null,
      timezone: zone,
      takenAt: instantToIsoInZone(now.getTime(), zone),
      days: [today, tomorrow] as [string, string],
      providers: [...providers].map(([id, name]) => ({ id, name })).sort((x, y) => x.name.localeCompare(y.name)),
      appointments,
      patients: [...patients.values()],
    };
  });
}
