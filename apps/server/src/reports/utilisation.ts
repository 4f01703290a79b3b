import { type Db, schema } from '@tend/db';
import {
  addDaysTo,
  appointmentStatusLabel,
  expandAvailability,
  type Interval,
  isPeriodGroup,
  type LocatedInterval,
  percentOf,
  periodStart,
  type ReportQuery,
  type ReportRow,
  type ReportRowsResult,
  subtractIntervals,
  UTILISATION_REPORT_COLUMNS,
  UTILISATION_ROWS_COLUMNS,
  type UtilisationMetric,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { calendarsOfProviders } from '../scheduling/repository';
import { appointmentItems } from './appointments';
import { rowsColumns } from './columns';
import { groupedRows } from './groups';
import { groupRolledUpDays, type SummableRollup } from './rollups';

/**
 * The Provider utilisation report (definitions in packages/domain/src/reports/utilisation.ts).
 * Available minutes come from the small schedule tables, expanded in Node with the scheduling
 * rules themselves (expandAvailability, then time off and closures taken away, as the slot search
 * does), cut at the clinic's local midnights. Booked minutes are summed in SQL per clinic-local day,
 * provider and location, and kept per day (rollups.ts), then grouped like every report.
 */

const a = schema.appointments;

function metricConditions(): Record<UtilisationMetric, SQL> {
  return {
    booked: sql`${a.status} <> 'cancelled'`,
    no_show: sql`${a.status} = 'no_show'`,
  };
}

async function clinicTimezone(db: Db, ctx: ClinicScope): Promise<string> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  return clinic.timezone;
}

/** The instants of the clinic's local midnights starting `from` … the day after `to`. */
function midnights(query: ReportQuery, timezone: string): { dates: string[]; bounds: number[] } {
  const dates: string[] = [];
  const bounds: number[] = [];
  for (let date = query.from; date <= query.to; date = addDaysTo(date, 1)) {
    dates.push(date);
    bounds.push(zonedTimeToInstant(date, '00:00', timezone));
  }
  bounds.push(zonedTimeToInstant(addDaysTo(query.to, 1), '00:00', timezone));
  return { dates, bounds };
}

function inRange(ctx: ClinicScope, query: ReportQuery, bounds: number[]): SQL {
  return and(
    eq(a.clinicId, ctx.clinicId),
    gte(a.startAt, new Date(bounds[0])),
    lt(a.startAt, new Date(bounds[bounds.length - 1])),
    query.locationId ? eq(a.locationId, query.locationId) : undefined,
    query.providerId ? eq(a.providerId, query.providerId) : undefined,
  ) as SQL;
}

/**
 * Available minutes by the report's group key (a period's first date, a provider or a location)
 * and in total: each provider's working time in the range, less time off and closures.
 */
async function availableMinutes(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery,
  days: { dates: string[]; bounds: number[] },
): Promise<{ byKey: Map<string, number>; total: number }> {
  const p = schema.providers;
  const providers = await db
    .select({ id: p.id })
    .from(p)
    .where(and(eq(p.clinicId, ctx.clinicId), query.providerId ? eq(p.id, query.providerId) : undefined));
  const from = days.bounds[0];
  const to = days.bounds[days.bounds.length - 1];
  const { calendars } = await calendarsOfProviders(
    db,
    ctx.clinicId,
    providers.map((row) => row.id),
    new Date(from),
    new Date(to),
  );
  const byKey = new Map<string, number>();
  const expanded = new Map<string, LocatedInterval[]>();
  let total = 0;
  const add = (key: string, ms: number) => byKey.set(key, (byKey.get(key) ?? 0) + ms);
  const group = query.group;
  for (const [providerId, calendar] of calendars) {
    const atLocation = <T extends { locationId: string }>(items: T[]) =>
      query.locationId ? items.filter((item) => item.locationId === query.locationId) : items;
    // The weekly hours of each version (many providers share the same ones: expanded once),
    // then joined with the extra hours by location, as one expandAvailability call would.
    const weekly = atLocation(calendar.versions).flatMap((version) => {
      const key = JSON.stringify([version.timezone, version.validFrom, version.validTo, version.blocks]);
      let intervals = expanded.get(key);
      if (!intervals) {
        intervals = expandAvailability({ versions: [version], extraHours: [], from, to });
        expanded.set(key, intervals);
      }
      return intervals.map(({ start, end }) => ({ start, end, locationId: version.locationId }));
    });
    const availability = expandAvailability({
      versions: [],
      extraHours: [...weekly, ...atLocation(calendar.extraHours)],
      from,
      to,
    });
    const byLocation = new Map<string, LocatedInterval[]>();
    for (const interval of availability) {
      const list = byLocation.get(interval.locationId);
      if (list) list.push(interval);
      else byLocation.set(interval.locationId, [interval]);
    }
    for (const [locationId, intervals] of byLocation) {
      const working: Interval[] = subtractIntervals(intervals, calendar.timeOff);
      // Each working interval, cut at the clinic's local midnights (the intervals are sorted).
      let day = 0;
      for (const interval of working) {
        while (day < days.dates.length && days.bounds[day + 1] <= interval.start) day++;
        for (let d = day; d < days.dates.length && days.bounds[d] < interval.end; d++) {
          const ms = Math.min(interval.end, days.bounds[d + 1]) - Math.max(interval.start, days.bounds[d]);
          if (ms <= 0) continue;
          total += ms;
          const key = isPeriodGroup(group)
            ? periodStart(days.dates[d], group)
            : group === 'provider'
              ? providerId
              : locationId;
          add(key, ms);
        }
      }
    }
  }
  const minutes = (ms: number) => ms / 60_000;
  return { byKey: new Map([...byKey].map(([key, ms]) => [key, minutes(ms)])), total: minutes(total) };
}

/** Booked minutes, appointments and no-shows per clinic-local day × provider × location (rollups.ts). */
function bookedDays(ctx: ClinicScope, timezone: string): SummableRollup {
  const m = metricConditions();
  return {
    report: 'utilisation/1',
    fields: { numbers: ['minutes', 'appointments', 'noShows'] },
    days: (from, to) => sql`
      SELECT d.local_date, jsonb_agg(jsonb_build_object('provider', d.provider, 'location', d.location,
          'minutes', d.minutes, 'appointments', d.appointments, 'noShows', d.no_shows)) AS sums
      FROM (
        SELECT (${a.startAt} AT TIME ZONE ${timezone})::date AS local_date, ${a.providerId}::text AS provider,
          ${a.locationId}::text AS location, sum(extract(epoch from ${a.endAt} - ${a.startAt})) / 60 AS minutes,
          count(*) AS appointments, count(*) FILTER (WHERE ${m.no_show}) AS no_shows
        FROM ${a}
        WHERE ${inRange(ctx, { from, to, group: 'day' }, midnights({ from, to, group: 'day' }, timezone).bounds)}
          AND ${m.booked}
        GROUP BY 1, 2, 3
      ) d
      GROUP BY d.local_date`,
  };
}

export async function utilisationReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const timezone = await clinicTimezone(db, ctx);
  const days = midnights(query, timezone);
  const [booked, available] = await Promise.all([
    groupRolledUpDays<{ minutes: number; appointments: number; noShows: number }>(
      db,
      ctx,
      bookedDays(ctx, timezone),
      timezone,
      query,
    ),
    availableMinutes(db, ctx, query, days),
  ]);
  // Keys with available time but nothing booked are rows too (a provider with an empty week).
  type Result = { period: string | null; minutes: number; appointments: number; noShows: number; available: number };
  const results = new Map<string | null, Result>();
  for (const row of booked) {
    results.set(row.period, {
      period: row.period,
      minutes: row.minutes ?? 0,
      appointments: row.appointments ?? 0,
      noShows: row.noShows ?? 0,
      available: 0,
    });
  }
  for (const [key, minutes] of available.byKey) {
    const row = results.get(key) ?? { period: key, minutes: 0, appointments: 0, noShows: 0, available: 0 };
    row.available = minutes;
    results.set(key, row);
  }
  const totals = results.get(null) ?? { period: null, minutes: 0, appointments: 0, noShows: 0, available: 0 };
  totals.available = available.total;
  results.set(null, totals);

  const figures = (row: Result | undefined): ReportRow['values'] => ({
    availableMinutes: row?.available ?? 0,
    bookedMinutes: row?.minutes ?? 0,
    utilisation: percentOf(row?.minutes ?? 0, row?.available ?? 0),
    appointments: row?.appointments ?? 0,
    noShows: row?.noShows ?? 0,
  });
  return {
    timezone,
    columns: UTILISATION_REPORT_COLUMNS,
    rows: await groupedRows(db, ctx, query, [...results.values()], figures),
    totals: figures(totals),
  };
}

/** The appointments behind the booked minutes (or the no-shows among them). */
export async function utilisationReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: UtilisationMetric },
): Promise<ReportRowsResult> {
  const timezone = await clinicTimezone(db, ctx);
  const m = metricConditions();
  const where = and(inRange(ctx, query, midnights(query, timezone).bounds), m.booked, m[query.metric]);
  const items = await appointmentItems(db, where as SQL, ({ appointment, patient, provider, location }) => ({
    patient,
    provider,
    location,
    start: appointment.startAt.toISOString(),
    minutes: (appointment.endAt.getTime() - appointment.startAt.getTime()) / 60_000,
    status: appointmentStatusLabel(appointment.status),
  }));
  return { columns: rowsColumns(UTILISATION_ROWS_COLUMNS), ...items };
}
