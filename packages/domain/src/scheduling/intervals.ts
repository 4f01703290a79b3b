/** Half-open time intervals [start, end) in epoch milliseconds, and the sweep-line maths on them. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted by start, overlapping and touching intervals joined, empty ones dropped. */
export function mergeIntervals<T extends Interval>(intervals: readonly T[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const { start, end } of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
    } else {
      merged.push({ start, end });
    }
  }
  return merged;
}

/** `from` minus `remove`: one sweep over both sorted, merged lists. Output is sorted and merged. */
export function subtractIntervals(from: Interval[], remove: Interval[]): Interval[] {
  return subtractMerged(mergeIntervals(from), mergeIntervals(remove));
}

/** `subtractIntervals` for inputs that are already sorted and merged (the slot search reuses `remove`). */
export function subtractMerged(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let r = 0;
  for (const interval of from) {
    let start = interval.start;
    // Removals ending before this interval cannot touch it or any later one.
    while (r < remove.length && remove[r].end <= start) r++;
    let k = r;
    while (k < remove.length && remove[k].start < interval.end) {
      if (remove[k].start > start) result.push({ start, end: remove[k].start });
      if (remove[k].end > start) start = remove[k].end;
      if (start >= interval.end) break;
      k++;
    }
    if (start < interval.end) result.push({ start, end: interval.end });
  }
  return result;
}

/**
 * True when [start, end) lies wholly inside the availability (for the "outside availability"
 * check when booking). Touching intervals count as one, so a visit may run from a block into
 * extra hours that continue it. An empty or inverted range is never "within".
 */
export function isWithinAvailability(availability: Interval[], start: number, end: number): boolean {
  if (!(end > start)) return false;
  return mergeIntervals(availability).some((i) => i.start <= start && end <= i.end);
}
