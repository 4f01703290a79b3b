import { createHash } from 'node:crypto';
import { type Db, schema, sqlState } from '@tend/db';
import { AppError, type LinkView } from '@tend/domain';
import { eq } from 'drizzle-orm';
import type { RequestOrigin } from '../context';
import type { SecretKeySource } from '../email/secret-box';
import { type LinkClaims, verifyLink } from '../messaging/links';
import { patientAppointmentAction } from '../scheduling/appointments';
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
  input: { anotherTime?: boolean | undefined; start?: string | undefined },
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
  const { view, row } = await inspect(db, keys, token);
  if (view.state !== 'ready' || !row || !view.action || view.action === 'book') {
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
