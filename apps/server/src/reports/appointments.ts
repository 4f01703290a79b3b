import { type Db, schema } from '@tend/db';
import {
  APPOINTMENT_REPORT_COLUMNS,
  APPOINTMENT_ROWS_COLUMNS,
  type AppointmentMetric,
  addDaysTo,
  appointmentStatusLabel,
  oneDecimal,
  percentOf,
  REPORT_ROWS_LIMIT,
  type ReportQuery,
  type ReportRow,
  type ReportRowsResult,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, asc, eq, gte, lt, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { isoOrNull } from '../scheduling/shared';
import { rowsColumns } from './columns';
import { groupedRows } from './groups';
import { groupRolledUpDays, type Histogram, histogramMedian, type SummableRollup } from './rollups';

/**
 * The Appointments report (definitions in packages/domain/src/reports/appointments.ts), as SQL
 * aggregates over the appointments starting in the range — read through the (clinic_id, start_at)
 * index and grouped by the clinic-local period in the database, with the totals as one more
 * grouping set. Each drill-down metric is one SQL condition, used both to count a figure and to
 * list its rows, so the two cannot disagree.
 */

const a = schema.appointments;

interface ClinicRules {
  timezone: string;
  onTimeGraceMinutes: number;
  lateCancelHours: number;
}

function metricConditions(clinic: ClinicRules): Record<AppointmentMetric, SQL> {
  const lateFrom = sql`${a.startAt} - ${clinic.lateCancelHours}::int * interval '1 hour'`;
  return {
    all: sql`true`,
    scheduled: sql`${a.status} in ('booked', 'confirmed')`,
    arrived: sql`${a.status} in ('checked_in', 'in_progress')`,
    completed: sql`${a.status} = 'completed'`,
    cancelled: sql`${a.status} = 'cancelled' and (${a.cancelledAt} is null or ${a.cancelledAt} <= ${lateFrom})`,
    late_cancelled: sql`${a.status} = 'cancelled' and ${a.cancelledAt} > ${lateFrom}`,
    no_show: sql`${a.status} = 'no_show'`,
    due: sql`${a.status} in ('checked_in', 'in_progress', 'completed', 'no_show')`,
    started: sql`${a.startedAt} is not null`,
    on_time: sql`${a.startedAt} <= ${a.startAt} + ${clinic.onTimeGraceMinutes}::int * interval '1 minute'`,
    waited: sql`${a.startedAt} is not null and ${a.checkedInAt} is not null`,
  };
}

async function clinicRules(db: Db, ctx: ClinicScope): Promise<ClinicRules> {
  const [clinic] = await db
    .select({
      timezone: schema.clinics.timezone,
      onTimeGraceMinutes: schema.clinics.onTimeGraceMinutes,
      lateCancelHours: schema.clinics.lateCancelHours,
    })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  return clinic;
}

/** Appointments of the clinic starting on the local dates `from`…`to`, at the location / with the provider. */
function inRange(ctx: ClinicScope, clinic: ClinicRules, query: ReportQuery): SQL {
  const start = new Date(zonedTimeToInstant(query.from, '00:00', clinic.timezone));
  const end = new Date(zonedTimeToInstant(addDaysTo(query.to, 1), '00:00', clinic.timezone));
  return and(
    eq(a.clinicId, ctx.clinicId),
    gte(a.startAt, start),
    lt(a.startAt, end),
    query.locationId ? eq(a.locationId, query.locationId) : undefined,
    query.providerId ? eq(a.providerId, query.providerId) : undefined,
  ) as SQL;
}

const count = (condition: SQL) => sql<number>`count(*) filter (where ${condition})`.mapWith(Number);
const seconds = (from: SQLWrapper, to: SQLWrapper) => sql`extract(epoch from ${to} - ${from})`;

/**
 * The report's sums of the clinic-local days `from`…`to` per provider × location (rollups.ts): the
 * counts of each metric, the sums of lead and wait seconds, and a histogram of the lead in whole
 * days (for the median).
 */
function appointmentDays(ctx: ClinicScope, clinic: ClinicRules): SummableRollup {
  const m = metricConditions(clinic);
  const lead = seconds(a.bookedAt, a.startAt);
  const wait = seconds(a.checkedInAt, a.startedAt);
  const counts = {
    all: m.all,
    scheduled: m.scheduled,
    arrived: m.arrived,
    completed: m.completed,
    cancelled: m.cancelled,
    lateCancelled: m.late_cancelled,
    noShow: m.no_show,
    due: m.due,
    started: m.started,
    onTime: m.on_time,
    waited: m.waited,
  };
  const names = Object.keys(counts);
  return {
    report: 'appointments/2',
    fields: { numbers: [...names, 'leadSeconds', 'waitSeconds'], histograms: ['leadDays'], wholeDayHistograms: true },
    days: (from, to) => sql`
      WITH f AS (
        SELECT (${a.startAt} AT TIME ZONE ${clinic.timezone})::date AS local_date,
          ${a.providerId}::text AS provider, ${a.locationId}::text AS location,
          floor(${lead} / 86400)::int AS lead_day,
          sum(${lead}) AS lead_seconds,
          coalesce(sum(${wait}) FILTER (WHERE ${m.waited}), 0) AS wait_seconds,
          ${sql.join(
            Object.entries(counts).map(
              ([name, condition]) => sql`count(*) FILTER (WHERE ${condition}) AS ${sql.identifier(name)}`,
            ),
            sql`, `,
          )}
        FROM ${a}
        WHERE ${inRange(ctx, clinic, { from, to, group: 'day' })}
        GROUP BY 1, 2, 3, 4),
      whole AS (
        SELECT local_date, jsonb_build_object('whole', true, 'leadDays', jsonb_object_agg(lead_day, n)) AS row
        FROM (SELECT local_date, lead_day, sum(f.all) AS n FROM f GROUP BY 1, 2) d
        GROUP BY local_date),
      rows AS (
        SELECT g.local_date, jsonb_agg(jsonb_build_object(
            'provider', g.provider, 'location', g.location, 'leadSeconds', g.lead_seconds,
            'waitSeconds', g.wait_seconds, 'leadDays', g.lead_days,
            ${sql.join(
              names.map((name) => sql`${name}::text, g.${sql.identifier(name)}`),
              sql`, `,
            )})) AS sums
        FROM (
          SELECT f.local_date, f.provider, f.location, sum(f.lead_seconds) AS lead_seconds,
            sum(f.wait_seconds) AS wait_seconds, jsonb_object_agg(f.lead_day, f.all) AS lead_days,
            ${sql.join(
              names.map((name) => sql`sum(f.${sql.identifier(name)}) AS ${sql.identifier(name)}`),
              sql`, `,
            )}
          FROM f
          GROUP BY 1, 2, 3
        ) g
        GROUP BY g.local_date)
      -- The day's whole histogram first (RollupFields.wholeDayHistograms).
      SELECT rows.local_date, jsonb_build_array(whole.row) || rows.sums AS sums
      FROM rows JOIN whole USING (local_date)`,
  };
}

interface AppointmentSums {
  all: number;
  scheduled: number;
  arrived: number;
  completed: number;
  cancelled: number;
  lateCancelled: number;
  noShow: number;
  due: number;
  started: number;
  onTime: number;
  waited: number;
  leadSeconds: number;
  waitSeconds: number;
  leadDays: Histogram;
}

export async function appointmentsReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const clinic = await clinicRules(db, ctx);
  const fingerprint = `${clinic.timezone}|${clinic.onTimeGraceMinutes}|${clinic.lateCancelHours}`;
  const rows = await groupRolledUpDays<AppointmentSums>(db, ctx, appointmentDays(ctx, clinic), fingerprint, query);
  const figures = (row: (typeof rows)[number] | undefined): ReportRow['values'] => {
    const all = row?.all ?? 0;
    const waited = row?.waited ?? 0;
    return {
      total: all,
      completed: row?.completed ?? 0,
      scheduled: row?.scheduled ?? 0,
      arrived: row?.arrived ?? 0,
      cancelled: row?.cancelled ?? 0,
      lateCancelled: row?.lateCancelled ?? 0,
      noShow: row?.noShow ?? 0,
      noShowRate: percentOf(row?.noShow ?? 0, row?.due ?? 0),
      lateCancelRate: percentOf(row?.lateCancelled ?? 0, all),
      leadDaysAverage: all === 0 ? null : oneDecimal((row?.leadSeconds ?? 0) / all / 86400),
      leadDaysMedian: oneDecimal(histogramMedian(row?.leadDays)),
      started: row?.started ?? 0,
      onTimeRate: percentOf(row?.onTime ?? 0, row?.started ?? 0),
      waitMinutesAverage: waited === 0 ? null : oneDecimal((row?.waitSeconds ?? 0) / waited / 60),
    };
  };
  return {
    timezone: clinic.timezone,
    columns: APPOINTMENT_REPORT_COLUMNS,
    rows: await groupedRows(db, ctx, query, rows, figures),
    totals: figures(rows.find((row) => row.period === null)),
  };
}

type AppointmentWithNames = {
  appointment: typeof a.$inferSelect;
  patient: string;
  provider: string;
  location: string;
};

/**
 * Appointments matching `where` as drill-down items (the Appointments and Utilisation reports'):
 * how many there are, and the first REPORT_ROWS_LIMIT with their patient, provider and location.
 */
export async function appointmentItems(
  db: Db,
  where: SQL,
  values: (row: AppointmentWithNames) => ReportRowsResult['items'][number]['values'],
): Promise<Omit<ReportRowsResult, 'columns'>> {
  const [{ total }] = await db
    .select({ total: count(sql`true`) })
    .from(a)
    .where(where);
  const rows = await db
    .select({
      appointment: a,
      givenName: schema.patients.givenName,
      familyName: schema.patients.familyName,
      provider: schema.providers.name,
      location: schema.locations.name,
    })
    .from(a)
    .innerJoin(schema.patients, eq(schema.patients.id, a.patientId))
    .innerJoin(schema.providers, eq(schema.providers.id, a.providerId))
    .innerJoin(schema.locations, eq(schema.locations.id, a.locationId))
    .where(where)
    .orderBy(asc(a.startAt), asc(a.id))
    .limit(REPORT_ROWS_LIMIT);
  return {
    total,
    items: rows.map(({ appointment, givenName, familyName, provider, location }) => ({
      id: appointment.id,
      patientId: appointment.patientId,
      values: values({ appointment, patient: `${givenName} ${familyName}`, provider, location }),
    })),
  };
}

/** The appointments behind one figure: the same range and filters, and the metric's condition. */
export async function appointmentReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: AppointmentMetric },
): Promise<ReportRowsResult> {
  const clinic = await clinicRules(db, ctx);
  const where = and(inRange(ctx, clinic, query), metricConditions(clinic)[query.metric]) as SQL;
  const items = await appointmentItems(db, where, ({ appointment, patient, provider, location }) => ({
    patient,
    provider,
    location,
    start: appointment.startAt.toISOString(),
    status: appointmentStatusLabel(appointment.status),
    booked: appointment.bookedAt.toISOString(),
    checkedIn: isoOrNull(appointment.checkedInAt),
    started: isoOrNull(appointment.startedAt),
    ended: isoOrNull(appointment.completedAt ?? appointment.cancelledAt ?? appointment.noShowAt),
  }));
  return { columns: rowsColumns(APPOINTMENT_ROWS_COLUMNS), ...items };
}
