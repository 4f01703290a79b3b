import { z } from 'zod';
import { zOptionalText, zRequiredText } from '../validation';
import { CHANNELS } from './templates';

/**
 * Recalls: the follow-ups providers order during a visit ("return in 2 weeks"), with a due date.
 * The patient is messaged when one comes due and nothing is booked; the front desk works the
 * list: open → contacted → booked, or closed with a reason.
 */

export const RECALL_STATUSES = ['open', 'contacted', 'booked', 'closed'] as const;
export type RecallStatus = (typeof RECALL_STATUSES)[number];

/**
 * The list's views: `due` — open and its first message's day has come (or past); `upcoming` —
 * open, not yet; then contacted, booked and closed.
 */
export const RECALL_VIEWS = ['due', 'upcoming', 'contacted', 'booked', 'closed'] as const;
export type RecallView = (typeof RECALL_VIEWS)[number];

export const zRecallsQuery = z.object({ view: z.enum(RECALL_VIEWS).default('due') });

export const RECALL_CONTACT_CHANNELS = [...CHANNELS, 'phone'] as const;

export const zRecall = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  encounterId: z.string(),
  providerId: z.string(),
  appointmentTypeId: z.string().nullable(),
  dueDate: z.string(),
  reason: z.string(),
  status: z.enum(RECALL_STATUSES),
  appointmentId: z.string().nullable(),
  createdAt: z.string(),
  closeReason: z.string().nullable(),
  /** The last time the patient was reached: a recall message sent, or a call the front desk logged. */
  lastContact: z
    .object({
      at: z.string(),
      channel: z.enum(RECALL_CONTACT_CHANNELS),
      note: z.string().nullable(),
    })
    .nullable(),
  /** The latest recall message, whatever became of it (queued, sent, failed, withdrawn…). */
  lastMessage: z
    .object({ channel: z.enum(CHANNELS), status: z.string(), at: z.string(), error: z.string().nullable() })
    .nullable(),
  /** False: no email or mobile number, or opted out — Tend cannot message them; the front desk calls. */
  reachable: z.boolean(),
});
export type Recall = z.infer<typeof zRecall>;

export const zRecallClose = z.object({ reason: zRequiredText(200) });
export type RecallClose = z.output<typeof zRecallClose>;

export const zRecallContact = z.object({ note: zOptionalText(300) });
export type RecallContact = z.output<typeof zRecallContact>;

/** When the automatic recall messages go (at most two). */
export const zRecallSettings = z.object({
  /** The first message, this many days before the due date. */
  leadDays: z
    .number()
    .int()
    .min(0, { error: () => 'Enter 0 to 90 days.' })
    .max(90, { error: () => 'Enter 0 to 90 days.' }),
  /** A second one this many days after the first if nothing is booked yet; 0 for none. */
  secondNoticeAfterDays: z
    .number()
    .int()
    .min(0, { error: () => 'Enter 0 (no second message) to 90 days.' })
    .max(90, { error: () => 'Enter 0 (no second message) to 90 days.' }),
});
export type RecallSettings = z.infer<typeof zRecallSettings>;
