import { type Db, primaryOf, queryRows } from '@tend/db';
import { addDaysTo, PERIOD_GROUPS, type ReportGroup, type ReportQuery, reportPeriods } from '@tend/domain';
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
  /**
   * The first row of each day is `{ "whole": true, <histograms> }`: the day's histograms over all
   * its rows, read instead of merging every row's when a sum keeps all of a day's rows (a year of
   * a network's provider-days is ≈1.4 million buckets to merge; of its days, ≈15,000).
   */
  wholeDayHistograms?: boolean;
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

/** The days `missing` (ascending) as spans of at most DAYS_PER_COMPUTATION days, each computed by one statement. */
function spansOf(missing: string[]): Array<{ first: string; last: string }> {
  const spans: Array<{ first: string; last: string }> = [];
  for (let k = 0; k < missing.length; ) {
    const first = missing[k];
    const limit = addDaysTo(first, DAYS_PER_COMPUTATION - 1);
    while (k < missing.length && missing[k] <= limit) k += 1;
    spans.push({ first, last: missing[k - 1] });
  }
  return spans;
}

/**
 * The rollup rows of the days `missing` (ascending), computed span by span (`spansOf`) and stored
 * for the next read — on a read replica computed from its rows and stored by the primary in the
 * background.
 */
async function computeDays(
  db: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  missing: string[],
): Promise<Array<{ date: string; sums: RollupRow[] }>> {
  const inRange = new Set(missing);
  const primary = primaryOf(db);
  const computed: Array<{ date: string; sums: RollupRow[] }> = [];
  for (const { first, last } of spansOf(missing)) {
    computed.push(
      ...(await queryRows<{ date: string; sums: RollupRow[] }>(
        db,
        primary
          ? sql`SELECT local_date::text AS date, sums FROM (${rollup.days(first, last)}) c`
          : storeDays(ctx, rollup, fingerprint, first, last),
      )),
    );
    if (primary) storeDaysInBackground(primary, ctx, rollup, fingerprint, first, last);
  }
  return computed.filter((day) => inRange.has(day.date));
}

/** How many times `sumRolledUpDays` sums from stored days before it computes every day itself. */
const SUM_ATTEMPTS = 3;

/**
 * The rollup rows of `span` summed in the database by `group` — a period's first date, a provider,
 * a location, a payer, a service or a key (`null`: the total only) — with the total as the row of
 * period `null`, and with `byKey` each of these per rollup row `key` too: what a report's grouped
 * SQL with `grouping sets ((1), ())` answers. Rows outside the filter's provider and location, or
 * not matching its `where`, are left out, and so are rows without the group's value (but not from
 * the total).
 *
 * Numbers are summed by name and histograms merged bucket by bucket (`rollup.fields`), so a year of
 * a clinic network's rows never comes into the server: as JavaScript objects 66,000–132,000 rows
 * took a second of its CPU and hundreds of MB of heap, which stayed with the process (the Day
 * sheet's A/R at start, 1,726 days holding 429,000 rows: 1.2 s in the server, 0.33 s here).
 * Days not stored, or changed since they were, are computed and stored first, then summed with the
 * others; a read replica, which cannot store, computes them in the summing statement (and the
 * primary stores them in the background). The statement that sums also counts the stored days it
 * summed: if stored sums went meanwhile (new clinic rules), it sums again, and the last attempt
 * computes every day in the statement.
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
  const primary = primaryOf(db);
  const dayCount = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  for (let attempt = 1; ; attempt += 1) {
    const final = attempt === SUM_ATTEMPTS;
    const missing = final
      ? Array.from({ length: dayCount }, (_, day) => addDaysTo(from, day))
      : (
          await queryRows<{ date: string }>(
            db,
            storedDays(ctx, rollup, fingerprint, span, sql`r.local_date`, sql`WHERE r.local_date IS NULL`),
          )
        ).map((day) => day.date);
    const inline = primary || final ? missing : [];
    for (const { first, last } of final ? [] : spansOf(missing)) {
      if (primary) storeDaysInBackground(primary, ctx, rollup, fingerprint, first, last);
      else await queryRows(db, storeDays(ctx, rollup, fingerprint, first, last, false));
    }
    const months = final || !monthsServe(rollup, group, filter) ? [] : wholeMonthsOf(span, inline);
    if (months.length) {
      const store = storeMonths(ctx, rollup, fingerprint, months);
      if (primary) storeInBackground(primary, [ctx.clinicId, rollup.report, fingerprint, ...months], store);
      else await queryRows(db, store);
    }
    const rows = await queryRows<SummedRow>(
      db,
      sumStatement(ctx, rollup, fingerprint, span, group, filter, inline, months),
    );
    if (Number(rows[0].days) + inline.length === dayCount) return summedGroups<Sums>(rows, rollup.fields, filter);
  }
}

/** `days` (ISO dates) as a SQL `date[]`. */
const dates = (days: string[]) => sql`string_to_array(${days.join(',')}, ',')::date[]`;

/**
 * Whether a sum by `group` with `filter` may read whole months merged (`storeMonths`): not by day
 * or week, and not when the filter's `where` tests a number or a histogram, which a month sums.
 */
function monthsServe(rollup: SummableRollup, group: ReportGroup | null, filter: RollupFilter): boolean {
  if (group === 'day' || group === 'week') return false;
  const summed = new Set([...rollup.fields.numbers, ...(rollup.fields.histograms ?? [])]);
  let testsSums = false;
  filter.where?.((name) => {
    if (summed.has(name)) testsSums = true;
    return sql`NULL`;
  });
  return !testsSums;
}

/** The first days of the calendar months wholly inside `span` with none of the days `inline`. */
function wholeMonthsOf(span: { from: string; to: string }, inline: string[]): string[] {
  return reportPeriods(span.from, span.to, 'month')
    .filter(({ period, from, to }) => from === period && addDaysTo(to, 1).endsWith('-01'))
    .filter(({ from, to }) => !inline.some((day) => day >= from && day <= to))
    .map(({ period }) => period);
}

/**
 * The stored months of `months` still current: merged from days each at its current version, so
 * while the sum of the month's day versions is the one stored (a version only grows).
 */
function currentMonths(ctx: ClinicScope, rollup: DayRollup, fingerprint: string, months: string[]): SQL {
  return sql`SELECT m.month, m.sums FROM report_month_rollups m
    WHERE m.clinic_id = ${ctx.clinicId} AND m.report = ${rollup.report} AND m.fingerprint = ${fingerprint}
      AND m.month = ANY (${dates(months)})
      AND m.version = (SELECT coalesce(sum(v.version), 0) FROM report_day_versions v
        WHERE v.clinic_id = ${ctx.clinicId} AND v.local_date >= m.month
          AND v.local_date < (m.month + interval '1 month')::date)`;
}

/**
 * Merges and stores the months of `months` not stored or changed since (0052) whose every day is
 * stored at its current version: each a row per set of the days' other fields (provider,
 * location, key…), its numbers summed and histograms merged, the whole row (if any) first.
 */
function storeMonths(ctx: ClinicScope, rollup: SummableRollup, fingerprint: string, months: string[]): SQL {
  const { numbers, histograms = [] } = rollup.fields;
  return sql`WITH wanted AS (
        SELECT w.month FROM unnest(${dates(months)}) w(month)
        EXCEPT SELECT c.month FROM (${currentMonths(ctx, rollup, fingerprint, months)}) c),
      days AS (
        SELECT w.month, r.version, r.sums FROM wanted w
          JOIN report_day_rollups r ON r.clinic_id = ${ctx.clinicId} AND r.report = ${rollup.report}
            AND r.fingerprint = ${fingerprint}
            AND r.local_date >= w.month AND r.local_date < (w.month + interval '1 month')::date
          LEFT JOIN report_day_versions v ON v.clinic_id = ${ctx.clinicId} AND v.local_date = r.local_date
        WHERE r.version = coalesce(v.version, 0)),
      complete AS (
        SELECT month, sum(version) AS version FROM days
        GROUP BY month HAVING count(*) = (month + interval '1 month')::date - month),
      rows AS (
        SELECT d.month, x.value - ${`{${[...numbers, ...histograms].join(',')}}`}::text[] AS fields, x.value
        FROM days d JOIN complete USING (month) CROSS JOIN LATERAL jsonb_array_elements(d.sums) x),
      numbers AS (
        SELECT month, fields, jsonb_strip_nulls(jsonb_build_object(${sql.join(
          numbers.map((name) => sql`${name}::text, sum((value->>${name}::text)::numeric)`),
          sql`, `,
        )})) AS sums
        FROM rows GROUP BY month, fields),
      buckets AS (
        SELECT r.month, r.fields, f.field, h.key AS bucket, sum(h.value::numeric) AS n
        FROM rows r CROSS JOIN unnest(${`{${histograms.join(',')}}`}::text[]) f(field)
          CROSS JOIN LATERAL jsonb_each_text(r.value->f.field) h
        GROUP BY 1, 2, 3, 4),
      merged AS (
        SELECT month, fields, jsonb_object_agg(field, histogram) AS histograms
        FROM (SELECT month, fields, field, jsonb_object_agg(bucket, n) AS histogram
              FROM buckets GROUP BY 1, 2, 3) b
        GROUP BY 1, 2),
      sums AS (
        SELECT n.month, jsonb_agg(n.fields || n.sums || coalesce(m.histograms, '{}'::jsonb)
            ORDER BY n.fields->>'whole' IS NULL) AS sums
        FROM numbers n LEFT JOIN merged m ON m.month = n.month AND m.fields = n.fields
        GROUP BY n.month)
    INSERT INTO report_month_rollups (clinic_id, report, month, version, fingerprint, sums)
    SELECT ${ctx.clinicId}, ${rollup.report}, c.month, c.version, ${fingerprint}, coalesce(s.sums, '[]'::jsonb)
    FROM complete c LEFT JOIN sums s USING (month)
    ON CONFLICT (clinic_id, report, month) DO UPDATE
      SET version = excluded.version, fingerprint = excluded.fingerprint, sums = excluded.sums`;
}

/**
 * The statement of `sumRolledUpDays`: the stored days of `span` but those of `inline`, which it
 * computes itself, summed by group — of `months`, the stored months still current instead of
 * their days; and how many stored days it summed (`days`, on every row).
 */
function sumStatement(
  ctx: ClinicScope,
  rollup: SummableRollup,
  fingerprint: string,
  span: { from: string; to: string },
  group: ReportGroup | null,
  filter: RollupFilter,
  inline: string[],
  months: string[],
): SQL {
  const stored = sql`r.clinic_id = ${ctx.clinicId} AND r.report = ${rollup.report} AND r.fingerprint = ${fingerprint}
    AND r.local_date BETWEEN ${span.from}::date AND ${span.to}::date AND NOT (r.local_date = ANY (${dates(inline)}))`;
  const computed = spansOf(inline).map(
    ({ first, last }) => sql` UNION ALL SELECT c.local_date, c.sums FROM (${rollup.days(first, last)}) c
      WHERE c.local_date = ANY (${dates(inline)})`,
  );
  const { numbers, histograms = [], wholeDayHistograms = false } = rollup.fields;
  const filters = [
    filter.locationId ? sql`x.value->>'location' = ${filter.locationId}` : undefined,
    filter.providerId ? sql`x.value->>'provider' = ${filter.providerId}` : undefined,
    filter.where?.((field) => sql`(x.value->>${field}::text)`),
  ].filter((condition) => condition !== undefined);
  const where = wholeDayHistograms ? [...filters, sql`x.value->>'whole' IS NULL`] : filters;
  // Every row of each day in one group by date (or in the total): the days' whole histograms say it all.
  const wholeDays =
    wholeDayHistograms &&
    !filters.length &&
    !filter.byKey &&
    (group === null || (PERIOD_GROUPS as readonly ReportGroup[]).includes(group));
  const histogramRows = wholeDays
    ? sql`SELECT ${groupKey(group)} AS period, NULL::text AS key, r.sums->0 AS value
        FROM days r WHERE r.sums->0->>'whole' = 'true'`
    : sql`SELECT period, key, value FROM e`;
  // A current month's row stands for its days; its date is the month's first.
  const byMonth = months.length
    ? {
        months: sql`months AS (${currentMonths(ctx, rollup, fingerprint, months)}),`,
        notIn: sql` AND NOT ((r.local_date - (extract(day FROM r.local_date)::int - 1)) IN (SELECT month FROM months))`,
        rows: sql` UNION ALL SELECT month, sums FROM months`,
      }
    : { months: sql``, notIn: sql``, rows: sql`` };
  return sql`WITH ${byMonth.months} days AS (
        SELECT r.local_date, r.sums FROM report_day_rollups r WHERE ${stored}${byMonth.notIn}${byMonth.rows}${sql.join(computed, sql``)}),
      e AS (
        SELECT ${groupKey(group)} AS period, ${filter.byKey ? sql`x.value->>'key'` : sql`NULL::text`} AS key, x.value
        FROM days r CROSS JOIN LATERAL jsonb_array_elements(r.sums) x
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}),
      numbers AS (
        SELECT period, key${sql.join(
          numbers.map((name) => sql`, sum((e.value->>${name})::float8) AS ${sql.identifier(`n_${name}`)}`),
          sql``,
        )}
        FROM e GROUP BY period, key),
      groups AS (
        SELECT period, key, false AS total${sql.join(
          numbers.map((name) => sql`, ${sql.identifier(`n_${name}`)}`),
          sql``,
        )} FROM numbers
        UNION ALL
        SELECT NULL, key, true${sql.join(
          numbers.map((name) => sql`, sum(${sql.identifier(`n_${name}`)})`),
          sql``,
        )} FROM numbers GROUP BY key)${histograms.length ? histogramsOf(histograms, histogramRows) : sql``}
    SELECT (SELECT count(*)::int FROM report_day_rollups r WHERE ${stored}) AS days, g.*${histograms.length ? sql`, m.histograms` : sql``}
    FROM (SELECT 1) one
      LEFT JOIN groups g ON true
      ${histograms.length ? sql`LEFT JOIN merged m ON m.total = g.total AND m.period IS NOT DISTINCT FROM g.period AND m.key IS NOT DISTINCT FROM g.key` : sql``}`;
}

/**
 * The histograms `names` of the rows `source` (`(period, key, value)`: `e`, or the days' whole
 * rows) merged by group, and for the total from the groups' (`merged`), for `sumStatement`.
 */
function histogramsOf(names: readonly string[], source: SQL): SQL {
  return sql`,
      buckets AS (
        SELECT e.period, e.key, f.field, h.key AS bucket, sum(h.value::float8) AS n
        FROM (${source}) e CROSS JOIN unnest(${`{${names.join(',')}}`}::text[]) f(field)
          CROSS JOIN LATERAL jsonb_each_text(e.value->f.field) h
        GROUP BY e.period, e.key, f.field, h.key),
      bucket_groups AS (
        SELECT period, key, false AS total, field, bucket, n FROM buckets
        UNION ALL
        SELECT NULL, key, true, field, bucket, sum(n) FROM buckets GROUP BY key, field, bucket),
      merged AS (
        SELECT period, key, total, jsonb_object_agg(field, buckets) AS histograms
        FROM (SELECT period, key, total, field, jsonb_object_agg(bucket, n) AS buckets
              FROM bucket_groups GROUP BY period, key, total, field) b
        GROUP BY period, key, total)`;
}

/**
 * The groups of `sumStatement`'s rows: numbers as numbers, histograms as they are; the total
 * (period `null`) is a group even of no rows, except by key. Rows of the group's set without the
 * group's value are in the total only.
 */
function summedGroups<Sums>(rows: SummedRow[], fields: RollupFields, filter: RollupFilter): Array<SummedGroup<Sums>> {
  const groups: Array<SummedGroup<Sums>> = [];
  for (const row of rows) {
    if (row.total === null || (!row.total && row.period === null)) continue;
    const group: Record<string, unknown> = { period: row.total ? null : row.period, ...row.histograms };
    if (filter.byKey) group.key = row.key;
    for (const name of fields.numbers) {
      const value = row[`n_${name}`];
      if (value !== null && value !== undefined) group[name] = Number(value);
    }
    groups.push(group as SummedGroup<Sums>);
  }
  if (!filter.byKey && !groups.some((group) => group.period === null))
    groups.push({ period: null } as SummedGroup<Sums>);
  return groups;
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

function storeDaysInBackground(
  primary: Db,
  ctx: ClinicScope,
  rollup: DayRollup,
  fingerprint: string,
  first: string,
  last: string,
): void {
  storeInBackground(
    primary,
    [ctx.clinicId, rollup.report, fingerprint, first, last],
    storeDays(ctx, rollup, fingerprint, first, last),
  );
}

/** Runs `store` (a `storeDays` or `storeMonths`) on the primary, unless the same one (`what`) is running. */
function storeInBackground(primary: Db, what: string[], store: SQL): void {
  const key = what.join(' ');
  if (storing.has(key)) return;
  storing.add(key);
  // A failure only leaves the days or months to be computed again by the next read.
  queryRows(primary, store)
    .catch(() => undefined)
    .finally(() => storing.delete(key));
}

/**
 * Which rollup rows a sum reads: a location's, a provider's, those `where` says (a condition on
 * the rows' fields, each given as SQL by `field(name)`); `byKey` sums each row `key` apart.
 */
export interface RollupFilter {
  providerId?: string;
  locationId?: string;
  where?: (field: (name: string) => SQL) => SQL;
  byKey?: boolean;
}

/** A group's sums: `period` its group (null: the total), `key` its rows' key (`byKey`). */
export type SummedGroup<Sums> = Partial<Sums> & { period: string | null; key?: string | null };

/**
 * The group of a rollup row `x` of the day `r`: its period's first date (as `periodStart`: weeks
 * start on Monday), its provider, location, payer or service, or its key.
 */
function groupKey(group: ReportGroup | null): SQL {
  if (group === null) return sql`NULL::text`;
  if (group === 'day') return sql`r.local_date::text`;
  if (group === 'week') return sql`(r.local_date - (extract(isodow FROM r.local_date)::int - 1))::text`;
  if (group === 'month') return sql`(r.local_date - (extract(day FROM r.local_date)::int - 1))::text`;
  if (group === 'provider' || group === 'location' || group === 'payer' || group === 'service') {
    return sql`x.value->>${group}::text`;
  }
  return sql`x.value->>'key'`;
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
