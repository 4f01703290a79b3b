import type { MessageKey } from '../i18n';
import type { FigureKind } from './report';

/**
 * The Appointments report. An appointment belongs to the clinic-local date its start falls on.
 * Each appointment is in exactly one status group:
 * - scheduled: booked or confirmed (still to come, or never marked);
 * - arrived: checked in or in progress;
 * - completed;
 * - late-cancelled: cancelled less than the clinic's late-cancellation window (hours) before its
 *   start, or after it; cancelled: cancelled earlier than that;
 * - no-show.
 * Rates:
 * - no-show rate = no-shows ÷ appointments that were due (arrived + completed + no-show): the
 *   patient was expected and either came or did not; cancelled and not yet marked ones are left out;
 * - late-cancellation rate = late cancellations ÷ all appointments;
 * - on-time % = appointments started no later than the grace period (minutes) after their
 *   scheduled start ÷ appointments started (with a start time);
 * - lead time = booked → scheduled start, in days (average over all appointments; the median of the
 *   whole days ahead, a lead of 2.7 days counting as 2);
 * - wait = arrival (check-in) → start, in minutes, over appointments with both.
 */
export const APPOINTMENT_METRICS = [
  'all',
  'scheduled',
  'arrived',
  'completed',
  'cancelled',
  'late_cancelled',
  'no_show',
  'due',
  'started',
  'on_time',
  'waited',
] as const;
export type AppointmentMetric = (typeof APPOINTMENT_METRICS)[number];

export interface ReportColumnDefinition<Metric extends string> {
  key: string;
  label: MessageKey;
  kind: FigureKind;
  drill: Metric | null;
}

export const APPOINTMENT_REPORT_COLUMNS = [
  { key: 'total', label: 'reports.appointments.total', kind: 'count', drill: 'all' },
  { key: 'completed', label: 'reports.appointments.completed', kind: 'count', drill: 'completed' },
  { key: 'scheduled', label: 'reports.appointments.scheduled', kind: 'count', drill: 'scheduled' },
  { key: 'arrived', label: 'reports.appointments.arrived', kind: 'count', drill: 'arrived' },
  { key: 'cancelled', label: 'reports.appointments.cancelled', kind: 'count', drill: 'cancelled' },
  { key: 'lateCancelled', label: 'reports.appointments.lateCancelled', kind: 'count', drill: 'late_cancelled' },
  { key: 'noShow', label: 'reports.appointments.noShow', kind: 'count', drill: 'no_show' },
  { key: 'noShowRate', label: 'reports.appointments.noShowRate', kind: 'percent', drill: 'no_show' },
  {
    key: 'lateCancelRate',
    label: 'reports.appointments.lateCancelRate',
    kind: 'percent',
    drill: 'late_cancelled',
  },
  { key: 'leadDaysAverage', label: 'reports.appointments.leadDaysAverage', kind: 'days', drill: 'all' },
  { key: 'leadDaysMedian', label: 'reports.appointments.leadDaysMedian', kind: 'days', drill: 'all' },
  { key: 'started', label: 'reports.appointments.started', kind: 'count', drill: 'started' },
  { key: 'onTimeRate', label: 'reports.appointments.onTimeRate', kind: 'percent', drill: 'on_time' },
  { key: 'waitMinutesAverage', label: 'reports.appointments.waitMinutesAverage', kind: 'minutes', drill: 'waited' },
] as const satisfies ReadonlyArray<ReportColumnDefinition<AppointmentMetric>>;
