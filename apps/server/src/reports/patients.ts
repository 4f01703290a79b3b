import { type Db, schema } from '@tend/db';
import {
  addDaysTo,
  PATIENT_REPORT_COLUMNS,
  PATIENT_ROWS_COLUMNS,
  type PatientMetric,
  percentOf,
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

/**
 * The Patients report (definitions in packages/domain/src/reports/patients.ts), as three SQL
 * aggregates: the completed appointments starting in the range, each marked when it is its
 * patient's first completed appointment ever (see firstVisits); the patients created in the range; the recalls
 * due in the range. Seen/new/returning count distinct patients per group.
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

function instants(query: ReportQuery, timezone: string) {
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

export async function patientsReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const timezone = await clinicTimezone(db, ctx);
  const firsts = firstVisits(db, ctx, query, timezone);
  const isNew = sql`${firsts.id} is not null`;
  const visitKey = groupKey(query.group, sql`(${a.startAt} at time zone ${timezone})`, { provider: a.providerId });
  const registered = registeredInRange(ctx, query, timezone);
  const recalls = recallsInRange(ctx, query);
  const byProvider = query.group === 'provider';
  const [visitRows, registeredRows, recallRows] = await Promise.all([
    db
      .select({
        period: visitKey,
        seen: sql<number>`count(distinct ${a.patientId})`.mapWith(Number),
        new: sql<number>`count(distinct ${a.patientId}) filter (where ${isNew})`.mapWith(Number),
      })
      .from(a)
      .leftJoin(firsts, eq(firsts.id, a.id))
      .where(visitsInRange(ctx, query, timezone))
      .groupBy(sql`grouping sets ((1), ())`),
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
