import type { Interval } from './intervals';
import { DAY_MS, isoWeekday, nextDate, wallClockMs, wallDate, zonedTimeToInstant } from './zoned-time';

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One block of weekly working hours, in the local time of the schedule's location. */
export interface WorkingBlock {
  weekday: Weekday;
  /** `HH:MM` */
  start: string;
  /** `HH:MM`, after `start`; `24:00` means until midnight. */
  end: string;
}

/** Weekly hours of one provider at one location, valid for a range of local dates. */
export interface ScheduleVersion {
  locationId: string;
  /** IANA zone of the location. */
  timezone: string;
  /** First local date it applies to, `YYYY-MM-DD`. */
  validFrom: string;
  /** Last local date it applies to (inclusive); null = open-ended. */
  validTo: string | null;
  blocks: WorkingBlock[];
}

export interface LocatedInterval extends Interval {
  locationId: string;
}

/**
 * Working time of a provider between two instants: the weekly blocks of every version valid on
 * each local date, plus one-off extra hours, clipped to [from, to). The result is sorted by start;
 * intervals of one location that overlap or touch are joined.
 */
export function expandAvailability(input: {
  versions: ScheduleVersion[];
  extraHours: LocatedInterval[];
  from: number;
  to: number;
}): LocatedInterval[] {
  const { from, to } = input;
  if (!(to > from)) return [];
  const raw: LocatedInterval[] = [];

  for (const version of input.versions) {
    if (version.blocks.length === 0) continue;
    // Local dates that can overlap [from, to): a day of slack either side covers every UTC offset.
    let date = wallDate(from - DAY_MS);
    const lastDate = wallDate(to + DAY_MS);
    if (date < version.validFrom) date = version.validFrom;
    const until = version.validTo !== null && version.validTo < lastDate ? version.validTo : lastDate;
    for (; date <= until; date = nextDate(date)) {
      const weekday = isoWeekday(wallClockMs(date, '00:00'));
      for (const block of version.blocks) {
        if (block.weekday !== weekday) continue;
        const start = Math.max(from, zonedTimeToInstant(date, block.start, version.timezone));
        const end = Math.min(to, zonedTimeToInstant(date, block.end, version.timezone));
        if (end > start) raw.push({ start, end, locationId: version.locationId });
      }
    }
  }
  for (const extra of input.extraHours) {
    const start = Math.max(from, extra.start);
    const end = Math.min(to, extra.end);
    if (end > start) raw.push({ start, end, locationId: extra.locationId });
  }
  return mergeByLocation(raw);
}

/** Sorts by start and joins overlapping or touching intervals of the same location. */
export function mergeByLocation(intervals: readonly LocatedInterval[]): LocatedInterval[] {
  const sorted = intervals
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start || (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0));
  const result: LocatedInterval[] = [];
  // The open (still extendable) interval of each location.
  const open = new Map<string, LocatedInterval>();
  for (const interval of sorted) {
    const current = open.get(interval.locationId);
    if (current && interval.start <= current.end) {
      if (interval.end > current.end) current.end = interval.end;
    } else {
      const copy = { start: interval.start, end: interval.end, locationId: interval.locationId };
      result.push(copy);
      open.set(interval.locationId, copy);
    }
  }
  return result;
}
