import { DAY_MS, instantToZoned, wallClockMs, wallDate, zonedTimeToInstant } from '../scheduling/zoned-time';

/**
 * When reminders go out. A rule in whole days ("3 days before") means the same wall-clock time
 * that many days earlier in the clinic's zone — a Monday 10:00 visit after a daylight-saving
 * change is reminded on Friday at 10:00, not 09:00 or 11:00. A rule in hours or minutes ("2 hours
 * before") is that much real time before the start.
 */

const MINUTE_MS = 60_000;

export function reminderInstant(start: number, minutesBefore: number, timezone: string): number {
  if (minutesBefore > 0 && minutesBefore % 1440 === 0) {
    const local = instantToZoned(start, timezone);
    const day = wallDate(wallClockMs(local.date, '00:00') - (minutesBefore / 1440) * DAY_MS);
    return zonedTimeToInstant(day, local.time, timezone);
  }
  return start - minutesBefore * MINUTE_MS;
}

/** `HH:MM` → minutes after midnight. */
function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Texts are not sent at night: an instant inside the clinic's quiet hours (e.g. 21:00–08:00, local
 * time; the range may cross midnight) moves to the end of them. Outside quiet hours it is unchanged.
 */
export function afterQuietHours(
  instant: number,
  timezone: string,
  quiet: { start: string; end: string } | null,
): number {
  if (!quiet || quiet.start === quiet.end) return instant;
  const local = instantToZoned(instant, timezone);
  const now = minutesOf(local.time);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? now >= start || now < end : now >= start && now < end;
  if (!inside) return instant;
  // The end is today when we are before it (early morning, or a same-day range), else tomorrow.
  const endDay = now < end ? local.date : wallDate(wallClockMs(local.date, '00:00') + DAY_MS);
  return zonedTimeToInstant(endDay, quiet.end, timezone);
}

/** "3 days", "24 hours", "2 hours", "30 minutes" before: how a rule reads on screen and in the docs. */
export function describeOffset(minutesBefore: number): string {
  if (minutesBefore % 1440 === 0) {
    const days = minutesBefore / 1440;
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  if (minutesBefore % 60 === 0) {
    const hours = minutesBefore / 60;
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `${minutesBefore} minute${minutesBefore === 1 ? '' : 's'}`;
}
