/**
 * Wall-clock time in an IANA time zone ↔ instants (epoch milliseconds), with Intl only.
 *
 * The one primitive is `offsetAt(instant, timezone)`: how far the zone's wall clock is ahead of
 * UTC at that instant. Everything else (local midnight, block edges, DST gaps and overlaps) is
 * arithmetic on it, so the slot search needs a handful of Intl calls per free interval instead
 * of one per candidate start.
 */

const MINUTE = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The offset as Intl reports it: one formatToParts call (a few microseconds). */
function intlOffsetAt(instant: number, timezone: string): number {
  // Intl works in whole seconds; offsets are whole seconds too, so compare against the floored second.
  const second = instant - (((instant % 1000) + 1000) % 1000);
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let sec = 0;
  for (const part of formatterFor(timezone).formatToParts(second)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value) % 24; // some engines print midnight as 24 even with h23
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        sec = Number(part.value);
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, sec) - second;
}

/**
 * Offsets of one UTC day of one zone: `before` until `change`, `after` from then on. Zones change
 * offset at most once a day, so two Intl calls (and a bisection on transition days) describe a
 * whole day and every later lookup in it is arithmetic. Memoised per zone: the tz rules do not
 * change while the process runs.
 */
interface DayOffsets {
  before: number;
  change: number;
  after: number;
}
const dayOffsets = new Map<string, Map<number, DayOffsets>>();
const MAX_CACHED_DAYS = 50_000;

function offsetsOfDay(day: number, timezone: string): DayOffsets {
  let days = dayOffsets.get(timezone);
  if (!days) {
    days = new Map();
    dayOffsets.set(timezone, days);
  }
  let entry = days.get(day);
  if (!entry) {
    const start = day * DAY_MS;
    const end = start + DAY_MS;
    const before = intlOffsetAt(start, timezone);
    const atEnd = intlOffsetAt(end, timezone);
    if (before === atEnd) {
      entry = { before, change: end, after: before };
    } else {
      // First second of the day with the new offset (transitions fall on whole seconds).
      let low = start / 1000;
      let high = end / 1000;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (intlOffsetAt(mid * 1000, timezone) === before) low = mid;
        else high = mid;
      }
      entry = { before, change: high * 1000, after: intlOffsetAt(high * 1000, timezone) };
    }
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    days.set(day, entry);
  }
  return entry;
}

/** Milliseconds the wall clock of `timezone` is ahead of UTC at `instant` (negative west of Greenwich). */
export function offsetAt(instant: number, timezone: string): number {
  const entry = offsetsOfDay(Math.floor(instant / DAY_MS), timezone);
  return instant < entry.change ? entry.before : entry.after;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})$/;

/** `YYYY-MM-DD` + `HH:MM` read as if it were UTC: the "wall clock" number the offset maths works on. */
export function wallClockMs(date: string, time: string): number {
  const d = DATE_PATTERN.exec(date);
  const t = TIME_PATTERN.exec(time);
  if (!d || !t) throw new RangeError(`Expected YYYY-MM-DD and HH:MM, got ${date} ${time}`);
  return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
}

/**
 * Local wall-clock time in `timezone` → instant. A time skipped by spring-forward moves forward
 * by the gap (02:30 on a 02:00→03:00 day is 03:30); an ambiguous fall-back time takes the earlier
 * instant (the first 01:30). `24:00` is midnight at the end of `date`.
 */
export function zonedTimeToInstant(date: string, time: string, timezone: string): number {
  const wall = wallClockMs(date, time);
  // The offsets a day either side bracket any transition near this wall time.
  const before = offsetAt(wall - DAY_MS, timezone);
  const after = offsetAt(wall + DAY_MS, timezone);
  const withBefore = wall - before;
  const withAfter = wall - after;
  const beforeFits = offsetAt(withBefore, timezone) === before;
  const afterFits = offsetAt(withAfter, timezone) === after;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter); // fall-back overlap: earlier one
  if (beforeFits) return withBefore;
  if (afterFits) return withAfter;
  // Spring-forward gap: read the time with the offset in force before the jump, i.e. shift it forward.
  return withBefore;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** ISO weekday of a UTC-based day number: Monday = 1 … Sunday = 7. */
export function isoWeekday(wallMs: number): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const day = new Date(wallMs).getUTCDay();
  return (day === 0 ? 7 : day) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/** `YYYY-MM-DD` of a wall-clock number. */
export function wallDate(wallMs: number): string {
  const d = new Date(wallMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Instant → { date 'YYYY-MM-DD', time 'HH:MM', weekday 1–7 } in `timezone`. */
export function instantToZoned(instant: number, timezone: string): { date: string; time: string; weekday: number } {
  const wall = instant + offsetAt(instant, timezone);
  const d = new Date(wall);
  return { date: wallDate(wall), time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`, weekday: isoWeekday(wall) };
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2026-03-09T08:00:00-04:00` (what the API returns). */
export function instantToIsoInZone(instant: number, timezone: string): string {
  const offset = offsetAt(instant, timezone);
  const wall = new Date(instant + offset).toISOString().slice(0, 19);
  const minutes = Math.round(Math.abs(offset) / MINUTE);
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The next calendar date after `date` (`YYYY-MM-DD`). */
export function nextDate(date: string): string {
  return wallDate(wallClockMs(date, '00:00') + DAY_MS);
}
