import { type Db, schema } from '@tend/db';
import {
  AppError,
  type Figure,
  REPORT_GROUPS_OF,
  type ReportColumnDefinition,
  type ReportName,
  type ReportQuery,
  type ReportResult,
  type ReportRowsResult,
  t,
  zAppointmentRowsQuery,
  zDaySheetRowsQuery,
  zPatientRowsQuery,
  zReconciliationRowsQuery,
  zReminderRowsQuery,
  zReportRow,
  zRevenueRowsQuery,
  zUtilisationRowsQuery,
} from '@tend/domain';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import type { ClinicScope, RequestContext } from '../context';
import { requireLocation, requireProvider } from '../scheduling/shared';
import { appointmentReportRows, appointmentsReport } from './appointments';
import { daySheetReport, daySheetReportRows } from './day-sheet';
import { patientReportRows, patientsReport } from './patients';
import type { Reads } from './reads';
import { reconciliationReport, reconciliationReportRows } from './reconciliation';
import { reminderReportRows, remindersReport } from './reminders';
import { revenueReport, revenueReportRows } from './revenue';
import { utilisationReport, utilisationReportRows } from './utilisation';

/**
 * Every report Tend offers: adding one is one entry here (its routes, OpenAPI document, CSV,
 * audit and filters come with it).
 */
interface ReportDefinition {
  summary: string;
  run(
    db: Db,
    ctx: ClinicScope,
    query: ReportQuery,
  ): Promise<{
    timezone: string;
    columns: ReadonlyArray<ReportColumnDefinition<string>>;
    rows: Array<z.input<typeof zReportRow>>;
    totals: Record<string, Figure>;
  }>;
  /** The drill-down: the report's query plus a `metric`, answering its columns and `{ total, items }`. */
  rowsQuery: z.ZodType<ReportQuery & { metric: string }>;
  rows(db: Db, ctx: ClinicScope, query: ReportQuery & { metric: string }): Promise<ReportRowsResult>;
}

export const REPORTS: Record<ReportName, ReportDefinition> = {
  appointments: {
    summary:
      'Appointments by status, no-show and late-cancellation rates, lead time, on-time % and wait, per day/week/month of the clinic’s time zone, with totals',
    run: appointmentsReport,
    rowsQuery: zAppointmentRowsQuery,
    rows: (db, ctx, query) => appointmentReportRows(db, ctx, zAppointmentRowsQuery.parse(query)),
  },
  utilisation: {
    summary:
      'Provider utilisation: booked minutes (every appointment but cancelled ones, no-shows included) against available minutes (working hours and extra hours, less time off and closures), per day/week/month of the clinic’s time zone, provider or location',
    run: utilisationReport,
    rowsQuery: zUtilisationRowsQuery,
    rows: (db, ctx, query) => utilisationReportRows(db, ctx, zUtilisationRowsQuery.parse(query)),
  },
  reminders: {
    summary:
      'Reminders: messages sent, delivered and failed per reminder rule, and the confirmation, cancellation and no-show rates of appointments with a reminder next to those without any, per day/week/month of the appointment, reminder rule, provider or location',
    run: remindersReport,
    rowsQuery: zReminderRowsQuery,
    rows: (db, ctx, query) => reminderReportRows(db, ctx, zReminderRowsQuery.parse(query)),
  },
  patients: {
    summary:
      'Patients: new and returning patients seen (completed appointments), registrations, and recalls due with how many were booked or closed, per day/week/month of the clinic’s time zone or per provider',
    run: patientsReport,
    rowsQuery: zPatientRowsQuery,
    rows: (db, ctx, query) => patientReportRows(db, ctx, zPatientRowsQuery.parse(query)),
  },
  revenue: {
    summary:
      'Charges (by date of service, voided ones left out), adjustments (by date posted), net charges, and collections from patients and insurers net of refunds (by date received), per day/week/month of the clinic’s time zone or per provider, service, payer or location, with totals',
    run: revenueReport,
    rowsQuery: zRevenueRowsQuery,
    rows: (db, ctx, query) => revenueReportRows(db, ctx, zRevenueRowsQuery.parse(query)),
  },
  reconciliation: {
    summary:
      'Do visits match revenue: completed visits without a charge, charges not billed, submitted claims without payment, invoices unpaid after 30 days (counts and cents, by date of service or issue)',
    run: reconciliationReport,
    rowsQuery: zReconciliationRowsQuery,
    rows: (db, ctx, query) => reconciliationReportRows(db, ctx, zReconciliationRowsQuery.parse(query)),
  },
  'day-sheet': {
    summary:
      'Daily close: charges entered, voids, patient and insurer payments applied, adjustments, refunds and the A/R at the start and end of each day (by the clinic-local date each entry was posted)',
    run: daySheetReport,
    rowsQuery: zDaySheetRowsQuery,
    rows: (db, ctx, query) => daySheetReportRows(db, ctx, zDaySheetRowsQuery.parse(query)),
  },
};

async function checkFilters(db: Db, ctx: ClinicScope, name: ReportName, query: ReportQuery): Promise<void> {
  const groups = REPORT_GROUPS_OF[name];
  if (!groups.includes(query.group)) {
    const list = groups.map((group) => t(`reports.group.${group}`).toLowerCase()).join(', ');
    throw AppError.validation([
      { path: 'querystring.group', message: t('reports.groupUnsupported', { report: name, groups: list }) },
    ]);
  }
  if (query.locationId) await requireLocation(db, ctx, query.locationId);
  if (query.providerId) await requireProvider(db, ctx, query.providerId);
  if (query.ruleId) {
    const r = schema.reminderRules;
    const [rule] = await db
      .select({ id: r.id })
      .from(r)
      .where(and(eq(r.id, query.ruleId), eq(r.clinicId, ctx.clinicId)));
    if (!rule) throw AppError.notFound('The reminder rule');
  }
  if (query.payerId && query.payerId !== 'self') {
    const [payer] = await db
      .select({ id: schema.payers.id })
      .from(schema.payers)
      .where(and(eq(schema.payers.id, query.payerId), eq(schema.payers.clinicId, ctx.clinicId)));
    if (!payer) throw AppError.notFound('The payer');
  }
}

/**
 * A report's figures (no patient in them: audited as one report read, or one export when
 * downloaded as CSV). `read` chooses where it reads (the read replica: reads.ts); the audit row is
 * written to `db`, the primary.
 */
export async function runReport(
  db: Db,
  ctx: RequestContext,
  name: ReportName,
  query: ReportQuery,
  format: 'json' | 'csv' = 'json',
  read: Reads = (fn) => fn(db),
): Promise<ReportResult> {
  const result = await read(async (reader) => {
    await checkFilters(reader, ctx, name, query);
    return REPORTS[name].run(reader, ctx, query);
  });
  await recordAudit(db, ctx, {
    action: format === 'csv' ? 'report.export' : 'report.read',
    entityType: 'report',
    details: { report: name, ...query, ...(format === 'csv' ? { format } : {}) },
  });
  return {
    report: name,
    from: query.from,
    to: query.to,
    group: query.group,
    ...result,
    rows: result.rows.map((row) => zReportRow.parse(row)),
    columns: result.columns.map((column) => ({ ...column, label: t(column.label) })),
  };
}

/** The rows behind a figure: a list of patients' appointments, so each patient shown is audited (on `db`). */
export async function reportRows(
  db: Db,
  ctx: RequestContext,
  name: ReportName,
  query: ReportQuery & { metric: string },
  read: Reads = (fn) => fn(db),
): Promise<ReportRowsResult> {
  const rows = await read(async (reader) => {
    await checkFilters(reader, ctx, name, query);
    return REPORTS[name].rows(reader, ctx, query);
  });
  await recordPatientsAccess(
    db,
    ctx,
    'patient.read',
    [...new Set(rows.items.flatMap((row) => (row.patientId ? [row.patientId] : [])))],
    {
      report: name,
      ...query,
      rows: rows.items.length,
    },
  );
  return rows;
}
