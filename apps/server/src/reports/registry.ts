import type { Db } from '@tend/db';
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
  zReconciliationRowsQuery,
  zReportRow,
} from '@tend/domain';
import type { z } from 'zod';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import type { ClinicScope, RequestContext } from '../context';
import { requireLocation, requireProvider } from '../scheduling/shared';
import { appointmentReportRows, appointmentsReport } from './appointments';
import { daySheetReport, daySheetReportRows } from './day-sheet';
import { reconciliationReport, reconciliationReportRows } from './reconciliation';

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
}

/** A report's figures (no patient in them: audited as one report read). */
export async function runReport(
  db: Db,
  ctx: RequestContext,
  name: ReportName,
  query: ReportQuery,
): Promise<ReportResult> {
  await checkFilters(db, ctx, name, query);
  const result = await REPORTS[name].run(db, ctx, query);
  await recordAudit(db, ctx, { action: 'report.read', entityType: 'report', details: { report: name, ...query } });
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

/** The rows behind a figure: a list of patients' appointments, so each patient shown is audited. */
export async function reportRows(
  db: Db,
  ctx: RequestContext,
  name: ReportName,
  query: ReportQuery & { metric: string },
): Promise<ReportRowsResult> {
  await checkFilters(db, ctx, name, query);
  const rows = await REPORTS[name].rows(db, ctx, query);
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
