import { z } from 'zod';
import { zDate, zText } from '../validation';

/** Accounts-receivable aging: how long each open amount has been owed, in 30-day buckets. */

export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

const DAY = 86_400_000;

/** Whole days from `since` to `asOf` (dates `YYYY-MM-DD`). */
export function daysBetween(since: string, asOf: string): number {
  return Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / DAY);
}

export function agingBucket(since: string, asOf: string): AgingBucket {
  const days = daysBetween(since, asOf);
  if (days <= 30) return '0-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '90+';
}

export type AgingTotals = Record<AgingBucket, number> & { total: number };

export const emptyAging = (): AgingTotals => ({ '0-30': 0, '31-60': 0, '61-90': 0, '90+': 0, total: 0 });

/**
 * Totals open amounts by bucket and by a key (a payer, a patient). The grand total is the sum of
 * the rows, which is the sum of the buckets: nothing is counted twice or dropped.
 */
export function agingReport<K extends string>(
  items: readonly { key: K; amountCents: number; since: string }[],
  asOf: string,
): { rows: Map<K, AgingTotals>; totals: AgingTotals } {
  const rows = new Map<K, AgingTotals>();
  const totals = emptyAging();
  for (const item of items) {
    if (item.amountCents === 0) continue;
    const bucket = agingBucket(item.since, asOf);
    const row = rows.get(item.key) ?? emptyAging();
    row[bucket] += item.amountCents;
    row.total += item.amountCents;
    totals[bucket] += item.amountCents;
    totals.total += item.amountCents;
    rows.set(item.key, row);
  }
  return { rows, totals };
}

/** The A/R aging report's patient list is paged: this many patients by default, at most the max. */
export const AGING_PATIENT_PAGE = 50;
export const AGING_PATIENT_PAGE_MAX = 500;

export const zArAgingQuery = z.object({
  asOf: zDate.optional(),
  /** One page of the patients who owe, largest balance first. */
  patientLimit: z.coerce.number().int().min(1).max(AGING_PATIENT_PAGE_MAX).default(AGING_PATIENT_PAGE),
  patientOffset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** Only patients whose name has a word starting with this. */
  patientQuery: zText(100).optional(),
});
export type ArAgingQuery = z.input<typeof zArAgingQuery>;

export const zAgingBuckets = z.object({
  d0to30: z.number().int(),
  d31to60: z.number().int(),
  d61to90: z.number().int(),
  d90plus: z.number().int(),
  total: z.number().int(),
});
export type AgingBuckets = z.infer<typeof zAgingBuckets>;

export const zAgingRow = zAgingBuckets.extend({ id: z.string(), name: z.string() });
export type AgingRow = z.infer<typeof zAgingRow>;

export const zArAging = z.object({
  asOf: z.string(),
  byPayer: z.array(zAgingRow),
  /** One page of the patients who owe (largest balance first, then by name). */
  byPatient: z.array(zAgingRow),
  /** How many patients owe something (matching `patientQuery`, if given): all pages. */
  patientCount: z.number().int(),
  totals: z.object({ insurer: zAgingBuckets, patient: zAgingBuckets }),
});
export type ArAging = z.infer<typeof zArAging>;
