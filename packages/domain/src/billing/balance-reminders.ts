import { z } from 'zod';

/**
 * Balance reminders: an optional friendly email, with the invoice attached, while a patient's
 * invoice stays unpaid. The clock starts at the invoice date: the first reminder goes once the
 * invoice is more than `afterDays` days old (Tend's invoices are due 30 days after they are issued,
 * so the default 30 reminds the day after the due date), then every `repeatDays` days while a
 * balance is open (0: only once), at most `maxReminders` times per invoice.
 */

export const zBalanceReminderSettings = z.object({
  enabled: z.boolean(),
  afterDays: z
    .number({ error: () => 'Enter the number of days.' })
    .int({ error: () => 'Enter a whole number of days.' })
    .min(0, { error: () => 'Enter 0 days or more.' })
    .max(365, { error: () => 'Enter at most 365 days.' }),
  repeatDays: z
    .number({ error: () => 'Enter the number of days (0 for no repeat).' })
    .int({ error: () => 'Enter a whole number of days.' })
    .min(0, { error: () => 'Enter 0 (no repeat) or more days.' })
    .max(365, { error: () => 'Enter at most 365 days.' }),
  maxReminders: z
    .number({ error: () => 'Enter how many reminders at most.' })
    .int({ error: () => 'Enter a whole number of reminders.' })
    .min(1, { error: () => 'Allow at least 1 reminder (or turn reminders off).' })
    .max(12, { error: () => 'Allow at most 12 reminders per invoice.' }),
});
export type BalanceReminderSettings = z.infer<typeof zBalanceReminderSettings>;

export const DEFAULT_BALANCE_REMINDER_SETTINGS: BalanceReminderSettings = {
  enabled: false,
  afterDays: 30,
  repeatDays: 30,
  maxReminders: 3,
};

/** The settings with what the reminders did lately: reminded, and could not be reached (no email, opted out). */
export const zBalanceReminderOverview = zBalanceReminderSettings.extend({
  /** Over the last 30 days. */
  sentLast30Days: z.number().int(),
  notReachableLast30Days: z.number().int(),
});
export type BalanceReminderOverview = z.infer<typeof zBalanceReminderOverview>;

/** One reminder of an invoice, as billing staff see it on the invoice. */
export const zInvoiceReminder = z.object({
  messageId: z.string(),
  /** 1 for the first reminder of the invoice, 2 for the next … */
  number: z.number().int(),
  /** queued, sending, sent, captured, failed, or withdrawn (not reachable, or paid before it went). */
  status: z.string(),
  /** When it was (or is to be) sent. */
  at: z.string(),
  /** Why it was not sent (withdrawn or failed). */
  reason: z.string().nullable(),
});
export type InvoiceReminder = z.infer<typeof zInvoiceReminder>;

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/**
 * Whether the next reminder of an unpaid invoice is due on `today` (clinic dates, YYYY-MM-DD).
 * `reminders` counts those written already (sent or not reachable), `lastOn` the day of the latest.
 */
export function balanceReminderDue(
  settings: Omit<BalanceReminderSettings, 'enabled'>,
  invoice: { issuedOn: string; reminders: number; lastOn: string | null },
  today: string,
): boolean {
  if (invoice.reminders >= settings.maxReminders) return false;
  if (invoice.reminders === 0 || invoice.lastOn === null) {
    return dayNumber(today) - dayNumber(invoice.issuedOn) > settings.afterDays;
  }
  return settings.repeatDays > 0 && dayNumber(today) - dayNumber(invoice.lastOn) >= settings.repeatDays;
}
