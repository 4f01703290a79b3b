import { type Db, schema } from '@tend/db';
import {
  addDaysTo,
  daysBetween,
  isPeriodGroup,
  MAX_REPORT_DAYS,
  PATIENT_REPORT_COLUMNS,
  PATIENT_ROWS_COLUMNS,
  type PatientMetric,
  percentOf,
  periodStart,
  RECALL_ROWS_COLUMNS,
  REPORT_ROWS_LIMIT,
  type ReportQuery,
  type ReportRow,
  type ReportRowsResult,
  t,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, asc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { isoOrNull } from '../scheduling/shared';
import { rowsColumns } from './columns';
import { groupedRows, groupKey } from './groups';
import { type DayRollup, eachRolledUpRow, type Histogram, type RollupRow } from './rollups';

/**
 * The Patients report (definitions in packages/domain/src/reports/patients.ts) from three parts:
 * seen/new/returning, distinct patients per group, from per-day rollups of the completed visits
 * (visitDays); the patients created in the range and the recalls due in it, as SQL aggregates. The
 * drill-down lists the patients with SQL over the range's visits, each marked when it is its
 * patient's first completed appointment ever (see firstVisits).
 */

const a = schema.appointments;
const p = schema.patients;
const r = schema.recalls;

async function clinicTimezone(db: Db, ctx: ClinicScope): Promise<string> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  return clinic.timezone;
}

function instants(query: Pick<ReportQuery, 'from' | 'to'>, timezone: string) {
  return {
    start: new Date(zonedTimeToInstant(query.from, '00:00', timezone)),
    end: new Date(zonedTimeToInstant(addDaysTo(query.to, 1), '00:00', timezone)),
  };
}

/** Completed appointments starting in the range (at the location, with the provider). */
function visitsInRange(ctx: ClinicScope, query: ReportQuery, timezone: string): SQL {
  const { start, end } = instants(query, timezone);
  return and(
    eq(a.clinicId, ctx.clinicId),
    eq(a.status, 'completed'),
    gte(a.startAt, start),
    lt(a.startAt, end),
    query.locationId ? eq(a.locationId, query.locationId) : undefined,
    query.providerId ? eq(a.providerId, query.providerId) : undefined,
  ) as SQL;
}

/**
 * The first completed appointment ever of each patient whose first one is in the range (at any
 * location, with any provider), as kept on the patient by a trigger on appointments (0026) and
 * read through `patients_first_visit_idx`.
 */
function firstVisits(db: Db, ctx: ClinicScope, query: ReportQuery, timezone: string) {
  const { start, end } = instants(query, timezone);
  return db
    .select({
      id: sql<string>`${p.firstVisitId}`.as('first_id'),
      at: sql<Date>`${p.firstVisitAt}`.as('first_at'),
    })
    .from(p)
    .where(and(eq(p.clinicId, ctx.clinicId), gte(p.firstVisitAt, start), lt(p.firstVisitAt, end)))
    .as('firsts');
}

/** Patients created in the range; none with a location or provider filter (they have neither). */
function registeredInRange(ctx: ClinicScope, query: ReportQuery, timezone: string): SQL | null {
  if (query.locationId || query.providerId) return null;
  const { start, end } = instants(query, timezone);
  return and(eq(p.clinicId, ctx.clinicId), gte(p.createdAt, start), lt(p.createdAt, end)) as SQL;
}

/** Recalls due in the range (of the provider); none with a location filter (recalls have none). */
function recallsInRange(ctx: ClinicScope, query: ReportQuery): SQL | null {
  if (query.locationId) return null;
  return and(
    eq(r.clinicId, ctx.clinicId),
    gte(r.dueDate, query.from),
    lte(r.dueDate, query.to),
    query.providerId ? eq(r.providerId, query.providerId) : undefined,
  ) as SQL;
}

const RECALL_CONDITIONS = {
  recalls_due: sql`true`,
  recalls_booked: sql`${r.status} = 'booked'`,
  recalls_closed: sql`${r.status} = 'closed'`,
  recalls_open: sql`${r.status} in ('open', 'contacted')`,
};

const count = (condition: SQL) => sql<number>`count(*) filter (where ${condition})`.mapWith(Number);
const nullable = (values: number | undefined, applies: boolean) => (applies ? (values ?? 0) : null);

/**
 * How far back a gap is told apart: a longer one is ≥ `MAX_REPORT_DAYS`, the longest range, so it
 * is before the start of any period or range that can be asked for.
 */
const GAP_CAP = MAX_REPORT_DAYS;

/**
 * Whose previous completed visit a visit's gap is measured from: the same patient's at any location
 * with any provider, at the visit's location, with its provider, or both. A patient seen at two
 * locations is one patient of the clinic but one of each location.
 */
type Scope = 'any' | 'location' | 'provider' | 'both';

const SCOPE_CONDITION: Record<Scope, SQL> = {
  any: sql`true`,
  location: sql`x.location_id = ap.location_id`,
  provider: sql`x.provider_id = ap.provider_id`,
  both: sql`x.location_id = ap.location_id AND x.provider_id = ap.provider_id`,
};

/** A rollup row: the day's completed visits of one provider/location (as the scope keys them). */
interface VisitDaySums extends RollupRow {
  /** Visits that are their patient's first completed visit ever (at any location, with any provider). */
  new: number;
  /** Days since the previous completed visit in the scope → visits; `never` for none, GAP_CAP for ≥. */
  gaps: Histogram;
}

/**
 * The per-day rollup of one scope (rollups.ts): per clinic-local day and per provider/location of
 * the scope ('' where the scope has none), how many completed visits came how many days after the
 * same patient's previous completed visit in the scope. A patient is seen in a period (or range)
 * starting on day s exactly once: on the first visit whose previous one is before s — a visit of
 * day d with a gap > d − s. So distinct patients per period add up from days, which a stored
 * `count(distinct)` cannot. Migration 0049 bumps the day of a patient's next visits when a
 * completed visit appears, goes or moves, so a day whose gaps changed is computed again.
 */
function visitDays(ctx: ClinicScope, timezone: string, scope: Scope): DayRollup {
  const local = (at: SQL) => sql`(${at} AT TIME ZONE ${timezone})::date`;
  const dimension = (applies: boolean, column: string) => (applies ? sql.raw(`ap.${column}::text`) : sql`''`);
  return {
    report: `patients-${scope}/1`,
    days: (from, to) => {
      const { start, end } = instants({ from, to }, timezone);
      return sql`
        SELECT k.local_date, jsonb_agg(jsonb_build_object(
            'provider', k.provider, 'location', k.location, 'new', k.new, 'gaps', k.gaps)) AS sums
        FROM (
          SELECT g.local_date, g.provider, g.location, sum(g.new)::int AS new, jsonb_object_agg(g.gap, g.n) AS gaps
          FROM (
            SELECT v.local_date, v.provider, v.location, v.gap, count(*) AS n, count(*) FILTER (WHERE v.first) AS new
            FROM (
              SELECT ${local(sql`ap.start_at`)} AS local_date,
                ${dimension(scope === 'provider' || scope === 'both', 'provider_id')} AS provider,
                ${dimension(scope === 'location' || scope === 'both', 'location_id')} AS location,
                previous.count = 0 AS first,
                CASE WHEN previous.at IS NULL THEN 'never'
                  ELSE least(${local(sql`ap.start_at`)} - ${local(sql`previous.at`)}, ${GAP_CAP})::text END AS gap
              FROM appointments ap
              CROSS JOIN LATERAL (
                SELECT count(*) AS count, max(x.start_at) FILTER (WHERE ${SCOPE_CONDITION[scope]}) AS at
                FROM appointments x
                WHERE x.patient_id = ap.patient_id AND x.status = 'completed'
                  AND x.start_at <= ap.start_at AND (x.start_at < ap.start_at OR x.id < ap.id)
              ) previous
              WHERE ap.clinic_id = ${ctx.clinicId} AND ap.status = 'completed'
                AND ap.start_at >= ${start} AND ap.start_at < ${end}
            ) v
            GROUP BY 1, 2, 3, 4
          ) g
          GROUP BY 1, 2, 3
        ) k
        GROUP BY k.local_date`;
    },
  };
}

/** The visits of a rollup row whose previous visit in the scope is more than `days` days before theirs. */
function firstVisitsAfter(gaps: Histogram, days: number): number {
  let visits = 0;
  for (const [gap, count] of Object.entries(gaps)) if (gap === 'never' || Number(gap) > days) visits += count;
  return visits;
}

/**
 * Seen and new patients per group and for the range, from the per-day rollups: the scope follows
 * the filters (a location's or a provider's own patients), and per provider it is the provider's.
 */
async function visitFigures(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery,
  timezone: string,
): Promise<Array<{ period: string | null; seen: number; new: number }>> {
  const scopeOf = (location: boolean, provider: boolean): Scope =>
    location && provider ? 'both' : location ? 'location' : provider ? 'provider' : 'any';
  const byProvider = query.group === 'provider';
  const rangeScope = scopeOf(Boolean(query.locationId), Boolean(query.providerId));
  const groupScope = scopeOf(Boolean(query.locationId), Boolean(query.providerId) || byProvider);
  const matches = (row: VisitDaySums) =>
    (!query.locationId || row.location === query.locationId) &&
    (!query.providerId || row.provider === query.providerId);
  const figures = new Map<string | null, { period: string | null; seen: number; new: number }>();
  const add = (key: string | null, seen: number, added: number) => {
    const sums = figures.get(key) ?? { period: key, seen: 0, new: 0 };
    sums.seen += seen;
    sums.new += added;
    figures.set(key, sums);
  };
  add(null, 0, 0);
  const addToRange = (row: VisitDaySums & { date: string }) =>
    add(null, firstVisitsAfter(row.gaps, daysBetween(query.from, row.date)), row.new);
  const addToGroup = (row: VisitDaySums & { date: string }) => {
    const group = query.group;
    const key = isPeriodGroup(group) ? periodStart(row.date, group) : row.provider;
    // A period cut by the range starts where the range does.
    const since = isPeriodGroup(group) && key > query.from ? key : query.from;
    add(key, firstVisitsAfter(row.gaps, daysBetween(since, row.date)), row.new);
  };
  const read = (scope: Scope, visit: (row: VisitDaySums & { date: string }) => void) =>
    eachRolledUpRow(db, ctx, visitDays(ctx, timezone, scope), timezone, query, (row) => {
      const sums = row as VisitDaySums & { date: string };
      if (matches(sums)) visit(sums);
    });
  await (groupScope === rangeScope
    ? read(rangeScope, (row) => {
        addToRange(row);
        addToGroup(row);
      })
    : Promise.all([read(rangeScope, addToRange), read(groupScope, addToGroup)]));
  return [...figures.values()].filter((row) => row.period === null || row.seen > 0);
}

export async function patientsReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const timezone = await clinicTimezone(db, ctx);
  const registered = registeredInRange(ctx, query, timezone);
  const recalls = recallsInRange(ctx, query);
  const byProvider = query.group === 'provider';
  const [visitRows, registeredRows, recallRows] = await Promise.all([
    visitFigures(db, ctx, query, timezone),
    registered && !byProvider
      ? db
          .select({
            period: groupKey(query.group, sql`(${p.createdAt} at time zone ${timezone})`, {}),
            registered: count(sql`true`),
          })
          .from(p)
          .where(registered)
          .groupBy(sql`grouping sets ((1), ())`)
      : Promise.resolve(null),
    recalls
      ? db
          .select({
            period: groupKey(query.group, sql`${r.dueDate}::timestamp`, { provider: r.providerId }),
            due: count(RECALL_CONDITIONS.recalls_due),
            booked: count(RECALL_CONDITIONS.recalls_booked),
            closed: count(RECALL_CONDITIONS.recalls_closed),
            open: count(RECALL_CONDITIONS.recalls_open),
          })
          .from(r)
          .where(recalls)
          .groupBy(sql`grouping sets ((1), ())`)
      : Promise.resolve(null),
  ]);

  type Row = {
    period: string | null;
    seen?: number;
    new?: number;
    registered?: number;
    due?: number;
    booked?: number;
    closed?: number;
    open?: number;
  };
  const rows = new Map<string | null, Row>();
  for (const row of [...visitRows, ...(registeredRows ?? []), ...(recallRows ?? [])]) {
    rows.set(row.period, { ...rows.get(row.period), ...row });
  }
  const hasRegistrations = registeredRows !== null;
  const hasRecalls = recallRows !== null;
  const figures = (row: Row | undefined): ReportRow['values'] => ({
    seen: row?.seen ?? 0,
    new: row?.new ?? 0,
    returning: (row?.seen ?? 0) - (row?.new ?? 0),
    registered: nullable(row?.registered, hasRegistrations),
    recallsDue: nullable(row?.due, hasRecalls),
    recallsBooked: nullable(row?.booked, hasRecalls),
    recallsClosed: nullable(row?.closed, hasRecalls),
    recallsOpen: nullable(row?.open, hasRecalls),
    recallsBookedRate: hasRecalls ? percentOf(row?.booked ?? 0, row?.due ?? 0) : null,
  });
  const totals = rows.get(null) ?? { period: null };
  return {
    timezone,
    columns: PATIENT_REPORT_COLUMNS,
    rows: await groupedRows(
      db,
      ctx,
      query,
      [...rows.values()].map((row) => ({ ...row, period: row.period })),
      figures,
    ),
    totals: figures(totals),
  };
}

const fullName = sql<string>`${p.givenName} || ' ' || ${p.familyName}`;

/** The patients behind seen/new/returning/registered, or the recalls behind a recall figure. */
export async function patientReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: PatientMetric },
): Promise<ReportRowsResult> {
  const timezone = await clinicTimezone(db, ctx);
  const metric = query.metric;
  if (metric === 'seen' || metric === 'new' || metric === 'returning') {
    const firsts = firstVisits(db, ctx, query, timezone);
    const having = {
      seen: sql`true`,
      new: sql`bool_or(${firsts.id} is not null)`,
      returning: sql`not bool_or(${firsts.id} is not null)`,
    }[metric];
    const patients = db
      .select({
        patientId: sql<string>`${a.patientId}`.as('patient_id'),
        visits: sql<number>`count(*)`.as('visits'),
        firstAt: sql<Date | null>`min(${firsts.at})`.as('first_at'),
      })
      .from(a)
      .leftJoin(firsts, eq(firsts.id, a.id))
      .where(visitsInRange(ctx, query, timezone))
      .groupBy(a.patientId)
      .having(having)
      .as('listed');
    const [{ total }] = await db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(patients);
    const rows = await db
      .select({
        patient: p,
        visits: sql<number>`${patients.visits}`.mapWith(Number),
        firstAt: sql<Date | null>`${patients.firstAt}`.mapWith(a.startAt),
      })
      .from(patients)
      .innerJoin(p, eq(p.id, patients.patientId))
      .orderBy(asc(p.familyName), asc(p.givenName), asc(p.id))
      .limit(REPORT_ROWS_LIMIT);
    return {
      total,
      columns: rowsColumns(PATIENT_ROWS_COLUMNS),
      items: rows.map((row) => ({
        id: row.patient.id,
        patientId: row.patient.id,
        values: {
          patient: `${row.patient.givenName} ${row.patient.familyName}`,
          mrn: row.patient.mrn,
          firstVisit: isoOrNull(row.firstAt),
          visits: row.visits,
          registered: row.patient.createdAt.toISOString(),
        },
      })),
    };
  }
  if (metric === 'registered') {
    const where = registeredInRange(ctx, query, timezone);
    if (!where) return { total: 0, columns: rowsColumns(PATIENT_ROWS_COLUMNS), items: [] };
    const [{ total }] = await db
      .select({ total: count(sql`true`) })
      .from(p)
      .where(where);
    const rows = await db.select().from(p).where(where).orderBy(asc(p.createdAt), asc(p.id)).limit(REPORT_ROWS_LIMIT);
    return {
      total,
      columns: rowsColumns(PATIENT_ROWS_COLUMNS),
      items: rows.map((row) => ({
        id: row.id,
        patientId: row.id,
        values: {
          patient: `${row.givenName} ${row.familyName}`,
          mrn: row.mrn,
          firstVisit: null,
          visits: null,
          registered: row.createdAt.toISOString(),
        },
      })),
    };
  }
  const inRange = recallsInRange(ctx, query);
  if (!inRange) return { total: 0, columns: rowsColumns(RECALL_ROWS_COLUMNS), items: [] };
  const where = and(inRange, RECALL_CONDITIONS[metric]);
  const [{ total }] = await db
    .select({ total: count(sql`true`) })
    .from(r)
    .where(where);
  const rows = await db
    .select({ recall: r, patient: fullName, provider: schema.providers.name })
    .from(r)
    .innerJoin(p, eq(p.id, r.patientId))
    .innerJoin(schema.providers, eq(schema.providers.id, r.providerId))
    .where(where)
    .orderBy(asc(r.dueDate), asc(r.id))
    .limit(REPORT_ROWS_LIMIT);
  return {
    total,
    columns: rowsColumns(RECALL_ROWS_COLUMNS),
    items: rows.map(({ recall, patient, provider }) => ({
      id: recall.id,
      patientId: recall.patientId,
      values: {
        patient,
        provider,
        due: recall.dueDate,
        reason: recall.reason,
        status: t(`reports.recallStatus.${recall.status}`),
        resolved: isoOrNull(recall.resolvedAt),
      },
    })),
  };
}
