import { createHash } from 'node:crypto';
import { type Db, schema, sqlState } from '@tend/db';
import { AppError, type LinkView, type WaitlistOfferStatus } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { recordAnonymousAudit } from '../audit/service';
import type { PatientActor, RequestOrigin } from '../context';
import type { SecretKeySource } from '../email/secret-box';
import { type LinkClaims, verifyLink } from '../messaging/links';
import {
  commitBooking,
  type PreparedBooking,
  patientAppointmentAction,
  prepareBooking,
} from '../scheduling/appointments';
import { lockProviderCalendar } from '../scheduling/repository';
import { requireType } from '../scheduling/shared';
import { declineOffer } from '../waitlist/offers';
import { describeAppointment, type LoadedAppointment, loadAppointmentView } from './appointment-view';
import { bookFromRecallLink, viewRecallLink } from './recall-link';

/**
 * What a patient sees and does behind a link in a message — a recall's booking link is handled in
 * recall-link.ts. For a reminder: the appointment (clinic, date, time,
 * provider, place — nothing clinical), and one button. Opening the link (GET) never changes
 * anything — mail scanners open links too; the button (POST) confirms or cancels, once.
 */

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The state of a link now, and the appointment it is about. */
async function inspect(
  db: Db,
  keys: SecretKeySource,
  token: string,
): Promise<{ view: LinkView; row: LoadedAppointment | null; claims: LinkClaims | null }> {
  const checked = verifyLink(keys, token);
  if (!checked.ok) {
    const message =
      checked.reason === 'expired'
        ? 'This link has expired. Please call the clinic.'
        : 'This link is not valid. Please use the link in your message, or call the clinic.';
    return {
      view: { state: checked.reason === 'expired' ? 'expired' : 'invalid', action: null, message, appointment: null },
      row: null,
      claims: null,
    };
  }
  const { claims } = checked;
  if (claims.action === 'offer') return { view: await inspectOffer(db, claims), row: null, claims };
  const action = claims.action === 'confirm' || claims.action === 'cancel' ? claims.action : null;
  const row = await loadAppointmentView(db, claims.id);
  if (!row || !action) {
    return {
      view: {
        state: 'invalid',
        action: null,
        message: 'This link is not valid. Please call the clinic.',
        appointment: null,
      },
      row: null,
      claims,
    };
  }
  const appointment = describeAppointment(row);
  const base = { action, appointment };
  const [used] = await db
    .select()
    .from(schema.linkUses)
    .where(eq(schema.linkUses.tokenHash, tokenHash(token)));
  if (used) {
    return { view: { ...base, state: 'used', message: 'This link was used already. Thank you!' }, row, claims };
  }
  if (Math.floor(row.appointment.startAt.getTime() / 1000) !== claims.start) {
    return {
      view: {
        ...base,
        state: 'moved',
        message: `Your appointment has moved to ${appointment.date} at ${appointment.time}. This link was for the earlier time; to change anything, please call the clinic.`,
      },
      row,
      claims,
    };
  }
  if (!['booked', 'confirmed'].includes(row.appointment.status)) {
    return {
      view: {
        ...base,
        state: 'closed',
        message: 'This appointment can no longer be changed here. Please call the clinic.',
      },
      row,
      claims,
    };
  }
  const message =
    action === 'confirm'
      ? row.appointment.status === 'confirmed'
        ? 'Your appointment is confirmed already. See you then!'
        : 'Please confirm that you will come.'
      : 'Do you want to cancel this appointment?';
  return { view: { ...base, state: 'ready', message }, row, claims };
}

export async function viewLink(db: Db, keys: SecretKeySource, token: string): Promise<LinkView> {
  const checked = verifyLink(keys, token);
  if (checked.ok && checked.claims.action === 'book') return viewRecallLink(db, checked.claims);
  return (await inspect(db, keys, token)).view;
}

/** Confirms or cancels (with "please offer me another time" if asked), once per link. */
export async function useLink(
  db: Db,
  keys: SecretKeySource,
  origin: RequestOrigin,
  token: string,
  input: { anotherTime?: boolean | undefined; decline?: boolean | undefined; start?: string | undefined },
): Promise<LinkView> {
  const checked = verifyLink(keys, token);
  if (checked.ok && checked.claims.action === 'book') {
    const { claims } = checked;
    const recordUse = async (tx: Db, clinicId: string) => {
      await tx
        .insert(schema.linkUses)
        .values({ tokenHash: tokenHash(token), clinicId, action: 'book', recordId: claims.id });
    };
    return bookFromRecallLink(db, origin, claims, recordUse, input.start);
  }
  const { view, row, claims } = await inspect(db, keys, token);
  if (view.action === 'offer' && claims) {
    return answerOffer(db, origin, claims, input.decline ? 'decline' : 'accept');
  }
  if (view.state !== 'ready' || !row || !view.action || view.action === 'offer' || view.action === 'book') {
    throw new AppError('conflict', view.message, { details: { state: view.state } });
  }
  const action = view.action;
  try {
    await db.transaction(async (tx) => {
      await tx.insert(schema.linkUses).values({
        tokenHash: tokenHash(token),
        clinicId: row.appointment.clinicId,
        action,
        recordId: row.appointment.id,
      });
      if (action === 'confirm' && row.appointment.status === 'confirmed') return;
      await patientAppointmentAction(
        tx,
        origin,
        row.appointment,
        action,
        action === 'cancel'
          ? input.anotherTime
            ? 'Cancelled by the patient from a reminder link: asks for another time.'
            : 'Cancelled by the patient from a reminder link.'
          : null,
      );
    });
  } catch (error) {
    if (sqlState(error) === '23505') throw new AppError('conflict', 'This link was used already. Thank you!');
    throw error;
  }
  const after = await viewLink(db, keys, token);
  return {
    ...after,
    state: 'done',
    message:
      action === 'confirm'
        ? 'Thank you — your appointment is confirmed.'
        : input.anotherTime
          ? 'Your appointment is cancelled. The clinic will contact you to find another time.'
          : 'Your appointment is cancelled. Thank you for letting us know.',
  };
}

// ---- Waitlist offers ("take this time" / "no thanks") ------------------------------------------

async function loadOffer(db: Db, offerId: string) {
  const o = schema.waitlistOffers;
  const [row] = await db
    .select({
      offer: o,
      clinic: schema.clinics.name,
      provider: schema.providers.name,
      providerTitle: schema.providers.title,
      location: schema.locations.name,
      timezone: schema.locations.timezone,
    })
    .from(o)
    .innerJoin(schema.clinics, eq(schema.clinics.id, o.clinicId))
    .innerJoin(schema.providers, eq(schema.providers.id, o.providerId))
    .innerJoin(schema.locations, eq(schema.locations.id, o.locationId))
    .where(eq(o.id, offerId));
  return row ?? null;
}

type LoadedOffer = NonNullable<Awaited<ReturnType<typeof loadOffer>>>;

function describeOffer(row: LoadedOffer): NonNullable<LinkView['appointment']> {
  const timeZone = row.timezone;
  const time = (at: Date) =>
    new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
  return {
    clinic: row.clinic,
    date: new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      year: 'numeric',
    }).format(row.offer.startAt),
    time: time(row.offer.startAt),
    provider: [row.providerTitle, row.provider].filter(Boolean).join(' '),
    location: row.location,
    status: row.offer.status,
    holdUntil: time(row.offer.holdUntil),
  };
}

const OFFER_CLOSED: Record<Exclude<WaitlistOfferStatus, 'offered'>, { state: LinkView['state']; message: string }> = {
  accepted: { state: 'used', message: 'You have taken this time already. See you then!' },
  declined: {
    state: 'used',
    message: 'You said no thanks to this time. You stay on the waitlist; we will write when another time frees up.',
  },
  expired: {
    state: 'expired',
    message:
      'This time was held for you until the time in the message and has been offered to someone else. You stay on the waitlist.',
  },
  released: {
    state: 'closed',
    message: 'This time is no longer held for you. Please call the clinic if you still want an earlier appointment.',
  },
  taken: {
    state: 'closed',
    message: 'This offer is closed: you have another appointment booked. Please call the clinic.',
  },
};

/** What an offer link shows now: the offered time, and whether it can still be taken. */
async function inspectOffer(db: Db, claims: LinkClaims, now: Date = new Date()): Promise<LinkView> {
  const row = await loadOffer(db, claims.id);
  if (!row || Math.floor(row.offer.startAt.getTime() / 1000) !== claims.start) {
    return {
      state: 'invalid',
      action: null,
      message: 'This link is not valid. Please call the clinic.',
      appointment: null,
    };
  }
  const base = { action: 'offer' as const, appointment: describeOffer(row) };
  if (row.offer.status !== 'offered') return { ...base, ...OFFER_CLOSED[row.offer.status] };
  if (row.offer.holdUntil <= now) return { ...base, ...OFFER_CLOSED.expired };
  return {
    ...base,
    state: 'ready',
    message: `An earlier appointment is free, and held for you until ${base.appointment.holdUntil}. Would you like it?`,
  };
}

/**
 * The patient takes the offered time (booked through the booking service with their waitlist
 * entry: booking notice, live schedule) or says no thanks (the time goes to the next patient).
 * Only while the offer is open and held; once.
 */
async function answerOffer(
  db: Db,
  origin: RequestOrigin,
  claims: LinkClaims,
  answer: 'accept' | 'decline',
): Promise<LinkView> {
  const view = await inspectOffer(db, claims);
  const row = view.state === 'ready' ? await loadOffer(db, claims.id) : null;
  if (!row) throw new AppError('conflict', view.message, { details: { state: view.state } });
  const { offer } = row;
  const audit = {
    clinicId: offer.clinicId,
    actorRole: 'patient',
    patientId: offer.patientId,
    entityType: 'waitlist_offer',
    entityId: offer.id,
  };
  if (answer === 'decline') {
    await db.transaction(async (tx) => {
      await lockProviderCalendar(tx, offer.providerId);
      if (!(await declineOffer(tx, offer.id))) throw new AppError('conflict', 'This offer is closed already.');
      await recordAnonymousAudit(tx, origin, {
        ...audit,
        action: 'waitlist.offer_decline',
        details: { entryId: offer.entryId, via: 'link' },
      });
    });
    return {
      ...(await inspectOffer(db, claims)),
      state: 'done',
      message: 'Thank you for letting us know. You stay on the waitlist; we will write when another time frees up.',
    };
  }

  const ctx: PatientActor = { clinicId: offer.clinicId, patientId: offer.patientId, origin };
  const unavailable = () =>
    new AppError('conflict', 'Sorry, this time is no longer available. Please call the clinic to find another one.');
  let prepared: PreparedBooking;
  try {
    const type = await requireType(db, ctx, offer.appointmentTypeId);
    prepared = await prepareBooking(db, ctx, type, {
      patientId: offer.patientId,
      providerId: offer.providerId,
      start: offer.startAt.toISOString(),
      allowPatientOverlap: false,
      waitlistEntryId: offer.entryId,
    });
  } catch (error) {
    // Outside working hours now, elsewhere at the time, no room: not for the patient to override.
    if (error instanceof AppError) throw unavailable();
    throw error;
  }
  try {
    await commitBooking(db, ctx, prepared, {
      after: async (tx, appointment) => {
        // The offer must be the one this booking took: still open and held until now.
        const [accepted] = await tx
          .select({
            status: schema.waitlistOffers.status,
            appointmentId: schema.waitlistOffers.appointmentId,
            holdUntil: schema.waitlistOffers.holdUntil,
          })
          .from(schema.waitlistOffers)
          .where(eq(schema.waitlistOffers.id, offer.id));
        if (
          accepted?.status !== 'accepted' ||
          accepted.appointmentId !== appointment.id ||
          accepted.holdUntil <= new Date()
        ) {
          throw new AppError('conflict', 'This time is no longer held for you. You stay on the waitlist.');
        }
        await recordAnonymousAudit(tx, origin, {
          ...audit,
          action: 'waitlist.offer_accept',
          details: { entryId: offer.entryId, appointmentId: appointment.id, via: 'link' },
        });
      },
    });
  } catch (error) {
    // Taken meanwhile, or no room left: not for the patient to work around.
    if (error instanceof AppError && (error.code === 'slot_taken' || error.code === 'validation_failed')) {
      throw unavailable();
    }
    throw error;
  }
  return {
    ...(await inspectOffer(db, claims)),
    state: 'done',
    message: 'It is yours — your appointment is booked. We have sent you the details.',
  };
}
