import { z } from 'zod';
import { t } from '../i18n';
import { zEmail } from '../validation';

/**
 * Monthly statements: one patient's open balance as of the end of a month — each charge they
 * still owe something on, the payments and adjustments posted on it, the balance before the
 * month, what the month added and took off, and the total due.
 */

/** A month as `YYYY-MM`. */
export const zMonth = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: () => t('validation.month') });

export const zStatementCreate = z.object({ month: zMonth });
export const zStatementListQuery = z.object({ month: zMonth.optional() });
export const zStatementSend = z.object({
  /** Defaults to the patient's email address. */
  to: zEmail.optional(),
});

export const zStatementLine = z.object({
  date: z.string(),
  description: z.string(),
  /** What the line adds to the balance (a charge's patient portion, an amount moved from the insurer). */
  chargeCents: z.number().int(),
  /** What it takes off (a payment, a write-off). */
  creditCents: z.number().int(),
});
export type StatementLine = z.infer<typeof zStatementLine>;

export const zStatement = z.object({
  id: z.string(),
  number: z.number().int(),
  patientId: z.string(),
  patientName: z.string(),
  month: z.string(),
  issuedOn: z.string(),
  dueOn: z.string(),
  /** The open charges' balance before the month began. */
  previousBalanceCents: z.number().int(),
  /** Charges (and amounts moved to the patient) dated in the month. */
  chargesCents: z.number().int(),
  /** Payments and adjustments dated in the month. */
  creditsCents: z.number().int(),
  /** previous + charges − credits: what the patient owed at the end of the month. */
  totalDueCents: z.number().int(),
  sentAt: z.string().nullable(),
  emailMessageId: z.string().nullable(),
  lines: z.array(zStatementLine),
});
export type Statement = z.infer<typeof zStatement>;

/** The first and last day of a `YYYY-MM` month. */
export function monthBounds(month: string): { first: string; last: string } {
  const [year, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
  return { first: `${month}-01`, last };
}

/** One entry on a charge: the charge itself, or something posted on it (dated). */
export interface StatementEntry {
  chargeId: string;
  date: string;
  description: string;
  /** Positive raises what is owed (a charge), negative lowers it (a payment, a write-off). */
  amountCents: number;
}

export interface StatementTotals {
  previousBalanceCents: number;
  chargesCents: number;
  creditsCents: number;
  totalDueCents: number;
  /** In date order, each with the charge it belongs to. */
  lines: (StatementLine & { chargeId: string })[];
  /** The charges still owed at the end of the month (a statement lists only these). */
  openChargeIds: string[];
}

/**
 * Builds a patient's statement for a month from the entries of their charges (pure). Entries
 * after the month are ignored; a charge appears only when something of it is still owed at the
 * month's end; entries before the month make up the previous balance.
 */
export function buildStatement(month: string, entries: readonly StatementEntry[]): StatementTotals {
  const { first, last } = monthBounds(month);
  const upToEnd = entries.filter((entry) => entry.date <= last);
  const owed = new Map<string, number>();
  for (const entry of upToEnd) owed.set(entry.chargeId, (owed.get(entry.chargeId) ?? 0) + entry.amountCents);
  const openChargeIds = [...owed].filter(([, cents]) => cents > 0).map(([id]) => id);
  const open = new Set(openChargeIds);
  const lines = upToEnd
    .filter((entry) => open.has(entry.chargeId))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let previousBalanceCents = 0;
  let chargesCents = 0;
  let creditsCents = 0;
  for (const line of lines) {
    if (line.date < first) previousBalanceCents += line.amountCents;
    else if (line.amountCents > 0) chargesCents += line.amountCents;
    else creditsCents -= line.amountCents;
  }
  return {
    previousBalanceCents,
    chargesCents,
    creditsCents,
    totalDueCents: previousBalanceCents + chargesCents - creditsCents,
    openChargeIds,
    lines: lines.map((line) => ({
      chargeId: line.chargeId,
      date: line.date,
      description: line.description,
      chargeCents: Math.max(line.amountCents, 0),
      creditCents: Math.max(-line.amountCents, 0),
    })),
  };
}
