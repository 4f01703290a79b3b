import { z } from 'zod';
import type { MessageKey } from '../i18n';
import { APPOINTMENT_METRICS } from './appointments';
import { PATIENT_METRICS } from './patients';
import { REMINDER_METRICS } from './reminders';
import type { FigureKind } from './report';
import { zReportQuery } from './report';
import { UTILISATION_METRICS } from './utilisation';

/** The drill-down of a figure: the report's query plus the metric (named by the figure's column). */
export const zAppointmentRowsQuery = zReportQuery.and(z.object({ metric: z.enum(APPOINTMENT_METRICS) }));
export const zUtilisationRowsQuery = zReportQuery.and(z.object({ metric: z.enum(UTILISATION_METRICS) }));
export const zReminderRowsQuery = zReportQuery.and(z.object({ metric: z.enum(REMINDER_METRICS) }));
export const zPatientRowsQuery = zReportQuery.and(z.object({ metric: z.enum(PATIENT_METRICS) }));

/** The most rows a drill-down lists; `total` still counts them all. */
export const REPORT_ROWS_LIMIT = 1000;

/** A column of a drill-down list (its label a message key until the server translates it). */
export interface ReportRowsColumnDefinition {
  key: string;
  label: MessageKey;
  kind: FigureKind;
}

/** The appointments behind an Appointments figure, with the timestamps the figures come from. */
export const APPOINTMENT_ROWS_COLUMNS = [
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'location', label: 'reports.location', kind: 'text' },
  { key: 'start', label: 'reports.col.start', kind: 'datetime' },
  { key: 'status', label: 'reports.col.status', kind: 'text' },
  { key: 'booked', label: 'reports.col.booked', kind: 'datetime' },
  { key: 'checkedIn', label: 'reports.col.checkedIn', kind: 'datetime' },
  { key: 'started', label: 'reports.col.started', kind: 'datetime' },
  { key: 'ended', label: 'reports.col.ended', kind: 'datetime' },
] as const satisfies readonly ReportRowsColumnDefinition[];
