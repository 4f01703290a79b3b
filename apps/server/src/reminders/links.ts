import { createHash } from 'node:crypto';
import { type Db, schema, sqlState } from '@tend/db';
import { AppError, type LinkView } from '@tend/domain';
import { eq } from 'drizzle-orm';
import type { RequestOrigin } from '../context';
import type { SecretKeySource } from '../email/secret-box';
import { type LinkClaims, verifyLink } from '../messaging/links';
import { patientAppointmentAction } from '../scheduling/appointments';

/**
 * What a patient sees and does behind a link in a reminder: the appointment (clinic, date, time,
 * provider, place — nothing clinical), and one button. Opening the link (GET) never changes
 * anything — mail scanners open links too; the button (POST) confirms or cancels, once.
 */

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

async function load(db: Db, claims: LinkClaims) {
  const [row] = await db
    .select({
      appointment: schema.appointments,
      clinic: schema.clinics.name,
      provider: schema.providers.name,
      providerTitle: schema.providers.title,
      location: schema.locations.name,
      timezone: schema.locations.timezone,
    })
    .from(schema.appointments)
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.appointments.clinicId))
    .innerJoin(schema.providers, eq(schema.providers.id, schema.appointments.providerId))
    .innerJoin(schema.locations, eq(schema.locations.id, schema.appointments.locationId))
    .where(eq(schema.appointments.id, claims.id));
  return row ?? null;
}

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

function describe(row: Loaded): NonNullable<LinkView['appointment']> {
  const start = row.appointment.startAt;
  return {
    clinic: row.clinic,
    date: new Intl.DateTimeFormat('en-US', {
      timeZone: row.timezone,
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      year: 'numeric',
    }).format(start),
    time: new Intl.DateTimeFormat('en-US', { timeZone: row.timezone, hour: 'numeric', minute: '2-digit' }).format(
      start,
    ),
    provider: [row.providerTitle, row.provider].filter(Boolean).join(' '),
    location: row.location,
    status: row.appointment.status,
  };
}

/** The state of a link now, and the appointment it is about. */
async function inspect(
  db: Db,
  keys: SecretKeySource,
  token: string,
): Promise<{ view: LinkView; row: Loaded | null; claims: LinkClaims | null }> {
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
  const action = claims.action === 'confirm' || claims.action === 'cancel' ? claims.action : null;
  const row = await load(db, claims);
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
  const appointment = describe(row);
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
  return (await inspect(db, keys, token)).view;
}

/** Confirms or cancels (with "please offer me another time" if asked), once per link. */
export async function useLink(
  db: Db,
  keys: SecretKeySource,
  origin: RequestOrigin,
  token: string,
  input: { anotherTime?: boolean | undefined },
): Promise<LinkView> {
  const { view, row } = await inspect(db, keys, token);
  if (view.state !== 'ready' || !row || !view.action) {
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
