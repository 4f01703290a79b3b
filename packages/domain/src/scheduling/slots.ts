import type { LocatedInterval } from './availability';
import { type Interval, mergeIntervals, subtractMerged } from './intervals';
import { DAY_MS, offsetAt } from './zoned-time';

const MINUTE = 60_000;
/** A free stretch longer than this is checked for an offset change in pieces (no zone changes twice a week). */
const MAX_PIECE = 7 * DAY_MS;

export interface OpenSlot {
  start: number;
  /** start + duration of the appointment type (the buffer after is not part of the visit). */
  end: number;
  locationId: string;
}

/**
 * Bookable start times: availability − time off − busy (existing bookings, each already extended
 * by its own buffer-after), on a grid of `gridMinutes` aligned to local midnight of each
 * location's timezone (so 08:00, 08:15… on the wall clock, also across a DST change), where the
 * whole [start, start + durationMinutes + bufferAfterMinutes) fits inside one free interval,
 * start >= notBefore, and start in [from, to).
 *
 * Sorted by start, one slot per start time: if two locations offer the same instant (overlapping
 * schedules), the first location id in sort order wins.
 */
export function findOpenSlots(input: {
  availability: LocatedInterval[];
  timeOff: Interval[];
  busy: Interval[];
  durationMinutes: number;
  bufferAfterMinutes: number;
  gridMinutes: number;
  timezoneOf: (locationId: string) => string;
  from: number;
  to: number;
  notBefore: number;
}): OpenSlot[] {
  const duration = input.durationMinutes * MINUTE;
  const need = duration + Math.max(0, input.bufferAfterMinutes) * MINUTE;
  const grid = input.gridMinutes * MINUTE;
  if (!(duration > 0) || !(grid > 0) || !(input.to > input.from)) return [];
  const earliest = Math.max(input.from, input.notBefore);

  const blocked = mergeIntervals([...input.timeOff, ...input.busy]);
  const byLocation = new Map<string, Interval[]>();
  for (const interval of input.availability) {
    const list = byLocation.get(interval.locationId);
    if (list) list.push(interval);
    else byLocation.set(interval.locationId, [interval]);
  }

  const slots: OpenSlot[] = [];
  for (const [locationId, intervals] of byLocation) {
    const timezone = input.timezoneOf(locationId);
    for (const free of subtractMerged(mergeIntervals(intervals), blocked)) {
      // Starts s with earliest <= s < to and s + need <= free.end; `last` is inclusive.
      const first = Math.max(free.start, earliest);
      const last = Math.min(free.end - need, input.to - 1);
      if (first > last) continue;
      for (let pieceStart = first; pieceStart <= last; pieceStart += MAX_PIECE) {
        const pieceEnd = Math.min(last, pieceStart + MAX_PIECE - 1);
        gridStarts(pieceStart, pieceEnd, grid, timezone, (start) =>
          slots.push({ start, end: start + duration, locationId }),
        );
      }
    }
  }

  if (byLocation.size > 1) {
    slots.sort((a, b) => a.start - b.start || (a.locationId < b.locationId ? -1 : 1));
    let kept = 0;
    for (const slot of slots) {
      if (kept === 0 || slots[kept - 1].start !== slot.start) slots[kept++] = slot;
    }
    slots.length = kept;
  }
  return slots;
}

/**
 * Calls `emit` for every instant in [first, last] whose local wall-clock time is a multiple of
 * `grid` after local midnight. Splits the range where the zone's offset changes (found by
 * bisection), so each part is plain arithmetic.
 */
function gridStarts(first: number, last: number, grid: number, timezone: string, emit: (start: number) => void) {
  const offset = offsetAt(first, timezone);
  if (offsetAt(last, timezone) !== offset) {
    // Smallest instant in (first, last] with another offset.
    let low = first;
    let high = last;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (offsetAt(mid, timezone) === offset) low = mid;
      else high = mid;
    }
    gridStartsConstantOffset(first, high - 1, offset, grid, emit);
    gridStarts(high, last, grid, timezone, emit);
    return;
  }
  gridStartsConstantOffset(first, last, offset, grid, emit);
}

function gridStartsConstantOffset(
  first: number,
  last: number,
  offset: number,
  grid: number,
  emit: (start: number) => void,
) {
  // Work on the wall clock: local midnight is a multiple of DAY_MS there.
  const wallLast = last + offset;
  let wall = first + offset;
  while (wall <= wallLast) {
    const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
    const dayEnd = Math.min(midnight + DAY_MS - 1, wallLast);
    // Grid points restart at every local midnight, also when `grid` does not divide a day.
    for (let point = midnight + Math.ceil((wall - midnight) / grid) * grid; point <= dayEnd; point += grid) {
      emit(point - offset);
    }
    wall = midnight + DAY_MS;
  }
}
