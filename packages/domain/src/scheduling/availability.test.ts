import { describe, expect, it } from 'vitest';
import { expandAvailability, type LocatedInterval, type ScheduleVersion, type WorkingBlock } from './availability';
import { instantToZoned, zonedTimeToInstant } from './zoned-time';

const HOUR = 3_600_000;
const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const LONDON = 'Europe/London';

const everyDay = (start: string, end: string): WorkingBlock[] =>
  ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start, end }));

function version(overrides: Partial<ScheduleVersion> & { blocks: WorkingBlock[] }): ScheduleVersion {
  return { locationId: 'ny', timezone: NY, validFrom: '2020-01-01', validTo: null, ...overrides };
}

/** Availability of one local day in `timezone`. */
function day(date: string, timezone: string, versions: ScheduleVersion[], extraHours: LocatedInterval[] = []) {
  const from = zonedTimeToInstant(date, '00:00', timezone);
  const to = zonedTimeToInstant(date, '24:00', timezone);
  return expandAvailability({ versions, extraHours, from, to });
}

const hours = (intervals: LocatedInterval[]) => intervals.reduce((sum, i) => sum + (i.end - i.start), 0) / HOUR;
const local = (instant: number, timezone: string) => instantToZoned(instant, timezone).time;

describe('expandAvailability', () => {
  it('lays weekly blocks with a break between them on the right weekday', () => {
    const blocks: WorkingBlock[] = [
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 1, start: '13:00', end: '17:00' },
      { weekday: 3, start: '09:00', end: '11:00' },
    ];
    const result = expandAvailability({
      versions: [version({ blocks })],
      extraHours: [],
      from: Date.parse('2026-01-12T05:00:00Z'), // Monday 00:00 in New York
      to: Date.parse('2026-01-19T05:00:00Z'),
    });
    expect(result).toEqual([
      { start: Date.parse('2026-01-12T13:00:00Z'), end: Date.parse('2026-01-12T17:00:00Z'), locationId: 'ny' },
      { start: Date.parse('2026-01-12T18:00:00Z'), end: Date.parse('2026-01-12T22:00:00Z'), locationId: 'ny' },
      { start: Date.parse('2026-01-14T14:00:00Z'), end: Date.parse('2026-01-14T16:00:00Z'), locationId: 'ny' },
    ]);
  });

  it('gives exactly 4 hours for 08:00–12:00 on both DST days, 3 or 5 when the block spans the change', () => {
    const at = (date: string, start: string, end: string, timezone = NY) =>
      hours(day(date, timezone, [version({ timezone, blocks: everyDay(start, end) })]));
    expect(at('2026-03-08', '08:00', '12:00')).toBe(4);
    expect(at('2026-11-01', '08:00', '12:00')).toBe(4);
    expect(at('2026-03-08', '01:00', '05:00')).toBe(3);
    expect(at('2026-11-01', '00:00', '04:00')).toBe(5);
    expect(at('2026-03-08', '00:00', '24:00')).toBe(23);
    expect(at('2026-11-01', '00:00', '24:00')).toBe(25);
    // London changes on other dates.
    expect(at('2026-03-08', '00:00', '04:00', LONDON)).toBe(4);
    expect(at('2026-03-29', '00:00', '04:00', LONDON)).toBe(3);
    expect(at('2026-10-25', '00:00', '04:00', LONDON)).toBe(5);
  });

  it('keeps local hours over a week that crosses spring-forward', () => {
    const result = expandAvailability({
      versions: [version({ blocks: everyDay('08:00', '12:00') })],
      extraHours: [],
      from: Date.parse('2026-03-05T05:00:00Z'),
      to: Date.parse('2026-03-12T04:00:00Z'),
    });
    expect(result).toHaveLength(7);
    for (const interval of result) {
      expect(local(interval.start, NY)).toBe('08:00');
      expect(local(interval.end, NY)).toBe('12:00');
      expect(interval.end - interval.start).toBe(4 * HOUR);
    }
    expect(new Date(result[0].start).getUTCHours()).toBe(13); // EST
    expect(new Date(result[6].start).getUTCHours()).toBe(12); // EDT
  });

  it('handles a provider at two locations in different zones', () => {
    const versions = [
      version({ locationId: 'ny', timezone: NY, blocks: [{ weekday: 1, start: '08:00', end: '12:00' }] }),
      version({ locationId: 'la', timezone: LA, blocks: [{ weekday: 1, start: '13:00', end: '17:00' }] }),
      version({ locationId: 'london', timezone: LONDON, blocks: [{ weekday: 2, start: '08:00', end: '12:00' }] }),
    ];
    // The Monday after New York and Los Angeles sprang forward, London not yet.
    const result = expandAvailability({
      versions,
      extraHours: [],
      from: Date.parse('2026-03-09T00:00:00Z'),
      to: Date.parse('2026-03-11T00:00:00Z'),
    });
    expect(result).toEqual([
      { start: Date.parse('2026-03-09T12:00:00Z'), end: Date.parse('2026-03-09T16:00:00Z'), locationId: 'ny' },
      { start: Date.parse('2026-03-09T20:00:00Z'), end: Date.parse('2026-03-10T00:00:00Z'), locationId: 'la' },
      { start: Date.parse('2026-03-10T08:00:00Z'), end: Date.parse('2026-03-10T12:00:00Z'), locationId: 'london' },
    ]);
  });

  it('applies each version only on its local dates, validTo inclusive', () => {
    const versions = [
      version({ validFrom: '2026-01-01', validTo: '2026-01-14', blocks: everyDay('08:00', '12:00') }),
      version({ validFrom: '2026-01-15', validTo: null, blocks: everyDay('09:00', '13:00') }),
    ];
    const result = expandAvailability({
      versions,
      extraHours: [],
      from: Date.parse('2026-01-12T05:00:00Z'),
      to: Date.parse('2026-01-19T05:00:00Z'),
    });
    expect(result.map((i) => `${instantToZoned(i.start, NY).date} ${local(i.start, NY)}`)).toEqual([
      '2026-01-12 08:00',
      '2026-01-13 08:00',
      '2026-01-14 08:00',
      '2026-01-15 09:00',
      '2026-01-16 09:00',
      '2026-01-17 09:00',
      '2026-01-18 09:00',
    ]);
  });

  it('decides validity by the local date, not the UTC date', () => {
    // 20:00–23:00 in Los Angeles on the 14th is 04:00–07:00 UTC on the 15th.
    const versions = [
      version({ locationId: 'la', timezone: LA, validTo: '2026-01-14', blocks: everyDay('20:00', '23:00') }),
    ];
    const result = expandAvailability({
      versions,
      extraHours: [],
      from: Date.parse('2026-01-14T12:00:00Z'),
      to: Date.parse('2026-01-17T00:00:00Z'),
    });
    expect(result).toEqual([
      { start: Date.parse('2026-01-15T04:00:00Z'), end: Date.parse('2026-01-15T07:00:00Z'), locationId: 'la' },
    ]);
    const later = [
      version({ locationId: 'la', timezone: LA, validFrom: '2026-01-15', blocks: everyDay('20:00', '23:00') }),
    ];
    expect(
      expandAvailability({
        versions: later,
        extraHours: [],
        from: Date.parse('2026-01-15T00:00:00Z'),
        to: Date.parse('2026-01-16T12:00:00Z'),
      }),
    ).toEqual([
      { start: Date.parse('2026-01-16T04:00:00Z'), end: Date.parse('2026-01-16T07:00:00Z'), locationId: 'la' },
    ]);
  });

  it('adds extra hours, joining them with a block they touch', () => {
    const versions = [version({ blocks: [{ weekday: 1, start: '08:00', end: '12:00' }] })];
    const extraHours = [
      { start: Date.parse('2026-01-12T17:00:00Z'), end: Date.parse('2026-01-12T18:00:00Z'), locationId: 'ny' }, // 12–13
      { start: Date.parse('2026-01-17T14:00:00Z'), end: Date.parse('2026-01-17T16:00:00Z'), locationId: 'ny' }, // Saturday
      { start: Date.parse('2026-01-12T17:00:00Z'), end: Date.parse('2026-01-12T18:00:00Z'), locationId: 'la' }, // other place
    ];
    const result = expandAvailability({
      versions,
      extraHours,
      from: Date.parse('2026-01-12T05:00:00Z'),
      to: Date.parse('2026-01-19T05:00:00Z'),
    });
    expect(result).toEqual([
      { start: Date.parse('2026-01-12T13:00:00Z'), end: Date.parse('2026-01-12T18:00:00Z'), locationId: 'ny' },
      { start: Date.parse('2026-01-12T17:00:00Z'), end: Date.parse('2026-01-12T18:00:00Z'), locationId: 'la' },
      { start: Date.parse('2026-01-17T14:00:00Z'), end: Date.parse('2026-01-17T16:00:00Z'), locationId: 'ny' },
    ]);
  });

  it('joins overlapping versions of one location and clips to [from, to)', () => {
    const versions = [
      version({ blocks: [{ weekday: 1, start: '08:00', end: '12:00' }] }),
      version({ validFrom: '2026-01-01', blocks: [{ weekday: 1, start: '10:00', end: '14:00' }] }),
    ];
    const result = expandAvailability({
      versions,
      extraHours: [],
      from: Date.parse('2026-01-12T14:30:00Z'),
      to: Date.parse('2026-01-12T18:15:00Z'),
    });
    expect(result).toEqual([
      { start: Date.parse('2026-01-12T14:30:00Z'), end: Date.parse('2026-01-12T18:15:00Z'), locationId: 'ny' },
    ]);
  });

  it('returns nothing for empty inputs or an empty range', () => {
    const from = Date.parse('2026-01-12T00:00:00Z');
    expect(expandAvailability({ versions: [], extraHours: [], from, to: from + 7 * 24 * HOUR })).toEqual([]);
    expect(
      expandAvailability({ versions: [version({ blocks: [] })], extraHours: [], from, to: from + 24 * HOUR }),
    ).toEqual([]);
    expect(
      expandAvailability({
        versions: [version({ blocks: everyDay('08:00', '12:00') })],
        extraHours: [],
        from,
        to: from,
      }),
    ).toEqual([]);
    expect(
      expandAvailability({
        versions: [version({ validFrom: '2027-01-01', blocks: everyDay('08:00', '12:00') })],
        extraHours: [],
        from,
        to: from + 7 * 24 * HOUR,
      }),
    ).toEqual([]);
  });
});
