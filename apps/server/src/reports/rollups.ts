import { type Db, primaryOf, queryRows } from '@tend/db';
import { addDaysTo, isPeriodGroup, periodStart, type ReportGroup, type ReportQuery } from '@tend/domain';
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
  /** The names of its rows' numbers and histograms, for summing them in the database. */
  fields?: RollupFields;
}

export interface RollupFields {
  numbers: readonly string[];
  histograms?: readonly string[];
}

/** A rollup whose rows can be summed in the database (`sumRolledUpDays`). */
export type SummableRollup = DayRollup & { fields: RollupFields };

/** A row of `sumRolledUpDays`'s statement: a group's numbers (`n_<name>`) and histograms. */
type SummedRow = {
  days: number;
  total: boolean | null;
  period: string | null;
  key: string | null;
  histograms: Record<string, Histogram> | null;
} & Record<string, unknown>;

/** How many days one read brings into the server at once (`eachRolledUpRow`). */
const DAYS_PER_READ = 31;

/**
 * Calls `visit` with the rollup rows of every day of `from`…`to`: the stored ones still valid, and
 * the others computed (`computeDays`) and stored for the next read — on a read replica computed
 * from its rows and stored by the primary in the background. `fingerprint` names the clinic rules
 * the sums depend on (time zone, grace period…): stored sums computed under other rules are not
 * used. The days are read a month at a time, so that only a
 * month of rows is in the server at once: a year of a clinic network's rollups read whole was
 * ≈150 MB of objects, and the heap they grew stayed with the process (docs/performance.md). Each
 * row is visited once, with its day's `date`; the callback may keep it.
 */
export async function eachRolledUpRow(
  db: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  span: { from: string; to: string },
  visit: (row: RollupRow & { date: string }) => void,
): Promise<void> {
  for (let first = span.from; first <= span.to; first = addDaysTo(first, DAYS_PER_READ)) {
    const end = addDaysTo(first, DAYS_PER_READ - 1);
    // biome-ignore lint/complexity/useMathMinMax: ISO dates are strings, which Math.min would turn into NaN.
    const last = end < span.to ? end : span.to;
    for (const day of await rolledUpDays(db, ctx, rollup, fingerprint, first, last)) {
      for (const row of day.sums) {
        (row as RollupRow & { date: string }).date = day.date;
        visit(row as RollupRow & { date: string });
      }
    }
  }
}

/** The days of `from`…`to` and their rollup rows, as `eachRolledUpRow` reads them. */
async function rolledUpDays(
  db: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  from: string,
  to: string,
): Promise<Array<{ date: string; sums: RollupRow[] }>> {
  const stored = await queryRows<{ date: string; sums: RollupRow[] | null }>(
    db,
    storedDays(ctx, rollup, fingerprint, { from, to }, sql`r.sums`),
  );
  const missing = stored.filter((day) => day.sums === null).map((day) => day.date);
  const days = stored.filter((day) => day.sums !== null) as Array<{ date: string; sums: RollupRow[] }>;
  days.push(...(await computeDays(db, ctx, rollup, fingerprint, missing)));
  return days;
}

/**
 * Every day of `span` (`date`) with `columns` of its stored rollup `r` — null where no sums are
 * stored for the day's current version and these clinic rules — and `where` on them.
 */
function storedDays(
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  span: { from: string; to: string },
  columns: SQL,
  where: SQL = sql``,
): SQL {
  return sql`SELECT d::date::text AS date, ${columns}
    FROM generate_series(${span.from}::date, ${span.to}::date, interval '1 day') d
    LEFT JOIN report_day_versions v ON v.clinic_id = ${ctx.clinicId} AND v.local_date = d::date
    LEFT JOIN report_day_rollups r ON r.clinic_id = ${ctx.clinicId} AND r.report = ${rollup.report}
      AND r.local_date = d::date AND r.version = coalesce(v.version, 0) AND r.fingerprint = ${fingerprint}
    ${where}
    ORDER BY d`;
}

/**
 * The most days one statement computes: a long history (the Day sheet's A/R at start on a clinic
 * network migrated to Tend: 1,700 days, minutes of work) is computed and stored a quarter at a
 * time, so that what was computed stays stored when the request ends early.
 */
const DAYS_PER_COMPUTATION = 91;

/**
 * The rollup rows of the days `missing` (ascending), computed over their spans (at most
 * DAYS_PER_COMPUTATION days each) and stored for the next read — on a read replica computed from
 * its rows and stored by the primary in the background. `answer: false` only stores them (on the
 * primary; a replica answers them anyway).
 */
async function computeDays(
  db: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  missing: string[],
  answer = true,
): Promise<Array<{ date: string; sums: RollupRow[] }>> {
  const inRange = new Set(missing);
  const primary = primaryOf(db);
  const computed: Array<{ date: string; sums: RollupRow[] }> = [];
  for (let k = 0; k < missing.length; ) {
    const first = missing[k];
    const limit = addDaysTo(first, DAYS_PER_COMPUTATION - 1);
    while (k < missing.length && missing[k] <= limit) k += 1;
    const last = missing[k - 1];
    if (primary) {
      computed.push(
        ...(await queryRows<{ date: string; sums: RollupRow[] }>(
          db,
          sql`SELECT local_date::text AS date, sums FROM (${rollup.days(first, last)}) c`,
        )),
      );
      storeInBackground(primary, ctx, rollup, fingerprint, first, last);
    } else {
      const stored = await queryRows<{ date: string; sums?: RollupRow[] }>(
        db,
        storeDays(ctx, rollup, fingerprint, first, last, answer),
      );
      if (answer) computed.push(...(stored as Array<{ date: string; sums: RollupRow[] }>));
    }
  }
  return computed.filter((day) => inRange.has(day.date));
}

/**
 * The rollup rows of `span` summed in the database by `group` — a period's first date, a provider,
 * a location or a key (`null`: the total only) — with the total as the row of period `null`, and
 * with `byKey` each of these per rollup row `key` too: what a report's grouped SQL with
 * `grouping sets ((1), ())` answers. Rows outside the filter's provider and location are left
 * out, and so are rows without the group's provider, location or key (but not from the total).
 *
 * Numbers are summed by name and histograms merged bucket by bucket (`rollup.fields`), so a year of
 * a clinic network's rows never comes into the server: as JavaScript objects 66,000–132,000 rows
 * took a second of its CPU and hundreds of MB of heap, which stayed with the process (the Day
 * sheet's A/R at start, 1,726 days holding 429,000 rows: 1.2 s in the server, 0.33 s here).
 * Days not stored, or changed since they were, are computed and stored first, then summed with the
 * others (on a read replica: computed as rows, added here, and stored by the primary in the
 * background). The statement that sums also counts the stored days it summed: a day whose stored
 * sums went meanwhile (new clinic rules) sends the whole span through `eachRolledUpRow`.
 */
export async function sumRolledUpDays<Sums>(
  db: Db,
  ctx: ClinicScope,
  rollup: SummableRollup,
  fingerprint: string,
  span: { from: string; to: string },
  group: ReportGroup | null,
  filter: RollupFilter,
): Promise<Array<SummedGroup<Sums>>> {
  const { from, to } = span;
  const missing = (
    await queryRows<{ date: string }>(
      db,
      storedDays(ctx, rollup, fingerprint, span, sql`r.local_date`, sql`WHERE r.local_date IS NULL`),
    )
  ).map((day) => day.date);
  // On the primary the missing days are stored here and summed with the others in the database;
  // a replica cannot store them: their rows come back and are added here.
  const onReplica = primaryOf(db) !== undefined;
  const computed = await computeDays(db, ctx, rollup, fingerprint, missing, onReplica);
  const notStored = onReplica ? missing : [];
  const stored = sql`r.clinic_id = ${ctx.clinicId} AND r.report = ${rollup.report} AND r.fingerprint = ${fingerprint}
    AND r.local_date BETWEEN ${from}::date AND ${to}::date
    AND NOT (r.local_date = ANY (string_to_array(${notStored.join(',')}, ',')::date[]))`;
  const { numbers, histograms = [] } = rollup.fields;
  const number = (name: string) => sql.identifier(`n_${name}`);
  const byKey = filter.byKey ? sql`x.value->>'key'` : sql`NULL::text`;
  const rows = await queryRows<SummedRow>(
    db,
    sql`WITH e AS (
        SELECT ${groupKey(group)} AS period, ${byKey} AS key, x.value
        FROM report_day_rollups r CROSS JOIN LATERAL jsonb_array_elements(r.sums) x
        WHERE ${stored}
          ${filter.locationId ? sql`AND x.value->>'location' = ${filter.locationId}` : sql``}
          ${filter.providerId ? sql`AND x.value->>'provider' = ${filter.providerId}` : sql``}),
      numbers AS (
        SELECT period, key, grouping(period) = 1 AS total${sql.join(
          numbers.map((name) => sql`, sum((e.value->>${name})::numeric) AS ${number(name)}`),
          sql``,
        )}
        FROM e GROUP BY GROUPING SETS ((key, period), (key))),
      buckets AS (
        SELECT e.period, e.key, grouping(e.period) = 1 AS total, f.field, h.key AS bucket, sum(h.value::numeric) AS n
        FROM e CROSS JOIN unnest(${`{${histograms.join(',')}}`}::text[]) f(field)
          CROSS JOIN LATERAL jsonb_each_text(e.value->f.field) h
        GROUP BY GROUPING SETS ((e.key, e.period, f.field, h.key), (e.key, f.field, h.key))),
      merged AS (
        SELECT period, key, total, jsonb_object_agg(field, buckets) AS histograms
        FROM (SELECT period, key, total, field, jsonb_object_agg(bucket, n) AS buckets
              FROM buckets GROUP BY period, key, total, field) b
        GROUP BY period, key, total)
    SELECT (SELECT count(*)::int FROM report_day_rollups r WHERE ${stored}) AS days, n.*, m.histograms
    FROM (SELECT 1) one
      LEFT JOIN numbers n ON true
      LEFT JOIN merged m ON m.total = n.total AND m.period IS NOT DISTINCT FROM n.period AND m.key IS NOT DISTINCT FROM n.key`,
  );
  const groups = rollupGroups<Sums>(group, filter);
  const dayCount = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (Number(rows[0].days) + notStored.length !== dayCount) {
    // Stored sums replaced under other rules meanwhile: every day through the rows.
    await eachRolledUpRow(db, ctx, rollup, fingerprint, span, groups.add);
    return groups.rows();
  }
  for (const row of rows) {
    if (row.total === null || (!row.total && row.period === null)) continue;
    const sums: Record<string, number | Histogram> = { ...row.histograms };
    for (const name of numbers) {
      const value = row[`n_${name}`];
      if (value !== null && value !== undefined) sums[name] = Number(value);
    }
    groups.merge(row.total ? null : row.period, filter.byKey ? row.key : undefined, sums);
  }
  for (const day of computed) {
    for (const row of day.sums) groups.add(Object.assign(row, { date: day.date }));
  }
  return groups.rows();
}

/**
 * Computes the days `first`…`last` and stores them, answering the stored rows (only their dates
 * without `answer`). The sums and the days' versions are read by one statement, so from one
 * snapshot: a change committed after it bumps the version past the one stored, and its day is
 * computed again.
 */
function storeDays(
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  first: string,
  last: string,
  answer = true,
): SQL {
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
    RETURNING local_date::text AS date${answer ? sql`, sums` : sql``}`;
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

/**
 * Adds `row`'s numbers and histograms into `into` (its provider, location and key are not sums).
 * `for…in` rather than `Object.entries`: a year of a network's rows is ≈180,000 rows here, and an
 * array of entries per row was most of the garbage.
 */
function addInto(into: Record<string, unknown>, row: RollupRow): void {
  for (const name in row) {
    if (name === 'provider' || name === 'location' || name === 'key' || name === 'date' || name === 'period') continue;
    const value = row[name];
    if (typeof value === 'number') {
      into[name] = ((into[name] as number | undefined) ?? 0) + value;
    } else if (value && typeof value === 'object') {
      const histogram = ((into[name] as Histogram | undefined) ?? {}) as Histogram;
      for (const bucket in value) histogram[bucket] = (histogram[bucket] ?? 0) + value[bucket];
      into[name] = histogram;
    }
  }
}

/** Which rollup rows a sum reads: a location's, a provider's; `byKey` sums each row `key` apart. */
export interface RollupFilter {
  providerId?: string;
  locationId?: string;
  byKey?: boolean;
}

/** A group's sums: `period` its group (null: the total), `key` its rows' key (`byKey`). */
export type SummedGroup<Sums> = Partial<Sums> & { period: string | null; key?: string | null };

/** A rollup row's group: its period's first date, its provider, location or key (null: none). */
function groupOf(group: ReportGroup | null, row: RollupRow & { date: string }): string | null {
  if (group === null) return null;
  if (isPeriodGroup(group)) return periodStart(row.date, group);
  if (group === 'provider' || group === 'location') return row[group] ?? null;
  return row.key ?? null;
}

/** `groupOf` in SQL, of the rollup `r` and its row `x` (`periodStart`: weeks start on Monday). */
function groupKey(group: ReportGroup | null): SQL {
  if (group === null) return sql`NULL::text`;
  if (group === 'day') return sql`r.local_date::text`;
  if (group === 'week') return sql`(r.local_date - (extract(isodow FROM r.local_date)::int - 1))::text`;
  if (group === 'month') return sql`(r.local_date - (extract(day FROM r.local_date)::int - 1))::text`;
  if (group === 'provider' || group === 'location') return sql`x.value->>${group}`;
  return sql`x.value->>'key'`;
}

/**
 * Rollup rows summed by `group` in the server, as `sumRolledUpDays` sums them in the database:
 * `add` each row (or `merge` sums already grouped), then read the groups' `rows()`. The total
 * (period `null`) is a row even of no rows, except by key.
 */
export function rollupGroups<Sums>(group: ReportGroup | null, filter: RollupFilter) {
  const groups = new Map<string, SummedGroup<Sums>>();
  const sumsOf = (period: string | null, key: string | null | undefined): Record<string, unknown> => {
    const id = JSON.stringify([key ?? null, period]);
    let sums = groups.get(id);
    if (!sums) {
      sums = (filter.byKey ? { period, key: key ?? null } : { period }) as SummedGroup<Sums>;
      groups.set(id, sums);
    }
    return sums as Record<string, unknown>;
  };
  if (!filter.byKey) sumsOf(null, undefined);
  return {
    add(row: RollupRow & { date: string }): void {
      if (filter.locationId && row.location !== filter.locationId) return;
      if (filter.providerId && row.provider !== filter.providerId) return;
      const key = filter.byKey ? (row.key ?? null) : undefined;
      addInto(sumsOf(null, key), row);
      const period = groupOf(group, row);
      if (period !== null) addInto(sumsOf(period, key), row);
    },
    merge(period: string | null, key: string | null | undefined, sums: Record<string, number | Histogram>): void {
      addInto(sumsOf(period, key), sums as RollupRow);
    },
    rows: (): Array<SummedGroup<Sums>> => [...groups.values()],
  };
}

/** The rollup rows of the query's range and filters, summed by its group (`sumRolledUpDays`). */
export function groupRolledUpDays<Sums>(
  db: Db,
  ctx: ClinicScope,
  rollup: SummableRollup,
  fingerprint: string,
  query: ReportQuery,
): Promise<Array<SummedGroup<Sums>>> {
  return sumRolledUpDays<Sums>(db, ctx, rollup, fingerprint, query, query.group, query);
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
