import { type Db, schema, sqlState } from '@tend/db';
import { AppError, type LinkView, offeredBy, zonedTimeToInstant } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { patientFacingPhone } from '../clinic/service';
import type { PatientActor, RequestOrigin } from '../context';
import type { LinkClaims } from '../messaging/links';
import { commitBooking, prepareBooking } from '../scheduling/appointments';
import { openSlots } from '../scheduling/availability';
import { addDays, DAY, requireType } from '../scheduling/shared';
import { describeAppointment, loadAppointmentView } from './appointment-view';

/**
 * The booking link of a recall message (`book`): the clinic, "time to book your follow-up visit"
 * — never the reason — and the open times of the recall's appointment type with its provider over
 * the next two weeks from when the recall comes due. The patient picks one and it is booked
 * through the same booking service as the front desk's (no double booking, the booking notice,
 * the live schedule), which marks the recall booked: a second booking is refused. Without an
 * appointment type or open times, the page gives the clinic's phone number.
 */

const WINDOW_DAYS = 14;
const MAX_TIMES = 200;

async function loadRecall(db: Db, id: string) {
  const [row] = await db
    .select({
      recall: schema.recalls,
      clinic: schema.clinics,
      provider: schema.providers.name,
      providerTitle: schema.providers.title,
    })
    .from(schema.recalls)
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.recalls.clinicId))
    .innerJoin(schema.providers, eq(schema.providers.id, schema.recalls.providerId))
    .where(eq(schema.recalls.id, id));
  if (!row) return null;
  return { ...row, phone: await patientFacingPhone(db, row.clinic) };
}

type LoadedRecall = NonNullable<Awaited<ReturnType<typeof loadRecall>>>;
type Booking = NonNullable<LinkView['booking']>;

/** The recall's open times: its type with its provider, two weeks from its first message's day (or today). */
async function openTimes(db: Db, row: LoadedRecall): Promise<Booking['slots']> {
  const { recall, clinic } = row;
  if (!recall.appointmentTypeId) return [];
  const scope = { clinicId: clinic.id };
  const type = await requireType(db, scope, recall.appointmentTypeId);
  if (!type.active || !offeredBy(type, recall.providerId)) return [];
  const from = Math.max(
    Date.now(),
    zonedTimeToInstant(addDays(recall.dueDate, -clinic.recallLeadDays), '00:00', clinic.timezone),
  );
  const slots = await openSlots(db, scope, type, [recall.providerId], { from, to: from + WINDOW_DAYS * DAY });
  const locations = await db
    .select({ id: schema.locations.id, timezone: schema.locations.timezone })
    .from(schema.locations)
    .where(eq(schema.locations.clinicId, clinic.id));
  const zoneOf = new Map(locations.map((l) => [l.id, l.timezone]));
  return slots.slice(0, MAX_TIMES).map((slot) => {
    const timeZone = zoneOf.get(slot.locationId) ?? clinic.timezone;
    const start = new Date(slot.start);
    return {
      start: slot.start,
      date: new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(
        start,
      ),
      time: new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(start),
    };
  });
}

const callUs = (phone: string | null) =>
  phone ? `Please call us at ${phone} to book your visit.` : 'Please call the clinic to book your visit.';

async function inspect(db: Db, claims: LinkClaims): Promise<{ view: LinkView; row: LoadedRecall | null }> {
  const row = await loadRecall(db, claims.id);
  if (!row) {
    return {
      view: {
        state: 'invalid',
        action: null,
        message: 'This link is not valid. Please call the clinic.',
        appointment: null,
      },
      row: null,
    };
  }
  const booking: Booking = {
    clinic: row.clinic.name,
    clinicPhone: row.phone,
    provider: [row.providerTitle, row.provider].filter(Boolean).join(' '),
    slots: [],
  };
  const base = { action: 'book' as const, booking, appointment: null };
  const { recall } = row;
  if (recall.status === 'booked' && recall.appointmentId) {
    const booked = await loadAppointmentView(db, recall.appointmentId);
    const appointment = booked ? describeAppointment(booked) : null;
    return {
      view: {
        ...base,
        state: 'used',
        appointment,
        message: appointment
          ? `Your visit is booked for ${appointment.date} at ${appointment.time}. To change it, please call the clinic.`
          : 'Your visit is booked. To change it, please call the clinic.',
      },
      row,
    };
  }
  if (recall.status !== 'open' && recall.status !== 'contacted') {
    return { view: { ...base, state: 'closed', message: callUs(row.phone) }, row };
  }
  booking.slots = await openTimes(db, row);
  if (!booking.slots.length) {
    return {
      view: { ...base, state: 'closed', message: `It is time to book your follow-up visit. ${callUs(row.phone)}` },
      row,
    };
  }
  return {
    view: {
      ...base,
      state: 'ready',
      message: 'It is time to book your follow-up visit. Choose a time that suits you.',
    },
    row,
  };
}

export async function viewRecallLink(db: Db, claims: LinkClaims): Promise<LinkView> {
  return (await inspect(db, claims)).view;
}

/** Books the chosen open time for the recall's patient, once. */
export async function bookFromRecallLink(
  db: Db,
  origin: RequestOrigin,
  claims: LinkClaims,
  recordUse: (tx: Db, clinicId: string) => Promise<void>,
  start: string | undefined,
): Promise<LinkView> {
  const { view, row } = await inspect(db, claims);
  const typeId = row?.recall.appointmentTypeId;
  if (view.state !== 'ready' || !row || !typeId) {
    throw new AppError('conflict', view.message, { details: { state: view.state } });
  }
  if (!start) throw AppError.validation([{ path: 'start', message: 'Choose a time.' }]);
  const chosen = new Date(start).toISOString();
  const taken = 'Sorry, this time is no longer free. Please choose another time.';
  if (!view.booking?.slots.some((slot) => slot.start === chosen)) {
    throw new AppError('slot_taken', taken, { fields: [{ path: 'start', message: taken }] });
  }
  const { recall } = row;
  const actor: PatientActor = { clinicId: recall.clinicId, patientId: recall.patientId, origin };
  const type = await requireType(db, actor, typeId);
  let appointmentId: string;
  try {
    const booking = await prepareBooking(db, actor, type, {
      patientId: recall.patientId,
      providerId: recall.providerId,
      start: chosen,
      allowPatientOverlap: false,
      followUpId: recall.id,
    });
    const inserted = await commitBooking(db, actor, booking, { before: (tx) => recordUse(tx, recall.clinicId) });
    appointmentId = inserted.id;
  } catch (error) {
    if (sqlState(error) === '23505') throw new AppError('conflict', 'This link was used already. Thank you!');
    if (error instanceof AppError && error.code === 'slot_taken') {
      throw new AppError('slot_taken', taken, { fields: [{ path: 'start', message: taken }] });
    }
    if (error instanceof AppError && error.code === 'patient_overlap') {
      const message = 'You already have an appointment at this time. Please choose another time.';
      throw new AppError('conflict', message, { fields: [{ path: 'start', message }] });
    }
    if (error instanceof AppError && error.fields.some((f) => f.path === 'followUpId')) {
      throw new AppError('conflict', 'This visit is booked already. Thank you!');
    }
    throw error;
  }
  const booked = await loadAppointmentView(db, appointmentId);
  const appointment = booked ? describeAppointment(booked) : null;
  return {
    state: 'done',
    action: 'book',
    appointment,
    booking: view.booking ? { ...view.booking, slots: [] } : null,
    message: appointment
      ? `Thank you — your visit is booked for ${appointment.date} at ${appointment.time}.`
      : 'Thank you — your visit is booked.',
  };
}
