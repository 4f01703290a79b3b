import type { ReportColumnDefinition } from './appointments';
import type { ReportRowsColumnDefinition } from './rows';

/**
 * The Reminders report: what the reminder rules sent, and how the appointments they reminded went
 * next to the appointments no reminder reached. Everything is about the appointments starting in
 * the range (on their clinic-local start date), so one row's messages and outcomes are about the
 * same appointments.
 * Messages: the reminders (`messages.kind = 'reminder'`) of those appointments;
 * - sent: left the outbox (`sent`, or `captured` when the clinic does not deliver for real);
 *   withdrawn ones (the appointment moved or was cancelled first) and ones still queued are not;
 * - delivered: sent emails (no delivery reports exist for email), and texts the carrier reported
 *   `delivered` (or `read`); a text without a final report is sent but not delivered;
 * - failed: the outbox gave up (`failed`), or the carrier reported the text `failed`/`undelivered`.
 * Appointments: reminded = at least one reminder was sent for it (grouped by rule: one of this
 * rule's); not reminded = none was sent at all. For each side:
 * - confirmation rate = confirmed (`confirmed_at`: the patient's link, or staff on the patient's
 *   word) — for reminded ones at or after the first reminder was sent — ÷ appointments;
 * - cancellation rate = cancelled ÷ appointments;
 * - no-show rate = no-shows ÷ appointments that were due (arrived, completed or no-show), as in
 *   the Appointments report.
 * Grouped by rule, each row is one rule (its messages and the appointments it reminded); the
 * not-reminded figures are the same in every row (the comparison), and the totals count each
 * appointment once.
 */
export const REMINDER_MESSAGE_METRICS = ['sent', 'delivered', 'failed'] as const;
export const REMINDER_APPOINTMENT_METRICS = [
  'reminded',
  'reminded_confirmed',
  'reminded_cancelled',
  'reminded_due',
  'reminded_no_show',
  'not_reminded',
  'not_reminded_confirmed',
  'not_reminded_cancelled',
  'not_reminded_due',
  'not_reminded_no_show',
] as const;
export const REMINDER_METRICS = [...REMINDER_MESSAGE_METRICS, ...REMINDER_APPOINTMENT_METRICS] as const;
export type ReminderMessageMetric = (typeof REMINDER_MESSAGE_METRICS)[number];
export type ReminderAppointmentMetric = (typeof REMINDER_APPOINTMENT_METRICS)[number];
export type ReminderMetric = (typeof REMINDER_METRICS)[number];

export const REMINDER_REPORT_COLUMNS = [
  { key: 'sent', label: 'reports.reminders.sent', kind: 'count', drill: 'sent' },
  { key: 'delivered', label: 'reports.reminders.delivered', kind: 'count', drill: 'delivered' },
  { key: 'failed', label: 'reports.reminders.failed', kind: 'count', drill: 'failed' },
  { key: 'reminded', label: 'reports.reminders.reminded', kind: 'count', drill: 'reminded' },
  {
    key: 'remindedConfirmRate',
    label: 'reports.reminders.remindedConfirmRate',
    kind: 'percent',
    drill: 'reminded_confirmed',
  },
  {
    key: 'remindedCancelRate',
    label: 'reports.reminders.remindedCancelRate',
    kind: 'percent',
    drill: 'reminded_cancelled',
  },
  {
    key: 'remindedNoShowRate',
    label: 'reports.reminders.remindedNoShowRate',
    kind: 'percent',
    drill: 'reminded_no_show',
  },
  { key: 'notReminded', label: 'reports.reminders.notReminded', kind: 'count', drill: 'not_reminded' },
  {
    key: 'notRemindedConfirmRate',
    label: 'reports.reminders.notRemindedConfirmRate',
    kind: 'percent',
    drill: 'not_reminded_confirmed',
  },
  {
    key: 'notRemindedCancelRate',
    label: 'reports.reminders.notRemindedCancelRate',
    kind: 'percent',
    drill: 'not_reminded_cancelled',
  },
  {
    key: 'notRemindedNoShowRate',
    label: 'reports.reminders.notRemindedNoShowRate',
    kind: 'percent',
    drill: 'not_reminded_no_show',
  },
] as const satisfies ReadonlyArray<ReportColumnDefinition<ReminderMetric>>;

/** The reminder messages behind a message figure. */
export const REMINDER_MESSAGE_ROWS_COLUMNS = [
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'rule', label: 'reports.col.rule', kind: 'text' },
  { key: 'channel', label: 'reports.col.channel', kind: 'text' },
  { key: 'appointment', label: 'reports.col.start', kind: 'datetime' },
  { key: 'status', label: 'reports.col.messageStatus', kind: 'text' },
  { key: 'sent', label: 'reports.col.sent', kind: 'datetime' },
] as const satisfies readonly ReportRowsColumnDefinition[];

/** The appointments behind an appointment figure, with their first reminder and confirmation. */
export const REMINDER_APPOINTMENT_ROWS_COLUMNS = [
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'start', label: 'reports.col.start', kind: 'datetime' },
  { key: 'status', label: 'reports.col.status', kind: 'text' },
  { key: 'reminded', label: 'reports.col.firstReminder', kind: 'datetime' },
  { key: 'confirmed', label: 'reports.col.confirmed', kind: 'datetime' },
] as const satisfies readonly ReportRowsColumnDefinition[];
