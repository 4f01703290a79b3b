import { newId, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { mondayOf, percent, plusDays, seeded } from '../test/generated';
import { type ApiClient, createTestApp, type TestApp, unique } from '../test/harness';

/**
 * The Provider utilisation report against deterministic working hours (set through the API: two
 * schedule versions, a second location, time off, a clinic closure, extra hours across midnight)
 * and generated appointments. The expected available minutes are found here independently: every
 * 15 minutes of the range, is the provider working? (Intl gives the local date and time, so the
 * repeated hour of the end of DST counts twice.) The range holds Sunday 2030-11-03, 25 hours long.
 */

const TZ = 'America/New_York';
const FROM = '2030-10-21';
const TO = '2030-11-17';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const STEP = 15;

type Status = 'booked' | 'confirmed' | 'completed' | 'cancelled' | 'no_show';
interface Raw {
  id: string;
  providerId: string;
  locationId: string;
  startAt: Date;
  minutes: number;
  status: Status;
}
interface Version {
  providerId: string;
  locationId: string;
  validFrom: string;
  validTo: string | null;
  blocks: { weekday: number; start: string; end: string }[];
}
interface Span {
  providerId: string | null;
  locationId?: string;
  start: number;
  end: number;
}

let t: TestApp;
let s: SchedulingScenario;
let manager: ApiClient;
let north: string;
let p1: string;
let p2: string;
let p3: string;
let raw: Raw[];
const versions: Version[] = [];
const extra: Span[] = [];
const off: Span[] = [];

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
function local(instant: number) {
  const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, x.value]));
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}`,
    weekday: WEEKDAYS.indexOf(p.weekday) + 1,
  };
}
const localDateOf = (instant: Date) => local(instant.getTime()).date;
const at = (date: string, time: string) => zonedTimeToInstant(date, time, TZ);

/** Working samples: one per 15 minutes a provider works at a location in the range. */
let samples: { date: string; providerId: string; locationId: string }[];
function sampleWorkingTime() {
  samples = [];
  const end = at(plusDays(TO, 1), '00:00');
  for (let instant = at(FROM, '00:00'); instant < end; instant += STEP * MINUTE) {
    const { date, time, weekday } = local(instant);
    for (const providerId of [p1, p2, p3]) {
      if (
        off.some((o) => (o.providerId === null || o.providerId === providerId) && o.start <= instant && instant < o.end)
      )
        continue;
      const where = new Set<string>();
      for (const v of versions) {
        if (v.providerId !== providerId || date < v.validFrom || (v.validTo !== null && date > v.validTo)) continue;
        if (v.blocks.some((b) => b.weekday === weekday && b.start <= time && time < b.end)) where.add(v.locationId);
      }
      for (const x of extra) {
        if (x.providerId === providerId && x.start <= instant && instant < x.end) where.add(x.locationId as string);
      }
      for (const locationId of where) samples.push({ date, providerId, locationId });
    }
  }
}

type Key = (x: { date: string; providerId: string; locationId: string }) => string;
function expected(
  key: Key,
  filter: (x: { date: string; providerId: string; locationId: string }) => boolean = () => true,
) {
  const figures = new Map<string, { available: number; booked: number; appointments: number; noShows: number }>();
  const of = (k: string) => {
    const f = figures.get(k) ?? { available: 0, booked: 0, appointments: 0, noShows: 0 };
    figures.set(k, f);
    return f;
  };
  for (const x of samples.filter(filter)) of(key(x)).available += STEP;
  for (const r of raw) {
    const x = { date: localDateOf(r.startAt), providerId: r.providerId, locationId: r.locationId };
    if (r.status === 'cancelled' || x.date < FROM || x.date > TO || !filter(x)) continue;
    const f = of(key(x));
    f.booked += r.minutes;
    f.appointments += 1;
    if (r.status === 'no_show') f.noShows += 1;
  }
  const values = (f = { available: 0, booked: 0, appointments: 0, noShows: 0 }) => ({
    availableMinutes: f.available,
    bookedMinutes: f.booked,
    utilisation: percent(f.booked, f.available),
    appointments: f.appointments,
    noShows: f.noShows,
  });
  return { get: (k: string) => values(figures.get(k)), keys: () => [...figures.keys()] };
}

async function hours(providerId: string, locationId: string, validFrom: string, blocks: Version['blocks']) {
  const response = await manager.put(`/api/providers/${providerId}/working-hours`, { locationId, validFrom, blocks });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  for (const v of versions) {
    if (v.providerId === providerId && v.locationId === locationId && v.validTo === null)
      v.validTo = plusDays(validFrom, -1);
  }
  versions.push({ providerId, locationId, validFrom, validTo: null, blocks });
}
async function timeOff(providerId: string | null, start: number, end: number) {
  const url = providerId ? `/api/providers/${providerId}/time-off` : '/api/time-off';
  const response = await manager.post(url, {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    reason: 'Away',
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  off.push({ providerId, start, end });
}
async function extraHours(providerId: string, locationId: string, start: number, end: number) {
  const response = await manager.post(`/api/providers/${providerId}/extra-hours`, {
    locationId,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  extra.push({ providerId, locationId, start, end });
}

const weekdays = (days: number[], start: string, end: string) => days.map((weekday) => ({ weekday, start, end }));

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  manager = s.manager;
  const other = await s.admin.post('/api/locations', { name: unique('North'), timezone: TZ });
  expect(other.status).toBe(201);
  north = other.body.id;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await s.admin.post('/api/providers', { name: `Dr ${unique('Usage')}` });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  [p1, p2, p3] = ids;
  // P1: weekdays 09–12 and 13–17; a day off, an afternoon off, a Saturday clinic, an evening
  // clinic across midnight. P2: Mondays and Wednesdays, and all of Sunday (25 hours on 3 November),
  // then Tuesdays and Thursdays from 11 November; Friday mornings at North. P3: no hours at all.
  await hours(p1, s.locationId, '2030-10-01', [
    ...weekdays([1, 2, 3, 4, 5], '09:00', '12:00'),
    ...weekdays([1, 2, 3, 4, 5], '13:00', '17:00'),
  ]);
  await hours(p2, s.locationId, '2030-10-01', [
    ...weekdays([1, 3], '08:00', '16:00'),
    ...weekdays([7], '00:00', '24:00'),
  ]);
  await hours(p2, s.locationId, '2030-11-11', weekdays([2, 4], '10:00', '18:00'));
  await hours(p2, north, '2030-10-01', weekdays([5], '09:00', '13:00'));
  await timeOff(p1, at('2030-10-30', '00:00'), at('2030-10-31', '00:00'));
  await timeOff(p1, at('2030-11-12', '13:00'), at('2030-11-12', '15:00'));
  await timeOff(null, at('2030-11-11', '00:00'), at('2030-11-12', '00:00'));
  await extraHours(p1, s.locationId, at('2030-11-09', '10:00'), at('2030-11-09', '14:00'));
  await extraHours(p1, s.locationId, at('2030-11-14', '22:00'), at('2030-11-15', '02:00'));
  sampleWorkingTime();

  const type = await s.addType({ name: unique('Visit'), durationMinutes: 30 });
  const patientIds = await Promise.all(Array.from({ length: 4 }, () => s.addPatient()));
  const random = seeded(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const statuses: Status[] = ['completed', 'completed', 'completed', 'no_show', 'cancelled', 'booked', 'confirmed'];
  const slots: [string, number][] = [
    ['08:00', 30],
    ['09:00', 45],
    ['10:30', 30],
    ['13:00', 60],
    ['16:00', 30],
    ['23:30', 60],
  ];
  raw = [];
  const rows: (typeof schema.appointments.$inferInsert)[] = [];
  for (let date = plusDays(FROM, -3); date <= plusDays(TO, 3); date = plusDays(date, 1)) {
    for (const providerId of [p1, p2, p3]) {
      for (const [time, minutes] of slots) {
        if (random() < 0.5) continue;
        const startAt = new Date(at(date, time));
        const status = pick(statuses);
        const locationId = providerId === p2 && random() < 0.3 ? north : s.locationId;
        const one: Raw = { id: newId(), providerId, locationId, startAt, minutes, status };
        raw.push(one);
        rows.push({
          id: one.id,
          clinicId: s.clinic.clinicId,
          patientId: pick(patientIds),
          providerId,
          locationId,
          appointmentTypeId: type.id,
          startAt,
          endAt: new Date(startAt.getTime() + minutes * MINUTE),
          bufferEndAt: new Date(startAt.getTime() + (minutes + 10) * MINUTE),
          status,
          bookedAt: new Date(startAt.getTime() - 3 * DAY),
          cancelledAt: status === 'cancelled' ? new Date(startAt.getTime() - DAY) : null,
          noShowAt: status === 'no_show' ? new Date(startAt.getTime() + 15 * MINUTE) : null,
        });
      }
    }
  }
  await t.database.db.insert(schema.appointments).values(rows);
});
afterAll(() => t?.close());

const report = (query: string) => manager.get(`/api/reports/utilisation?${query}`);

describe('the Provider utilisation report', () => {
  it('has the expected available and booked minutes per week and in total', async () => {
    const response = await report(`from=${FROM}&to=${TO}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ report: 'utilisation', group: 'week', timezone: TZ });
    const byWeek = expected((x) => mondayOf(x.date));
    const all = expected(() => 'all');
    expect(response.body.totals).toEqual(all.get('all'));
    expect(response.body.rows.map((row: { period: string }) => row.period)).toEqual([
      '2030-10-21',
      '2030-10-28',
      '2030-11-04',
      '2030-11-11',
    ]);
    for (const row of response.body.rows) expect(row.values, row.period).toEqual(byWeek.get(row.period));
    expect(response.body.totals.utilisation).toBeGreaterThan(0);
    expect(response.body.totals.noShows).toBeGreaterThan(0);
  });

  it('counts working time on the local day it falls on: DST, midnight, time off, closures, extra hours', async () => {
    const minutes = async (providerId: string, from: string, to: string) => {
      const response = await report(`from=${from}&to=${to}&group=day&providerId=${providerId}`);
      expect(response.status).toBe(200);
      return Object.fromEntries(
        response.body.rows.map((row: { period: string; values: { availableMinutes: number } }) => [
          row.period,
          row.values.availableMinutes,
        ]),
      );
    };
    // The whole of Sunday is 24 hours, but 25 on the day DST ends; Mondays and Wednesdays 8 hours.
    expect(await minutes(p2, '2030-10-27', '2030-11-04')).toEqual({
      '2030-10-27': 1440,
      '2030-10-28': 480,
      '2030-10-29': 0,
      '2030-10-30': 480,
      '2030-10-31': 0,
      '2030-11-01': 240,
      '2030-11-02': 0,
      '2030-11-03': 1500,
      '2030-11-04': 480,
    });
    // A day off; the clinic closed on the 11th; two hours off on the 12th; a Saturday clinic; an
    // evening clinic 22:00–02:00 split at midnight between the Thursday and the Friday.
    const p1Days = await minutes(p1, '2030-10-30', '2030-10-30');
    expect(p1Days).toEqual({ '2030-10-30': 0 });
    expect(await minutes(p1, '2030-11-09', '2030-11-15')).toEqual({
      '2030-11-09': 240,
      '2030-11-10': 0,
      '2030-11-11': 0,
      '2030-11-12': 300,
      '2030-11-13': 420,
      '2030-11-14': 540,
      '2030-11-15': 540,
    });
    // The second version of P2's hours applies from the 11th (a closure): Tuesdays and Thursdays.
    expect(await minutes(p2, '2030-11-11', '2030-11-14')).toEqual({
      '2030-11-11': 0,
      '2030-11-12': 480,
      '2030-11-13': 0,
      '2030-11-14': 480,
    });
    // And all of it agrees with the sampling, day by day.
    const byDay = expected((x) => x.date);
    const response = await report(`from=${FROM}&to=${TO}&group=day`);
    expect(response.body.rows).toHaveLength(28);
    for (const row of response.body.rows) expect(row.values, row.period).toEqual(byDay.get(row.period));
  });

  it('counts no-shows as booked and cancelled appointments not at all, whole on the day they start', async () => {
    // The first day with a cancelled appointment, a no-show and a 23:30 visit held.
    const ofDate = (date: string) => raw.filter((r) => localDateOf(r.startAt) === date);
    let day = FROM;
    while (
      !(
        ofDate(day).some((r) => r.status === 'cancelled') &&
        ofDate(day).some((r) => r.status === 'no_show') &&
        ofDate(day).some((r) => r.status !== 'cancelled' && local(r.startAt.getTime()).time === '23:30')
      )
    )
      day = plusDays(day, 1);
    expect(day <= TO).toBe(true);
    const ofDay = ofDate(day);
    expect(ofDay.some((r) => r.status === 'cancelled')).toBe(true);
    expect(ofDay.some((r) => r.status === 'no_show')).toBe(true);
    const response = await report(`from=${day}&to=${day}&group=day`);
    const held = ofDay.filter((r) => r.status !== 'cancelled');
    expect(response.body.totals).toMatchObject({
      bookedMinutes: held.reduce((sum, r) => sum + r.minutes, 0),
      appointments: held.length,
      noShows: held.filter((r) => r.status === 'no_show').length,
    });
    // A 23:30 visit runs to 00:30 and counts its 60 minutes on the day it starts.
    const late = held.find((r) => local(r.startAt.getTime()).time === '23:30');
    expect(late).toBeDefined();
    const rows = await manager.get(`/api/reports/utilisation/rows?from=${day}&to=${day}&metric=booked`);
    expect(rows.status).toBe(200);
    expect(rows.body.items.find((item: { id: string }) => item.id === late?.id)?.values.minutes).toBe(60);
    expect(rows.body.items.map((item: { id: string }) => item.id).sort()).toEqual(held.map((r) => r.id).sort());
    const next = await manager.get(
      `/api/reports/utilisation/rows?from=${plusDays(day, 1)}&to=${plusDays(day, 1)}&metric=booked`,
    );
    expect(next.body.items.map((item: { id: string }) => item.id)).not.toContain(late?.id);
  });

  it('lists the appointments behind the booked minutes and the no-shows of a week', async () => {
    const week = (await report(`from=${FROM}&to=${TO}`)).body.rows[1];
    for (const metric of ['booked', 'no_show'] as const) {
      const rows = await manager.get(`/api/reports/utilisation/rows?from=${week.from}&to=${week.to}&metric=${metric}`);
      expect(rows.status, JSON.stringify(rows.body)).toBe(200);
      const ids = raw
        .filter((r) => localDateOf(r.startAt) >= week.from && localDateOf(r.startAt) <= week.to)
        .filter((r) => (metric === 'booked' ? r.status !== 'cancelled' : r.status === 'no_show'))
        .map((r) => r.id);
      expect(rows.body.total).toBe(ids.length);
      expect(rows.body.items.map((item: { id: string }) => item.id).sort()).toEqual(ids.sort());
      if (metric === 'booked') {
        expect(rows.body.total).toBe(week.values.appointments);
        const sum = rows.body.items.reduce(
          (total: number, item: { values: { minutes: number } }) => total + item.values.minutes,
          0,
        );
        expect(sum).toBe(week.values.bookedMinutes);
      } else {
        expect(rows.body.total).toBe(week.values.noShows);
      }
    }
    expect(
      rows0Columns((await manager.get(`/api/reports/utilisation/rows?from=${FROM}&to=${FROM}&metric=booked`)).body),
    ).toEqual(['patient', 'provider', 'location', 'start', 'minutes', 'status']);
  });

  it('groups by provider (one without hours has no utilisation) and by location, and filters', async () => {
    const byProvider = (await report(`from=${FROM}&to=${TO}&group=provider`)).body;
    const perProvider = expected((x) => x.providerId);
    expect(byProvider.rows.map((row: { period: string }) => row.period).sort()).toEqual([p1, p2, p3].sort());
    for (const row of byProvider.rows) {
      expect(row.filter).toEqual({ providerId: row.period });
      expect(row.values).toEqual(perProvider.get(row.period));
    }
    const none = byProvider.rows.find((row: { period: string }) => row.period === p3);
    expect(none.values.availableMinutes).toBe(0);
    expect(none.values.utilisation).toBeNull();
    expect(none.values.bookedMinutes).toBeGreaterThan(0);

    const byLocation = (await report(`from=${FROM}&to=${TO}&group=location`)).body;
    const perLocation = expected((x) => x.locationId);
    expect(byLocation.rows.map((row: { period: string }) => row.period).sort()).toEqual([s.locationId, north].sort());
    for (const row of byLocation.rows) expect(row.values).toEqual(perLocation.get(row.period));

    const atNorth = (await report(`from=${FROM}&to=${TO}&locationId=${north}&group=month`)).body;
    const northOnly = expected(
      (x) => x.date.slice(0, 7),
      (x) => x.locationId === north,
    );
    expect(atNorth.rows.map((row: { period: string }) => row.period)).toEqual(['2030-10-01', '2030-11-01']);
    expect(atNorth.rows[0].values).toEqual(northOnly.get('2030-10'));
    expect(atNorth.rows[1].values).toEqual(northOnly.get('2030-11'));
    // Fridays 09–13 only: 4 Fridays in the range.
    expect(atNorth.totals.availableMinutes).toBe(4 * 240);

    const oneProvider = (await report(`from=${FROM}&to=${TO}&providerId=${p1}`)).body;
    expect(oneProvider.totals).toEqual(
      expected(
        () => 'p1',
        (x) => x.providerId === p1,
      ).get('p1'),
    );
  });

  it('agrees with the Appointments report on the appointments and no-shows they share, per period and provider', async () => {
    for (const group of ['week', 'day', 'provider', 'location']) {
      const [utilisation, appointments] = await Promise.all([
        report(`from=${FROM}&to=${TO}&group=${group}`),
        manager.get(`/api/reports/appointments?from=${FROM}&to=${TO}&group=${group}`),
      ]);
      expect(appointments.status).toBe(200);
      const shared = (values: Record<string, number>) => ({
        noShows: values.noShow,
        appointments: values.total - values.cancelled - values.lateCancelled,
      });
      const byKey = new Map(
        appointments.body.rows.map((row: { period: string; values: Record<string, number> }) => [
          row.period,
          shared(row.values),
        ]),
      );
      for (const row of utilisation.body.rows) {
        const theirs = byKey.get(row.period) ?? { noShows: 0, appointments: 0 };
        expect(
          { noShows: row.values.noShows, appointments: row.values.appointments },
          `${group} ${row.period}`,
        ).toEqual(theirs);
      }
      expect({ noShows: utilisation.body.totals.noShows, appointments: utilisation.body.totals.appointments }).toEqual(
        shared(appointments.body.totals),
      );
    }
  });

  it('refuses a grouping it has no figures for', async () => {
    const response = await report(`from=${FROM}&to=${TO}&group=payer`);
    expect(response.status).toBe(400);
    expect(response.body.error.fields[0].message).toBe(
      'The utilisation report can be grouped by week, day, month, provider, location.',
    );
  });
});

function rows0Columns(body: { columns: { key: string }[] }) {
  return body.columns.map((column) => column.key);
}
