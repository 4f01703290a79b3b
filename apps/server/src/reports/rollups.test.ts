import { queryRows } from '@tend/db';
import { isPeriodGroup, periodStart, REPORT_GROUPS, type ReportGroup, zReportQuery } from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import {
  eachRolledUpRow,
  groupRolledUpDays,
  histogramMedian,
  type RollupFilter,
  type RollupRow,
  type SummableRollup,
  sumRolledUpDays,
} from './rollups';

/**
 * The day versions behind the per-day report rollups (0021): each write touches its days, and
 * the versions are bumped when the writing transaction commits — in date order, so two
 * transactions touching the same days in opposite orders neither deadlock nor lose a bump.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ poolSize: 4 });
});
afterAll(() => t?.close());

type Db = TestApp['database']['db'];
const version = async (clinicId: string, day: string, db: Db = t.database.db) =>
  Number(
    (
      await queryRows<{ version: string | number }>(
        db,
        sql`SELECT version FROM report_day_versions WHERE clinic_id = ${clinicId} AND local_date = ${day}::date`,
      )
    )[0]?.version ?? 0,
  );

describe('report day versions', () => {
  it('are bumped at commit, once per transaction and day, whatever order two transactions touch them in', async () => {
    const { clinicId } = await t.createClinic();
    const [a, b] = ['2031-03-03', '2031-03-04'];
    const touch = (tx: Db, day: string) =>
      tx.execute(sql`SELECT touch_report_days(${clinicId}::uuid, ARRAY[${day}::date])`);
    // One transaction touches A then B (twice), the other B then A, each waiting for the other
    // between its two writes: with the versions locked as each write happened, that is a deadlock.
    let release: () => void = () => {};
    const bothTouchedOnce = new Promise<void>((resolve) => {
      let count = 0;
      release = () => {
        count += 1;
        if (count === 2) resolve();
      };
    });
    const side = (first: string, second: string) =>
      t.database.db.transaction(async (tx) => {
        const before = await version(clinicId, first, tx as unknown as Db);
        await touch(tx as unknown as Db, first);
        // Nothing is bumped before the commit: a reader sees the old versions until then (read
        // before the other side may go on and commit a bump of the same day).
        expect(await version(clinicId, first, tx as unknown as Db)).toBe(before);
        release();
        // On the embedded database transactions run one at a time: the other waits for this one.
        if (t.database.kind === 'postgres') await bothTouchedOnce;
        await touch(tx as unknown as Db, second);
        await touch(tx as unknown as Db, second);
      });
    await Promise.all([side(a, b), side(b, a)]);
    expect(await version(clinicId, a)).toBe(2);
    expect(await version(clinicId, b)).toBe(2);
    const pending = await queryRows<{ n: string | number }>(
      t.database.db,
      sql`SELECT count(*) AS n FROM report_days_pending`,
    );
    expect(Number(pending[0].n), 'the pending days are cleared at commit').toBe(0);

    // A transaction that rolls back bumps nothing.
    await expect(
      t.database.db.transaction(async (tx) => {
        await touch(tx as unknown as Db, a);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await version(clinicId, a)).toBe(2);
  });
});

/** A rollup of one row a day, its `n` the day of the month; `computed` records the spans computed. */
function dayOfMonthRollup(report: string): { rollup: SummableRollup; computed: string[][] } {
  const computed: string[][] = [];
  const rollup: SummableRollup = {
    report,
    fields: { numbers: ['n'] },
    days: (from, to) => {
      computed.push([from, to]);
      return sql`SELECT d::date AS local_date,
          jsonb_build_array(jsonb_build_object('provider', 'p', 'location', 'l', 'n', extract(day FROM d)::int)) AS sums
        FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`;
    },
  };
  return { rollup, computed };
}

describe('eachRolledUpRow', () => {
  it('visits every day of a long span once, reading a month at a time and computing only the days not stored or changed', async () => {
    const { clinicId } = await t.createClinic();
    const { rollup, computed } = dayOfMonthRollup('test-days');
    const span = { from: '2031-01-01', to: '2031-03-31' };
    const read = async () => {
      const dates: string[] = [];
      await eachRolledUpRow(t.database.db, { clinicId }, rollup, 'UTC', span, (row) => dates.push(row.date));
      return dates.sort();
    };
    const every = Array.from({ length: 90 }, (_, i) => new Date(Date.UTC(2031, 0, 1 + i)).toISOString().slice(0, 10));

    expect(await read()).toEqual(every);
    expect(computed, 'the first read computes a month of days at a time').toEqual([
      ['2031-01-01', '2031-01-31'],
      ['2031-02-01', '2031-03-03'],
      ['2031-03-04', '2031-03-31'],
    ]);
    computed.length = 0;
    expect(await read()).toEqual(every);
    expect(computed, 'stored days are read, not computed').toEqual([]);

    // A write to two days, in different reads: only those two are computed again.
    for (const day of ['2031-01-15', '2031-03-20']) {
      await t.database.db.execute(sql`SELECT touch_report_days(${clinicId}::uuid, ARRAY[${day}::date])`);
    }
    expect(await read()).toEqual(every);
    expect(computed).toEqual([
      ['2031-01-15', '2031-01-15'],
      ['2031-03-20', '2031-03-20'],
    ]);

    // Grouped by month across the reads, with the total as the period null.
    const query = zReportQuery.parse({ ...span, group: 'month' });
    const byMonth = await groupRolledUpDays<{ n: number }>(t.database.db, { clinicId }, rollup, 'UTC', query);
    const sumOfDays = (days: number) => (days * (days + 1)) / 2;
    expect(byMonth).toEqual(
      expect.arrayContaining([
        { period: null, n: sumOfDays(31) + sumOfDays(28) + sumOfDays(31) },
        { period: '2031-01-01', n: sumOfDays(31) },
        { period: '2031-02-01', n: sumOfDays(28) },
        { period: '2031-03-01', n: sumOfDays(31) },
      ]),
    );
    expect(byMonth).toHaveLength(4);
  });
});

describe('sumRolledUpDays', () => {
  it('sums the stored days in the database, and every day again when stored sums went while it summed', async () => {
    const { clinicId } = await t.createClinic();
    const dayRow = (day: SQL) =>
      sql`jsonb_build_array(jsonb_build_object('provider', 'p', 'location', 'l', 'n', extract(day FROM ${day})::int))`;
    const computed: string[][] = [];
    // Set by the test: the next computation also takes away another day's stored sums, as new
    // clinic rules stored by another request at that moment would.
    let takeAway: string | null = null;
    const rollup: SummableRollup = {
      report: 'test-sums',
      fields: { numbers: ['n'] },
      days: (from, to) => {
        computed.push([from, to]);
        if (takeAway && from === to) {
          const gone = takeAway;
          takeAway = null;
          return sql`UPDATE report_day_rollups SET fingerprint = 'other rules'
            WHERE clinic_id = ${clinicId} AND report = 'test-sums' AND local_date = ${gone}::date
            RETURNING ${from}::date AS local_date, ${dayRow(sql`${from}::date`)} AS sums`;
        }
        return sql`SELECT d::date AS local_date, ${dayRow(sql`d`)} AS sums
          FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`;
      },
    };
    const sum = async () =>
      (
        await sumRolledUpDays(
          t.database.db,
          { clinicId },
          rollup,
          'UTC',
          { from: '2031-01-01', to: '2031-01-31' },
          'provider',
          {},
        )
      ).sort((x, y) => (x.period ?? '').localeCompare(y.period ?? ''));
    const january = (31 * 32) / 2;

    expect(await sum()).toEqual([
      { period: null, n: january },
      { period: 'p', n: january },
    ]);
    expect(computed).toEqual([['2031-01-01', '2031-01-31']]);
    computed.length = 0;
    expect(await sum()).toEqual([
      { period: null, n: january },
      { period: 'p', n: january },
    ]);
    expect(computed, 'stored days are summed, not computed').toEqual([]);

    // The 10th changed: computed again; meanwhile the 20th's stored sums go. The count of the
    // days summed shows it, and the sum is made again (the 20th computed) instead of a total
    // without the 20th.
    await t.database.db.execute(sql`SELECT touch_report_days(${clinicId}::uuid, ARRAY['2031-01-10'::date])`);
    takeAway = '2031-01-20';
    expect(await sum()).toEqual([
      { period: null, n: january },
      { period: 'p', n: january },
    ]);
    expect(computed).toEqual([
      ['2031-01-10', '2031-01-10'],
      ['2031-01-20', '2031-01-20'],
    ]);
  });
});

/**
 * What `sumRolledUpDays` should answer, summed here from the rows themselves: by `group` (null:
 * the total only), the total as period null, each key apart with `byKey`; `keep` is the filter's
 * `where`.
 */
function groupedInServer(
  rows: Array<RollupRow & { date: string }>,
  group: ReportGroup | null,
  filter: RollupFilter,
  keep: (row: RollupRow) => boolean,
) {
  const groups = new Map<string, Record<string, unknown>>();
  const sumsOf = (period: string | null, key: string | null | undefined) => {
    const id = JSON.stringify([key ?? null, period]);
    if (!groups.has(id)) groups.set(id, filter.byKey ? { period, key: key ?? null } : { period });
    return groups.get(id) as Record<string, unknown>;
  };
  if (!filter.byKey) sumsOf(null, undefined);
  const addInto = (into: Record<string, unknown>, row: RollupRow) => {
    for (const [name, value] of Object.entries(row)) {
      if (typeof value === 'number') into[name] = ((into[name] as number) ?? 0) + value;
      else if (value && typeof value === 'object') {
        const histogram = (into[name] ?? {}) as Record<string, number>;
        for (const [bucket, n] of Object.entries(value)) histogram[bucket] = (histogram[bucket] ?? 0) + n;
        into[name] = histogram;
      }
    }
  };
  for (const row of rows) {
    if (filter.locationId && row.location !== filter.locationId) continue;
    if (filter.providerId && row.provider !== filter.providerId) continue;
    if (!keep(row)) continue;
    const key = filter.byKey ? (row.key ?? null) : undefined;
    addInto(sumsOf(null, key), row);
    const period =
      group === null
        ? null
        : isPeriodGroup(group)
          ? periodStart(row.date, group)
          : group === 'rule'
            ? (row.key ?? null)
            : ((row[group] as string | undefined) ?? null);
    if (period !== null) addInto(sumsOf(period, key), row);
  }
  return [...groups.values()];
}

/**
 * A rollup of a grid of rows a day: providers p1, p2 at locations l1, l2 with keys a, b (p2 has no
 * key a at l2), and a row of p3 with no location; `n` the day of the month, `w` a fraction, present
 * on some rows only (with a `payer`), `h` a histogram of the day mod 3 and a fixed bucket, `none`
 * a histogram no row has. With `whole`, each day starts with its whole histograms
 * (RollupFields.wholeDayHistograms): the 7 rows' `h` merged, plus a `marker` bucket with 'marked'
 * to see where they are read.
 */
const gridRollup = (whole?: 'right' | 'marked'): SummableRollup => ({
  report: `test-groups-${whole ?? 'rows'}`,
  fields: { numbers: ['n', 'w', 'absent'], histograms: ['h', 'none'], wholeDayHistograms: whole !== undefined },
  days: (from, to) => sql`SELECT d::date AS local_date, ${
    whole
      ? sql`jsonb_build_array(jsonb_build_object('whole', true, 'h',
          jsonb_build_object((extract(day FROM d)::int % 3)::text, 7, 'x', 14)
          ${whole === 'marked' ? sql`|| jsonb_build_object('marker', 1)` : sql``})) ||`
      : sql``
  } jsonb_agg(row) AS sums
    FROM generate_series(${from}::date, ${to}::date, interval '1 day') d
    CROSS JOIN LATERAL (
      SELECT jsonb_build_object('provider', p, 'location', l, 'key', k, 'n', extract(day FROM d)::int,
          'h', jsonb_build_object((extract(day FROM d)::int % 3)::text, 1, 'x', 2))
        || CASE WHEN k = 'a' THEN jsonb_build_object('w', 0.25, 'payer', l || '-payer') ELSE '{}'::jsonb END AS row
      FROM unnest(ARRAY['p1', 'p2']) p, unnest(ARRAY['l1', 'l2']) l, unnest(ARRAY['a', 'b']) k
      WHERE NOT (p = 'p2' AND l = 'l2' AND k = 'a')
      UNION ALL
      SELECT jsonb_build_object('provider', 'p3', 'key', 'b', 'n', 100)) rows
    GROUP BY d`,
});

const sortedGroups = <T extends { period: string | null; key?: string | null }>(rows: T[]) =>
  [...rows].sort((x, y) => `${x.key ?? ''} ${x.period ?? ''}`.localeCompare(`${y.key ?? ''} ${y.period ?? ''}`));

describe('sumRolledUpDays', () => {
  it('sum the same numbers and merge the same histograms, by every group, filter and key', async () => {
    const { clinicId } = await t.createClinic();
    const rollup = gridRollup();
    const everyRow = () => true;
    const filters: Array<[RollupFilter, (row: RollupRow) => boolean]> = [
      [{}, everyRow],
      [{ providerId: 'p2' }, everyRow],
      [{ locationId: 'l2', byKey: true }, everyRow],
      [{ byKey: true }, everyRow],
      [
        { where: (field) => sql`${field('key')} = 'b' AND ${field('n')}::int > 10` },
        (row) => row.key === 'b' && Number(row.n) > 10,
      ],
      [{ where: (field) => sql`${field('payer')} = 'l1-payer'` }, (row) => row.payer === 'l1-payer'],
    ];
    // Across a month's end and weeks cut by the range (2031-02-05 is a Wednesday); and with whole
    // months (February and March), read merged per month where they serve.
    for (const span of [
      { from: '2031-02-05', to: '2031-03-12' },
      { from: '2031-01-20', to: '2031-04-03' },
    ]) {
      const rows: Array<RollupRow & { date: string }> = [];
      await eachRolledUpRow(t.database.db, { clinicId }, rollup, 'UTC', span, (row) => rows.push(row));
      for (const summed of [rollup, gridRollup('right')]) {
        for (const group of [...REPORT_GROUPS, null]) {
          for (const [filter, keep] of filters) {
            const inDatabase = await sumRolledUpDays(t.database.db, { clinicId }, summed, 'UTC', span, group, filter);
            expect(sortedGroups(inDatabase), `${summed.report} ${group} ${JSON.stringify(filter)}`).toEqual(
              sortedGroups(groupedInServer(rows, group, filter, keep) as typeof inDatabase),
            );
          }
        }
      }
    }
    const months = await queryRows<{ report: string; month: string }>(
      t.database.db,
      sql`SELECT report, month::text FROM report_month_rollups WHERE clinic_id = ${clinicId} ORDER BY 1, 2`,
    );
    expect(months.map((row) => `${row.report} ${row.month}`)).toEqual([
      'test-groups-right 2031-02-01',
      'test-groups-right 2031-03-01',
      'test-groups-rows 2031-02-01',
      'test-groups-rows 2031-03-01',
    ]);

    // The whole histograms are read when every row of a day is summed into one group by date or
    // the total, and only then.
    const span = { from: '2031-02-05', to: '2031-03-12' };
    const marked = gridRollup('marked');
    const markers = async (group: ReportGroup | null, filter: RollupFilter) =>
      (
        await sumRolledUpDays<{ h?: Record<string, number> }>(
          t.database.db,
          { clinicId },
          marked,
          'UTC',
          span,
          group,
          filter,
        )
      ).map((row) => row.h?.marker ?? 0);
    const days = 36;
    expect(await markers(null, {})).toEqual([days]);
    expect((await markers('month', {})).sort((x, y) => x - y)).toEqual([12, 24, days]);
    expect(await markers('provider', {})).toEqual([0, 0, 0, 0]);
    expect(await markers('month', { providerId: 'p1' })).toEqual([0, 0, 0]);
    expect(await markers(null, { where: (field) => sql`${field('n')}::int > 0` })).toEqual([0]);
    // What the groups hold, checked by hand for a few.
    const byWeek = await sumRolledUpDays<{ n: number; w: number; h: Record<string, number> }>(
      t.database.db,
      { clinicId },
      rollup,
      'UTC',
      span,
      'week',
      { providerId: 'p1', locationId: 'l1' },
    );
    // The first week is cut by the range: Wednesday 5th to Sunday 9th, two rows a day (keys a, b).
    expect(byWeek.find((row) => row.period === '2031-02-03')).toEqual({
      period: '2031-02-03',
      n: 2 * (5 + 6 + 7 + 8 + 9),
      w: 5 * 0.25,
      h: { 0: 2 * 2, 1: 2 * 1, 2: 2 * 2, x: 2 * 2 * 5 },
    });
    const byLocation = await sumRolledUpDays(t.database.db, { clinicId }, rollup, 'UTC', span, 'location', {});
    expect(byLocation.map((row) => row.period).sort(), 'the row without a location is in the total only').toEqual(
      ['l1', 'l2', null].sort(),
    );
  });

  it('read a whole month merged while none of its days changed, and merge it again after', async () => {
    const { clinicId } = await t.createClinic();
    const rollup = gridRollup('right');
    const span = { from: '2031-05-01', to: '2031-06-30' };
    // `n` per group, and the total's.
    const sum = async (group: ReportGroup | null, filter: RollupFilter = {}) => {
      const rows = await sumRolledUpDays<{ n: number }>(
        t.database.db,
        { clinicId },
        rollup,
        'UTC',
        span,
        group,
        filter,
      );
      const total = rows.find((row) => row.period === null)?.n ?? 0;
      return { ...Object.fromEntries(rows.map((row) => [row.period, row.n])), total };
    };
    const right = await sum('provider');
    // May as stored: p1's four rows a day (2 locations × 2 keys), n = day of month; 31 days.
    const may = async () =>
      (
        await queryRows<{ version: string | number; sums: Array<Record<string, unknown>> }>(
          t.database.db,
          sql`SELECT version, sums FROM report_month_rollups
              WHERE clinic_id = ${clinicId} AND report = ${rollup.report} AND month = '2031-05-01'`,
        )
      )[0];
    const stored = await may();
    expect(Number(stored.version), 'no day of May changed yet').toBe(0);
    expect(stored.sums[0], 'the whole row first').toEqual({ whole: true, h: { 0: 70, 1: 77, 2: 70, x: 434 } });
    expect(stored.sums).toContainEqual({
      provider: 'p1',
      location: 'l1',
      key: 'a',
      payer: 'l1-payer',
      n: 496,
      w: 7.75,
      h: { 0: 10, 1: 11, 2: 10, x: 62 },
    });
    expect(stored.sums, 'the whole row, 7 of p1 and p2, one of p3').toHaveLength(1 + 8);

    // A mark in the stored May shows where it is read: by provider, location, key, payer and the
    // total — but not by day or week, nor with a filter on a number.
    const mark = (n: number) =>
      t.database.db.execute(sql`UPDATE report_month_rollups
        SET sums = jsonb_set(sums, '{1,n}', to_jsonb((sums->1->>'n')::int + ${n}))
        WHERE clinic_id = ${clinicId} AND report = ${rollup.report} AND month = '2031-05-01'`);
    await mark(1000);
    const marked = await sum('provider');
    expect(marked.total - right.total).toBe(1000);
    expect((await sum('day')).total).toBe(right.total);
    expect((await sum('week')).total).toBe(right.total);
    expect((await sum(null, { where: (field) => sql`${field('n')}::int > 0` })).total).toBe(right.total);
    expect((await sum(null, { where: (field) => sql`${field('key')} IS NOT NULL` })).total).toBe(right.total + 1000);

    // A change to one day of May: May's days are read, and May is merged again.
    await t.database.db.execute(sql`SELECT touch_report_days(${clinicId}::uuid, ARRAY['2031-05-17'::date])`);
    expect(await sum('provider')).toEqual(right);
    expect(Number((await may()).version)).toBe(1);
    await mark(1000);
    expect((await sum('provider')).total - right.total, 'the merged May is read again').toBe(1000);
  });
});

describe('sumRolledUpDays over a long history', () => {
  it('computes and stores the missing days a quarter at a time, then sums them in the database', async () => {
    const { clinicId } = await t.createClinic();
    const { rollup, computed } = dayOfMonthRollup('test-history');
    const span = { from: '2031-01-01', to: '2031-07-19' };
    const days = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2031, 0, 1 + i)));
    const expected = days.reduce((total, day) => total + day.getUTCDate(), 0);
    const sum = () => sumRolledUpDays(t.database.db, { clinicId }, rollup, 'UTC', span, null, {});
    expect(await sum()).toEqual([{ period: null, n: expected }]);
    expect(computed).toEqual([
      ['2031-01-01', '2031-04-01'],
      ['2031-04-02', '2031-07-01'],
      ['2031-07-02', '2031-07-19'],
    ]);
    const [{ stored }] = await queryRows<{ stored: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS stored FROM report_day_rollups WHERE clinic_id = ${clinicId} AND report = 'test-history'`,
    );
    expect(stored).toBe(200);
    computed.length = 0;
    expect(await sum()).toEqual([{ period: null, n: expected }]);
    expect(computed).toEqual([]);
  });
});

describe('histogramMedian', () => {
  it('is percentile_cont(0.5) of the values the histogram counts', () => {
    expect(histogramMedian({})).toBeNull();
    expect(histogramMedian({ 3: 1 })).toBe(3);
    expect(histogramMedian({ 1: 1, 4: 1 })).toBe(2.5);
    expect(histogramMedian({ 10: 2, 2: 1, 7: 0 })).toBe(10);
    expect(histogramMedian({ '-1': 2, 5: 2 })).toBe(2);
  });
});
