import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Interval, isWithinAvailability, mergeIntervals, subtractIntervals } from './intervals';

const iv = (start: number, end: number): Interval => ({ start, end });

describe('mergeIntervals', () => {
  it('sorts, joins overlapping and touching intervals, drops empty ones', () => {
    expect(mergeIntervals([iv(5, 7), iv(0, 2), iv(2, 3), iv(6, 9), iv(4, 4), iv(8, 1)])).toEqual([iv(0, 3), iv(5, 9)]);
    expect(mergeIntervals([])).toEqual([]);
  });

  it('does not change its input', () => {
    const input = [iv(0, 5), iv(3, 8)];
    mergeIntervals(input);
    expect(input).toEqual([iv(0, 5), iv(3, 8)]);
  });
});

describe('subtractIntervals', () => {
  it('cuts holes, trims edges and removes covered intervals', () => {
    expect(subtractIntervals([iv(0, 10)], [iv(3, 5)])).toEqual([iv(0, 3), iv(5, 10)]);
    expect(subtractIntervals([iv(0, 10)], [iv(-5, 2), iv(8, 20)])).toEqual([iv(2, 8)]);
    expect(subtractIntervals([iv(0, 10), iv(20, 30)], [iv(5, 25)])).toEqual([iv(0, 5), iv(25, 30)]);
    expect(subtractIntervals([iv(0, 10)], [iv(0, 10)])).toEqual([]);
    expect(subtractIntervals([iv(0, 10)], [iv(10, 20), iv(-5, 0)])).toEqual([iv(0, 10)]); // half-open: touching is no overlap
  });

  it('treats unsorted, overlapping input and empty lists', () => {
    expect(subtractIntervals([iv(20, 30), iv(0, 10), iv(5, 12)], [iv(11, 21), iv(1, 2)])).toEqual([
      iv(0, 1),
      iv(2, 11),
      iv(21, 30),
    ]);
    expect(subtractIntervals([], [iv(0, 1)])).toEqual([]);
    expect(subtractIntervals([iv(0, 1)], [])).toEqual([iv(0, 1)]);
  });

  const intervalArb = fc
    .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 }))
    .map(([start, length]) => iv(start, start + length));
  const covered = (list: Interval[], point: number) => list.some((i) => i.start <= point && point < i.end);

  it('returns a sorted, merged subset of the input that is disjoint from what was removed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(intervalArb, { maxLength: 20 }),
        fc.array(intervalArb, { maxLength: 20 }),
        (from, remove) => {
          const result = subtractIntervals(from, remove);
          for (let k = 0; k < result.length; k++) {
            const r = result[k];
            expect(r.end).toBeGreaterThan(r.start);
            if (k > 0) expect(r.start).toBeGreaterThan(result[k - 1].end); // sorted, with gaps: merged
            expect(remove.some((x) => x.end > x.start && x.start < r.end && r.start < x.end)).toBe(false);
            expect(mergeIntervals(from).some((f) => f.start <= r.start && r.end <= f.end)).toBe(true);
          }
          // And nothing that should stay is lost: check every boundary point.
          const points = [...from, ...remove].flatMap((i) => [i.start, i.end - 1, i.end]);
          for (const p of points) {
            expect(covered(result, p)).toBe(covered(from, p) && !covered(remove, p));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('isWithinAvailability', () => {
  const availability = [iv(100, 200), iv(200, 300), iv(400, 500)];

  it('accepts a range inside one (joined) interval', () => {
    expect(isWithinAvailability(availability, 100, 200)).toBe(true);
    expect(isWithinAvailability(availability, 150, 250)).toBe(true); // blocks touching at 200 count as one
    expect(isWithinAvailability(availability, 400, 500)).toBe(true);
  });

  it('refuses a range leaving availability, spanning a gap, or empty', () => {
    expect(isWithinAvailability(availability, 90, 120)).toBe(false);
    expect(isWithinAvailability(availability, 290, 310)).toBe(false);
    expect(isWithinAvailability(availability, 250, 450)).toBe(false);
    expect(isWithinAvailability(availability, 150, 150)).toBe(false);
    expect(isWithinAvailability([], 0, 1)).toBe(false);
  });
});
