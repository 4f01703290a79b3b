import { instantToZoned, zonedTimeToInstant } from '@tend/domain';

/** Day arithmetic in the clinic's time zone. Dates are YYYY-MM-DD; times HH:MM. */

export const DAY_START = 7 * 60;
export const DAY_END = 19 * 60;
export const STEP = 15;

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}

/** The instant (ISO, UTC) of a wall-clock time of `date` in `timezone`. */
export function instantIso(date: string, time: string, timezone: string): string {
  return new Date(zonedTimeToInstant(date, time, timezone)).toISOString();
}

/** [start of `date`, start of the next day) in `timezone`, as ISO instants. */
export function dayRange(date: string, timezone: string): { from: string; to: string } {
  return { from: instantIso(date, '00:00', timezone), to: instantIso(addDays(date, 1), '00:00', timezone) };
}

export function zoned(iso: string, timezone: string): { date: string; time: string; minutes: number } {
  const { date, time } = instantToZoned(Date.parse(iso), timezone);
  return { date, time, minutes: Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) };
}

export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "Tuesday, March 3, 2026" for a calendar date. */
export function longDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** "Tue, Mar 3" for a calendar date. */
export function shortDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** The later of two ISO instants. */
export function laterIso(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
