import { type Db, newId, schema } from '@tend/db';
import {
  AppError,
  instantToZoned,
  type SeriesBookBody,
  type SeriesPlanBody,
  weeklyOccurrences,
  zonedTimeToInstant,
} from '@tend/domain';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import {
  asSlotTaken,
  insertBooking,
  type PreparedBooking,
  patientNameOf,
  patientOverlaps,
  placeInCalendar,
  prepareBooking,
  toAppointment,
} from './appointments';
import { openSlots, providersOffering } from './availability';
import { findConflictingAppointment } from './repository';
import type { Appointment, PlannedVisit, Slot } from './schemas';
import { DAY, iso, MINUTE, requireLocation, requireProvider, requireType } from './shared';

/**
 * Recurring appointments (weekly physiotherapy × 8). Planning shows which visits are free and,
 * for those that are not, why and the nearest alternatives; booking takes every chosen visit in
 * one transaction, or none: nothing is ever half-booked silently.
 */

const ALTERNATIVES = 3;

/** Local midnight to midnight of the day holding `instant`, in `timezone`. */
function localDay(instant: number, timezone: string): { from: number; to: number } {
  const { date } = instantToZoned(instant, timezone);
  const from = zonedTimeToInstant(date, '00:00', timezone);
  return { from, to: zonedTimeToInstant(date, '24:00', timezone) };
}

function nearest(slots: Slot[], instant: number, count: number): Slot[] {
  return [...slots]
    .sort((x, y) => Math.abs(Date.parse(x.start) - instant) - Math.abs(Date.parse(y.start) - instant))
    .slice(0, count)
    .sort((x, y) => x.start.localeCompare(y.start));
}

export async function planSeries(
  db: Db,
  ctx: RequestContext,
  body: SeriesPlanBody,
): Promise<{ occurrences: PlannedVisit[] }> {
  await patientNameOf(db, ctx, body.patientId);
  const type = await requireType(db, ctx, body.appointmentTypeId);
  const [providerId] = await providersOffering(db, ctx, type, body.providerId);
  const provider = await requireProvider(db, ctx, providerId);
  const first = Date.parse(body.start);
  const { locationId } = await placeInCalendar(db, ctx, provider.id, first, first + type.durationMinutes * MINUTE);
  const { timezone } = await requireLocation(db, ctx, locationId);
  const everyone = await providersOffering(db, ctx, type);
  const others = everyone.filter((id) => id !== provider.id);
  const need = (type.durationMinutes + type.bufferAfterMinutes) * MINUTE;

  const occurrences: PlannedVisit[] = [];
  for (const start of weeklyOccurrences(first, timezone, body.everyWeeks, body.count)) {
    const day = localDay(start, timezone);
    const own = await openSlots(db, ctx, type, [provider.id], day);
    const visit = {
      start: iso(new Date(start)),
      end: iso(new Date(start + type.durationMinutes * MINUTE)),
      providerId: provider.id,
    };
    if (own.some((slot) => Date.parse(slot.start) === start)) {
      const overlap = await patientOverlaps(db, ctx, body.patientId, provider.id, new Date(start), new Date(visit.end));
      occurrences.push(
        overlap.length
          ? {
              ...visit,
              status: 'patient_overlap',
              message: 'The patient has another appointment at this time.',
              alternatives: [],
            }
          : { ...visit, status: 'free', message: null, alternatives: [] },
      );
      continue;
    }
    let status: PlannedVisit['status'] = 'outside_availability';
    let message = `${provider.name} is not working at this time.`;
    if (start < Date.now()) {
      status = 'past';
      message = 'This time has passed.';
    } else {
      const conflicting = await findConflictingAppointment(
        db,
        ctx.clinicId,
        { providerId: provider.id },
        new Date(start),
        new Date(start + need),
      );
      if (conflicting) {
        status = 'slot_taken';
        message = `${provider.name} is already booked at this time.`;
      }
    }
    // Alternatives: the same provider nearest in time that day, another provider at the same
    // time, else the provider's first open times in the following week.
    let alternatives = nearest(own, start, ALTERNATIVES);
    if (alternatives.length < ALTERNATIVES && others.length) {
      const sameTime = (await openSlots(db, ctx, type, others, day)).filter((s) => Date.parse(s.start) === start);
      alternatives = [...alternatives, ...sameTime].slice(0, ALTERNATIVES);
    }
    if (!alternatives.length) {
      alternatives = (await openSlots(db, ctx, type, [provider.id], { from: day.to, to: day.to + 7 * DAY })).slice(
        0,
        ALTERNATIVES,
      );
    }
    occurrences.push({ ...visit, status, message, alternatives });
  }
  return { occurrences };
}

function describeVisit(index: number, start: Date, timezone: string): string {
  const local = instantToZoned(start.getTime(), timezone);
  return `Visit ${index + 1} (${local.date} ${local.time})`;
}

/** Books every visit of the series in one transaction; if any one cannot be booked, none is. */
export async function bookSeries(
  db: Db,
  ctx: RequestContext,
  body: SeriesBookBody,
): Promise<{ seriesId: string; items: Appointment[] }> {
  const patientName = await patientNameOf(db, ctx, body.patientId);
  const type = await requireType(db, ctx, body.appointmentTypeId);
  const prepared: PreparedBooking[] = [];
  for (const [index, occurrence] of body.occurrences.entries()) {
    try {
      prepared.push(
        await prepareBooking(db, ctx, type, {
          patientId: body.patientId,
          providerId: occurrence.providerId,
          start: occurrence.start,
          notes: body.notes,
          override: body.override,
          allowPatientOverlap: body.allowPatientOverlap,
        }),
      );
    } catch (error) {
      throw await aboutVisit(db, ctx, error, index, new Date(occurrence.start));
    }
  }
  const seriesId = newId();
  let index = 0;
  try {
    const rows = await db.transaction(async (tx) => {
      const inserted = [];
      for (index = 0; index < prepared.length; index++) {
        inserted.push(await insertBooking(tx, ctx, prepared[index], prepared[index].rooms[0], seriesId));
      }
      await recordAudit(tx, ctx, {
        action: 'appointment.series_book',
        patientId: body.patientId,
        entityType: 'appointment_series',
        entityId: seriesId,
        details: { appointmentTypeId: type.id, visits: inserted.map((row) => row.id) },
      });
      return inserted;
    });
    return { seriesId, items: rows.map((row) => toAppointment(row, patientName)) };
  } catch (error) {
    const booking = prepared[index];
    const taken = booking ? await asSlotTaken(db, ctx, error, booking, booking.rooms[0]) : null;
    if (!taken) throw error;
    throw await aboutVisit(db, ctx, taken, index, booking.start);
  }
}

/** The error of one visit, saying which visit it is and that nothing was booked. */
async function aboutVisit(db: Db, ctx: RequestContext, error: unknown, index: number, start: Date): Promise<unknown> {
  if (!(error instanceof AppError)) return error;
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  const which = describeVisit(index, start, clinic?.timezone ?? 'UTC');
  return new AppError(error.code, `${which}: ${error.message} Nothing was booked.`, {
    fields: error.fields?.map((field) => ({ ...field, path: `occurrences.${index}.${field.path}` })),
    details: { ...((error.details as object | undefined) ?? {}), occurrence: index },
  });
}
