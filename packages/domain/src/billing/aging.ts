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
