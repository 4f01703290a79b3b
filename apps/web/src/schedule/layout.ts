import { type Interval, zonedTimeToInstant } from '@tend/domain';
import { addDays, clock, DAY_END, DAY_START, STEP, zoned } from './time';

/**
 * Where things go on the schedule grid: rows of STEP minutes from DAY_START to DAY_END in the
 * clinic's time zone. Pure functions of calendar dates, instants and an IANA zone — the
 * browser's own zone never enters.
 */

export const ROWS = (DAY_END - DAY_START) / STEP;

/** Start minutes (after local midnight) of every row of the grid. */
export function rowMinutes(): number[] {
  return Array.from({ length: ROWS }, (_, i) => DAY_START + i * STEP);
}

/** Monday of the week (Monday–Sunday) that holds `date`. */
export function weekStart(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/** The seven dates, Monday to Sunday, of the week that holds `date`. */
export function weekDates(date: string): string[] {
  const monday = weekStart(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/**
 * Grid rows (1-based within the body) an appointment covers on `date`, clipped to the visible
 * hours; null when none of it is visible that day.
 */
export function blockRows(
  startIso: string,
  endIso: string,
  date: string,
  timezone: string,
): { first: number; last: number } | null {
  const start = zoned(startIso, timezone);
  const end = zoned(endIso, timezone);
  if (start.date > date || end.date < date) return null;
  const startMin = start.date === date ? start.minutes : 0;
  const endMin = end.date === date ? end.minutes : 24 * 60;
  const from = Math.max(startMin, DAY_START);
  const to = Math.min(endMin, DAY_END);
  if (to <= from) return null;
  const first = Math.floor((from - DAY_START) / STEP) + 1;
  const last = Math.max(first, Math.ceil((to - DAY_START) / STEP));
  return { first, last };
}

/**
 * The rows of `date` that lie wholly inside the provider's available time (working hours and
 * extra hours, less time off), as their start minutes.
 */
export function openRows(available: readonly Interval[], date: string, timezone: string): Set<number> {
  const open = new Set<number>();
  for (const minutes of rowMinutes()) {
    const start = zonedTimeToInstant(date, clock(minutes), timezone);
    const end = zonedTimeToInstant(date, clock(minutes + STEP), timezone);
    if (available.some((interval) => interval.start <= start && end <= interval.end)) open.add(minutes);
  }
  return open;
}

/**
 * The new start when a block grabbed `grabRows` rows below its top is dropped on the row that
 * starts at `minutes` of `date`: the block's top lands that many rows higher (never before the
 * grid's first row).
 */
export function dropStart(date: string, minutes: number, grabRows: number, timezone: string): string {
  const top = Math.max(DAY_START, minutes - grabRows * STEP);
  return new Date(zonedTimeToInstant(date, clock(top), timezone)).toISOString();
}
