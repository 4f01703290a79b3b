import { type Db, newId, prepared, schema, sqlConstraint, sqlState } from '@tend/db';
import {
  ACTIVE_STATUSES,
  AppError,
  type AppointmentAction,
  type AppointmentCreate,
  type AppointmentStatus,
  type AuditAction,
  type CancelBody,
  expandAvailability,
  isWithinAvailability,
  nextStatus,
  type RescheduleBody,
  subtractIntervals,
} from '@tend/domain';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { recordActorAudit, recordAnonymousAudit, recordAudit, recordPatientsAccess } from '../audit/service';
import {
  type Actor,
  type ClinicScope,
  ctxCan,
  isPatientActor,
  type RequestContext,
  type RequestOrigin,
} from '../context';
import { publishEvent } from '../events/hub';
import { markRecallBooked } from '../recalls/service';
import {
  appointmentMessages,
  readAppointmentMessages,
  writeAppointmentMessages,
} from '../reminders/appointment-messages';
import {
  type FreedTime,
  offerFreedTime,
  openOfferProvider,
  refuseHeldTime,
  settleEntryOffer,
} from '../waitlist/offers';
import { markWaitlistBooked } from '../waitlist/service';
import {
  calendarsOfProviders,
  findConflictingAppointment,
  freeRooms,
  lockProviderCalendar,
  overlapping,
} from './repository';
import type { Appointment, AppointmentsQuery } from './schemas';
import {
  type AppointmentRow,
  DAY,
  iso,
  isoOrNull,
  MINUTE,
  offers,
  requireAppointment,
  requireLocationField,
  requireProvider,
  requireType,
  sideBySide,
  type TypeRow,
} from './shared';

/** Booking, rescheduling and the status lifecycle of appointments. */

// ---- Appointments -------------------------------------------------------------------------------

export function toAppointment(row: AppointmentRow, patientName: string): Appointment {
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

/** The time the appointment held before, if this change gave it up (a cancellation, a no-show, a move). */
function freedBy(
  action: AppointmentAction | 'book' | 'reschedule',
  row: AppointmentRow,
  previous?: AppointmentRow,
): FreedTime | null {
  if (!previous || !ACTIVE_STATUSES.includes(previous.status)) return null;
  const releases =
    action === 'cancel' ||
    action === 'no-show' ||
    (action === 'reschedule' &&
      (previous.startAt.getTime() !== row.startAt.getTime() || previous.providerId !== row.providerId));
  return releases ? { providerId: previous.providerId, start: previous.startAt, end: previous.bufferEndAt } : null;
}

/**
 * Tells every open schedule screen of the clinic (after commit) what happened to an appointment,
 * and offers time it freed to the waitlist (when the clinic has offers on).
 */
async function announce(
  tx: Db,
  action: AppointmentAction | 'book' | 'reschedule',
  row: AppointmentRow,
  previous?: AppointmentRow,
): Promise<void> {
  const freed = freedBy(action, row, previous);
  await publishEvent(tx, row.clinicId, {
    kind: 'appointment',
    action,
    appointmentId: row.id,
    providerId: row.providerId,
    start: iso(row.startAt),
    end: iso(row.endAt),
    status: row.status,
    ...(freed ? { freed: { providerId: freed.providerId, start: iso(freed.start), end: iso(freed.end) } } : {}),
  });
  if (freed) await offerFreedTime(tx, row.clinicId, freed);
}

const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

/** The patient's name (another clinic's patient, or none, is a 404): the two columns, prepared. */
const patientNameQuery = prepared('tend_patient_name', (d) =>
  d
    .select({ givenName: schema.patients.givenName, familyName: schema.patients.familyName })
    .from(schema.patients)
    .where(
      and(eq(schema.patients.id, sql.placeholder('id')), eq(schema.patients.clinicId, sql.placeholder('clinicId'))),
    ),
);

export async function patientNameOf(db: Db, ctx: RequestContext, patientId: string): Promise<string> {
  const [row] = await patientNameQuery(db).execute({ id: patientId, clinicId: ctx.clinicId });
  if (!row) throw AppError.notFound('The patient');
  return nameOf(row);
}

/**
 * Where [start, end) falls in the provider's calendar: inside working hours (minus time off) or
 * not, and at which location (the block that holds the start; else the provider's schedule, else
 * the clinic's first location, for an override).
 */
export async function placeInCalendar(
  db: Db,
  ctx: ClinicScope,
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

/**
 * Outside availability, the override's reason (the caller's role must allow overrides); inside,
 * null (no override is recorded).
 */
function overrideReasonFor(
  ctx: Actor,
  within: boolean,
  providerName: string,
  override: { reason: string } | null | undefined,
): string | null {
  if (within) return null;
  if (!override) throw outsideAvailability(providerName);
  if (isPatientActor(ctx) || !ctxCan(ctx, 'appointment.override')) {
    throw AppError.forbidden('Your role cannot book outside working hours. Ask a manager or the front desk.');
  }
  return override.reason;
}

/** Active appointments of the patient with another provider overlapping [start, end). */
export async function patientOverlaps(
  db: Db,
  ctx: ClinicScope,
  patientId: string,
  providerId: string,
  start: Date,
  end: Date,
  excludeId?: string,
): Promise<string[]> {
  const a = schema.appointments;
  const rows = await db
    .select({ id: a.id })
    .from(a)
    .where(
      and(
        eq(a.clinicId, ctx.clinicId),
        eq(a.patientId, patientId),
        ne(a.providerId, providerId),
        inArray(a.status, [...ACTIVE_STATUSES]),
        overlapping(start, end, a.endAt),
        excludeId ? ne(a.id, excludeId) : undefined,
      ),
    );
  return rows.map((o) => o.id);
}

/**
 * Refuses (409 patient_overlap) when the patient holds an active appointment with another
 * provider overlapping [start, end); staff confirm and send allowPatientOverlap to go ahead.
 */
async function refusePatientOverlap(
  db: Db,
  ctx: ClinicScope,
  patientId: string,
  providerId: string,
  start: Date,
  end: Date,
  excludeId?: string,
): Promise<void> {
  const overlapping = await patientOverlaps(db, ctx, patientId, providerId, start, end, excludeId);
  if (overlapping.length) {
    throw new AppError(
      'patient_overlap',
      'This patient already has an appointment at an overlapping time with another provider. Book anyway only if both visits are intended.',
      { details: { conflictingAppointmentIds: overlapping } },
    );
  }
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
  ctx: ClinicScope,
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
  ctx: ClinicScope,
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

/** A booking checked against the calendar, ready to insert (the database has the last word). */
export interface PreparedBooking {
  patientId: string;
  providerId: string;
  type: TypeRow;
  start: Date;
  end: Date;
  holdUntil: Date;
  locationId: string;
  overrideReason: string | null;
  /** Rooms to try in order (`null`: no room); `chosenRoom` when staff picked one. */
  rooms: Array<string | null>;
  chosenRoom: boolean;
  notes: string | null | undefined;
  allowPatientOverlap: boolean;
  /** The patient's waitlist entry this booking fulfils. */
  waitlistEntryId: string | null;
  /** The patient's recall (a follow-up a provider ordered) this booking fulfils. */
  followUpId: string | null;
}

/**
 * Everything a booking must pass before it is inserted: the provider offers the type, the time is
 * within working hours (or overridden with a reason), the patient is not elsewhere then (unless
 * confirmed), and a room of the needed kind is free.
 */
export async function prepareBooking(
  db: Db,
  ctx: Actor,
  type: TypeRow,
  input: {
    patientId: string;
    providerId: string;
    start: string;
    roomId?: string | null | undefined;
    notes?: string | null | undefined;
    override?: { reason: string } | null | undefined;
    allowPatientOverlap: boolean;
    waitlistEntryId?: string | null | undefined;
    followUpId?: string | null | undefined;
  },
  provider?: Awaited<ReturnType<typeof requireProvider>>,
): Promise<PreparedBooking> {
  provider ??= await requireProvider(db, ctx, input.providerId);
  if (!type.active) {
    throw AppError.validation([{ path: 'appointmentTypeId', message: 'This appointment type is no longer offered.' }]);
  }
  if (!offers(type, provider.id)) {
    throw AppError.validation([{ path: 'providerId', message: `${provider.name} does not offer ${type.name}.` }]);
  }
  const start = new Date(input.start);
  const end = new Date(start.getTime() + type.durationMinutes * MINUTE);
  const holdUntil = new Date(end.getTime() + type.bufferAfterMinutes * MINUTE);

  // The calendar and the patient's other appointments side by side; outside working hours is
  // told before an overlap, as when they were read one after the other.
  const [placed, overlap] = await Promise.allSettled([
    placeInCalendar(db, ctx, provider.id, start.getTime(), end.getTime()),
    input.allowPatientOverlap ? undefined : refusePatientOverlap(db, ctx, input.patientId, provider.id, start, end),
  ]);
  if (placed.status === 'rejected') throw placed.reason;
  const placement = placed.value;
  const overrideReason = overrideReasonFor(ctx, placement.within, provider.name, input.override);
  if (overlap.status === 'rejected') throw overlap.reason;
  const { rooms, chosen } = await roomsToTry(
    db,
    ctx,
    type,
    input.roomId ?? null,
    placement.locationId,
    start,
    holdUntil,
  );
  return {
    patientId: input.patientId,
    providerId: provider.id,
    type,
    start,
    end,
    holdUntil,
    locationId: placement.locationId,
    overrideReason,
    rooms,
    chosenRoom: chosen,
    notes: input.notes,
    allowPatientOverlap: input.allowPatientOverlap,
    waitlistEntryId: input.waitlistEntryId ?? null,
    followUpId: input.followUpId ?? null,
  };
}

/**
 * Inserts a prepared booking in `tx` with its audit rows, live-update event and the patient's
 * messages. The provider's calendar lock serialises the provider's bookings until commit, so
 * everything that does not need it (the messages' reads and rows, the audit event, the event) is
 * done before it is taken: while it is held, only the check of held time, the insert (under the
 * exclusion constraints) and the waitlist/recall bookkeeping run. A refused or conflicting
 * booking rolls all of it back with the transaction. Lock order: the message and audit rows' foreign
 * keys share-lock the patient's row before the calendar lock, so nothing may lock a patient's row
 * exclusively while holding a calendar lock (completing a visit updates the patient's first visit:
 * it takes no calendar lock).
 */
export async function insertBooking(
  tx: Db,
  ctx: Actor,
  booking: PreparedBooking,
  roomId: string | null,
  seriesId: string | null = null,
): Promise<AppointmentRow> {
  const id = newId();
  const planned = {
    id,
    clinicId: ctx.clinicId,
    patientId: booking.patientId,
    providerId: booking.providerId,
    locationId: booking.locationId,
    appointmentTypeId: booking.type.id,
    startAt: booking.start,
    endAt: booking.end,
  };
  const messages = await readAppointmentMessages(tx, 'book', planned);
  const audit = { patientId: booking.patientId, entityType: 'appointment', entityId: id };
  await recordActorAudit(tx, ctx, {
    action: isPatientActor(ctx) ? 'appointment.patient_book' : 'appointment.book',
    ...audit,
    details: {
      providerId: booking.providerId,
      appointmentTypeId: booking.type.id,
      start: iso(booking.start),
      roomId,
      override: booking.overrideReason !== null,
      patientOverlapConfirmed: booking.allowPatientOverlap,
      ...(seriesId ? { seriesId } : {}),
    },
  });
  if (booking.overrideReason !== null) {
    await recordActorAudit(tx, ctx, {
      action: 'appointment.override',
      ...audit,
      details: { reason: booking.overrideReason },
    });
  }
  // A new appointment frees no time: announce() of a booking is the event alone.
  await publishEvent(tx, ctx.clinicId, {
    kind: 'appointment',
    action: 'book',
    appointmentId: id,
    providerId: booking.providerId,
    start: iso(booking.start),
    end: iso(booking.end),
    status: 'booked',
  });
  // updated_at of the row inserted below is the transaction's time (its default, now()).
  if (messages) await writeAppointmentMessages(tx, messages, { ...planned, updatedAt: messages.transactionTime });

  // The patient's open waitlist offer may hold time in another provider's calendar: lock it too.
  const offeredBy = await openOfferProvider(tx, booking.waitlistEntryId);
  await lockProviderCalendar(tx, booking.providerId, ...(offeredBy ? [offeredBy] : []));
  await refuseHeldTime(
    tx,
    ctx.clinicId,
    { providerId: booking.providerId, start: booking.start, end: booking.holdUntil },
    booking.waitlistEntryId,
  );
  const [inserted] = await tx
    .insert(schema.appointments)
    .values({
      ...planned,
      roomId,
      bufferEndAt: booking.holdUntil,
      notes: booking.notes,
      overrideReason: booking.overrideReason,
      createdBy: isPatientActor(ctx) ? null : ctx.userId,
      seriesId,
    })
    .returning();
  if (booking.waitlistEntryId) {
    await markWaitlistBooked(tx, ctx, booking.waitlistEntryId, {
      appointmentId: id,
      patientId: booking.patientId,
      appointmentTypeId: booking.type.id,
    });
    await settleEntryOffer(tx, booking.waitlistEntryId, inserted, isPatientActor(ctx) ? null : ctx.userId);
  }
  if (booking.followUpId) {
    await markRecallBooked(tx, ctx, booking.followUpId, { appointmentId: id, patientId: booking.patientId });
  }
  return inserted;
}

/** Which constraint of no double booking an error broke, as a 409 naming the appointment in the way. */
export async function asSlotTaken(
  db: Db,
  ctx: ClinicScope,
  error: unknown,
  booking: PreparedBooking,
  roomId: string | null,
): Promise<AppError | null> {
  const broken = doubleBooking(error);
  if (!broken) return null;
  return slotTaken(db, ctx, broken, { providerId: booking.providerId, roomId }, booking.start, booking.holdUntil);
}

/**
 * Inserts a prepared booking, trying its rooms in turn (another booking may take one meanwhile);
 * `before` and `after` run in the same transaction around it. A taken slot is a 409 naming what
 * is in the way.
 */
export async function commitBooking(
  db: Db,
  ctx: Actor,
  booking: PreparedBooking,
  hooks: { before?: (tx: Db) => Promise<void>; after?: (tx: Db, appointment: AppointmentRow) => Promise<void> } = {},
): Promise<AppointmentRow> {
  for (const [attempt, roomId] of booking.rooms.entries()) {
    try {
      return await db.transaction(async (tx) => {
        await hooks.before?.(tx);
        const inserted = await insertBooking(tx, ctx, booking, roomId);
        await hooks.after?.(tx, inserted);
        return inserted;
      });
    } catch (error) {
      // Another booking took this room meanwhile: try the next free one.
      if (doubleBooking(error) === 'room' && !booking.chosenRoom && attempt < booking.rooms.length - 1) continue;
      throw (await asSlotTaken(db, ctx, error, booking, roomId)) ?? error;
    }
  }
  throw new AppError('conflict', 'No room is free at this time. Choose another time.');
}

export async function bookAppointment(db: Db, ctx: RequestContext, input: AppointmentCreate): Promise<Appointment> {
  const [patientName, type, provider] = await sideBySide([
    patientNameOf(db, ctx, input.patientId),
    requireType(db, ctx, input.appointmentTypeId),
    requireProvider(db, ctx, input.providerId),
  ] as const);
  const booking = await prepareBooking(db, ctx, type, input, provider);
  return toAppointment(await commitBooking(db, ctx, booking), patientName);
}

/** The most appointments one list answers (a busy network's day is ~1,300; a week of it is not one screen). */
export const APPOINTMENT_LIST_LIMIT = 5000;

export async function listAppointments(
  db: Db,
  ctx: RequestContext,
  query: AppointmentsQuery,
): Promise<{ items: Appointment[] }> {
  const a = schema.appointments;
  const p = schema.patients;
  const where = and(
    eq(a.clinicId, ctx.clinicId),
    overlapping(new Date(query.from), new Date(query.to), a.endAt),
    query.providerId ? eq(a.providerId, query.providerId) : undefined,
    query.patientId ? eq(a.patientId, query.patientId) : undefined,
    query.locationId ? eq(a.locationId, query.locationId) : undefined,
  );
  const tooMany = (): never => {
    // Never a silently shortened schedule: the caller narrows the range or picks a provider.
    throw AppError.validation(
      [{ path: 'querystring.to', message: 'Choose a shorter range, one location or one provider.' }],
      `More than ${APPOINTMENT_LIST_LIMIT.toLocaleString('en-US')} appointments in this range: choose a shorter range, one location or one provider.`,
    );
  };
  if (query.locationId) await requireLocationField(db, ctx, query.locationId, 'querystring.locationId');
  // Counted on the index before any row is read: a refused range of a network's 5,000 full rows
  // was megabytes of objects built only to be thrown away.
  const beyond = await db.select({ id: a.id }).from(a).where(where).offset(APPOINTMENT_LIST_LIMIT).limit(1);
  if (beyond.length > 0) tooMany();
  const rows = await db
    .select({ appointment: a, givenName: p.givenName, familyName: p.familyName })
    .from(a)
    .innerJoin(p, and(eq(p.id, a.patientId), eq(p.clinicId, a.clinicId)))
    .where(where)
    .orderBy(asc(a.startAt), asc(a.providerId))
    .limit(APPOINTMENT_LIST_LIMIT + 1);
  // Booked between the count and the read.
  if (rows.length > APPOINTMENT_LIST_LIMIT) tooMany();
  // Seeing who is booked when is reading patient data: one audit row per patient shown.
  const patientIds = [...new Set(rows.map((r) => r.appointment.patientId))];
  await recordPatientsAccess(db, ctx, 'appointment.read', patientIds, {
    query: {
      from: query.from,
      to: query.to,
      providerId: query.providerId,
      patientId: query.patientId,
      locationId: query.locationId,
    },
    resultCount: rows.length,
  });
  return { items: rows.map((r) => toAppointment(r.appointment, nameOf(r))) };
}

export async function getAppointment(db: Db, ctx: RequestContext, appointmentId: string): Promise<Appointment> {
  const row = await requireAppointment(db, ctx, appointmentId);
  const appointment = toAppointment(row, await patientNameOf(db, ctx, row.patientId));
  await recordPatientsAccess(db, ctx, 'appointment.read', [row.patientId], { appointmentId: row.id });
  return appointment;
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
  const overrideReason = overrideReasonFor(ctx, placement.within, provider.name, body.override);
  const allowPatientOverlap = body.allowPatientOverlap ?? false;
  if (!allowPatientOverlap) {
    await refusePatientOverlap(db, ctx, current.patientId, provider.id, start, end, current.id);
  }

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
        // The old time may be offered to the waitlist: its provider's calendar is locked too.
        await lockProviderCalendar(tx, provider.id, current.providerId);
        await refuseHeldTime(tx, ctx.clinicId, { providerId: provider.id, start, end: holdUntil }, null);
        const [updated] = await tx
          .update(a)
          .set({
            startAt: start,
            endAt: end,
            bufferEndAt: holdUntil,
            providerId: provider.id,
            locationId: placement.locationId,
            roomId,
            overrideReason,
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
        const audit = { patientId: current.patientId, entityType: 'appointment', entityId: current.id };
        await recordAudit(tx, ctx, {
          action: 'appointment.reschedule',
          ...audit,
          details: {
            from: { start: iso(current.startAt), providerId: current.providerId, roomId: current.roomId },
            to: { start: iso(start), providerId: provider.id, roomId },
            override: overrideReason !== null,
            patientOverlapConfirmed: allowPatientOverlap,
          },
        });
        if (overrideReason !== null) {
          await recordAudit(tx, ctx, { action: 'appointment.override', ...audit, details: { reason: overrideReason } });
        }
        await announce(tx, 'reschedule', updated, current);
        await appointmentMessages(tx, 'reschedule', updated, current);
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

/**
 * Moves an appointment one step (in the caller's transaction), only from the status it was read
 * in — two clicks at once make one transition — and announces it (live schedule, messages).
 */
async function transition(
  tx: Db,
  current: AppointmentRow,
  action: AppointmentAction,
  now: Date,
  cancelReason: string | null,
): Promise<AppointmentRow> {
  const next = nextStatus(current.status, action);
  if (!next) {
    throw new AppError(
      'conflict',
      `This appointment is ${STATUS_WORDS[current.status]}, so it cannot be ${ACTION_WORDS[action]}.`,
      { details: { status: current.status, action } },
    );
  }
  const a = schema.appointments;
  // A cancellation or a no-show frees time that may be offered to the waitlist.
  if (action === 'cancel' || action === 'no-show') await lockProviderCalendar(tx, current.providerId);
  const [updated] = await tx
    .update(a)
    .set({
      status: next,
      ...actionTimestamp(action, now),
      ...(action === 'cancel' ? { cancelReason } : {}),
      updatedAt: now,
    })
    .where(and(eq(a.id, current.id), eq(a.clinicId, current.clinicId), eq(a.status, current.status)))
    .returning();
  if (!updated) {
    throw new AppError('conflict', 'This appointment was changed by someone else meanwhile. Reload and try again.');
  }
  await announce(tx, action, updated, current);
  await appointmentMessages(tx, action, updated, current);
  return updated;
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
  if (!nextStatus(current.status, action)) {
    throw new AppError(
      'conflict',
      `This appointment is ${STATUS_WORDS[current.status]}, so it cannot be ${ACTION_WORDS[action]}.`,
      { details: { status: current.status, action } },
    );
  }
  const row = await db.transaction(async (tx) => {
    const updated = await transition(tx, current, action, new Date(), cancel?.reason ?? null);
    await recordAudit(tx, ctx, {
      action: ACTION_AUDIT[action],
      patientId: current.patientId,
      entityType: 'appointment',
      entityId: current.id,
      details: { from: current.status, to: updated.status },
    });
    return updated;
  });
  return toAppointment(row, await patientNameOf(db, ctx, row.patientId));
}

/**
 * The patient's own confirm or cancel, from a signed link in a message (no staff account): in
 * the caller's transaction, audited as the patient.
 */
export async function patientAppointmentAction(
  tx: Db,
  origin: RequestOrigin,
  current: AppointmentRow,
  action: 'confirm' | 'cancel',
  cancelReason: string | null,
): Promise<AppointmentRow> {
  const updated = await transition(tx, current, action, new Date(), cancelReason);
  await recordAnonymousAudit(tx, origin, {
    clinicId: current.clinicId,
    actorRole: 'patient',
    action: action === 'confirm' ? 'appointment.patient_confirm' : 'appointment.patient_cancel',
    patientId: current.patientId,
    entityType: 'appointment',
    entityId: current.id,
    details: { from: current.status, to: updated.status, via: 'link' },
  });
  return updated;
}
