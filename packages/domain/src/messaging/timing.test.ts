import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterQuietHours, describeOffset, reminderInstant } from './timing';

const at = (iso: string) => Date.parse(iso);
const NY = 'America/New_York';
const quiet = { start: '21:00', end: '08:00' };

describe('reminderInstant', () => {
  it('keeps the wall-clock time for whole days across a daylight-saving change', () => {
    // Monday 2026-03-09 10:00 EDT; "3 days before" is Friday 2026-03-06 10:00 EST (one hour more of real time).
    const start = at('2026-03-09T14:00:00Z');
    expect(reminderInstant(start, 3 * 1440, NY)).toBe(at('2026-03-06T15:00:00Z'));
    // "24 hours" written as 1 day: Sunday 10:00 EDT.
    expect(reminderInstant(start, 1440, NY)).toBe(at('2026-03-08T14:00:00Z'));
    // Fall back: Monday 2026-11-02 09:00 EST ← Friday 2026-10-30 09:00 EDT.
    expect(reminderInstant(at('2026-11-02T14:00:00Z'), 3 * 1440, NY)).toBe(at('2026-10-30T13:00:00Z'));
  });

  it('counts hours and minutes as real time', () => {
    const start = at('2026-03-08T14:00:00Z'); // 10:00 EDT, the day clocks went forward at 02:00
    expect(reminderInstant(start, 120, NY)).toBe(at('2026-03-08T12:00:00Z')); // 08:00 EDT
    expect(reminderInstant(start, 9 * 60, NY)).toBe(at('2026-03-08T05:00:00Z')); // 00:00 EST
  });

  it('is always before the start, for any rule and zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01'), max: Date.parse('2027-12-31') }),
        fc.integer({ min: 1, max: 14 * 1440 }),
        fc.constantFrom(NY, 'Europe/London', 'Australia/Sydney', 'UTC'),
        (start, minutes, zone) => reminderInstant(start, minutes, zone) < start,
      ),
    );
  });
});

describe('afterQuietHours', () => {
  it('moves a text due at night to the end of quiet hours, and leaves the day alone', () => {
    expect(afterQuietHours(at('2026-06-10T02:30:00Z'), NY, quiet)).toBe(at('2026-06-10T12:00:00Z')); // 22:30 → 08:00
    expect(afterQuietHours(at('2026-06-10T10:00:00Z'), NY, quiet)).toBe(at('2026-06-10T12:00:00Z')); // 06:00 → 08:00
    expect(afterQuietHours(at('2026-06-10T12:00:00Z'), NY, quiet)).toBe(at('2026-06-10T12:00:00Z')); // 08:00 is fine
    expect(afterQuietHours(at('2026-06-10T20:59:00Z'), NY, quiet)).toBe(at('2026-06-10T20:59:00Z')); // 16:59
    expect(afterQuietHours(at('2026-06-10T02:30:00Z'), NY, null)).toBe(at('2026-06-10T02:30:00Z'));
  });

  it('handles quiet hours within one day, and the night clocks change', () => {
    expect(afterQuietHours(at('2026-06-10T17:00:00Z'), NY, { start: '12:00', end: '14:00' })).toBe(
      at('2026-06-10T18:00:00Z'),
    );
    // 23:00 EST on 2026-03-07 → 08:00 EDT on 2026-03-08.
    expect(afterQuietHours(at('2026-03-08T04:00:00Z'), NY, quiet)).toBe(at('2026-03-08T12:00:00Z'));
  });

  it('never returns an instant inside quiet hours, nor earlier than asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2026-01-01'), max: Date.parse('2027-12-31') }), (instant) => {
        const moved = afterQuietHours(instant, NY, quiet);
        return moved >= instant && afterQuietHours(moved, NY, quiet) === moved;
      }),
    );
  });
});

it('describes a rule in words', () => {
  expect([4320, 1440, 120, 60, 30].map(describeOffset)).toEqual(['3 days', '1 day', '2 hours', '1 hour', '30 minutes']);
});
