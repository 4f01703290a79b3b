import { describe, expect, it } from 'vitest';
import { blockRows, dropStart, openRows, weekDates, weekStart } from './layout';

const NY = 'America/New_York';
const iso = (s: string) => new Date(s).toISOString();

describe('week of a date', () => {
  it('runs Monday to Sunday, across months and years', () => {
    expect(weekStart('2026-03-04')).toBe('2026-03-02'); // a Wednesday
    expect(weekStart('2026-03-02')).toBe('2026-03-02'); // a Monday
    expect(weekStart('2026-03-08')).toBe('2026-03-02'); // a Sunday
    expect(weekDates('2026-12-31')).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
  });
});

describe('blocks on the grid (clinic time, whatever the machine’s zone)', () => {
  it('places an appointment by its wall-clock time in the clinic’s zone', () => {
    // 14:00Z is 09:00 in New York in winter: row 9 of the day (07:00 is row 1, 15-minute rows).
    expect(blockRows('2026-01-15T14:00:00Z', '2026-01-15T14:30:00Z', '2026-01-15', NY)).toEqual({ first: 9, last: 10 });
    // The same instant is on the next local date in Tokyo, outside the visible hours there.
    expect(blockRows('2026-01-15T14:00:00Z', '2026-01-15T14:30:00Z', '2026-01-15', 'Asia/Tokyo')).toBeNull();
  });

  it('keeps 09:00 at 09:00 on the day clocks spring forward', () => {
    // 2026-03-08: New York jumps from 02:00 to 03:00; 09:00 EDT is 13:00Z.
    expect(blockRows('2026-03-08T13:00:00Z', '2026-03-08T13:30:00Z', '2026-03-08', NY)).toEqual({ first: 9, last: 10 });
    expect(dropStart('2026-03-08', 9 * 60, 0, NY)).toBe(iso('2026-03-08T13:00:00Z'));
    expect(dropStart('2026-03-07', 9 * 60, 0, NY)).toBe(iso('2026-03-07T14:00:00Z'));
  });

  it('clips to the visible hours and drops with the grab offset', () => {
    expect(blockRows('2026-01-15T11:00:00Z', '2026-01-15T12:30:00Z', '2026-01-15', NY)).toEqual({ first: 1, last: 2 });
    // Grabbed two rows below its top and dropped on 10:00: it starts at 09:30.
    expect(dropStart('2026-01-15', 10 * 60, 2, NY)).toBe(iso('2026-01-15T14:30:00Z'));
    // Never above the first row.
    expect(dropStart('2026-01-15', 7 * 60, 3, NY)).toBe(iso('2026-01-15T12:00:00Z'));
  });
});

describe('open rows', () => {
  it('are the rows wholly inside the available time', () => {
    const available = [{ start: Date.parse('2026-01-15T14:00:00Z'), end: Date.parse('2026-01-15T15:10:00Z') }];
    // 09:00–10:10 New York: 09:00, 09:15, 09:30, 09:45 are open; 10:00 ends after 10:10.
    expect([...openRows(available, '2026-01-15', NY)]).toEqual([540, 555, 570, 585]);
    expect(openRows([], '2026-01-15', NY).size).toBe(0);
  });
});
