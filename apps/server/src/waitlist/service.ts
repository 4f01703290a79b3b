import { type Db, newId, schema, sqlState } from '@tend/db';
import {
  ACTIVE_STATUSES,
  AppError,
  instantToZoned,
  type WaitlistCreate,
  type WaitlistEntry,
  type WaitlistMatchQuery,
  type WaitlistStatus,
} from '@tend/domain';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import { recordActorAudit, recordAudit, recordPatientsAccess } from '../audit/service';
import { getClinic } from '../auth/service';
import { type Actor, isPatientActor, type RequestContext } from '../context';
import { publishEvent } from '../events/hub';
import { requirePatient } from '../patients/service';
import { lockProviderCalendar } from '../scheduling/repository';
import { MINUTE, offers, requireProvider, requireType } from '../scheduling/shared';
import { offersOfEntries, openOfferProvider, releaseEntryOffer } from './offers';

/**
 * The waitlist: patients who want an earlier slot of a type (with a provider, or any). When time
 * frees up, the entries it suits are shown to the front desk, first come first served.
 */

type Row = typeof schema.waitlistEntries.$inferSelect;

const w = schema.waitlistEntries;
const p = schema.patients;

async function toEntries(db: Db, ctx: RequestContext, rows: { entry: Row; name: string }[]): Promise<WaitlistEntry[]> {
  // Each patient's next booked appointment of the type: the one the patient hopes to move up.
  const a = schema.appointments;
  const upcoming = rows.length
    ? await db
        .select({ patientId: a.patientId, typeId: a.appointmentTypeId, startAt: a.startAt })
        .from(a)
        .where(
          and(
            eq(a.clinicId, ctx.clinicId),
            inArray(
              a.patientId,
              rows.map((r) => r.entry.patientId),
            ),
            inArray(a.status, [...ACTIVE_STATUSES]),
            gt(a.startAt, new Date()),
          ),
        )
        .orderBy(asc(a.startAt))
    : [];
  const offers = await offersOfEntries(
    db,
    rows.map((r) => r.entry.id),
  );
  return rows.map(({ entry, name }) => ({
    id: entry.id,
    patientId: entry.patientId,
    patientName: name,
    appointmentTypeId: entry.appointmentTypeId,
    providerId: entry.providerId,
    availableFrom: entry.availableFrom,
    availableUntil: entry.availableUntil,
    note: entry.note,
    status: entry.status,
    appointmentId: entry.appointmentId,
    removeReason: entry.removeReason,
    createdAt: entry.createdAt.toISOString(),
    nextAppointmentStart:
      upcoming
        .find((u) => u.patientId === entry.patientId && u.typeId === entry.appointmentTypeId)
        ?.startAt.toISOString() ?? null,
    offers: offers.get(entry.id) ?? [],
  }));
}

async function selectEntries(db: Db, ctx: RequestContext, where: ReturnType<typeof and>) {
  return db
    .select({ entry: w, given: p.givenName, family: p.familyName })
    .from(w)
    .innerJoin(p, and(eq(p.id, w.patientId), eq(p.clinicId, w.clinicId)))
    .where(and(eq(w.clinicId, ctx.clinicId), where))
    .orderBy(asc(w.createdAt), asc(w.id))
    .limit(500)
    .then((rows) => rows.map((r) => ({ entry: r.entry, name: `${r.given} ${r.family}` })));
}

export async function listWaitlist(
  db: Db,
  ctx: RequestContext,
  query: { status: WaitlistStatus },
): Promise<{ items: WaitlistEntry[] }> {
  const rows = await selectEntries(db, ctx, eq(w.status, query.status));
  await recordPatientsAccess(
    db,
    ctx,
    'waitlist.read',
    rows.map((r) => r.entry.patientId),
    { status: query.status, resultCount: rows.length },
  );
  return { items: await toEntries(db, ctx, rows) };
}

export async function addToWaitlist(db: Db, ctx: RequestContext, input: WaitlistCreate): Promise<WaitlistEntry> {
  const patient = await requirePatient(db, ctx, input.patientId);
  const type = await requireType(db, ctx, input.appointmentTypeId);
  if (!type.active) {
    throw AppError.validation([{ path: 'appointmentTypeId', message: 'This appointment type is no longer offered.' }]);
  }
  if (input.providerId) {
    const provider = await requireProvider(db, ctx, input.providerId);
    if (!offers(type, provider.id)) {
      throw AppError.validation([{ path: 'providerId', message: `${provider.name} does not offer ${type.name}.` }]);
    }
  }
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(w)
        .values({
          id,
          clinicId: ctx.clinicId,
          patientId: patient.id,
          appointmentTypeId: type.id,
          providerId: input.providerId ?? null,
          availableFrom: input.availableFrom ?? null,
          availableUntil: input.availableUntil ?? null,
          note: input.note ?? null,
          createdBy: ctx.userId,
        })
        .returning();
      await recordAudit(tx, ctx, {
        action: 'waitlist.add',
        patientId: patient.id,
        entityType: 'waitlist_entry',
        entityId: id,
        details: { appointmentTypeId: type.id, providerId: input.providerId ?? null },
      });
      await publishEvent(tx, ctx.clinicId, { kind: 'waitlist', entryId: id });
      return inserted;
    });
    const [entry] = await toEntries(db, ctx, [{ entry: row, name: `${patient.givenName} ${patient.familyName}` }]);
    return entry;
  } catch (error) {
    if (sqlState(error) === '23505') {
      throw new AppError(
        'conflict',
        `${patient.givenName} ${patient.familyName} is already on the waitlist for ${type.name}.`,
      );
    }
    throw error;
  }
}

export async function removeFromWaitlist(
  db: Db,
  ctx: RequestContext,
  entryId: string,
  reason: string,
): Promise<WaitlistEntry> {
  const row = await db.transaction(async (tx) => {
    // An open offer of the entry is released (and offered to the next patient) with it.
    const offeredBy = await openOfferProvider(tx, entryId);
    if (offeredBy) await lockProviderCalendar(tx, offeredBy);
    const [updated] = await tx
      .update(w)
      .set({ status: 'removed', removeReason: reason, resolvedAt: new Date(), resolvedBy: ctx.userId })
      .where(and(eq(w.id, entryId), eq(w.clinicId, ctx.clinicId), eq(w.status, 'waiting')))
      .returning();
    if (!updated) {
      const [exists] = await tx
        .select({ status: w.status })
        .from(w)
        .where(and(eq(w.id, entryId), eq(w.clinicId, ctx.clinicId)));
      if (!exists) throw AppError.notFound('The waitlist entry');
      throw new AppError('conflict', `This waitlist entry is already ${exists.status}.`);
    }
    await recordAudit(tx, ctx, {
      action: 'waitlist.remove',
      patientId: updated.patientId,
      entityType: 'waitlist_entry',
      entityId: updated.id,
      details: { reason },
    });
    await releaseEntryOffer(tx, updated.id, ctx.userId);
    await publishEvent(tx, ctx.clinicId, { kind: 'waitlist', entryId: updated.id });
    return updated;
  });
  const patient = await requirePatient(db, ctx, row.patientId);
  const [entry] = await toEntries(db, ctx, [{ entry: row, name: `${patient.givenName} ${patient.familyName}` }]);
  return entry;
}

/**
 * Marks the patient's waiting entry booked with `appointmentId`, in the booking's transaction
 * (refused when the entry is someone else's, another type's, or no longer waiting).
 */
export async function markWaitlistBooked(
  tx: Db,
  ctx: Actor,
  entryId: string,
  booking: { appointmentId: string; patientId: string; appointmentTypeId: string },
): Promise<void> {
  const [updated] = await tx
    .update(w)
    .set({
      status: 'booked',
      appointmentId: booking.appointmentId,
      resolvedAt: new Date(),
      resolvedBy: isPatientActor(ctx) ? null : ctx.userId,
    })
    .where(
      and(
        eq(w.id, entryId),
        eq(w.clinicId, ctx.clinicId),
        eq(w.patientId, booking.patientId),
        eq(w.appointmentTypeId, booking.appointmentTypeId),
        eq(w.status, 'waiting'),
      ),
    )
    .returning();
  if (!updated) {
    throw AppError.validation([
      {
        path: 'waitlistEntryId',
        message:
          'This waitlist entry is not waiting for this patient and appointment type any more. Reload the waitlist.',
      },
    ]);
  }
  await recordActorAudit(tx, ctx, {
    action: 'waitlist.book',
    patientId: booking.patientId,
    entityType: 'waitlist_entry',
    entityId: entryId,
    details: { appointmentId: booking.appointmentId },
  });
  await publishEvent(tx, ctx.clinicId, { kind: 'waitlist', entryId });
}

/**
 * The waiting entries a provider's freed time suits, first come first served: the provider is
 * theirs (or any), offers the type, the visit and its buffer fit, the day is within their dates,
 * and it is earlier than the appointment they already hold.
 */
export async function waitlistMatches(
  db: Db,
  ctx: RequestContext,
  query: WaitlistMatchQuery,
): Promise<{ items: WaitlistEntry[] }> {
  const provider = await requireProvider(db, ctx, query.providerId);
  const start = Date.parse(query.start);
  const length = Date.parse(query.end) - start;
  if (start <= Date.now()) return { items: [] };
  const { timezone } = await getClinic(db, ctx.clinicId);
  const day = instantToZoned(start, timezone).date;
  const rows = await selectEntries(db, ctx, eq(w.status, 'waiting'));
  const types = new Map<string, Awaited<ReturnType<typeof requireType>>>();
  const fitting: typeof rows = [];
  for (const row of rows) {
    const { entry } = row;
    if (entry.providerId && entry.providerId !== provider.id) continue;
    if (entry.availableFrom && day < entry.availableFrom) continue;
    if (entry.availableUntil && day > entry.availableUntil) continue;
    let type = types.get(entry.appointmentTypeId);
    if (!type) {
      type = await requireType(db, ctx, entry.appointmentTypeId);
      types.set(type.id, type);
    }
    if (!type.active || !offers(type, provider.id)) continue;
    if ((type.durationMinutes + type.bufferAfterMinutes) * MINUTE > length) continue;
    fitting.push(row);
  }
  const items = (await toEntries(db, ctx, fitting)).filter(
    (entry) => !entry.nextAppointmentStart || Date.parse(entry.nextAppointmentStart) > start,
  );
  await recordPatientsAccess(
    db,
    ctx,
    'waitlist.read',
    items.map((entry) => entry.patientId),
    { freed: { providerId: provider.id, start: query.start, end: query.end }, resultCount: items.length },
  );
  return { items };
}
