import { type Db, primaryOf, queryRows } from '@tend/db';
import { isPeriodGroup, periodStart, type ReportQuery } from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';

/**
 * Per-day rollups of a report (migration 0021, docs/performance.md): a report's additive sums per
 * clinic-local day × provider × location, stored the first time a day is read and used while the
 * day's version (bumped by triggers whenever its rows change) and the clinic rules they assumed
 * are unchanged. A year's report then reads 365 stored days and computes only the days that changed
 * since — not the ≈450,000 appointments of a clinic network's year on every request.
 *
 * A rollup row holds numbers, which add up, and histograms (`{ value: count }`), which merge, for
 * medians; `provider`, `location` and `key` say whose sums they are.
 */
export interface RollupRow {
  provider: string;
  location: string;
  key?: string;
  [sum: string]: number | string | Histogram | undefined;
}

export type Histogram = Record<string, number>;

export interface DayRollup {
  /** The report's name and the version of its formula: change it when `days` changes. */
  report: string;
  /**
   * The SQL of the sums of the clinic-local days `from`…`to`: one row per day that has any,
   * `(local_date date, sums jsonb)`, `sums` being the day's RollupRows as a JSON array.
   */
  days(from: string, to: string): SQL;
}

/**
 * The rollup rows of every day of `from`…`to`: the stored ones still valid, and the others computed
 * (all at once, over the span of the days missing) and stored for the next read — on a read replica
 * computed from its rows and stored by the primary in the background. `fingerprint` names the
 * clinic rules the sums depend on (time zone, grace period…): stored sums computed under other
 * rules are not used.
 */
export async function rolledUpDays(
  db: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  from: string,
  to: string,
): Promise<Array<RollupRow & { date: string }>> {
  const stored = await queryRows<{ date: string; sums: RollupRow[] | null }>(
    db,
    sql`SELECT d::date::text AS date, r.sums
        FROM generate_series(${from}::date, ${to}::date, interval '1 day') d
        LEFT JOIN report_day_versions v ON v.clinic_id = ${ctx.clinicId} AND v.local_date = d::date
        LEFT JOIN report_day_rollups r ON r.clinic_id = ${ctx.clinicId} AND r.report = ${rollup.report}
          AND r.local_date = d::date AND r.version = coalesce(v.version, 0) AND r.fingerprint = ${fingerprint}
        ORDER BY d`,
  );
  const missing = stored.filter((day) => day.sums === null).map((day) => day.date);
  const days = stored.filter((day) => day.sums !== null) as Array<{ date: string; sums: RollupRow[] }>;
  if (missing.length > 0) {
    const first = missing[0];
    const last = missing[missing.length - 1];
    const inRange = new Set(missing);
    const primary = primaryOf(db);
    let computed: Array<{ date: string; sums: RollupRow[] }>;
    if (primary) {
      // A read replica cannot store: it computes the days from its own rows for this answer, and
      // the primary stores them (once, in the background) for the next reads.
      computed = await queryRows(db, sql`SELECT local_date::text AS date, sums FROM (${rollup.days(first, last)}) c`);
      storeInBackground(primary, ctx, rollup, fingerprint, first, last);
    } else {
      computed = await queryRows(db, storeDays(ctx, rollup, fingerprint, first, last));
    }
    days.push(...computed.filter((day) => inRange.has(day.date)));
  }
  return days.flatMap((day) => day.sums.map((row) => ({ ...row, date: day.date })));
}

/**
 * Computes the days `first`…`last` and stores them, answering the stored rows. The sums and the
 * days' versions are read by one statement, so from one snapshot: a change committed after it
 * bumps the version past the one stored, and its day is computed again.
 */
function storeDays(ctx: ClinicScope, rollup: DayRollup, fingerprint: string, first: string, last: string): SQL {
  return sql`WITH computed AS (${rollup.days(first, last)}),
      versions AS (
        SELECT local_date, version FROM report_day_versions
        WHERE clinic_id = ${ctx.clinicId} AND local_date BETWEEN ${first}::date AND ${last}::date)
    INSERT INTO report_day_rollups (clinic_id, report, local_date, version, fingerprint, sums)
    SELECT ${ctx.clinicId}, ${rollup.report}, d::date, coalesce(v.version, 0), ${fingerprint},
      coalesce(c.sums, '[]'::jsonb)
    FROM generate_series(${first}::date, ${last}::date, interval '1 day') d
    LEFT JOIN versions v ON v.local_date = d::date
    LEFT JOIN computed c ON c.local_date = d::date
    ON CONFLICT (clinic_id, report, local_date) DO UPDATE
      SET version = excluded.version, fingerprint = excluded.fingerprint, sums = excluded.sums
    RETURNING local_date::text AS date, sums`;
}

/** The spans being stored in the background (a clinic's report's days), each once at a time. */
const storing = new Set<string>();

function storeInBackground(
  primary: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  first: string,
  last: string,
): void {
  const key = `${ctx.clinicId} ${rollup.report} ${fingerprint} ${first} ${last}`;
  if (storing.has(key)) return;
  storing.add(key);
  // A failure only leaves the days to be computed again by the next read.
  queryRows(primary, storeDays(ctx, rollup, fingerprint, first, last))
    .catch(() => undefined)
    .finally(() => storing.delete(key));
}

/** Adds `row`'s numbers and histograms into `into` (its provider, location and key are not sums). */
function addInto(into: Record<string, unknown>, row: RollupRow): void {
  for (const [name, value] of Object.entries(row)) {
    if (name === 'provider' || name === 'location' || name === 'key' || name === 'date') continue;
    if (typeof value === 'number') {
      into[name] = ((into[name] as number | undefined) ?? 0) + value;
    } else if (value && typeof value === 'object') {
      const histogram = ((into[name] as Histogram | undefined) ?? {}) as Histogram;
      for (const [bucket, count] of Object.entries(value)) histogram[bucket] = (histogram[bucket] ?? 0) + count;
      into[name] = histogram;
    }
  }
}

/**
 * The rollup rows of the query's filters summed by its group (a period's first date, a provider,
 * a location or a key), with the totals as the row of period `null` — what a report's grouped SQL
 * with `grouping sets ((1), ())` answers.
 */
export function groupRollup<Sums>(
  rows: Array<RollupRow & { date: string }>,
  query: ReportQuery,
): Array<Partial<Sums> & { period: string | null }> {
  const groups = new Map<string | null, Record<string, unknown>>([[null, {}]]);
  const group = query.group;
  for (const row of rows) {
    if (query.locationId && row.location !== query.locationId) continue;
    if (query.providerId && row.provider !== query.providerId) continue;
    const key = isPeriodGroup(group)
      ? periodStart(row.date, group)
      : group === 'provider'
        ? row.provider
        : group === 'location'
          ? row.location
          : (row.key ?? null);
    addInto(groups.get(null) as Record<string, unknown>, row);
    if (key === null) continue;
    const sums = groups.get(key) ?? {};
    groups.set(key, sums);
    addInto(sums, row);
  }
  return [...groups.entries()].map(([period, sums]) => ({ ...(sums as Partial<Sums>), period }));
}

/** The median of a histogram `{ value: count }` as `percentile_cont(0.5)` (the mean of the middle two), or null. */
export function histogramMedian(histogram: Histogram | undefined): number | null {
  const buckets = Object.entries(histogram ?? {})
    .map(([value, count]) => [Number(value), count] as const)
    .filter(([, count]) => count > 0)
    .sort((x, y) => x[0] - y[0]);
  const n = buckets.reduce((total, [, count]) => total + count, 0);
  if (n === 0) return null;
  const at = (index: number) => {
    let seen = 0;
    for (const [value, count] of buckets) {
      seen += count;
      if (index < seen) return value;
    }
    return buckets[buckets.length - 1][0];
  };
  return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}
