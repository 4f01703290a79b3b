import { type Db, schema } from '@tend/db';
import {
  addDaysTo,
  appointmentStatusLabel,
  describeOffset,
  percentOf,
  REMINDER_APPOINTMENT_ROWS_COLUMNS,
  REMINDER_MESSAGE_METRICS,
  REMINDER_MESSAGE_ROWS_COLUMNS,
  REMINDER_REPORT_COLUMNS,
  REPORT_ROWS_LIMIT,
  type ReminderAppointmentMetric,
  type ReminderMessageMetric,
  type ReminderMetric,
  type ReportQuery,
  type ReportRow,
  type ReportRowsResult,
  t,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, asc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { isoOrNull } from '../scheduling/shared';
import { rowsColumns } from './columns';
import { groupedRows } from './groups';
import { type SummableRollup, type SummedGroup, sumRolledUpDays } from './rollups';

/**
 * The Reminders report (definitions in packages/domain/src/reports/reminders.ts), about the
 * appointments starting in the range ((clinic_id, start_at) index) and their reminder messages
 * (messages_related_idx): per appointment, when its first reminder was sent (the time a
 * confirmation is compared with) and its messages, summed per clinic-local day, provider,
 * location and rule and kept as per-day rollups (rollups.ts; a message sent or delivered bumps its
 * appointment's day: 0024). Each drill-down metric is one SQL condition, used to count and to list.
 */

const a = schema.appointments;
const m = schema.messages;

/** When a reminder left the outbox: `sent_at`, or the attempt that captured it. */
const sentAtOf = sql`coalesce(${m.sentAt}, ${m.lastAttemptAt})`;
const SENT = sql`${m.status} in ('sent', 'captured')`;

const messageConditions: Record<ReminderMessageMetric, SQL> = {
  sent: SENT,
  delivered: sql`${SENT} and (${m.channel} = 'email' or ${m.deliveryStatus} in ('delivered', 'read'))`,
  failed: sql`(${m.status} = 'failed' or ${m.deliveryStatus} in ('failed', 'undelivered'))`,
};

const isMessageMetric = (metric: ReminderMetric): metric is ReminderMessageMetric =>
  (REMINDER_MESSAGE_METRICS as readonly string[]).includes(metric);

/** The reminders of the appointment row `a` (of one rule when asked). */
function remindersOf(ctx: ClinicScope, ruleId?: string) {
  return and(
    eq(m.clinicId, ctx.clinicId),
    eq(m.relatedType, 'appointment'),
    eq(m.relatedId, a.id),
    eq(m.kind, 'reminder'),
    ruleId ? eq(m.ruleId, ruleId) : undefined,
  ) as SQL;
}

async function clinicTimezone(db: Db, ctx: ClinicScope): Promise<string> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  return clinic.timezone;
}

function inRange(ctx: ClinicScope, timezone: string, query: ReportQuery): SQL {
  const start = new Date(zonedTimeToInstant(query.from, '00:00', timezone));
  const end = new Date(zonedTimeToInstant(addDaysTo(query.to, 1), '00:00', timezone));
  return and(
    eq(a.clinicId, ctx.clinicId),
    gte(a.startAt, start),
    lt(a.startAt, end),
    query.locationId ? eq(a.locationId, query.locationId) : undefined,
    query.providerId ? eq(a.providerId, query.providerId) : undefined,
  ) as SQL;
}

/** Reminder messages of appointments in the range (of a rule when asked), without the appointment row. */
function remindersIn(db: Db, ctx: ClinicScope, range: SQL) {
  const inRange = db.select({ id: a.id }).from(a).where(range);
  return and(
    eq(m.clinicId, ctx.clinicId),
    eq(m.relatedType, 'appointment'),
    eq(m.kind, 'reminder'),
    SENT,
    inArray(m.relatedId, inRange),
  ) as SQL;
}

/**
 * Per appointment of the range with a reminder sent: when its first reminder (of the rule asked
 * for) and its first reminder of any rule left the outbox. Joined on the appointment's id (a
 * derived table, not a lateral one: the planner may hash it for a year or probe the index for a
 * week).
 */
function firstReminders(db: Db, ctx: ClinicScope, range: SQL, ruleId?: string) {
  return db
    .select({
      appointmentId: sql<string>`${m.relatedId}`.as('appointment_id'),
      first: sql<Date | null>`min(${sentAtOf}) filter (where ${ruleId ? eq(m.ruleId, ruleId) : sql`true`})`.as(
        'first_sent',
      ),
      any: sql<Date | null>`min(${sentAtOf})`.as('any_sent'),
    })
    .from(m)
    .where(remindersIn(db, ctx, range))
    .groupBy(m.relatedId)
    .as('reminded');
}

const DUE = sql`${a.status} in ('checked_in', 'in_progress', 'completed', 'no_show')`;

function appointmentConditions(first: SQL, any: SQL): Record<ReminderAppointmentMetric, SQL> {
  const reminded = sql`${first} is not null`;
  const notReminded = sql`${any} is null`;
  return {
    reminded,
    reminded_confirmed: sql`${reminded} and ${a.confirmedAt} >= ${first}`,
    reminded_cancelled: sql`${reminded} and ${a.status} = 'cancelled'`,
    reminded_due: sql`${reminded} and ${DUE}`,
    reminded_no_show: sql`${reminded} and ${a.status} = 'no_show'`,
    not_reminded: notReminded,
    not_reminded_confirmed: sql`${notReminded} and ${a.confirmedAt} is not null`,
    not_reminded_cancelled: sql`${notReminded} and ${a.status} = 'cancelled'`,
    not_reminded_due: sql`${notReminded} and ${DUE}`,
    not_reminded_no_show: sql`${notReminded} and ${a.status} = 'no_show'`,
  };
}

const count = (condition: SQL) => sql<number>`count(*) filter (where ${condition})`.mapWith(Number);

/** The figures a reminders rollup row sums (rollups.ts): messages, and appointments reminded or not. */
const SUMS = [
  'sent',
  'delivered',
  'failed',
  'reminded',
  'remindedConfirmed',
  'remindedCancelled',
  'remindedDue',
  'remindedNoShow',
  'notReminded',
  'notRemindedConfirmed',
  'notRemindedCancelled',
  'notRemindedDue',
  'notRemindedNoShow',
] as const;
type ReminderSums = Record<(typeof SUMS)[number], number>;

/**
 * Per clinic-local day × provider × location of the appointments' start, two kinds of rows: key
 * `*`, every appointment once with its first reminder of any rule and all its messages; and key
 * `<rule id>` (or `none`), each appointment once per rule that sent it a message, with that rule's
 * first reminder and messages. A rule's "reminded" comes from its rows, "not reminded" (no
 * reminder of any rule) always from the `*` rows — as the report defines them.
 */
function reminderDays(ctx: ClinicScope, timezone: string): SummableRollup {
  const column = (name: string) => sql.identifier(name);
  const c = appointmentConditions(sql`x.first_sent`, sql`x.any_sent`);
  const counts: Record<string, SQL> = {
    reminded: c.reminded,
    remindedConfirmed: c.reminded_confirmed,
    remindedCancelled: c.reminded_cancelled,
    remindedDue: c.reminded_due,
    remindedNoShow: c.reminded_no_show,
    notReminded: c.not_reminded,
    notRemindedConfirmed: c.not_reminded_confirmed,
    notRemindedCancelled: c.not_reminded_cancelled,
    notRemindedDue: c.not_reminded_due,
    notRemindedNoShow: c.not_reminded_no_show,
  };
  return {
    report: 'reminders/1',
    fields: { numbers: SUMS },
    days: (from, to) => {
      const range = inRange(ctx, timezone, { from, to, group: 'day' });
      return sql`
        WITH per_rule AS (
          SELECT ${m.relatedId} AS appointment_id, coalesce(${m.ruleId}::text, 'none') AS rule,
            min(${sentAtOf}) FILTER (WHERE ${SENT}) AS first_sent,
            count(*) FILTER (WHERE ${messageConditions.sent}) AS sent,
            count(*) FILTER (WHERE ${messageConditions.delivered}) AS delivered,
            count(*) FILTER (WHERE ${messageConditions.failed}) AS failed
          FROM ${m}
          WHERE ${m.clinicId} = ${ctx.clinicId} AND ${m.relatedType} = 'appointment' AND ${m.kind} = 'reminder'
            AND ${m.relatedId} IN (SELECT ${a.id} FROM ${a} WHERE ${range})
          GROUP BY 1, 2
        ),
        any_rule AS (
          SELECT appointment_id, min(first_sent) AS any_sent, sum(sent) AS sent, sum(delivered) AS delivered,
            sum(failed) AS failed
          FROM per_rule GROUP BY 1
        ),
        x AS (
          SELECT ${a.id} AS id, '*' AS key, r.any_sent AS first_sent, r.any_sent,
            coalesce(r.sent, 0) AS sent, coalesce(r.delivered, 0) AS delivered, coalesce(r.failed, 0) AS failed
          FROM ${a} LEFT JOIN any_rule r ON r.appointment_id = ${a.id}
          WHERE ${range}
          UNION ALL
          SELECT r.appointment_id, r.rule, r.first_sent, r.first_sent, r.sent, r.delivered, r.failed
          FROM per_rule r
        ),
        g AS (
          SELECT (${a.startAt} AT TIME ZONE ${timezone})::date AS local_date, ${a.providerId}::text AS provider,
            ${a.locationId}::text AS location, x.key,
            sum(x.sent) AS sent, sum(x.delivered) AS delivered, sum(x.failed) AS failed,
            ${sql.join(
              Object.entries(counts).map(
                ([name, condition]) => sql`count(*) FILTER (WHERE ${condition}) AS ${column(name)}`,
              ),
              sql`, `,
            )}
          FROM x JOIN ${a} ON ${a.id} = x.id
          GROUP BY 1, 2, 3, 4
        )
        SELECT g.local_date, jsonb_agg(jsonb_build_object('provider', g.provider, 'location', g.location,
            'key', g.key, ${sql.join(
              SUMS.map((name) => sql`${name}::text, g.${column(name)}`),
              sql`, `,
            )})) AS sums
        FROM g GROUP BY g.local_date`;
    },
  };
}

export async function remindersReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const timezone = await clinicTimezone(db, ctx);
  const byRule = query.group === 'rule';
  // Each rule's sums apart (key: the rule), and every appointment once (key `*`): by period,
  // provider or location, or by rule the totals of each rule.
  const sums = await sumRolledUpDays<ReminderSums>(
    db,
    ctx,
    reminderDays(ctx, timezone),
    timezone,
    query,
    byRule ? null : query.group,
    {
      ...query,
      byKey: true,
    },
  );
  type Row = SummedGroup<ReminderSums>;
  const ofKey = (key: string) => sums.filter((row) => row.key === key);
  // Reminded and messages: of the rule asked for, else of any rule (each appointment once); by
  // rule, each rule's rows on their own.
  const overall = ofKey('*');
  const reminded = ofKey(query.ruleId ?? '*');
  const perRule = sums
    .filter((row) => row.period === null && (query.ruleId ? row.key === query.ruleId : row.key !== '*'))
    .map((row) => ({ ...row, period: row.key ?? null }));
  const notRemindedOf = new Map(overall.map((row) => [row.period, row]));
  const withNotReminded = (row: Row): Row => {
    const other = notRemindedOf.get(row.period);
    return {
      ...row,
      notReminded: other?.notReminded,
      notRemindedConfirmed: other?.notRemindedConfirmed,
      notRemindedCancelled: other?.notRemindedCancelled,
      notRemindedDue: other?.notRemindedDue,
      notRemindedNoShow: other?.notRemindedNoShow,
    };
  };
  const totals = withNotReminded(reminded.find((row) => row.period === null) ?? { period: null });
  // By rule: a row per rule that sent anything. Otherwise every period, provider or location with
  // appointments, reminded by the rule asked for or not.
  const rows = byRule
    ? perRule.filter((row) => row.period !== null)
    : overall.map((row) =>
        withNotReminded(reminded.find((other) => other.period === row.period) ?? { period: row.period }),
      );

  const figures = (row: Row | undefined): ReportRow['values'] => {
    // By rule, every row compares with all the appointments no reminder reached.
    const without = byRule ? totals : row;
    return {
      sent: row?.sent ?? 0,
      delivered: row?.delivered ?? 0,
      failed: row?.failed ?? 0,
      reminded: row?.reminded ?? 0,
      remindedConfirmRate: percentOf(row?.remindedConfirmed ?? 0, row?.reminded ?? 0),
      remindedCancelRate: percentOf(row?.remindedCancelled ?? 0, row?.reminded ?? 0),
      remindedNoShowRate: percentOf(row?.remindedNoShow ?? 0, row?.remindedDue ?? 0),
      notReminded: without?.notReminded ?? 0,
      notRemindedConfirmRate: percentOf(without?.notRemindedConfirmed ?? 0, without?.notReminded ?? 0),
      notRemindedCancelRate: percentOf(without?.notRemindedCancelled ?? 0, without?.notReminded ?? 0),
      notRemindedNoShowRate: percentOf(without?.notRemindedNoShow ?? 0, without?.notRemindedDue ?? 0),
    };
  };
  return {
    timezone,
    columns: REMINDER_REPORT_COLUMNS,
    rows: await groupedRows(db, ctx, query, rows, figures),
    totals: figures(totals),
  };
}

const ruleLabel = (rule: { channel: 'email' | 'sms'; minutesBefore: number } | null) =>
  rule
    ? t('reports.reminders.rule', {
        channel: t(rule.channel === 'email' ? 'reminders.email' : 'reminders.sms'),
        offset: describeOffset(rule.minutesBefore),
      })
    : t('reports.reminders.noRule');

/** The reminder messages, or the appointments, behind one figure. */
export async function reminderReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: ReminderMetric },
): Promise<ReportRowsResult> {
  const timezone = await clinicTimezone(db, ctx);
  const range = inRange(ctx, timezone, query);
  const patientName = sql<string>`${schema.patients.givenName} || ' ' || ${schema.patients.familyName}`;
  const metric = query.metric;
  if (isMessageMetric(metric)) {
    const where = and(range, remindersOf(ctx, query.ruleId), messageConditions[metric]);
    const [{ total }] = await db
      .select({ total: count(sql`true`) })
      .from(m)
      .innerJoin(a, eq(a.id, m.relatedId))
      .where(where);
    const rows = await db
      .select({
        id: m.id,
        patientId: a.patientId,
        patient: patientName,
        channel: m.channel,
        status: m.status,
        deliveryStatus: m.deliveryStatus,
        sentAt: sql<Date | null>`${sentAtOf}`.mapWith(m.sentAt),
        startAt: a.startAt,
        rule: { channel: schema.reminderRules.channel, minutesBefore: schema.reminderRules.minutesBefore },
      })
      .from(m)
      .innerJoin(a, eq(a.id, m.relatedId))
      .innerJoin(schema.patients, eq(schema.patients.id, a.patientId))
      .leftJoin(schema.reminderRules, eq(schema.reminderRules.id, m.ruleId))
      .where(where)
      .orderBy(asc(a.startAt), asc(m.id))
      .limit(REPORT_ROWS_LIMIT);
    return {
      total,
      columns: rowsColumns(REMINDER_MESSAGE_ROWS_COLUMNS),
      items: rows.map((row) => ({
        id: row.id,
        patientId: row.patientId,
        values: {
          patient: row.patient,
          rule: ruleLabel(row.rule),
          channel: t(row.channel === 'email' ? 'reminders.email' : 'reminders.sms'),
          appointment: row.startAt.toISOString(),
          status: row.deliveryStatus ?? row.status,
          sent: isoOrNull(row.sentAt),
        },
      })),
    };
  }
  const reminded = firstReminders(db, ctx, range, query.ruleId);
  const where = and(range, appointmentConditions(sql`${reminded.first}`, sql`${reminded.any}`)[metric]);
  const [{ total }] = await db
    .select({ total: count(sql`true`) })
    .from(a)
    .leftJoin(reminded, eq(reminded.appointmentId, a.id))
    .where(where);
  const rows = await db
    .select({
      appointment: a,
      patient: patientName,
      providerName: schema.providers.name,
      first: sql<Date | null>`${reminded.first}`.mapWith(a.startAt),
    })
    .from(a)
    .leftJoin(reminded, eq(reminded.appointmentId, a.id))
    .innerJoin(schema.patients, eq(schema.patients.id, a.patientId))
    .innerJoin(schema.providers, eq(schema.providers.id, a.providerId))
    .where(where)
    .orderBy(asc(a.startAt), asc(a.id))
    .limit(REPORT_ROWS_LIMIT);
  return {
    total,
    columns: rowsColumns(REMINDER_APPOINTMENT_ROWS_COLUMNS),
    items: rows.map(({ appointment, patient, providerName, first }) => ({
      id: appointment.id,
      patientId: appointment.patientId,
      values: {
        patient,
        provider: providerName,
        start: appointment.startAt.toISOString(),
        status: appointmentStatusLabel(appointment.status),
        reminded: isoOrNull(first),
        confirmed: isoOrNull(appointment.confirmedAt),
      },
    })),
  };
}
