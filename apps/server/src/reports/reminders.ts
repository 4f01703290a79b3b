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
import { groupedRows, groupKey } from './groups';

/**
 * The Reminders report (definitions in packages/domain/src/reports/reminders.ts). Two aggregates
 * over the appointments starting in the range ((clinic_id, start_at) index): their reminder
 * messages (through messages_related_idx), and the appointments themselves with, per appointment,
 * when its first reminder was sent (the reminders of the range's appointments aggregated per
 * appointment and joined back) — the time a confirmation is compared with. Each drill-down metric is one SQL condition, used to count and
 * to list.
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

/** Per appointment and rule: when that rule's first reminder was sent (only rules that sent one). */
function firstRemindersByRule(db: Db, ctx: ClinicScope, range: SQL) {
  return db
    .select({
      appointmentId: sql<string>`${m.relatedId}`.as('appointment_id'),
      rule: sql<string>`coalesce(${m.ruleId}::text, 'none')`.as('rule'),
      first: sql<Date | null>`min(${sentAtOf})`.as('first_sent'),
    })
    .from(m)
    .where(remindersIn(db, ctx, range))
    .groupBy(m.relatedId, m.ruleId)
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

function appointmentFigures(c: Record<ReminderAppointmentMetric, SQL>) {
  return {
    reminded: count(c.reminded),
    remindedConfirmed: count(c.reminded_confirmed),
    remindedCancelled: count(c.reminded_cancelled),
    remindedDue: count(c.reminded_due),
    remindedNoShow: count(c.reminded_no_show),
    notReminded: count(c.not_reminded),
    notRemindedConfirmed: count(c.not_reminded_confirmed),
    notRemindedCancelled: count(c.not_reminded_cancelled),
    notRemindedDue: count(c.not_reminded_due),
    notRemindedNoShow: count(c.not_reminded_no_show),
  };
}

export async function remindersReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const timezone = await clinicTimezone(db, ctx);
  const local = sql`(${a.startAt} at time zone ${timezone})`;
  const where = inRange(ctx, timezone, query);
  const byRule = query.group === 'rule';
  const messageKey = groupKey(query.group, local, {
    provider: a.providerId,
    location: a.locationId,
    rule: sql`coalesce(${m.ruleId}::text, 'none')`,
  });
  const messages = db
    .select({
      period: messageKey,
      sent: count(messageConditions.sent),
      delivered: count(messageConditions.delivered),
      failed: count(messageConditions.failed),
    })
    .from(m)
    .innerJoin(a, eq(a.id, m.relatedId))
    .where(and(where, remindersOf(ctx, query.ruleId)))
    .groupBy(sql`grouping sets ((1), ())`);

  // Every appointment once, with its first reminders (the totals, and the rows unless by rule).
  const reminded = firstReminders(db, ctx, where, query.ruleId);
  const overall = appointmentConditions(sql`${reminded.first}`, sql`${reminded.any}`);
  const period = byRule
    ? sql<string | null>`null`
    : groupKey(query.group, local, { provider: a.providerId, location: a.locationId });
  const appointments = db
    .select({ period, ...appointmentFigures(overall) })
    .from(a)
    .leftJoin(reminded, eq(reminded.appointmentId, a.id))
    .where(where)
    .groupBy(sql`grouping sets ((1), ())`);

  // By rule: each appointment once per rule that reminded it.
  const ruled = firstRemindersByRule(db, ctx, where);
  const perRule = byRule
    ? db
        .select({
          period: sql<string>`${ruled.rule}`,
          ...appointmentFigures(appointmentConditions(sql`${ruled.first}`, sql`${ruled.first}`)),
        })
        .from(a)
        .innerJoin(ruled, eq(ruled.appointmentId, a.id))
        .where(and(where, query.ruleId ? sql`${ruled.rule} = ${query.ruleId}` : undefined))
        .groupBy(sql`1`)
    : Promise.resolve([]);
  const [messageRows, appointmentRows, ruleRows] = await Promise.all([messages, appointments, perRule]);

  type Row = { period: string | null } & Partial<(typeof messageRows)[number]> &
    Partial<(typeof appointmentRows)[number]>;
  const totals: Row = {
    ...messageRows.find((row) => row.period === null),
    ...appointmentRows.find((row) => row.period === null),
    period: null,
  };
  const rows = new Map<string, Row>();
  const merge = (row: Row) => {
    if (row.period === null) return;
    rows.set(row.period, { ...rows.get(row.period), ...row });
  };
  for (const row of messageRows) merge(row);
  for (const row of byRule ? ruleRows : appointmentRows) merge(row);

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
    rows: await groupedRows(db, ctx, query, [...rows.values(), totals], figures),
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
