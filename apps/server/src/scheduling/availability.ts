import { type Db, newId, schema, sqlState } from '@tend/db';
import {
  ACTIVE_STATUSES,
  AppError,
  type ExtraHoursCreate,
  expandAvailability,
  findOpenSlots,
  type Interval,
  type SlotsQuery,
  subtractIntervals,
  type TimeOffCreate,
  todayIn,
  type WorkingHoursPut,
} from '@tend/domain';
import { and, asc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit/service';
import type { ClinicScope, RequestContext } from '../context';
import { publishEvent } from '../events/hub';
import { busyOfProviders, calendarsOfProviders, overlapping } from './repository';
import type { ExtraHours, ScheduleVersionOut, Slot, TimeOff, WorkingTime, WorkingTimeQuery } from './schemas';
import {
  addDays,
  DAY,
  iso,
  MINUTE,
  NEXT_AVAILABLE_DAYS,
  offers,
  requireLocation,
  requireLocationField,
  requireProvider,
  requireType,
  sideBySide,
  type TypeRow,
} from './shared';

/** Working hours (schedule versions), time off, and the open slots they leave. */

// ---- Working hours (schedule versions) -------------------------------------------------------

export async function getWorkingHours(
  db: Db,
  ctx: RequestContext,
  providerId: string,
): Promise<{ items: ScheduleVersionOut[] }> {
  await requireProvider(db, ctx, providerId);
  const s = schema.providerSchedules;
  const rows = await db
    .select({ version: s, timezone: schema.locations.timezone })
    .from(s)
    .innerJoin(schema.locations, eq(schema.locations.id, s.locationId))
    .where(and(eq(s.providerId, providerId), eq(s.clinicId, ctx.clinicId)))
    .orderBy(asc(s.locationId), asc(s.validFrom));
  return {
    items: rows.map(({ version, timezone }) => ({
      id: version.id,
      locationId: version.locationId,
      timezone,
      validFrom: version.validFrom,
      validTo: version.validTo,
      blocks: version.blocks,
    })),
  };
}

/**
 * Replaces the provider's weekly hours at a location from `validFrom` (today there by default)
 * to `validTo` (open-ended by default). The version in force before is ended the day before; a
 * version reaching past `validTo` resumes the day after; versions wholly inside are replaced.
 */
export async function putWorkingHours(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  input: WorkingHoursPut,
): Promise<{ items: ScheduleVersionOut[] }> {
  await requireProvider(db, ctx, providerId);
  const location = await requireLocationField(db, ctx, input.locationId);
  const validFrom = input.validFrom ?? todayIn(location.timezone);
  const validTo = input.validTo ?? null;
  if (validTo !== null && validTo < validFrom) {
    throw AppError.validation([{ path: 'validTo', message: 'The end date must not be before the start date.' }]);
  }
  const s = schema.providerSchedules;
  try {
    await db.transaction(async (tx) => {
      // One schedule change per provider at a time.
      await tx.execute(sql`SELECT id FROM providers WHERE id = ${providerId} FOR UPDATE`);
      const existing = await tx
        .select()
        .from(s)
        .where(
          and(
            eq(s.providerId, providerId),
            eq(s.locationId, location.id),
            eq(s.clinicId, ctx.clinicId),
            sql`daterange(${s.validFrom}, ${s.validTo}, '[]') && daterange(${validFrom}::date, ${validTo}::date, '[]')`,
          ),
        );
      const reachesPast = (end: string | null) => validTo !== null && (end === null || end > validTo);
      for (const version of existing) {
        if (version.validFrom < validFrom) {
          await tx
            .update(s)
            .set({ validTo: addDays(validFrom, -1) })
            .where(eq(s.id, version.id));
          if (validTo !== null && reachesPast(version.validTo)) {
            await tx.insert(s).values({
              id: newId(),
              clinicId: ctx.clinicId,
              providerId,
              locationId: location.id,
              validFrom: addDays(validTo, 1),
              validTo: version.validTo,
              blocks: version.blocks,
              createdBy: ctx.userId,
            });
          }
        } else if (validTo !== null && reachesPast(version.validTo)) {
          await tx
            .update(s)
            .set({ validFrom: addDays(validTo, 1) })
            .where(eq(s.id, version.id));
        } else {
          await tx.delete(s).where(eq(s.id, version.id));
        }
      }
      const id = newId();
      await tx.insert(s).values({
        id,
        clinicId: ctx.clinicId,
        providerId,
        locationId: location.id,
        validFrom,
        validTo,
        blocks: input.blocks,
        createdBy: ctx.userId,
      });
      await recordAudit(tx, ctx, {
        action: 'schedule.update',
        entityType: 'provider',
        entityId: providerId,
        details: {
          locationId: location.id,
          validFrom,
          validTo,
          blocks: input.blocks.length,
          replaced: existing.length,
        },
      });
      await publishEvent(tx, ctx.clinicId, { kind: 'availability', providerId });
    });
  } catch (error) {
    if (sqlState(error) === '23P01') {
      throw new AppError(
        'conflict',
        'These working hours were changed by someone else meanwhile. Reload and try again.',
      );
    }
    throw error;
  }
  return getWorkingHours(db, ctx, providerId);
}

// ---- Extra hours -------------------------------------------------------------------------------

function toExtraHours(row: typeof schema.providerExtraHours.$inferSelect): ExtraHours {
  return {
    id: row.id,
    providerId: row.providerId,
    locationId: row.locationId,
    start: iso(row.startAt),
    end: iso(row.endAt),
  };
}

/** One-off working hours outside the weekly schedule (a Saturday clinic); open slots include them. */
export async function createExtraHours(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  input: ExtraHoursCreate,
): Promise<ExtraHours> {
  await requireProvider(db, ctx, providerId);
  const location = await requireLocation(db, ctx, input.locationId);
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(schema.providerExtraHours)
      .values({
        id,
        clinicId: ctx.clinicId,
        providerId,
        locationId: location.id,
        startAt: new Date(input.start),
        endAt: new Date(input.end),
        createdBy: ctx.userId,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'schedule.extra_hours',
      entityType: 'provider',
      entityId: providerId,
      details: { extraHoursId: id, locationId: location.id, start: iso(inserted.startAt), end: iso(inserted.endAt) },
    });
    await publishEvent(tx, ctx.clinicId, { kind: 'availability', providerId });
    return inserted;
  });
  return toExtraHours(row);
}

/** Removes one-off extra hours; appointments already booked in them stay (they were booked then). */
export async function removeExtraHours(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  extraHoursId: string,
): Promise<void> {
  const x = schema.providerExtraHours;
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(x)
      .where(and(eq(x.id, extraHoursId), eq(x.providerId, providerId), eq(x.clinicId, ctx.clinicId)))
      .returning();
    if (!removed) throw AppError.notFound('The extra hours');
    await recordAudit(tx, ctx, {
      action: 'schedule.extra_hours_remove',
      entityType: 'provider',
      entityId: providerId,
      details: { extraHoursId, start: iso(removed.startAt), end: iso(removed.endAt) },
    });
    await publishEvent(tx, ctx.clinicId, { kind: 'availability', providerId });
  });
}

/** Rows whose [start, end) touches the optional range [from, to). */
function touching(start: PgColumn, end: PgColumn, range: { from?: string | undefined; to?: string | undefined }) {
  return and(
    range.to ? lt(start, new Date(range.to)) : undefined,
    range.from ? gt(end, new Date(range.from)) : undefined,
  );
}

/** The provider's extra hours, optionally those touching [from, to). */
export async function listExtraHours(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<{ items: ExtraHours[] }> {
  await requireProvider(db, ctx, providerId);
  const x = schema.providerExtraHours;
  const rows = await db
    .select()
    .from(x)
    .where(and(eq(x.clinicId, ctx.clinicId), eq(x.providerId, providerId), touching(x.startAt, x.endAt, range)))
    .orderBy(asc(x.startAt))
    .limit(1000);
  return { items: rows.map(toExtraHours) };
}

// ---- Time off -----------------------------------------------------------------------------------

function toTimeOff(row: typeof schema.timeOff.$inferSelect): TimeOff {
  return { id: row.id, providerId: row.providerId, start: iso(row.startAt), end: iso(row.endAt), reason: row.reason };
}

/** Time off of one provider, or of the whole clinic (a holiday) when `providerId` is null. */
export async function createTimeOff(
  db: Db,
  ctx: RequestContext,
  providerId: string | null,
  input: TimeOffCreate,
): Promise<TimeOff> {
  if (providerId !== null) await requireProvider(db, ctx, providerId);
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(schema.timeOff)
      .values({
        id,
        clinicId: ctx.clinicId,
        providerId,
        startAt: new Date(input.start),
        endAt: new Date(input.end),
        reason: input.reason,
        createdBy: ctx.userId,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'time_off.create',
      entityType: 'time_off',
      entityId: id,
      details: { providerId, start: iso(inserted.startAt), end: iso(inserted.endAt) },
    });
    await publishEvent(tx, ctx.clinicId, { kind: 'availability', providerId });
    return inserted;
  });
  return toTimeOff(row);
}

/** Removes time off (a cancelled vacation, a holiday entered by mistake); its time is bookable again. */
export async function removeTimeOff(db: Db, ctx: RequestContext, timeOffId: string): Promise<void> {
  const o = schema.timeOff;
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(o)
      .where(and(eq(o.id, timeOffId), eq(o.clinicId, ctx.clinicId)))
      .returning();
    if (!removed) throw AppError.notFound('The time off');
    await recordAudit(tx, ctx, {
      action: 'time_off.remove',
      entityType: 'time_off',
      entityId: removed.id,
      details: {
        providerId: removed.providerId,
        start: iso(removed.startAt),
        end: iso(removed.endAt),
        reason: removed.reason,
      },
    });
    await publishEvent(tx, ctx.clinicId, { kind: 'availability', providerId: removed.providerId });
  });
}

/** The provider's time off and the clinic's closures, optionally those touching [from, to). */
export async function listTimeOff(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<{ items: TimeOff[] }> {
  await requireProvider(db, ctx, providerId);
  const o = schema.timeOff;
  const rows = await db
    .select()
    .from(o)
    .where(
      and(
        eq(o.clinicId, ctx.clinicId),
        sql`(${o.providerId} = ${providerId} OR ${o.providerId} IS NULL)`,
        touching(o.startAt, o.endAt, range),
      ),
    )
    .orderBy(asc(o.startAt))
    .limit(1000);
  return { items: rows.map(toTimeOff) };
}

/** The clinic's closures (time off of every provider), optionally those touching [from, to). */
export async function listClinicTimeOff(
  db: Db,
  ctx: RequestContext,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<{ items: TimeOff[] }> {
  const o = schema.timeOff;
  const rows = await db
    .select()
    .from(o)
    .where(and(eq(o.clinicId, ctx.clinicId), isNull(o.providerId), touching(o.startAt, o.endAt, range)))
    .orderBy(asc(o.startAt))
    .limit(1000);
  return { items: rows.map(toTimeOff) };
}

// ---- Working time of every provider ------------------------------------------------------------

/**
 * Every active provider's working time in [from, to), less time off, optionally at one location:
 * the open hours the schedule shades, read in one request (a network's 250 providers were 750).
 */
export async function listWorkingTime(
  db: Db,
  ctx: RequestContext,
  query: WorkingTimeQuery,
): Promise<{ items: WorkingTime[] }> {
  if (query.providerId) await requireProvider(db, ctx, query.providerId);
  const [providers] = await sideBySide([
    db
      .select({ id: schema.providers.id })
      .from(schema.providers)
      .where(
        and(
          eq(schema.providers.clinicId, ctx.clinicId),
          eq(schema.providers.active, true),
          query.providerId ? eq(schema.providers.id, query.providerId) : undefined,
        ),
      ),
    query.locationId
      ? requireLocationField(db, ctx, query.locationId, 'querystring.locationId')
      : Promise.resolve(null),
  ] as const);
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  const ids = providers.map((p) => p.id);
  const { calendars } = await calendarsOfProviders(db, ctx.clinicId, ids, new Date(from - DAY), new Date(to + DAY));
  const items: WorkingTime[] = [];
  for (const providerId of ids) {
    const calendar = calendars.get(providerId);
    if (!calendar) continue;
    const working = expandAvailability({
      versions: calendar.versions,
      extraHours: calendar.extraHours,
      from,
      to,
    }).filter((w) => !query.locationId || w.locationId === query.locationId);
    for (const locationId of new Set(working.map((w) => w.locationId))) {
      const here = working.filter((w) => w.locationId === locationId);
      for (const open of subtractIntervals(here, calendar.timeOff)) {
        items.push({ providerId, locationId, start: iso(new Date(open.start)), end: iso(new Date(open.end)) });
      }
    }
  }
  return { items: items.sort((x, y) => x.start.localeCompare(y.start) || x.providerId.localeCompare(y.providerId)) };
}

// ---- Open slots ---------------------------------------------------------------------------------

/** The providers to search: the one asked for (who must offer the type), or every active one who does. */
export async function providersOffering(
  db: Db,
  ctx: RequestContext,
  type: TypeRow,
  providerId?: string,
): Promise<string[]> {
  if (providerId) {
    const provider = await requireProvider(db, ctx, providerId);
    if (!offers(type, provider.id)) {
      throw AppError.validation([{ path: 'providerId', message: `${provider.name} does not offer ${type.name}.` }]);
    }
    return [provider.id];
  }
  const rows = await db
    .select({ id: schema.providers.id })
    .from(schema.providers)
    .where(and(eq(schema.providers.clinicId, ctx.clinicId), eq(schema.providers.active, true)));
  return rows.map((r) => r.id).filter((id) => offers(type, id));
}

/** Held intervals of each room of a type, by location, for types that need a room. */
async function roomHolds(
  db: Db,
  ctx: ClinicScope,
  roomType: string,
  from: Date,
  to: Date,
): Promise<Map<string, Interval[][]>> {
  const rooms = await db
    .select({ id: schema.rooms.id, locationId: schema.rooms.locationId })
    .from(schema.rooms)
    .where(
      and(eq(schema.rooms.clinicId, ctx.clinicId), eq(schema.rooms.roomType, roomType), eq(schema.rooms.active, true)),
    );
  const byLocation = new Map<string, Interval[][]>();
  if (!rooms.length) return byLocation;
  const a = schema.appointments;
  const held = await db
    .select({ roomId: a.roomId, startAt: a.startAt, bufferEndAt: a.bufferEndAt })
    .from(a)
    .where(
      and(
        eq(a.clinicId, ctx.clinicId),
        inArray(
          a.roomId,
          rooms.map((r) => r.id),
        ),
        inArray(a.status, [...ACTIVE_STATUSES]),
        overlapping(from, to),
      ),
    );
  for (const room of rooms) {
    const intervals = held
      .filter((h) => h.roomId === room.id)
      .map((h) => ({ start: h.startAt.getTime(), end: h.bufferEndAt.getTime() }));
    const list = byLocation.get(room.locationId) ?? [];
    list.push(intervals);
    byLocation.set(room.locationId, list);
  }
  return byLocation;
}

/**
 * Open slots of the type with these providers starting in [from, to) and not before `notBefore`
 * (now by default): in working hours, clear of appointments, time off and time held for waitlist
 * offers, with a free room when the type needs one.
 */
export async function openSlots(
  db: Db,
  ctx: ClinicScope,
  type: TypeRow,
  providerIds: string[],
  range: { from: number; to: number; locationId?: string | undefined; notBefore?: number },
  earliestOnly = false,
): Promise<Slot[]> {
  if (!providerIds.length) return [];
  const need = (type.durationMinutes + type.bufferAfterMinutes) * MINUTE;
  const loadFrom = new Date(range.from - DAY);
  const loadTo = new Date(range.to + need + DAY);
  const [{ calendars, timezones }, busy, rooms, [clinic]] = await Promise.all([
    calendarsOfProviders(db, ctx.clinicId, providerIds, loadFrom, loadTo),
    busyOfProviders(db, ctx.clinicId, providerIds, loadFrom, loadTo),
    type.roomType ? roomHolds(db, ctx, type.roomType, loadFrom, loadTo) : Promise.resolve(null),
    db
      .select({ gridMinutes: schema.clinics.slotGridMinutes })
      .from(schema.clinics)
      .where(eq(schema.clinics.id, ctx.clinicId)),
  ]);
  const notBefore = range.notBefore ?? Date.now();
  const slots: Slot[] = [];
  for (const providerId of providerIds) {
    const calendar = calendars.get(providerId);
    if (!calendar) continue;
    const atLocation = <T extends { locationId: string }>(items: T[]) =>
      range.locationId ? items.filter((item) => item.locationId === range.locationId) : items;
    const availability = expandAvailability({
      versions: atLocation(calendar.versions),
      extraHours: atLocation(calendar.extraHours),
      from: range.from,
      to: range.to + need,
    });
    const found = findOpenSlots({
      availability,
      timeOff: calendar.timeOff,
      busy: busy.get(providerId) ?? [],
      durationMinutes: type.durationMinutes,
      bufferAfterMinutes: type.bufferAfterMinutes,
      gridMinutes: clinic?.gridMinutes ?? 15,
      timezoneOf: (locationId) => timezones.get(locationId) ?? 'UTC',
      from: range.from,
      to: range.to,
      notBefore,
    });
    for (const slot of found) {
      if (rooms) {
        const holdEnd = slot.start + need;
        const roomFree = (rooms.get(slot.locationId) ?? []).some((held) =>
          held.every((h) => h.end <= slot.start || h.start >= holdEnd),
        );
        if (!roomFree) continue;
      }
      slots.push({
        providerId,
        locationId: slot.locationId,
        start: iso(new Date(slot.start)),
        end: iso(new Date(slot.end)),
      });
      // `found` is in start order.
      if (earliestOnly) break;
    }
  }
  return slots.sort((x, y) => x.start.localeCompare(y.start) || x.providerId.localeCompare(y.providerId));
}

export async function findSlots(db: Db, ctx: RequestContext, query: SlotsQuery): Promise<{ items: Slot[] }> {
  const type = await requireType(db, ctx, query.appointmentTypeId);
  const providerIds = await providersOffering(db, ctx, type, query.providerId);
  const items = await openSlots(db, ctx, type, providerIds, {
    from: Date.parse(query.from),
    to: Date.parse(query.to),
    locationId: query.locationId,
  });
  return { items };
}

/**
 * The earliest open slot of the type across every provider who offers it: a day at a time for the
 * first week, then a week at a time, each provider's earliest only. Across a clinic network's 250
 * providers a week of every provider's calendar is ≈40,000 busy intervals and tens of thousands of
 * slots, read to answer one that is most often in the next days (docs/performance.md).
 */
export async function findNextSlot(
  db: Db,
  ctx: RequestContext,
  query: { appointmentTypeId: string; from?: string | undefined; locationId?: string | undefined },
): Promise<{ slot: Slot | null }> {
  const type = await requireType(db, ctx, query.appointmentTypeId);
  const providerIds = await providersOffering(db, ctx, type);
  const start = Math.max(query.from ? Date.parse(query.from) : Date.now(), Date.now());
  const horizon = start + NEXT_AVAILABLE_DAYS * DAY;
  for (let from = start, to = start; from < horizon; from = to) {
    to = Math.min(from + (from - start < 7 * DAY ? DAY : 7 * DAY), horizon);
    const items = await openSlots(db, ctx, type, providerIds, { from, to, locationId: query.locationId }, true);
    if (items.length) return { slot: items[0] };
  }
  return { slot: null };
}
