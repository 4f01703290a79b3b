import { type Db, newId, schema } from '@tend/db';
import {
  ACTIVE_STATUSES,
  AppError,
  afterQuietHours,
  instantToZoned,
  type WaitlistOffer,
  type WaitlistOfferStatus,
} from '@tend/domain';
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { recordAnonymousAudit, recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { publishEvent } from '../events/hub';
import { channelFor, enqueueWaitlistOffer, recipientOf } from '../reminders/appointment-messages';
import { openSlots } from '../scheduling/availability';
import { lockProviderCalendar } from '../scheduling/repository';
import { iso, isoOrNull, MINUTE, offers, requireType, type TypeRow } from '../scheduling/shared';

/**
 * Waitlist offers. When time frees up (a cancellation, a no-show, a move), the first waiting
 * patient it suits — first come first served, reachable by email or text, without an open offer —
 * is offered a slot of their appointment type inside it, by message with a link, and the slot is
 * held for them until `hold_until`: nobody else can be booked into it meanwhile. Declined, run
 * out (the sweep) or released by the front desk, the same freed time goes to the next patient.
 *
 * Everything that changes a provider's calendar here holds that calendar's advisory lock (as
 * booking does), so "is this time free and not held?" has one answer at a time.
 */

export type OfferRow = typeof schema.waitlistOffers.$inferSelect;
type AppointmentRow = typeof schema.appointments.$inferSelect;

const o = schema.waitlistOffers;
const w = schema.waitlistEntries;

/** What the server does by itself (offering, running out) is audited with no user and the role 'system'. */
const SYSTEM = { ip: null, userAgent: null };

export interface FreedTime {
  providerId: string;
  start: Date;
  end: Date;
}

export function toOffer(row: OfferRow): WaitlistOffer {
  return {
    id: row.id,
    entryId: row.entryId,
    providerId: row.providerId,
    locationId: row.locationId,
    start: iso(row.startAt),
    end: iso(row.endAt),
    bufferEnd: iso(row.bufferEndAt),
    holdUntil: iso(row.holdUntil),
    status: row.status,
    appointmentId: row.appointmentId,
    createdAt: iso(row.createdAt),
    resolvedAt: isoOrNull(row.resolvedAt),
  };
}

/**
 * Offers (a slot of) the freed time to the first waiting patient it suits, in the caller's
 * transaction (the one that freed it, or closed the previous offer of it). Nothing when the
 * clinic has offers turned off, the time starts too soon, or nobody fits.
 */
export async function offerFreedTime(
  tx: Db,
  clinicId: string,
  freed: FreedTime,
  now: Date = new Date(),
): Promise<OfferRow | null> {
  const [clinic] = await tx.select().from(schema.clinics).where(eq(schema.clinics.id, clinicId));
  if (!clinic?.waitlistOffersEnabled) return null;
  const earliest = now.getTime() + clinic.waitlistOfferLeadMinutes * MINUTE;
  if (freed.end.getTime() <= earliest) return null;
  const [provider] = await tx
    .select({ id: schema.providers.id, active: schema.providers.active })
    .from(schema.providers)
    .where(and(eq(schema.providers.id, freed.providerId), eq(schema.providers.clinicId, clinicId)));
  if (!provider?.active) return null;
  await lockProviderCalendar(tx, provider.id);

  // Waiting for this provider (or any), without an open offer, not offered this time before.
  const candidates = await tx
    .select({ entry: w, patient: schema.patients })
    .from(w)
    .innerJoin(schema.patients, and(eq(schema.patients.id, w.patientId), eq(schema.patients.clinicId, w.clinicId)))
    .where(
      and(
        eq(w.clinicId, clinicId),
        eq(w.status, 'waiting'),
        or(isNull(w.providerId), eq(w.providerId, provider.id)),
        sql`NOT EXISTS (SELECT 1 FROM waitlist_offers x WHERE x.entry_id = ${w.id}
              AND (x.status = 'offered' OR (x.provider_id = ${provider.id}
                AND x.freed_start_at < ${iso(freed.end)}::timestamptz
                AND x.freed_end_at > ${iso(freed.start)}::timestamptz)))`,
      ),
    )
    .orderBy(asc(w.createdAt), asc(w.id))
    .limit(200);

  const types = new Map<string, TypeRow>();
  const slotsOf = new Map<string, Awaited<ReturnType<typeof openSlots>>>();
  for (const { entry, patient } of candidates) {
    const channel = channelFor(recipientOf(patient));
    if (!channel) continue;
    let type = types.get(entry.appointmentTypeId);
    if (!type) {
      type = await requireType(tx, { clinicId }, entry.appointmentTypeId);
      types.set(type.id, type);
    }
    if (!type.active || !offers(type, provider.id)) continue;
    // A text in the clinic's quiet hours waits until they end: the hold counts from then.
    const sendAfter =
      channel === 'sms'
        ? new Date(
            afterQuietHours(now.getTime(), clinic.timezone, {
              start: clinic.quietHoursStart,
              end: clinic.quietHoursEnd,
            }),
          )
        : now;
    const holdUntil = new Date(sendAfter.getTime() + clinic.waitlistHoldMinutes * MINUTE);
    // The patient gets the whole hold before the visit starts.
    const notBefore = Math.max(earliest, holdUntil.getTime());
    const need = (type.durationMinutes + type.bufferAfterMinutes) * MINUTE;
    const key = `${type.id}:${notBefore}`;
    let slots = slotsOf.get(key);
    if (!slots) {
      slots = await openSlots(tx, { clinicId }, type, [provider.id], {
        from: freed.start.getTime(),
        to: freed.end.getTime(),
        notBefore,
      });
      slotsOf.set(key, slots);
    }
    const next = await nextAppointmentOf(tx, clinicId, entry.patientId, type.id, now);
    const slot = slots.find((candidate) => {
      const start = Date.parse(candidate.start);
      const day = instantToZoned(start, clinic.timezone).date;
      return (
        start + need <= freed.end.getTime() &&
        (!entry.availableFrom || day >= entry.availableFrom) &&
        (!entry.availableUntil || day <= entry.availableUntil) &&
        // Only earlier than the appointment the patient holds already.
        (!next || start < next.getTime())
      );
    });
    if (!slot) continue;

    const start = new Date(slot.start);
    const [offer] = await tx
      .insert(o)
      .values({
        id: newId(),
        clinicId,
        entryId: entry.id,
        patientId: entry.patientId,
        providerId: provider.id,
        locationId: slot.locationId,
        appointmentTypeId: type.id,
        startAt: start,
        endAt: new Date(slot.end),
        bufferEndAt: new Date(start.getTime() + need),
        freedStartAt: freed.start,
        freedEndAt: freed.end,
        holdUntil,
      })
      .returning();
    const messageId = await enqueueWaitlistOffer(tx, offer, channel, sendAfter);
    if (messageId) await tx.update(o).set({ messageId }).where(eq(o.id, offer.id));
    await recordAnonymousAudit(tx, SYSTEM, {
      clinicId,
      actorRole: 'system',
      action: 'waitlist.offer',
      patientId: entry.patientId,
      entityType: 'waitlist_offer',
      entityId: offer.id,
      details: {
        entryId: entry.id,
        providerId: provider.id,
        start: slot.start,
        holdUntil: iso(holdUntil),
        channel,
        messageId,
      },
    });
    await publishEvent(tx, clinicId, { kind: 'waitlist', entryId: entry.id });
    return { ...offer, messageId };
  }
  return null;
}

/** The start of the patient's next active appointment of the type (the one they hope to move up). */
async function nextAppointmentOf(
  tx: Db,
  clinicId: string,
  patientId: string,
  typeId: string,
  now: Date,
): Promise<Date | null> {
  const a = schema.appointments;
  const [row] = await tx
    .select({ startAt: a.startAt })
    .from(a)
    .where(
      and(
        eq(a.clinicId, clinicId),
        eq(a.patientId, patientId),
        eq(a.appointmentTypeId, typeId),
        inArray(a.status, [...ACTIVE_STATUSES]),
        gt(a.startAt, now),
      ),
    )
    .orderBy(asc(a.startAt))
    .limit(1);
  return row?.startAt ?? null;
}

const freedOf = (offer: OfferRow): FreedTime => ({
  providerId: offer.providerId,
  start: offer.freedStartAt,
  end: offer.freedEndAt,
});

/**
 * Closes an open offer (only if still open: two answers at once make one) and offers its freed
 * time to the next patient. Null when it was not open any more. The caller holds the lock.
 */
async function closeOffer(
  tx: Db,
  offerId: string,
  status: Exclude<WaitlistOfferStatus, 'offered' | 'accepted'>,
  resolvedBy: string | null,
  now: Date,
): Promise<OfferRow | null> {
  const [closed] = await tx
    .update(o)
    .set({ status, resolvedAt: now, resolvedBy })
    .where(and(eq(o.id, offerId), eq(o.status, 'offered')))
    .returning();
  if (!closed) return null;
  await publishEvent(tx, closed.clinicId, { kind: 'waitlist', entryId: closed.entryId });
  await offerFreedTime(tx, closed.clinicId, freedOf(closed), now);
  return closed;
}

/** The patient said no thanks (from the link): the time goes to the next patient. The caller holds the lock. */
export function declineOffer(tx: Db, offerId: string): Promise<OfferRow | null> {
  return closeOffer(tx, offerId, 'declined', null, new Date());
}

/** The provider whose calendar holds the entry's open offer, if it has one (to lock before changing it). */
export async function openOfferProvider(tx: Db, entryId: string | null): Promise<string | null> {
  if (!entryId) return null;
  const [open] = await tx
    .select({ providerId: o.providerId })
    .from(o)
    .where(and(eq(o.entryId, entryId), eq(o.status, 'offered')));
  return open?.providerId ?? null;
}

const heldMessage = (until: string) =>
  `This time is held for a waitlist patient who was offered it, until ${until}. Choose another time, or release the hold (Waitlist → the patient’s offer → Release hold) to book it now.`;

/**
 * Refuses a booking or a move into time held for an open offer — unless it is for the offered
 * patient's own waitlist entry. The caller holds the provider's calendar lock.
 */
export async function refuseHeldTime(
  tx: Db,
  clinicId: string,
  interval: FreedTime,
  entryId: string | null,
  now: Date = new Date(),
): Promise<void> {
  const [held] = await tx
    .select({ offer: { id: o.id, holdUntil: o.holdUntil }, timezone: schema.locations.timezone })
    .from(o)
    .innerJoin(schema.locations, eq(schema.locations.id, o.locationId))
    .where(
      and(
        eq(o.clinicId, clinicId),
        eq(o.providerId, interval.providerId),
        eq(o.status, 'offered'),
        gt(o.holdUntil, now),
        lt(o.startAt, interval.end),
        gt(o.bufferEndAt, interval.start),
        entryId ? sql`${o.entryId} <> ${entryId}` : undefined,
      ),
    )
    .limit(1);
  if (!held) return;
  const until = new Intl.DateTimeFormat('en-US', {
    timeZone: held.timezone,
    hour: 'numeric',
    minute: '2-digit',
  }).format(held.offer.holdUntil);
  const message = heldMessage(until);
  throw new AppError('slot_held', message, {
    fields: [{ path: 'start', message }],
    details: { offerId: held.offer.id, holdUntil: iso(held.offer.holdUntil) },
  });
}

/**
 * The entry was booked (in the booking's transaction): its open offer is accepted when the
 * appointment is the offered time, or closed as taken (and offered to the next) when the patient
 * was booked another time. Returns the offer, if the entry had an open one.
 */
export async function settleEntryOffer(
  tx: Db,
  entryId: string,
  appointment: AppointmentRow,
  resolvedBy: string | null,
  now: Date = new Date(),
): Promise<OfferRow | null> {
  const [open] = await tx
    .select()
    .from(o)
    .where(and(eq(o.entryId, entryId), eq(o.status, 'offered')))
    .for('update');
  if (!open) return null;
  const sameTime =
    open.providerId === appointment.providerId &&
    open.startAt < appointment.bufferEndAt &&
    open.bufferEndAt > appointment.startAt;
  if (!sameTime) return closeOffer(tx, open.id, 'taken', resolvedBy, now);
  const [accepted] = await tx
    .update(o)
    .set({ status: 'accepted', appointmentId: appointment.id, resolvedAt: now, resolvedBy })
    .where(eq(o.id, open.id))
    .returning();
  await publishEvent(tx, accepted.clinicId, { kind: 'waitlist', entryId });
  return accepted;
}

/** The entry left the waitlist: its open offer is released and offered to the next patient. */
export async function releaseEntryOffer(tx: Db, entryId: string, resolvedBy: string | null): Promise<void> {
  const [open] = await tx
    .select({ id: o.id })
    .from(o)
    .where(and(eq(o.entryId, entryId), eq(o.status, 'offered')));
  if (open) await closeOffer(tx, open.id, 'released', resolvedBy, new Date());
}

async function requireOffer(db: Db, clinicId: string, offerId: string): Promise<OfferRow> {
  const [row] = await db
    .select()
    .from(o)
    .where(and(eq(o.id, offerId), eq(o.clinicId, clinicId)));
  if (!row) throw AppError.notFound('The waitlist offer');
  return row;
}

const CLOSED_WORDS: Record<WaitlistOfferStatus, string> = {
  offered: 'open',
  accepted: 'accepted',
  declined: 'declined',
  expired: 'expired',
  released: 'released',
  taken: 'closed',
};

/** The front desk gives held time back: the next waiting patient it suits is offered it. */
export async function releaseOffer(db: Db, ctx: RequestContext, offerId: string): Promise<WaitlistOffer> {
  const offer = await requireOffer(db, ctx.clinicId, offerId);
  const released = await db.transaction(async (tx) => {
    await lockProviderCalendar(tx, offer.providerId);
    const closed = await closeOffer(tx, offer.id, 'released', ctx.userId, new Date());
    if (!closed) {
      const now = await requireOffer(tx, ctx.clinicId, offerId);
      throw new AppError('conflict', `This offer is ${CLOSED_WORDS[now.status]} already; nothing is held.`);
    }
    await recordAudit(tx, ctx, {
      action: 'waitlist.offer_release',
      patientId: closed.patientId,
      entityType: 'waitlist_offer',
      entityId: closed.id,
      details: { entryId: closed.entryId, start: iso(closed.startAt) },
    });
    return closed;
  });
  return toOffer(released);
}

/** Open offers holding time in [from, to) (for the schedule's "held" blocks). No patient data. */
export async function listHeldTime(
  db: Db,
  ctx: RequestContext,
  query: { from: string; to: string },
): Promise<{ items: WaitlistOffer[] }> {
  const rows = await db
    .select()
    .from(o)
    .where(
      and(
        eq(o.clinicId, ctx.clinicId),
        eq(o.status, 'offered'),
        lt(o.startAt, new Date(query.to)),
        gt(o.bufferEndAt, new Date(query.from)),
      ),
    )
    .orderBy(asc(o.startAt))
    .limit(1000);
  return { items: rows.map(toOffer) };
}

/** The offers made to these entries, newest first. */
export async function offersOfEntries(db: Db, entryIds: string[]): Promise<Map<string, WaitlistOffer[]>> {
  const byEntry = new Map<string, WaitlistOffer[]>();
  if (!entryIds.length) return byEntry;
  const rows = await db.select().from(o).where(inArray(o.entryId, entryIds)).orderBy(desc(o.createdAt), desc(o.id));
  for (const row of rows) {
    const list = byEntry.get(row.entryId) ?? [];
    list.push(toOffer(row));
    byEntry.set(row.entryId, list);
  }
  return byEntry;
}

/**
 * The sweep: offers whose hold ended become expired, and their freed time goes to the next
 * patient (if it is still free and far enough ahead). Each offer is claimed in its own
 * transaction under its provider's lock with UPDATE … WHERE status = 'offered', so two servers
 * never expire one twice; cheap when nothing is due (one indexed query).
 */
export async function expireOffers(db: Db, now: Date = new Date()): Promise<number> {
  const due = await db
    .select({ id: o.id, providerId: o.providerId })
    .from(o)
    .where(and(eq(o.status, 'offered'), lt(o.holdUntil, new Date(now.getTime() + 1))))
    .orderBy(asc(o.holdUntil))
    .limit(50);
  let expired = 0;
  for (const { id, providerId } of due) {
    await db.transaction(async (tx) => {
      await lockProviderCalendar(tx, providerId);
      const closed = await closeOffer(tx, id, 'expired', null, now);
      if (!closed) return;
      expired++;
      await recordAnonymousAudit(tx, SYSTEM, {
        clinicId: closed.clinicId,
        actorRole: 'system',
        action: 'waitlist.offer_expire',
        patientId: closed.patientId,
        entityType: 'waitlist_offer',
        entityId: closed.id,
        details: { entryId: closed.entryId, holdUntil: iso(closed.holdUntil) },
      });
    });
  }
  return expired;
}
