import type { ReportColumnDefinition } from './appointments';
import type { ReportRowsColumnDefinition } from './rows';

/**
 * The Patients report, per clinic-local period (or provider):
 * - seen: patients with a completed appointment starting in the period;
 * - new: those of them whose first completed appointment ever is in the period (grouped by
 *   provider: that first appointment was with the provider); returning: seen − new;
 * - registered: patient records created in the period (not per provider, nor with a location or
 *   provider filter: a registration belongs to neither — empty then);
 * - recalls due: recalls whose due date falls in the period (of the recall's provider), whatever
 *   became of them; of those, booked (an appointment was booked for it), closed (closed without
 *   one) and still open (open or contacted), as they stand today; booked % = booked ÷ due. Recalls
 *   have no location: empty with a location filter.
 */
export const PATIENT_METRICS = [
  'seen',
  'new',
  'returning',
  'registered',
  'recalls_due',
  'recalls_booked',
  'recalls_closed',
  'recalls_open',
] as const;
export type PatientMetric = (typeof PATIENT_METRICS)[number];
export const PATIENT_VISIT_METRICS = ['seen', 'new', 'returning'] as const satisfies readonly PatientMetric[];
export const RECALL_METRICS = [
  'recalls_due',
  'recalls_booked',
  'recalls_closed',
  'recalls_open',
] as const satisfies readonly PatientMetric[];

export const PATIENT_REPORT_COLUMNS = [
  { key: 'seen', label: 'reports.patients.seen', kind: 'count', drill: 'seen' },
  { key: 'new', label: 'reports.patients.new', kind: 'count', drill: 'new' },
  { key: 'returning', label: 'reports.patients.returning', kind: 'count', drill: 'returning' },
  { key: 'registered', label: 'reports.patients.registered', kind: 'count', drill: 'registered' },
  { key: 'recallsDue', label: 'reports.patients.recallsDue', kind: 'count', drill: 'recalls_due' },
  { key: 'recallsBooked', label: 'reports.patients.recallsBooked', kind: 'count', drill: 'recalls_booked' },
  { key: 'recallsClosed', label: 'reports.patients.recallsClosed', kind: 'count', drill: 'recalls_closed' },
  { key: 'recallsOpen', label: 'reports.patients.recallsOpen', kind: 'count', drill: 'recalls_open' },
  { key: 'recallsBookedRate', label: 'reports.patients.recallsBookedRate', kind: 'percent', drill: 'recalls_booked' },
] as const satisfies ReadonlyArray<ReportColumnDefinition<PatientMetric>>;

/** The patients behind seen / new / returning / registered. */
export const PATIENT_ROWS_COLUMNS = [
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'mrn', label: 'reports.col.mrn', kind: 'text' },
  { key: 'firstVisit', label: 'reports.col.firstVisit', kind: 'datetime' },
  { key: 'visits', label: 'reports.col.visits', kind: 'count' },
  { key: 'registered', label: 'reports.col.registered', kind: 'datetime' },
] as const satisfies readonly ReportRowsColumnDefinition[];

/** The recalls behind a recall figure. */
export const RECALL_ROWS_COLUMNS = [
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'due', label: 'reports.col.due', kind: 'date' },
  { key: 'reason', label: 'reports.col.reason', kind: 'text' },
  { key: 'status', label: 'reports.col.status', kind: 'text' },
  { key: 'resolved', label: 'reports.col.resolved', kind: 'datetime' },
] as const satisfies readonly ReportRowsColumnDefinition[];
