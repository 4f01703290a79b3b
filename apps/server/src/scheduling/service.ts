import { type Db, newId, schema, sqlConstraint, sqlState } from '@tend/db';
import {
  ACTIVE_STATUSES,
  AppError,
  type AppointmentAction,
  type AppointmentCreate,
  type AppointmentStatus,
  type AppointmentTypeCreate,
  type AuditAction,
  type CancelBody,
  can,
  expandAvailability,
  findOpenSlots,
  type Interval,
  isWithinAvailability,
  MAX_SLOT_RANGE_DAYS,
  nextStatus,
  type RescheduleBody,
  type SlotsQuery,
  subtractIntervals,
  type TimeOffCreate,
  todayIn,
  type WorkingHoursPut,
} from '@tend/domain';
import { and, asc, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { requirePatient } from '../patients/service';
import { busyOfProviders, calendarsOfProviders, findConflictingAppointment, freeRooms } from './repository';
import type {
  Appointment,
  AppointmentsQuery,
  AppointmentType,
  AppointmentTypePatch,
  Room,
  RoomCreate,
  ScheduleVersionOut,
  Slot,
  TimeOff,
} from './schemas';

/** Appointment types, rooms, working hours, time off, open slots and the booking lifecycle. */

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Start times are offered every 15 minutes of local time (a per-clinic setting later). */
const GRID_MINUTES = 15;
/** How far "next available" looks ahead. */
const NEXT_AVAILABLE_DAYS = MAX_SLOT_RANGE_DAYS;

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/** 'YYYY-MM-DD' plus `days`. */
function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY).toISOString().slice(0, 10);
}

// ---- Records of the caller's clinic (another clinic's id is a 404) -------------------------------

async function requireProvider(db: Db, ctx: RequestContext, providerId: string) {
  const [row] = await db
    .select()
    .from(schema.providers)
    .where(and(eq(schema.providers.id, providerId), eq(schema.providers.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The provider');
  return row;
}

async function requireLocationField(db: Db, ctx: RequestContext, locationId: string) {
  const [row] = await db
    .select()
    .from(schema.locations)
    .where(and(eq(schema.locations.id, locationId), eq(schema.locations.clinicId, ctx.clinicId)));
  if (!row) throw AppError.validation([{ path: 'locationId', message: 'Choose one of the clinic’s locations.' }]);
  return row;
}

type TypeRow = typeof schema.appointmentTypes.$inferSelect & { providerIds: string[] };

async function requireType(db: Db, ctx: RequestContext, typeId: string): Promise<TypeRow> {
  const t = schema.appointmentTypes;
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.id, typeId), eq(t.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The appointment type');
  const links = await db
    .select({ providerId: schema.appointmentTypeProviders.providerId })
    .from(schema.appointmentTypeProviders)
    .where(eq(schema.appointmentTypeProviders.appointmentTypeId, typeId));
  return { ...row, providerIds: links.map((l) => l.providerId) };
}

type AppointmentRow = typeof schema.appointments.$inferSelect;

async function requireAppointment(db: Db, ctx: RequestContext, appointmentId: string): Promise<AppointmentRow> {
  const a = schema.appointments;
  const [row] = await db
    .select()
    .from(a)
    .where(and(eq(a.id, appointmentId), eq(a.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The appointment');
  return row;
}

/** An empty provider list means every provider offers the type. */
function offers(type: TypeRow, providerId: string): boolean {
  return type.providerIds.length === 0 || type.providerIds.includes(providerId);
}

// ---- Appointment types ------------------------------------------------------------------------

function toAppointmentType(row: typeof schema.appointmentTypes.$inferSelect, providerIds: string[]): AppointmentType {
  return {
    id: row.id,
    name: row.name,
    durationMinutes: row.durationMinutes,
    color: row.color,
    bufferAfterMinutes: row.bufferAfterMinutes,
    roomType: row.roomType,
    providerIds,
    active: row.active,
  };
}

export async function listAppointmentTypes(db: Db, ctx: RequestContext): Promise<AppointmentType[]> {
  const t = schema.appointmentTypes;
  const [types, links] = await Promise.all([
    db.select().from(t).where(eq(t.clinicId, ctx.clinicId)).orderBy(asc(t.name)),
    db.select().from(schema.appointmentTypeProviders).where(eq(schema.appointmentTypeProviders.clinicId, ctx.clinicId)),
  ]);
  return types.map((type) =>
    toAppointmentType(
      type,
      links.filter((l) => l.appointmentTypeId === type.id).map((l) => l.providerId),
    ),
  );
}

async function checkProviderIds(db: Db, ctx: RequestContext, providerIds: string[]): Promise<string[]> {
  const unique = [...new Set(providerIds)];
  if (!unique.length) return unique;
  const found = await db
    .select({ id: schema.providers.id })
    .from(schema.providers)
    .where(and(eq(schema.providers.clinicId, ctx.clinicId), inArray(schema.providers.id, unique)));
  if (found.length !== unique.length) {
    throw AppError.validation([{ path: 'providerIds', message: 'Choose providers of this clinic.' }]);
  }
  return unique;
}

function duplicateTypeName(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw AppError.validation([{ path: 'name', message: 'An appointment type with this name already exists.' }]);
  }
  throw error;
}

export async function createAppointmentType(
  db: Db,
  ctx: RequestContext,
  input: AppointmentTypeCreate,
): Promise<AppointmentType> {
  const providerIds = await checkProviderIds(db, ctx, input.providerIds);
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(schema.appointmentTypes)
        .values({
          id,
          clinicId: ctx.clinicId,
          name: input.name,
          durationMinutes: input.durationMinutes,
          color: input.color,
          bufferAfterMinutes: input.bufferAfterMinutes,
          roomType: input.roomType,
        })
        .returning();
      if (providerIds.length) {
        await tx
          .insert(schema.appointmentTypeProviders)
          .values(providerIds.map((providerId) => ({ clinicId: ctx.clinicId, appointmentTypeId: id, providerId })));
      }
      await recordAudit(tx, ctx, { action: 'appointment_type.create', entityType: 'appointment_type', entityId: id });
      return inserted;
    });
    return toAppointmentType(row, providerIds);
  } catch (error) {
    duplicateTypeName(error);
  }
}

export async function updateAppointmentType(
  db: Db,
  ctx: RequestContext,
  typeId: string,
  patch: AppointmentTypePatch,
): Promise<AppointmentType> {
  const current = await requireType(db, ctx, typeId);
  const providerIds = patch.providerIds ? await checkProviderIds(db, ctx, patch.providerIds) : current.providerIds;
  const { providerIds: _providerIds, ...fields } = patch;
  try {
    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(schema.appointmentTypes)
        .set({ ...fields, updatedAt: new Date() })
        .where(and(eq(schema.appointmentTypes.id, typeId), eq(schema.appointmentTypes.clinicId, ctx.clinicId)))
        .returning();
      if (patch.providerIds) {
        await tx
          .delete(schema.appointmentTypeProviders)
          .where(eq(schema.appointmentTypeProviders.appointmentTypeId, typeId));
        if (providerIds.length) {
          await tx
            .insert(schema.appointmentTypeProviders)
            .values(
              providerIds.map((providerId) => ({ clinicId: ctx.clinicId, appointmentTypeId: typeId, providerId })),
            );
        }
      }
      await recordAudit(tx, ctx, {
        action: 'appointment_type.update',
        entityType: 'appointment_type',
        entityId: typeId,
        details: { fields: Object.keys(patch) },
      });
      return updated;
    });
    return toAppointmentType(row, providerIds);
  } catch (error) {
    duplicateTypeName(error);
  }
}

// ---- Rooms ------------------------------------------------------------------------------------

function toRoom(row: typeof schema.rooms.$inferSelect): Room {
  return { id: row.id, locationId: row.locationId, name: row.name, roomType: row.roomType, active: row.active };
}

export async function listRooms(db: Db, ctx: RequestContext): Promise<Room[]> {
  const rows = await db
    .select()
    .from(schema.rooms)
    .where(eq(schema.rooms.clinicId, ctx.clinicId))
    .orderBy(asc(schema.rooms.name));
  return rows.map(toRoom);
}

export async function createRoom(db: Db, ctx: RequestContext, input: RoomCreate): Promise<Room> {
  await requireLocationField(db, ctx, input.locationId);
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(schema.rooms)
        .values({ id, clinicId: ctx.clinicId, ...input })
        .returning();
      await recordAudit(tx, ctx, { action: 'room.create', entityType: 'room', entityId: id });
      return inserted;
    });
    return toRoom(row);
  } catch (error) {
    if (sqlState(error) === '23505') {
      throw AppError.validation([{ path: 'name', message: 'This location already has a room with this name.' }]);
    }
    throw error;
  }
}

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

// ---- Time off -----------------------------------------------------------------------------------

function toTimeOff(row: typeof schema.timeOff.$inferSelect): TimeOff {
  return { id: row.id, providerId: row.providerId, start: iso(row.startAt), end: iso(row.endAt), reason: row.reason };
}

export async function createTimeOff(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  input: TimeOffCreate,
): Promise<TimeOff> {
  await requireProvider(db, ctx, providerId);
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
    return inserted;
  });
  return toTimeOff(row);
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
        range.to ? lt(o.startAt, new Date(range.to)) : undefined,
        range.from ? gt(o.endAt, new Date(range.from)) : undefined,
      ),
    )
    .orderBy(asc(o.startAt))
    .limit(1000);
  return { items: rows.map(toTimeOff) };
}

// ---- Appointments -------------------------------------------------------------------------------

function toAppointment(row: AppointmentRow, patientName: string): Appointment {
  return {
    id: row.id,
    patientId: row.patientId,
    patientName,
    providerId: row.providerId,
    locationId: row.locationId,
    appointmentTypeId: row.appointmentTypeId,
    roomId: row.roomId,
    start: iso(row.startAt),
    end: iso(row.endAt),
    bufferEnd: iso(row.bufferEndAt),
    status: row.status,
    notes: row.notes,
    overrideReason: row.overrideReason,
    bookedAt: iso(row.bookedAt),
    confirmedAt: isoOrNull(row.confirmedAt),
    checkedInAt: isoOrNull(row.checkedInAt),
    startedAt: isoOrNull(row.startedAt),
    completedAt: isoOrNull(row.completedAt),
    cancelledAt: isoOrNull(row.cancelledAt),
    noShowAt: isoOrNull(row.noShowAt),
    cancelReason: row.cancelReason,
    seriesId: row.seriesId,
  };
}

const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

async function patientNameOf(db: Db, ctx: RequestContext, patientId: string): Promise<string> {
  return nameOf(await requirePatient(db, ctx, patientId));
}

/**
 * Where [start, end) falls in the provider's calendar: inside working hours (minus time off) or
 * not, and at which location (the block that holds the start; else the provider's schedule, else
 * the clinic's first location, for an override).
 */
async function placeInCalendar(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  start: number,
  end: number,
): Promise<{ within: boolean; locationId: string }> {
  const from = start - DAY;
  const to = end + DAY;
  const { calendars } = await calendarsOfProviders(db, ctx.clinicId, [providerId], new Date(from), new Date(to));
  const calendar = calendars.get(providerId) ?? { versions: [], extraHours: [], timeOff: [] };
  const availability = expandAvailability({ versions: calendar.versions, extraHours: calendar.extraHours, from, to });
  const free = subtractIntervals(availability, calendar.timeOff);
  const within = isWithinAvailability(free, start, end);
  let locationId =
    availability.find((block) => block.start <= start && start < block.end)?.locationId ??
    calendar.versions[0]?.locationId;
  if (!locationId) {
    const [first] = await db
      .select({ id: schema.locations.id })
      .from(schema.locations)
      .where(and(eq(schema.locations.clinicId, ctx.clinicId), eq(schema.locations.active, true)))
      .orderBy(asc(schema.locations.name))
      .limit(1);
    if (!first) throw AppError.validation([{ path: 'providerId', message: 'Add a location to the clinic first.' }]);
    locationId = first.id;
  }
  return { within, locationId };
}

function outsideAvailability(providerName: string): AppError {
  const message = `${providerName} is not working at this time (outside working hours or during time off). Choose an open slot, or book anyway with an override and a reason.`;
  return new AppError('outside_availability', message, { fields: [{ path: 'start', message }] });
}

/** Which constraint of no double booking an error broke, if any. */
function doubleBooking(error: unknown): 'provider' | 'room' | null {
  if (sqlState(error) !== '23P01') return null;
  const constraint = sqlConstraint(error);
  if (constraint === 'appointments_no_provider_overlap') return 'provider';
  if (constraint === 'appointments_no_room_overlap') return 'room';
  return null;
}

async function slotTaken(
  db: Db,
  ctx: RequestContext,
  what: 'provider' | 'room',
  ids: { providerId: string; roomId: string | null },
  start: Date,
  end: Date,
  excludeId?: string,
): Promise<AppError> {
  const by = what === 'room' && ids.roomId ? { roomId: ids.roomId } : { providerId: ids.providerId };
  const conflictingAppointmentId = await findConflictingAppointment(db, ctx.clinicId, by, start, end, excludeId);
  const message =
    what === 'room'
      ? 'The room is already booked at this time. Choose another time or room.'
      : 'The provider is already booked at this time. Choose another slot.';
  return new AppError('slot_taken', message, {
    fields: [{ path: 'start', message }],
    details: { conflictingAppointmentId },
  });
}

/**
 * The rooms to try, in order: none when the type needs no room and none was chosen; the chosen
 * room; or the free rooms of the type at the location (the first that is still free wins).
 */
async function roomsToTry(
  db: Db,
  ctx: RequestContext,
  type: TypeRow,
  chosenRoomId: string | null,
  locationId: string,
  start: Date,
  holdUntil: Date,
  excludeAppointmentId?: string,
): Promise<{ rooms: Array<string | null>; chosen: boolean }> {
  if (chosenRoomId) {
    const [room] = await db
      .select()
      .from(schema.rooms)
      .where(and(eq(schema.rooms.id, chosenRoomId), eq(schema.rooms.clinicId, ctx.clinicId)));
    if (!room?.active)
      throw AppError.validation([{ path: 'roomId', message: 'Choose an active room of this clinic.' }]);
    if (type.roomType && room.roomType !== type.roomType) {
      throw AppError.validation([{ path: 'roomId', message: `This appointment type needs a ${type.roomType} room.` }]);
    }
    return { rooms: [room.id], chosen: true };
  }
  if (!type.roomType) return { rooms: [null], chosen: false };
  const free = await freeRooms(db, ctx.clinicId, locationId, type.roomType, start, holdUntil, excludeAppointmentId);
  if (!free.length) {
    const message = `No ${type.roomType} room is free at this time. Choose another time.`;
    throw new AppError('conflict', message, { fields: [{ path: 'start', message }] });
  }
  return { rooms: free, chosen: false };
}

export async function bookAppointment(db: Db, ctx: RequestContext, input: AppointmentCreate): Promise<Appointment> {
  const patientName = await patientNameOf(db, ctx, input.patientId);
  const provider = await requireProvider(db, ctx, input.providerId);
  const type = await requireType(db, ctx, input.appointmentTypeId);
  if (!type.active) {
    throw AppError.validation([{ path: 'appointmentTypeId', message: 'This appointment type is no longer offered.' }]);
  }
  if (!offers(type, provider.id)) {
    throw AppError.validation([{ path: 'providerId', message: `${provider.name} does not offer ${type.name}.` }]);
  }
  const start = new Date(input.start);
  const end = new Date(start.getTime() + type.durationMinutes * MINUTE);
  const holdUntil = new Date(end.getTime() + type.bufferAfterMinutes * MINUTE);

  const placement = await placeInCalendar(db, ctx, provider.id, start.getTime(), end.getTime());
  let overrideReason: string | null = null;
  if (!placement.within) {
    if (!input.override) throw outsideAvailability(provider.name);
    if (!can(ctx.role, 'appointment.override')) {
      throw AppError.forbidden('Your role cannot book outside working hours. Ask a manager or the front desk.');
    }
    overrideReason = input.override.reason;
  }

  if (!input.allowPatientOverlap) {
    const a = schema.appointments;
    const overlapping = await db
      .select({ id: a.id })
      .from(a)
      .where(
        and(
          eq(a.clinicId, ctx.clinicId),
          eq(a.patientId, input.patientId),
          ne(a.providerId, provider.id),
          inArray(a.status, [...ACTIVE_STATUSES]),
          lt(a.startAt, end),
          gt(a.endAt, start),
        ),
      );
    if (overlapping.length) {
      throw new AppError(
        'patient_overlap',
        'This patient already has an appointment at an overlapping time with another provider. Book anyway only if both visits are intended.',
        { details: { conflictingAppointmentIds: overlapping.map((o) => o.id) } },
      );
    }
  }

  const { rooms, chosen } = await roomsToTry(
    db,
    ctx,
    type,
    input.roomId ?? null,
    placement.locationId,
    start,
    holdUntil,
  );
  const id = newId();
  for (const [attempt, roomId] of rooms.entries()) {
    try {
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(schema.appointments)
          .values({
            id,
            clinicId: ctx.clinicId,
            patientId: input.patientId,
            providerId: provider.id,
            locationId: placement.locationId,
            appointmentTypeId: type.id,
            roomId,
            startAt: start,
            endAt: end,
            bufferEndAt: holdUntil,
            notes: input.notes,
            overrideReason,
            createdBy: ctx.userId,
          })
          .returning();
        const audit = { patientId: input.patientId, entityType: 'appointment', entityId: id };
        await recordAudit(tx, ctx, {
          action: 'appointment.book',
          ...audit,
          details: {
            providerId: provider.id,
            appointmentTypeId: type.id,
            start: iso(start),
            roomId,
            override: overrideReason !== null,
            patientOverlapConfirmed: input.allowPatientOverlap,
          },
        });
        if (overrideReason !== null) {
          await recordAudit(tx, ctx, { action: 'appointment.override', ...audit, details: { reason: overrideReason } });
        }
        return inserted;
      });
      return toAppointment(row, patientName);
    } catch (error) {
      const broken = doubleBooking(error);
      // Another booking took this room meanwhile: try the next free one.
      if (broken === 'room' && !chosen && attempt < rooms.length - 1) continue;
      if (broken) throw await slotTaken(db, ctx, broken, { providerId: provider.id, roomId }, start, holdUntil);
      throw error;
    }
  }
  throw new AppError('conflict', 'No room is free at this time. Choose another time.');
}

export async function listAppointments(
  db: Db,
  ctx: RequestContext,
  query: AppointmentsQuery,
): Promise<{ items: Appointment[] }> {
  const a = schema.appointments;
  const p = schema.patients;
  const rows = await db
    .select({ appointment: a, givenName: p.givenName, familyName: p.familyName })
    .from(a)
    .innerJoin(p, and(eq(p.id, a.patientId), eq(p.clinicId, a.clinicId)))
    .where(
      and(
        eq(a.clinicId, ctx.clinicId),
        lt(a.startAt, new Date(query.to)),
        gt(a.endAt, new Date(query.from)),
        query.providerId ? eq(a.providerId, query.providerId) : undefined,
        query.patientId ? eq(a.patientId, query.patientId) : undefined,
      ),
    )
    .orderBy(asc(a.startAt), asc(a.providerId))
    .limit(5000);
  return { items: rows.map((r) => toAppointment(r.appointment, nameOf(r))) };
}

export async function getAppointment(db: Db, ctx: RequestContext, appointmentId: string): Promise<Appointment> {
  const row = await requireAppointment(db, ctx, appointmentId);
  return toAppointment(row, await patientNameOf(db, ctx, row.patientId));
}

const RESCHEDULABLE: AppointmentStatus[] = ['booked', 'confirmed'];

/**
 * Moves an appointment in one UPDATE: either the new time is free and taken, or the exclusion
 * constraint refuses and nothing changes. A moved visit needs confirming again.
 */
export async function rescheduleAppointment(
  db: Db,
  ctx: RequestContext,
  appointmentId: string,
  body: RescheduleBody,
): Promise<Appointment> {
  const current = await requireAppointment(db, ctx, appointmentId);
  if (!RESCHEDULABLE.includes(current.status)) {
    throw new AppError(
      'conflict',
      `This appointment is ${STATUS_WORDS[current.status]}; only booked or confirmed appointments can be rescheduled.`,
    );
  }
  const type = await requireType(db, ctx, current.appointmentTypeId);
  const provider = await requireProvider(db, ctx, body.providerId ?? current.providerId);
  if (provider.id !== current.providerId && !offers(type, provider.id)) {
    throw AppError.validation([{ path: 'providerId', message: `${provider.name} does not offer ${type.name}.` }]);
  }
  // The visit keeps its length and buffer.
  const start = new Date(body.start);
  const end = new Date(start.getTime() + (current.endAt.getTime() - current.startAt.getTime()));
  const holdUntil = new Date(end.getTime() + (current.bufferEndAt.getTime() - current.endAt.getTime()));
  const placement = await placeInCalendar(db, ctx, provider.id, start.getTime(), end.getTime());
  if (!placement.within) throw outsideAvailability(provider.name);

  let rooms: Array<string | null> = [current.roomId];
  if (type.roomType && current.roomId) {
    const free = await freeRooms(db, ctx.clinicId, placement.locationId, type.roomType, start, holdUntil, current.id);
    // Keep the same room when it is free.
    rooms = free.includes(current.roomId) ? [current.roomId, ...free.filter((r) => r !== current.roomId)] : free;
    if (!rooms.length) {
      const message = `No ${type.roomType} room is free at this time. Choose another time.`;
      throw new AppError('conflict', message, { fields: [{ path: 'start', message }] });
    }
  }
  const patientName = await patientNameOf(db, ctx, current.patientId);
  const a = schema.appointments;
  for (const [attempt, roomId] of rooms.entries()) {
    try {
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(a)
          .set({
            startAt: start,
            endAt: end,
            bufferEndAt: holdUntil,
            providerId: provider.id,
            locationId: placement.locationId,
            roomId,
            status: 'booked',
            confirmedAt: null,
            updatedAt: new Date(),
          })
          .where(and(eq(a.id, current.id), eq(a.clinicId, ctx.clinicId), inArray(a.status, RESCHEDULABLE)))
          .returning();
        if (!updated) {
          throw new AppError(
            'conflict',
            'This appointment was changed by someone else meanwhile. Reload and try again.',
          );
        }
        await recordAudit(tx, ctx, {
          action: 'appointment.reschedule',
          patientId: current.patientId,
          entityType: 'appointment',
          entityId: current.id,
          details: {
            from: { start: iso(current.startAt), providerId: current.providerId, roomId: current.roomId },
            to: { start: iso(start), providerId: provider.id, roomId },
          },
        });
        return updated;
      });
      return toAppointment(row, patientName);
    } catch (error) {
      const broken = doubleBooking(error);
      if (broken === 'room' && attempt < rooms.length - 1) continue;
      if (broken) {
        throw await slotTaken(db, ctx, broken, { providerId: provider.id, roomId }, start, holdUntil, current.id);
      }
      throw error;
    }
  }
  throw new AppError('conflict', 'No room is free at this time. Choose another time.');
}

const STATUS_WORDS: Record<AppointmentStatus, string> = {
  booked: 'booked',
  confirmed: 'confirmed',
  checked_in: 'checked in',
  in_progress: 'in progress',
  completed: 'completed',
  cancelled: 'cancelled',
  no_show: 'marked as a no-show',
};

const ACTION_WORDS: Record<AppointmentAction, string> = {
  confirm: 'confirmed',
  'check-in': 'checked in',
  start: 'started',
  complete: 'completed',
  cancel: 'cancelled',
  'no-show': 'marked as a no-show',
};

const ACTION_AUDIT: Record<AppointmentAction, AuditAction> = {
  confirm: 'appointment.confirm',
  'check-in': 'appointment.check_in',
  start: 'appointment.start',
  complete: 'appointment.complete',
  cancel: 'appointment.cancel',
  'no-show': 'appointment.no_show',
};

/** The timestamp each action records (they feed the on-time report). */
function actionTimestamp(action: AppointmentAction, now: Date) {
  switch (action) {
    case 'confirm':
      return { confirmedAt: now };
    case 'check-in':
      return { checkedInAt: now };
    case 'start':
      return { startedAt: now };
    case 'complete':
      return { completedAt: now };
    case 'cancel':
      return { cancelledAt: now };
    case 'no-show':
      return { noShowAt: now };
  }
}

/** Confirm, check in, start, complete, cancel (with a reason) or mark a no-show. */
export async function changeAppointmentStatus(
  db: Db,
  ctx: RequestContext,
  appointmentId: string,
  action: AppointmentAction,
  cancel?: CancelBody,
): Promise<Appointment> {
  const current = await requireAppointment(db, ctx, appointmentId);
  const next = nextStatus(current.status, action);
  if (!next) {
    throw new AppError(
      'conflict',
      `This appointment is ${STATUS_WORDS[current.status]}, so it cannot be ${ACTION_WORDS[action]}.`,
      { details: { status: current.status, action } },
    );
  }
  const a = schema.appointments;
  const now = new Date();
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(a)
      .set({
        status: next,
        ...actionTimestamp(action, now),
        ...(action === 'cancel' ? { cancelReason: cancel?.reason ?? null } : {}),
        updatedAt: now,
      })
      // Only from the status it was read in: two clicks at once make one transition.
      .where(and(eq(a.id, current.id), eq(a.clinicId, ctx.clinicId), eq(a.status, current.status)))
      .returning();
    if (!updated) {
      throw new AppError('conflict', 'This appointment was changed by someone else meanwhile. Reload and try again.');
    }
    await recordAudit(tx, ctx, {
      action: ACTION_AUDIT[action],
      patientId: current.patientId,
      entityType: 'appointment',
      entityId: current.id,
      details: { from: current.status, to: next },
    });
    return updated;
  });
  return toAppointment(row, await patientNameOf(db, ctx, row.patientId));
}

// ---- Open slots ---------------------------------------------------------------------------------

/** The providers to search: the one asked for (who must offer the type), or every active one who does. */
async function providersOffering(db: Db, ctx: RequestContext, type: TypeRow, providerId?: string): Promise<string[]> {
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
  ctx: RequestContext,
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
        lt(a.startAt, to),
        gt(a.bufferEndAt, from),
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

async function openSlots(
  db: Db,
  ctx: RequestContext,
  type: TypeRow,
  providerIds: string[],
  range: { from: number; to: number; locationId?: string | undefined },
): Promise<Slot[]> {
  if (!providerIds.length) return [];
  const need = (type.durationMinutes + type.bufferAfterMinutes) * MINUTE;
  const loadFrom = new Date(range.from - DAY);
  const loadTo = new Date(range.to + need + DAY);
  const [{ calendars, timezones }, busy, rooms] = await Promise.all([
    calendarsOfProviders(db, ctx.clinicId, providerIds, loadFrom, loadTo),
    busyOfProviders(db, ctx.clinicId, providerIds, loadFrom, loadTo),
    type.roomType ? roomHolds(db, ctx, type.roomType, loadFrom, loadTo) : Promise.resolve(null),
  ]);
  const notBefore = Date.now();
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
      gridMinutes: GRID_MINUTES,
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

/** The earliest open slot of the type across every provider who offers it, a week at a time. */
export async function findNextSlot(
  db: Db,
  ctx: RequestContext,
  query: { appointmentTypeId: string; from?: string | undefined; locationId?: string | undefined },
): Promise<{ slot: Slot | null }> {
  const type = await requireType(db, ctx, query.appointmentTypeId);
  const providerIds = await providersOffering(db, ctx, type);
  const start = Math.max(query.from ? Date.parse(query.from) : Date.now(), Date.now());
  const horizon = start + NEXT_AVAILABLE_DAYS * DAY;
  for (let from = start; from < horizon; from += 7 * DAY) {
    const items = await openSlots(db, ctx, type, providerIds, {
      from,
      to: Math.min(from + 7 * DAY, horizon),
      locationId: query.locationId,
    });
    if (items.length) return { slot: items[0] };
  }
  return { slot: null };
}
