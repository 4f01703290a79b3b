import type { ReportColumnDefinition } from './appointments';
import type { ReportRowsColumnDefinition } from './rows';

/**
 * The Provider utilisation report: how much of the providers' working time was booked.
 * - available minutes: the providers' working hours as scheduling computes them (weekly hours of
 *   the schedule version in force on each local date of the location's time zone, plus one-off
 *   extra hours, minus the provider's time off and the clinic's closures), cut at the clinic's
 *   local midnights so each minute counts on the local date it falls on (a DST day has 23 or 25
 *   hours of a 00:00–24:00 block);
 * - booked minutes: the scheduled length (start → end, without the buffer after) of every
 *   appointment that held time: every status but cancelled, so no-shows count (the slot was given
 *   to them and could not be used). Not clipped to the working hours: a visit booked outside them
 *   (an override) counts whole, so utilisation can exceed 100 %. An appointment counts on the
 *   clinic-local date it starts, whole, even if it runs past midnight;
 * - utilisation % = booked minutes ÷ available minutes (none when there were no available minutes);
 * - appointments: how many appointments make up the booked minutes; no-shows: how many of them
 *   were no-shows.
 */
export const UTILISATION_METRICS = ['booked', 'no_show'] as const;
export type UtilisationMetric = (typeof UTILISATION_METRICS)[number];

export const UTILISATION_REPORT_COLUMNS = [
  { key: 'availableMinutes', label: 'reports.utilisation.availableMinutes', kind: 'minutes', drill: null },
  { key: 'bookedMinutes', label: 'reports.utilisation.bookedMinutes', kind: 'minutes', drill: 'booked' },
  { key: 'utilisation', label: 'reports.utilisation.utilisation', kind: 'percent', drill: 'booked' },
  { key: 'appointments', label: 'reports.utilisation.appointments', kind: 'count', drill: 'booked' },
  { key: 'noShows', label: 'reports.utilisation.noShows', kind: 'count', drill: 'no_show' },
] as const satisfies ReadonlyArray<ReportColumnDefinition<UtilisationMetric>>;

/** The appointments behind the booked minutes, each with the minutes it counts for. */
export const UTILISATION_ROWS_COLUMNS = [
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'location', label: 'reports.location', kind: 'text' },
  { key: 'start', label: 'reports.col.start', kind: 'datetime' },
  { key: 'minutes', label: 'reports.col.minutes', kind: 'minutes' },
  { key: 'status', label: 'reports.col.status', kind: 'text' },
] as const satisfies readonly ReportRowsColumnDefinition[];
