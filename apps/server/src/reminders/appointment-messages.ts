import { type Db, schema } from '@tend/db';
import {
  type AppointmentAction,
  afterQuietHours,
  type Channel,
  type MessageKind,
  messageDateTime,
  reminderInstant,
  renderTemplate,
  type Template,
} from '@tend/domain';
import { and, eq, sql } from 'drizzle-orm';
import { appointmentIcs } from '../messaging/ics';
import { enqueueMessage, enqueueMessages, type QueuedMessage, withdrawMessages } from '../messaging/outbox';
import { templateFor, templatesFor } from './templates';

/**
 * What an appointment's patient is told, written in the same transaction as the change: a notice
 * when it is booked, moved or cancelled, and the clinic's reminders before it. A move or a
 * cancellation first withdraws every reminder not yet sent, so a reminder always speaks of the
 * appointment as it is. Links ({confirmLink}, {cancelLink}) are signed when the message is sent.
 */

type AppointmentRow = typeof schema.appointments.$inferSelect;
type OfferRow = typeof schema.waitlistOffers.$inferSelect;
type PatientRow = typeof schema.patients.$inferSelect;
export type AppointmentChange = AppointmentAction | 'book' | 'reschedule';

/** Kept as placeholders in the stored text until the worker sends it (see outbox.ts). */
const LINK_PLACEHOLDERS = { confirmLink: '{confirmLink}', cancelLink: '{cancelLink}', acceptLink: '{acceptLink}' };

export interface Recipient {
  email: string | null;
  mobile: string | null;
  preferred: Channel;
}

async function contextOf(
  tx: Db,
  row: Pick<AppointmentRow, 'patientId' | 'locationId' | 'providerId' | 'appointmentTypeId'>,
) {
  const pt = schema.patients;
  const cl = schema.clinics;
  const [context] = await tx
    .select({
      // The columns the messages use (not the rows: this runs in every booking's transaction).
      patient: {
        givenName: pt.givenName,
        preferredName: pt.preferredName,
        preferredLanguage: pt.preferredLanguage,
        preferredContactMethod: pt.preferredContactMethod,
        email: pt.email,
        emailOptOutAt: pt.emailOptOutAt,
        phones: pt.phones,
        smsOptOutAt: pt.smsOptOutAt,
      },
      clinic: {
        name: cl.name,
        phone: cl.phone,
        timezone: cl.timezone,
        quietHoursStart: cl.quietHoursStart,
        quietHoursEnd: cl.quietHoursEnd,
      },
      location: { name: schema.locations.name, phone: schema.locations.phone, timezone: schema.locations.timezone },
      providerName: schema.providers.name,
      providerTitle: schema.providers.title,
      reminders: schema.appointmentTypes.reminders,
      // The transaction's time: what a row inserted in it gets as its booked_at and updated_at.
      transactionTime: sql`now()`.mapWith(schema.appointments.updatedAt),
    })
    .from(schema.patients)
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.patients.clinicId))
    .innerJoin(schema.locations, eq(schema.locations.id, row.locationId))
    .innerJoin(schema.providers, eq(schema.providers.id, row.providerId))
    .innerJoin(schema.appointmentTypes, eq(schema.appointmentTypes.id, row.appointmentTypeId))
    .where(eq(schema.patients.id, row.patientId));
  return context;
}

type Context = NonNullable<Awaited<ReturnType<typeof contextOf>>>;

/** Where the patient can be reached, and how they prefer it (email unless they asked for texts). */
export function recipientOf(
  patient: Pick<PatientRow, 'email' | 'emailOptOutAt' | 'phones' | 'smsOptOutAt' | 'preferredContactMethod'>,
): Recipient {
  const mobile = patient.phones.find((phone) => phone.use === 'mobile')?.number ?? null;
  return {
    email: patient.emailOptOutAt ? null : patient.email,
    mobile: patient.smsOptOutAt || !mobile?.startsWith('+') ? null : mobile,
    preferred: patient.preferredContactMethod === 'sms' ? 'sms' : 'email',
  };
}

export function addressFor(recipient: Recipient, channel: Channel): string | null {
  return channel === 'email' ? recipient.email : recipient.mobile;
}

function variables(context: Context, row: { startAt: Date }, channel: Channel): Record<string, string> {
  return {
    firstName: context.patient.preferredName || context.patient.givenName,
    clinic: context.clinic.name,
    clinicPhone: context.location.phone ?? context.clinic.phone ?? '',
    ...messageDateTime(row.startAt, context.location.timezone, channel),
    provider: [context.providerTitle, context.providerName].filter(Boolean).join(' '),
    location: context.location.name,
    ...LINK_PLACEHOLDERS,
  };
}

/** The fields of an appointment its messages use. */
type MessageRow = Pick<AppointmentRow, 'id' | 'clinicId' | 'patientId' | 'startAt' | 'endAt' | 'updatedAt'>;

/** One message about the appointment, rendered; null when the patient has no address for the channel. */
function messageFor(
  plan: AppointmentMessagePlan,
  row: MessageRow,
  message: { kind: MessageKind; channel: Channel; sendAfter: Date; key: string; ruleId?: string | null },
): QueuedMessage | null {
  const { context } = plan;
  const to = addressFor(recipientOf(context.patient), message.channel);
  if (!to) return null;
  const template = plan.wording(message.kind, message.channel);
  const values = variables(context, row, message.channel);
  const cancelled = message.kind === 'cancelled';
  const calendar =
    message.channel === 'email' && message.kind !== 'recall'
      ? [
          {
            filename: 'appointment.ics',
            contentType: `text/calendar; method=${cancelled ? 'CANCEL' : 'REQUEST'}`,
            content: Buffer.from(
              appointmentIcs({
                uid: `${row.id}@tend`,
                // Later changes must win in the patient's calendar.
                sequence: Math.floor(row.updatedAt.getTime() / 1000) % 2_147_483_647,
                start: row.startAt,
                end: row.endAt,
                timezone: context.location.timezone,
                summary: `Appointment at ${context.clinic.name}`,
                location: context.location.name,
                description: `With ${context.providerName}`,
                organizerName: context.clinic.name,
                organizerEmail: null,
                method: cancelled ? 'CANCEL' : 'REQUEST',
              }),
            ),
          },
        ]
      : [];
  return {
    clinicId: row.clinicId,
    channel: message.channel,
    to,
    subject: message.channel === 'email' ? renderTemplate(template.subject, values) : '',
    text: renderTemplate(template.body, values),
    kind: message.kind,
    patientId: row.patientId,
    related: { type: 'appointment', id: row.id },
    ruleId: message.ruleId ?? null,
    sendAfter: message.sendAfter,
    idempotencyKey: message.key,
    attachments: calendar,
  };
}

/** The patient's preferred channel, or the other one when that is not possible ; null when neither is. */
export function channelFor(recipient: Recipient): Channel | null {
  const order: Channel[] = recipient.preferred === 'sms' ? ['sms', 'email'] : ['email', 'sms'];
  return order.find((c) => addressFor(recipient, c)) ?? null;
}

/** A notice by the patient's preferred channel (or the other one when that is not possible). */
function notice(plan: AppointmentMessagePlan, row: MessageRow, kind: MessageKind, now: Date): QueuedMessage | null {
  const channel = channelFor(recipientOf(plan.context.patient));
  if (!channel) return null;
  const version = row.updatedAt.getTime();
  return messageFor(plan, row, { kind, channel, sendAfter: now, key: `${kind}:${row.id}:${version}` });
}

/** The clinic's active reminders for this appointment, each at its due time (none already past). */
function reminders(plan: AppointmentMessagePlan, row: MessageRow, now: Date): Array<QueuedMessage | null> {
  const { context } = plan;
  const timezone = context.location.timezone;
  const quiet = { start: context.clinic.quietHoursStart, end: context.clinic.quietHoursEnd };
  const out: Array<QueuedMessage | null> = [];
  for (const rule of plan.rules) {
    let due = reminderInstant(row.startAt.getTime(), rule.minutesBefore, timezone);
    if (rule.channel === 'sms') due = afterQuietHours(due, context.clinic.timezone, quiet);
    if (due <= now.getTime() || due >= row.startAt.getTime()) continue;
    out.push(
      messageFor(plan, row, {
        kind: 'reminder',
        channel: rule.channel,
        sendAfter: new Date(due),
        ruleId: rule.id,
        key: `reminder:${row.id}:${rule.id}:${row.updatedAt.getTime()}`,
      }),
    );
  }
  return out;
}

/**
 * What the messages of a booked, moved or cancelled appointment need from the database (the
 * patient, clinic, location, provider and type; the reminder rules; the wordings), read before any
 * is written: a booking reads them before it takes the provider's calendar lock, which is held
 * until commit.
 */
export interface AppointmentMessagePlan {
  change: 'book' | 'reschedule' | 'cancel';
  context: Context;
  /** The clinic's active reminder rules (none when the type sends no reminders or this is a cancellation). */
  rules: Array<typeof schema.reminderRules.$inferSelect>;
  wording: (kind: MessageKind, channel: Channel) => Template;
  /** The transaction's time (now()): the updated_at (its default) of an appointment inserted in it. */
  transactionTime: Date;
}

export async function readAppointmentMessages(
  tx: Db,
  change: 'book' | 'reschedule' | 'cancel',
  row: Pick<AppointmentRow, 'clinicId' | 'patientId' | 'locationId' | 'providerId' | 'appointmentTypeId'>,
): Promise<AppointmentMessagePlan | null> {
  const context = await contextOf(tx, row);
  if (!context) return null;
  const rules =
    change !== 'cancel' && context.reminders
      ? await tx
          .select()
          .from(schema.reminderRules)
          .where(and(eq(schema.reminderRules.clinicId, row.clinicId), eq(schema.reminderRules.active, true)))
      : [];
  const kinds: MessageKind[] =
    change === 'cancel'
      ? ['cancelled']
      : [change === 'book' ? 'booked' : 'rescheduled', ...(rules.length ? ['reminder' as const] : [])];
  const wording = await templatesFor(tx, row.clinicId, kinds, context.patient.preferredLanguage ?? 'en');
  return { change, context, rules, wording, transactionTime: context.transactionTime };
}

/** Writes the messages a plan read for: the notice, and for a booking or a move the reminders. */
export async function writeAppointmentMessages(
  tx: Db,
  plan: AppointmentMessagePlan,
  row: MessageRow,
  now: Date = new Date(),
): Promise<void> {
  const messages =
    plan.change === 'cancel'
      ? [notice(plan, row, 'cancelled', now)]
      : [notice(plan, row, plan.change === 'book' ? 'booked' : 'rescheduled', now), ...reminders(plan, row, now)];
  await enqueueMessages(
    tx,
    messages.filter((m) => m !== null),
  );
}

/** Writes (and withdraws) the patient's messages for a change of an appointment. */
export async function appointmentMessages(
  tx: Db,
  change: AppointmentChange,
  row: AppointmentRow,
  previous?: AppointmentRow,
  now: Date = new Date(),
): Promise<void> {
  const related = { type: 'appointment', id: row.id };
  const moved =
    change === 'reschedule' &&
    previous !== undefined &&
    (previous.startAt.getTime() !== row.startAt.getTime() || previous.providerId !== row.providerId);
  if (change === 'confirm' || (change === 'reschedule' && !moved)) return;
  // Whatever happened, reminders written for the appointment as it was are not sent.
  if (change !== 'book') {
    const reason =
      change === 'reschedule'
        ? 'The appointment moved.'
        : change === 'cancel'
          ? 'The appointment was cancelled.'
          : 'The appointment has taken place (or was missed).';
    await withdrawMessages(tx, row.clinicId, related, ['reminder', 'booked', 'rescheduled'], reason);
  }
  if (change !== 'book' && change !== 'reschedule' && change !== 'cancel') return;
  const plan = await readAppointmentMessages(tx, change, row);
  if (plan) await writeAppointmentMessages(tx, plan, row, now);
}

/**
 * The message offering a waiting patient a freed time ({acceptLink} is signed when it is sent, and
 * the message withdrawn if the offer closed meanwhile). Returns the message's id.
 */
export async function enqueueWaitlistOffer(
  tx: Db,
  offer: OfferRow,
  channel: Channel,
  sendAfter: Date,
): Promise<string | null> {
  const context = await contextOf(tx, offer);
  const to = context && addressFor(recipientOf(context.patient), channel);
  if (!context || !to) return null;
  const template = await templateFor(
    tx,
    offer.clinicId,
    'waitlist_offer',
    channel,
    context.patient.preferredLanguage ?? 'en',
  );
  const timeZone = context.location.timezone;
  const day = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);
  const holdUntil = new Intl.DateTimeFormat('en-US', {
    timeZone,
    ...(day(offer.holdUntil) === day(sendAfter) ? {} : { weekday: 'short' as const }),
    hour: 'numeric',
    minute: '2-digit',
  }).format(offer.holdUntil);
  const values = { ...variables(context, offer, channel), holdUntil };
  return enqueueMessage(tx, {
    clinicId: offer.clinicId,
    channel,
    to,
    subject: channel === 'email' ? renderTemplate(template.subject, values) : '',
    text: renderTemplate(template.body, values),
    kind: 'waitlist_offer',
    patientId: offer.patientId,
    related: { type: 'waitlist_offer', id: offer.id },
    sendAfter,
    idempotencyKey: `waitlist_offer:${offer.id}`,
  });
}
