import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandAvailability, type LocatedInterval, type WorkingBlock } from './availability';
import { type Interval, isWithinAvailability } from './intervals';
import { findOpenSlots, type OpenSlot } from './slots';
import { instantToZoned, zonedTimeToInstant } from './zoned-time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const LONDON = 'Europe/London';
const ZONES: Record<string, string> = { ny: NY, la: LA, london: LONDON, ktm: 'Asia/Kathmandu' };
const timezoneOf = (locationId: string) => ZONES[locationId];

/** Local wall time at a location → instant. */
const ny = (date: string, time: string) => zonedTimeToInstant(date, time, NY);
const located = (start: number, end: number, locationId = 'ny'): LocatedInterval => ({ start, end, locationId });

type SlotInput = Parameters<typeof findOpenSlots>[0];
function slots(overrides: Partial<SlotInput> & Pick<SlotInput, 'availability'>): OpenSlot[] {
  const starts = overrides.availability.map((i) => i.start);
  const ends = overrides.availability.map((i) => i.end);
  return findOpenSlots({
    timeOff: [],
    busy: [],
    durationMinutes: 30,
    bufferAfterMinutes: 0,
    gridMinutes: 15,
    timezoneOf,
    from: starts.length ? Math.min(...starts) : 0,
    to: ends.length ? Math.max(...ends) : 0,
    notBefore: 0,
    ...overrides,
  });
}
const times = (list: OpenSlot[], timezone = NY) => list.map((s) => instantToZoned(s.start, timezone).time);

const MONDAY = '2026-01-12';
const workingDay = [
  located(ny(MONDAY, '08:00'), ny(MONDAY, '12:00')),
  located(ny(MONDAY, '13:00'), ny(MONDAY, '17:00')),
];

describe('findOpenSlots', () => {
  it('offers every grid start that fits, none across the lunch break', () => {
    const result = slots({ availability: workingDay });
    expect(result).toHaveLength(30);
    expect(times(result).slice(0, 3)).toEqual(['08:00', '08:15', '08:30']);
    expect(times(result)).toContain('11:30');
    expect(times(result)).not.toContain('11:45'); // would run into the break
    expect(times(result)).not.toContain('12:00');
    expect(times(result).at(-1)).toBe('16:30');
    expect(result[0]).toEqual({ start: ny(MONDAY, '08:00'), end: ny(MONDAY, '08:30'), locationId: 'ny' });
  });

  it('leaves out existing bookings, already extended by their buffer', () => {
    const busy = [{ start: ny(MONDAY, '09:00'), end: ny(MONDAY, '09:40') }]; // 30 min + 10 min buffer
    const result = times(slots({ availability: workingDay, busy }));
    expect(result).toContain('08:30');
    expect(result).not.toContain('08:45');
    expect(result).not.toContain('09:30');
    expect(result).toContain('09:45');
  });

  it('does not fit a 30-minute type with a 10-minute buffer into a 35-minute gap', () => {
    const busy = [
      { start: ny(MONDAY, '08:00'), end: ny(MONDAY, '09:00') },
      { start: ny(MONDAY, '09:35'), end: ny(MONDAY, '12:00') },
    ];
    const availability = [workingDay[0]];
    expect(slots({ availability, busy, bufferAfterMinutes: 10, gridMinutes: 5 })).toEqual([]);
    expect(times(slots({ availability, busy, bufferAfterMinutes: 5, gridMinutes: 5 }))).toEqual(['09:00']);
    expect(times(slots({ availability, busy, bufferAfterMinutes: 0, gridMinutes: 5 }))).toEqual(['09:00', '09:05']);
    // The slot's end is the visit's end; the buffer only has to be free.
    expect(slots({ availability, busy, bufferAfterMinutes: 5, gridMinutes: 5 })[0].end).toBe(ny(MONDAY, '09:30'));
  });

  it('keeps the buffer inside working hours', () => {
    const result = times(slots({ availability: [workingDay[0]], bufferAfterMinutes: 10 }));
    expect(result.at(-1)).toBe('11:15');
  });

  it('leaves out partial time off', () => {
    const timeOff = [{ start: ny(MONDAY, '13:00'), end: ny(MONDAY, '17:00') }];
    const result = times(slots({ availability: workingDay, timeOff }));
    expect(result).toHaveLength(15);
    expect(result.at(-1)).toBe('11:30');
    const dentist = [{ start: ny(MONDAY, '10:10'), end: ny(MONDAY, '10:50') }];
    expect(times(slots({ availability: [workingDay[0]], timeOff: dentist }))).toEqual([
      '08:00',
      '08:15',
      '08:30',
      '08:45',
      '09:00',
      '09:15',
      '09:30',
      // 09:45 would end at 10:15, inside the appointment; 10:50 is off the grid
      '11:00',
      '11:15',
      '11:30',
    ]);
  });

  it('leaves out a whole day off (a clinic holiday) and keeps the next day', () => {
    const blocks: WorkingBlock[] = [1, 2].map((weekday) => ({
      weekday: weekday as 1 | 2,
      start: '08:00',
      end: '12:00',
    }));
    const availability = expandAvailability({
      versions: [{ locationId: 'ny', timezone: NY, validFrom: '2026-01-01', validTo: null, blocks }],
      extraHours: [],
      from: ny(MONDAY, '00:00'),
      to: ny('2026-01-14', '00:00'),
    });
    const timeOff = [{ start: ny(MONDAY, '00:00'), end: ny('2026-01-13', '00:00') }];
    const result = slots({ availability, timeOff });
    expect(result).toHaveLength(15);
    expect(result.every((s) => instantToZoned(s.start, NY).date === '2026-01-13')).toBe(true);
  });

  it('aligns the grid to local midnight of the location', () => {
    const late = [located(ny(MONDAY, '08:10'), ny(MONDAY, '10:00'))];
    expect(times(slots({ availability: late }))).toEqual(['08:15', '08:30', '08:45', '09:00', '09:15', '09:30']);
    // 45-minute grid: 00:00, 00:45 … 07:30, 08:15, 09:00, 09:45.
    const morning = [located(ny(MONDAY, '08:00'), ny(MONDAY, '10:00'))];
    expect(times(slots({ availability: morning, gridMinutes: 45 }))).toEqual(['08:15', '09:00']);
    // Kathmandu is UTC+05:45: local hours are not UTC hours.
    const ktm = (time: string) => zonedTimeToInstant(MONDAY, time, 'Asia/Kathmandu');
    const result = slots({
      availability: [located(ktm('07:50'), ktm('11:00'), 'ktm')],
      gridMinutes: 60,
      durationMinutes: 60,
    });
    expect(times(result, 'Asia/Kathmandu')).toEqual(['08:00', '09:00', '10:00']);
    expect(new Date(result[0].start).toISOString()).toBe('2026-01-12T02:15:00.000Z');
  });

  it('counts DST days right: 3 hourly slots in 01:00–05:00 on spring-forward, 4 in 00:00–03:00 on fall-back', () => {
    const spring = slots({
      availability: [located(ny('2026-03-08', '01:00'), ny('2026-03-08', '05:00'))],
      durationMinutes: 60,
      gridMinutes: 60,
    });
    expect(spring.map((s) => new Date(s.start).toISOString())).toEqual([
      '2026-03-08T06:00:00.000Z', // 01:00 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-08T08:00:00.000Z', // 04:00 EDT
    ]);
    const fall = slots({
      availability: [located(ny('2026-11-01', '00:00'), ny('2026-11-01', '03:00'))],
      durationMinutes: 60,
      gridMinutes: 60,
    });
    expect(times(fall)).toEqual(['00:00', '01:00', '01:00', '02:00']); // 01:00 EDT, then 01:00 EST
    expect(fall.map((s) => s.start - fall[0].start)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR]);
  });

  it('keeps 08:00, 08:15 … on the wall clock the day after a change', () => {
    const availability = expandAvailability({
      versions: [
        {
          locationId: 'ny',
          timezone: NY,
          validFrom: '2026-01-01',
          validTo: null,
          blocks: ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start: '08:00', end: '12:00' })),
        },
      ],
      extraHours: [],
      from: ny('2026-03-07', '00:00'),
      to: ny('2026-03-10', '00:00'),
    });
    const result = slots({ availability, durationMinutes: 60, gridMinutes: 60 });
    expect(result.map((s) => `${instantToZoned(s.start, NY).date} ${instantToZoned(s.start, NY).time}`)).toEqual(
      ['2026-03-07', '2026-03-08', '2026-03-09'].flatMap((d) => [
        `${d} 08:00`,
        `${d} 09:00`,
        `${d} 10:00`,
        `${d} 11:00`,
      ]),
    );
  });

  it('serves a clinic with locations in New York and Los Angeles, sorted by instant', () => {
    const la = (time: string) => zonedTimeToInstant(MONDAY, time, LA);
    const availability = [
      located(la('08:00'), la('09:00'), 'la'), // 11:00–12:00 in New York
      located(ny(MONDAY, '08:00'), ny(MONDAY, '09:00'), 'ny'),
    ];
    const result = slots({ availability, durationMinutes: 60, gridMinutes: 60 });
    expect(result).toEqual([
      { start: ny(MONDAY, '08:00'), end: ny(MONDAY, '09:00'), locationId: 'ny' },
      { start: la('08:00'), end: la('09:00'), locationId: 'la' },
    ]);
  });

  it('gives one slot per start when two locations overlap', () => {
    const availability = [
      located(ny(MONDAY, '08:00'), ny(MONDAY, '09:00'), 'ny'),
      located(ny(MONDAY, '08:00'), ny(MONDAY, '10:00'), 'la'),
    ];
    const result = slots({ availability, durationMinutes: 60, gridMinutes: 60 });
    expect(result.map((s) => s.locationId)).toEqual(['la', 'la']);
    expect(times(result)).toEqual(['08:00', '09:00']);
  });

  it('starts no earlier than notBefore and within [from, to)', () => {
    const now = ny(MONDAY, '10:07');
    expect(times(slots({ availability: workingDay, notBefore: now })).slice(0, 2)).toEqual(['10:15', '10:30']);
    const window = slots({ availability: workingDay, from: ny(MONDAY, '09:00'), to: ny(MONDAY, '10:00') });
    expect(times(window)).toEqual(['09:00', '09:15', '09:30', '09:45']); // 09:45 starts before `to`, may end after it
  });

  it('returns nothing for empty inputs', () => {
    expect(slots({ availability: [] })).toEqual([]);
    expect(slots({ availability: workingDay, durationMinutes: 0 })).toEqual([]);
    expect(slots({ availability: workingDay, gridMinutes: 0 })).toEqual([]);
    expect(slots({ availability: workingDay, to: ny(MONDAY, '08:00') })).toEqual([]);
    expect(slots({ availability: workingDay, notBefore: ny(MONDAY, '17:00') })).toEqual([]);
  });

  it('stays fast: 30 days of a full-time provider', () => {
    const versions = [
      {
        locationId: 'ny',
        timezone: NY,
        validFrom: '2026-01-01',
        validTo: null,
        blocks: ([1, 2, 3, 4, 5] as const).flatMap((weekday) => [
          { weekday, start: '08:00', end: '12:00' },
          { weekday, start: '13:00', end: '17:00' },
        ]),
      },
    ];
    const from = ny('2026-03-01', '00:00');
    const to = ny('2026-03-31', '00:00');
    const busy: Interval[] = [];
    for (let t = from; t < to; t += 50 * MINUTE) busy.push({ start: t, end: t + 20 * MINUTE });
    const started = performance.now();
    const availability = expandAvailability({ versions, extraHours: [], from, to });
    const result = findOpenSlots({
      availability,
      timeOff: [],
      busy,
      durationMinutes: 30,
      bufferAfterMinutes: 0,
      gridMinutes: 5,
      timezoneOf,
      from,
      to,
      notBefore: from,
    });
    const elapsed = performance.now() - started;
    expect(result.length).toBeGreaterThan(100);
    expect(elapsed).toBeLessThan(250); // generous for CI; typically a few milliseconds
  });
});

describe('findOpenSlots (properties)', () => {
  // Two days around New York's spring-forward, in minutes from the window start.
  const WINDOW_START = Date.parse('2026-03-07T12:00:00Z');
  const WINDOW_MINUTES = 2 * 24 * 60;
  const GRIDS = [5, 10, 15, 20, 30, 45, 60, 25];

  const span = (maxLength: number) =>
    fc
      .tuple(fc.integer({ min: 0, max: WINDOW_MINUTES }), fc.integer({ min: 1, max: maxLength }))
      .map(([start, length]) => ({
        start: WINDOW_START + start * MINUTE,
        end: WINDOW_START + (start + length) * MINUTE,
      }));
  const locatedSpan = fc
    .tuple(span(600), fc.constantFrom('ny', 'la', 'london', 'ktm'))
    .map(([i, locationId]) => ({ ...i, locationId }));
  const scenario = fc.record({
    availability: fc.array(locatedSpan, { maxLength: 8 }),
    busy: fc.array(span(120), { maxLength: 15 }),
    timeOff: fc.array(span(600), { maxLength: 3 }),
    durationMinutes: fc.integer({ min: 5, max: 120 }),
    bufferAfterMinutes: fc.integer({ min: 0, max: 30 }),
    gridMinutes: fc.constantFrom(...GRIDS),
    from: fc.integer({ min: 0, max: WINDOW_MINUTES }).map((m) => WINDOW_START + m * MINUTE),
    length: fc.integer({ min: 1, max: WINDOW_MINUTES }),
    notBefore: fc.integer({ min: -60, max: WINDOW_MINUTES }).map((m) => WINDOW_START + m * MINUTE + 17_000),
  });

  it('never overlaps a booking or time off, stays within availability, sorted, on the grid, unique', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const to = s.from + s.length * MINUTE;
        const result = findOpenSlots({ ...s, to, timezoneOf });
        const need = (s.durationMinutes + s.bufferAfterMinutes) * MINUTE;
        for (let k = 0; k < result.length; k++) {
          const slot = result[k];
          const end = slot.start + need;
          if (k > 0) expect(slot.start).toBeGreaterThan(result[k - 1].start);
          expect(slot.end).toBe(slot.start + s.durationMinutes * MINUTE);
          expect([...s.busy, ...s.timeOff].some((b) => b.start < end && slot.start < b.end)).toBe(false);
          const own = s.availability.filter((a) => a.locationId === slot.locationId);
          expect(isWithinAvailability(own, slot.start, end)).toBe(true);
          expect(slot.start).toBeGreaterThanOrEqual(Math.max(s.from, s.notBefore));
          expect(slot.start).toBeLessThan(to);
          const local = instantToZoned(slot.start, timezoneOf(slot.locationId)).time;
          const minuteOfDay = Number(local.slice(0, 2)) * 60 + Number(local.slice(3));
          expect(minuteOfDay % s.gridMinutes).toBe(0);
          expect(slot.start % MINUTE).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('misses no bookable start (against a minute-by-minute oracle)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const to = s.from + s.length * MINUTE;
        const result = findOpenSlots({ ...s, to, timezoneOf });
        const need = (s.durationMinutes + s.bufferAfterMinutes) * MINUTE;
        const blocked = [...s.busy, ...s.timeOff];
        const expected = new Map<number, string>();
        for (let t = Math.max(s.from, Math.ceil(s.notBefore / MINUTE) * MINUTE); t < to; t += MINUTE) {
          if (blocked.some((b) => b.start < t + need && t < b.end)) continue;
          // In location id order: when two locations offer the same start, the first one is kept.
          for (const locationId of ['ktm', 'la', 'london', 'ny']) {
            if (expected.has(t)) continue;
            const own = s.availability.filter((a) => a.locationId === locationId);
            if (!isWithinAvailability(own, t, t + need)) continue;
            const local = instantToZoned(t, timezoneOf(locationId)).time;
            if ((Number(local.slice(0, 2)) * 60 + Number(local.slice(3))) % s.gridMinutes === 0) {
              expected.set(t, locationId);
            }
          }
        }
        expect(result.map((slot) => [slot.start, slot.locationId])).toEqual([...expected.entries()]);
      }),
      { numRuns: 100 },
    );
  });
});
