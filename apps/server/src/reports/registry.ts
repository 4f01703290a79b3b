import type { Db } from '@tend/db';
import {
  type Figure,
  type ReportColumnDefinition,
  type ReportName,
  type ReportQuery,
  type ReportResult,
  type ReportRow,
  t,
  zAppointmentReportRows,
  zAppointmentRowsQuery,
} from '@tend/domain';
import type { z } from 'zod';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import type { ClinicScope, RequestContext } from '../context';
import { requireLocation, requireProvider } from '../scheduling/shared';
import { appointmentReportRows, appointmentsReport } from './appointments';

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
    rows: ReportRow[];
    totals: Record<string, Figure>;
  }>;
  /** The drill-down: the report's query plus a `metric`, answering `{ total, items }`. */
  rowsQuery: z.ZodType<ReportQuery & { metric: string }>;
  rowsResponse: z.ZodType<{ total: number; items: Array<{ patientId: string }> }>;
  rows(
    db: Db,
    ctx: ClinicScope,
    query: ReportQuery & { metric: string },
  ): Promise<{ total: number; items: Array<{ patientId: string }> }>;
}

export const REPORTS: Record<ReportName, ReportDefinition> = {
  appointments: {
    summary:
      'Appointments by status, no-show and late-cancellation rates, lead time, on-time % and wait, per day/week/month of the clinic’s time zone, with totals',
    run: appointmentsReport,
    rowsQuery: zAppointmentRowsQuery,
    rowsResponse: zAppointmentReportRows,
    rows: (db, ctx, query) => appointmentReportRows(db, ctx, zAppointmentRowsQuery.parse(query)),
  },
};

async function checkFilters(db: Db, ctx: ClinicScope, query: ReportQuery): Promise<void> {
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
  await checkFilters(db, ctx, query);
  const result = await REPORTS[name].run(db, ctx, query);
  await recordAudit(db, ctx, { action: 'report.read', entityType: 'report', details: { report: name, ...query } });
  return {
    report: name,
    from: query.from,
    to: query.to,
    group: query.group,
    ...result,
    columns: result.columns.map((column) => ({ ...column, label: t(column.label) })),
  };
}

/** The rows behind a figure: a list of patients' appointments, so each patient shown is audited. */
export async function reportRows(
  db: Db,
  ctx: RequestContext,
  name: ReportName,
  query: ReportQuery & { metric: string },
): Promise<{ total: number; items: Array<{ patientId: string }> }> {
  await checkFilters(db, ctx, query);
  const rows = await REPORTS[name].rows(db, ctx, query);
  await recordPatientsAccess(db, ctx, 'patient.read', [...new Set(rows.items.map((row) => row.patientId))], {
    report: name,
    ...query,
    rows: rows.items.length,
  });
  return rows;
}
