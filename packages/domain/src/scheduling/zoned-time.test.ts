import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantToIsoInZone, instantToZoned, offsetAt, zonedTimeToInstant } from './zoned-time';

const at = (iso: string) => Date.parse(iso);
const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const LONDON = 'Europe/London';

describe('zonedTimeToInstant', () => {
  it('reads a wall-clock time in the location zone, not the server zone', () => {
    expect(zonedTimeToInstant('2026-01-15', '08:00', NY)).toBe(at('2026-01-15T13:00:00Z'));
    expect(zonedTimeToInstant('2026-01-15', '08:00', LA)).toBe(at('2026-01-15T16:00:00Z'));
    expect(zonedTimeToInstant('2026-01-15', '08:00', LONDON)).toBe(at('2026-01-15T08:00:00Z'));
    expect(zonedTimeToInstant('2026-07-15', '08:00', LONDON)).toBe(at('2026-07-15T07:00:00Z'));
    expect(zonedTimeToInstant('2026-05-01', '08:00', 'Asia/Kathmandu')).toBe(at('2026-05-01T02:15:00Z'));
    expect(zonedTimeToInstant('2026-05-01', '08:00', 'UTC')).toBe(at('2026-05-01T08:00:00Z'));
  });

  it('moves a time skipped by spring-forward forward by the gap (New York, 2026-03-08)', () => {
    expect(zonedTimeToInstant('2026-03-08', '01:59', NY)).toBe(at('2026-03-08T06:59:00Z')); // EST
    expect(zonedTimeToInstant('2026-03-08', '02:00', NY)).toBe(at('2026-03-08T07:00:00Z')); // = 03:00 EDT
    expect(zonedTimeToInstant('2026-03-08', '02:30', NY)).toBe(at('2026-03-08T07:30:00Z')); // = 03:30 EDT
    expect(zonedTimeToInstant('2026-03-08', '03:00', NY)).toBe(at('2026-03-08T07:00:00Z'));
    expect(zonedTimeToInstant('2026-03-08', '08:00', NY)).toBe(at('2026-03-08T12:00:00Z'));
  });

  it('takes the earlier instant of a time that happens twice on fall-back (New York, 2026-11-01)', () => {
    expect(zonedTimeToInstant('2026-11-01', '00:59', NY)).toBe(at('2026-11-01T04:59:00Z'));
    expect(zonedTimeToInstant('2026-11-01', '01:00', NY)).toBe(at('2026-11-01T05:00:00Z')); // EDT, not 06:00Z
    expect(zonedTimeToInstant('2026-11-01', '01:30', NY)).toBe(at('2026-11-01T05:30:00Z'));
    expect(zonedTimeToInstant('2026-11-01', '02:00', NY)).toBe(at('2026-11-01T07:00:00Z')); // EST
  });

  it('follows London on its own DST dates (2026-03-29 and 2026-10-25)', () => {
    expect(zonedTimeToInstant('2026-03-08', '08:00', LONDON)).toBe(at('2026-03-08T08:00:00Z')); // not New York's day
    expect(zonedTimeToInstant('2026-03-29', '01:30', LONDON)).toBe(at('2026-03-29T01:30:00Z')); // gap → 02:30 BST
    expect(zonedTimeToInstant('2026-03-29', '02:00', LONDON)).toBe(at('2026-03-29T01:00:00Z'));
    expect(zonedTimeToInstant('2026-10-25', '01:30', LONDON)).toBe(at('2026-10-25T00:30:00Z')); // first 01:30 (BST)
    expect(zonedTimeToInstant('2026-10-25', '02:00', LONDON)).toBe(at('2026-10-25T02:00:00Z'));
  });

  it('handles the southern hemisphere (Sydney falls back on 2026-04-05)', () => {
    expect(zonedTimeToInstant('2026-04-05', '02:30', 'Australia/Sydney')).toBe(at('2026-04-04T15:30:00Z'));
    expect(zonedTimeToInstant('2026-10-04', '02:30', 'Australia/Sydney')).toBe(at('2026-10-03T16:30:00Z'));
  });

  it('reads 24:00 as the midnight ending the day', () => {
    expect(zonedTimeToInstant('2026-03-07', '24:00', NY)).toBe(zonedTimeToInstant('2026-03-08', '00:00', NY));
  });

  it('refuses malformed input', () => {
    expect(() => zonedTimeToInstant('2026-3-8', '08:00', NY)).toThrow(RangeError);
    expect(() => zonedTimeToInstant('2026-03-08', '8:00', NY)).toThrow(RangeError);
  });

  it('round-trips every wall time (property)', () => {
    const zones = [NY, LA, LONDON, 'Australia/Sydney', 'Asia/Kathmandu', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z') / 60_000, max: at('2040-01-01T00:00:00Z') / 60_000 }),
        fc.constantFrom(...zones),
        (minute, zone) => {
          const instant = minute * 60_000;
          const local = instantToZoned(instant, zone);
          const back = zonedTimeToInstant(local.date, local.time, zone);
          // The same wall time; the earlier one when the wall time happens twice.
          expect(instantToZoned(back, zone)).toEqual(local);
          expect(back).toBeLessThanOrEqual(instant);
          expect(instant - back).toBeLessThanOrEqual(60 * 60_000);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('instantToZoned', () => {
  it('gives the local date, time and ISO weekday', () => {
    // 2026-03-09 03:00Z is still Sunday evening in Los Angeles.
    expect(instantToZoned(at('2026-03-09T03:00:00Z'), LA)).toEqual({ date: '2026-03-08', time: '20:00', weekday: 7 });
    expect(instantToZoned(at('2026-03-09T03:00:00Z'), NY)).toEqual({ date: '2026-03-08', time: '23:00', weekday: 7 });
    expect(instantToZoned(at('2026-03-09T03:00:00Z'), LONDON)).toEqual({
      date: '2026-03-09',
      time: '03:00',
      weekday: 1,
    });
  });

  it('shows both 01:30s of the fall-back day', () => {
    expect(instantToZoned(at('2026-11-01T05:30:00Z'), NY).time).toBe('01:30');
    expect(instantToZoned(at('2026-11-01T06:30:00Z'), NY).time).toBe('01:30');
  });

  it('reports offsets in milliseconds', () => {
    expect(offsetAt(at('2026-03-08T06:59:59Z'), NY)).toBe(-5 * 3_600_000);
    expect(offsetAt(at('2026-03-08T07:00:00Z'), NY)).toBe(-4 * 3_600_000);
    expect(offsetAt(at('2026-03-08T07:00:00.500Z'), NY)).toBe(-4 * 3_600_000);
  });
});

describe('instantToIsoInZone', () => {
  it('prints the local time with the offset in force', () => {
    expect(instantToIsoInZone(at('2026-03-09T12:00:00Z'), NY)).toBe('2026-03-09T08:00:00-04:00');
    expect(instantToIsoInZone(at('2026-03-06T13:00:00Z'), NY)).toBe('2026-03-06T08:00:00-05:00');
    expect(instantToIsoInZone(at('2026-01-15T02:30:00Z'), 'Asia/Kolkata')).toBe('2026-01-15T08:00:00+05:30');
    expect(instantToIsoInZone(at('2026-01-15T08:00:00Z'), LONDON)).toBe('2026-01-15T08:00:00+00:00');
    expect(Date.parse(instantToIsoInZone(at('2026-11-01T06:30:00Z'), NY))).toBe(at('2026-11-01T06:30:00Z'));
  });
});
