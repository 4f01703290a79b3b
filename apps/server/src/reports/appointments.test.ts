import { newId, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { localDateIn, mondayOf, percent, plusDays, seeded } from '../test/generated';
import { type ApiClient, createTestApp, type TestApp, unique } from '../test/harness';

/**
 * The Appointments report against a generated, deterministic month of appointments (inserted
 * with chosen timestamps), its expected figures computed here from the raw rows in plain
 * TypeScript: local dates through Intl, weeks from Monday, on-time from the timestamps.
 * The range holds the end of daylight saving time in New York (Sunday 2030-11-03) and
 * appointments at 23:30 that end after midnight.
 */

const TZ = 'America/New_York';
const localDateOf = localDateIn(TZ);
const FROM = '2030-10-21';
const TO = '2030-11-17';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const GRACE_MINUTES = 10;
const LATE_HOURS = 24;

type Status = 'booked' | 'confirmed' | 'checked_in' | 'in_progress' | 'completed' | 'cancelled' | 'no_show';
interface Raw {
  id: string;
  patientId: string;
  providerId: string;
  locationId: string;
  startAt: Date;
  status: Status;
  bookedAt: Date;
  checkedInAt: Date | null;
  startedAt: Date | null;
  cancelledAt: Date | null;
}

let t: TestApp;
let s: SchedulingScenario;
let manager: ApiClient;
let otherLocationId: string;
let providerIds: string[];
let raw: Raw[];

const round1 = (value: number) => Math.round(value * 10) / 10;
const average = (values: number[]) => (values.length ? values.reduce((x, y) => x + y, 0) / values.length : null);
function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Which metric each raw appointment counts in, decided from its fields alone. */
const is = {
  all: () => true,
  scheduled: (r: Raw) => r.status === 'booked' || r.status === 'confirmed',
  arrived: (r: Raw) => r.status === 'checked_in' || r.status === 'in_progress',
  completed: (r: Raw) => r.status === 'completed',
  late_cancelled: (r: Raw) =>
    r.status === 'cancelled' &&
    r.cancelledAt !== null &&
    r.startAt.getTime() - r.cancelledAt.getTime() < LATE_HOURS * HOUR,
  cancelled: (r: Raw) =>
    r.status === 'cancelled' && !(r.cancelledAt && r.startAt.getTime() - r.cancelledAt.getTime() < LATE_HOURS * HOUR),
  no_show: (r: Raw) => r.status === 'no_show',
  due: (r: Raw) => ['checked_in', 'in_progress', 'completed', 'no_show'].includes(r.status),
  started: (r: Raw) => r.startedAt !== null,
  on_time: (r: Raw) => r.startedAt !== null && r.startedAt.getTime() - r.startAt.getTime() <= GRACE_MINUTES * MINUTE,
  waited: (r: Raw) => r.startedAt !== null && r.checkedInAt !== null,
} satisfies Record<string, (r: Raw) => boolean>;

function expectedFigures(rows: Raw[]) {
  const n = (metric: keyof typeof is) => rows.filter(is[metric]).length;
  const leadDays = rows.map((r) => (r.startAt.getTime() - r.bookedAt.getTime()) / DAY);
  const waits = rows
    .filter(is.waited)
    .map((r) => ((r.startedAt as Date).getTime() - (r.checkedInAt as Date).getTime()) / MINUTE);
  const avgLead = average(leadDays);
  // The median is of whole days ahead (a lead of 2.7 days counts as 2), as the report keeps it per day.
  const medianLead = median(leadDays.map(Math.floor));
  const avgWait = average(waits);
  return {
    total: n('all'),
    completed: n('completed'),
    scheduled: n('scheduled'),
    arrived: n('arrived'),
    cancelled: n('cancelled'),
    lateCancelled: n('late_cancelled'),
    noShow: n('no_show'),
    noShowRate: percent(n('no_show'), n('due')),
    lateCancelRate: percent(n('late_cancelled'), n('all')),
    leadDaysAverage: avgLead === null ? null : round1(avgLead),
    leadDaysMedian: medianLead === null ? null : round1(medianLead),
    started: n('started'),
    onTimeRate: percent(n('on_time'), n('started')),
    waitMinutesAverage: avgWait === null ? null : round1(avgWait),
  };
}

const inDates = (from: string, to: string) => (r: Raw) =>
  localDateOf(r.startAt) >= from && localDateOf(r.startAt) <= to;

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  manager = s.manager;
  const other = await s.admin.post('/api/locations', { name: unique('North'), timezone: TZ });
  expect(other.status).toBe(201);
  otherLocationId = other.body.id;
  providerIds = [];
  for (let i = 0; i < 3; i++) {
    const created = await s.admin.post('/api/providers', { name: `Dr ${unique('Report')}` });
    expect(created.status).toBe(201);
    providerIds.push(created.body.id);
  }
  const type = await s.addType({ name: unique('Visit'), durationMinutes: 30 });
  const patientIds = await Promise.all(Array.from({ length: 6 }, () => s.addPatient()));

  // Each provider has one appointment per slot and day at most, so none overlap; 23:30 ones run
  // 60 minutes, past midnight. A week before and after the range too (they must not count).
  const random = seeded(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const statuses: Status[] = ['completed', 'completed', 'completed', 'no_show', 'cancelled', 'cancelled', 'booked'];
  const slots = ['08:00', '09:00', '10:30', '13:00', '16:00', '23:30'];
  raw = [];
  const rows: (typeof schema.appointments.$inferInsert)[] = [];
  for (let date = plusDays(FROM, -3); date <= plusDays(TO, 3); date = plusDays(date, 1)) {
    for (const providerId of providerIds) {
      for (const time of slots) {
        if (random() < 0.45) continue;
        const startAt = new Date(zonedTimeToInstant(date, time, TZ));
        const minutes = time === '23:30' ? 60 : 30;
        let status = pick(statuses);
        if (status === 'booked' && random() < 0.5) status = pick(['confirmed', 'checked_in', 'in_progress'] as const);
        const arrived = ['checked_in', 'in_progress', 'completed'].includes(status);
        // Starts 5 minutes early to 25 late, every 5 minutes: exactly 10 late is still on time.
        const startedAt =
          status === 'in_progress' || (status === 'completed' && random() < 0.9)
            ? new Date(startAt.getTime() + (Math.floor(random() * 7) * 5 - 5) * MINUTE)
            : null;
        const checkedInAt =
          arrived && random() < 0.85 ? new Date(startAt.getTime() - Math.floor(random() * 20) * MINUTE) : null;
        // Cancelled 2 to 72 hours ahead (exactly 24 is not late), or after the start.
        const cancelledAt =
          status === 'cancelled'
            ? new Date(startAt.getTime() - (random() < 0.1 ? -HOUR : pick([2, 12, 23, 24, 25, 48, 72]) * HOUR))
            : null;
        const bookedAt = new Date(startAt.getTime() - Math.floor(random() * 40 * 24 + 1) * HOUR);
        const locationId = random() < 0.3 ? otherLocationId : s.locationId;
        const one: Raw = {
          id: newId(),
          patientId: pick(patientIds),
          providerId,
          locationId,
          startAt,
          status,
          bookedAt,
          checkedInAt: checkedInAt && startedAt && checkedInAt > startedAt ? startedAt : checkedInAt,
          startedAt,
          cancelledAt,
        };
        raw.push(one);
        rows.push({
          ...one,
          clinicId: s.clinic.clinicId,
          appointmentTypeId: type.id,
          endAt: new Date(startAt.getTime() + minutes * MINUTE),
          bufferEndAt: new Date(startAt.getTime() + minutes * MINUTE),
          completedAt: status === 'completed' ? new Date(startAt.getTime() + 40 * MINUTE) : null,
          noShowAt: status === 'no_show' ? new Date(startAt.getTime() + 15 * MINUTE) : null,
        });
      }
    }
  }
  await t.database.db.insert(schema.appointments).values(rows);
});
afterAll(() => t?.close());

const report = (query: string, as = manager, headers?: Record<string, string>) =>
  as.get(`/api/reports/appointments?${query}`, headers);

describe('the Appointments report', () => {
  it('has the expected figures per week and in total, computed from the raw timestamps', async () => {
    const response = await report(`from=${FROM}&to=${TO}&group=week`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ report: 'appointments', from: FROM, to: TO, group: 'week', timezone: TZ });
    const inRange = raw.filter(inDates(FROM, TO));
    expect(response.body.totals).toEqual(expectedFigures(inRange));
    expect(response.body.rows.map((row: { period: string }) => row.period)).toEqual([
      '2030-10-21',
      '2030-10-28',
      '2030-11-04',
      '2030-11-11',
    ]);
    for (const row of response.body.rows) {
      expect(row.to, 'every week is 7 local days, DST or not').toBe(plusDays(row.period, 6));
      const ofWeek = inRange.filter((r) => mondayOf(localDateOf(r.startAt)) === row.period);
      expect(row.values, row.period).toEqual(expectedFigures(ofWeek));
    }
    // The figures mean something: every status occurs, some starts are late, some cancels late.
    const totals = response.body.totals;
    for (const key of ['completed', 'scheduled', 'arrived', 'cancelled', 'lateCancelled', 'noShow'])
      expect(totals[key], key).toBeGreaterThan(0);
    expect(totals.onTimeRate).toBeGreaterThan(50);
    expect(totals.onTimeRate).toBeLessThan(100);
    // The DST week (Monday 28 October to Sunday 3 November) holds 7 local days, 169 hours.
    const dstWeek = inRange.filter((r) => mondayOf(localDateOf(r.startAt)) === '2030-10-28');
    expect(new Set(dstWeek.map((r) => localDateOf(r.startAt))).size).toBe(7);
    expect(response.body.rows[1].values.total).toBe(dstWeek.length);
  });

  it('puts an appointment on the local date of its start, even at 23:30 running past midnight', async () => {
    const late = raw.find((r) => inDates(FROM, TO)(r) && r.startAt.toISOString().endsWith('04:30:00.000Z'));
    expect(late, 'a 23:30 (EST) appointment').toBeDefined();
    const date = localDateOf((late as Raw).startAt);
    expect(new Date((late as Raw).startAt.getTime() + 60 * MINUTE).toISOString().slice(0, 10)).not.toBe(date);
    const byDay = await report(`from=${date}&to=${plusDays(date, 1)}&group=day`);
    expect(byDay.status).toBe(200);
    expect(byDay.body.rows.map((row: { period: string }) => row.period)).toEqual([date, plusDays(date, 1)]);
    expect(byDay.body.rows[0].values.total).toBe(raw.filter(inDates(date, date)).length);
    expect(byDay.body.rows[1].values.total).toBe(raw.filter(inDates(plusDays(date, 1), plusDays(date, 1))).length);
    const rows = await manager.get(`/api/reports/appointments/rows?from=${date}&to=${date}&metric=all`);
    expect(rows.body.items.map((item: { id: string }) => item.id)).toContain((late as Raw).id);
  });

  it('groups by month (periods start on the 1st; rows keep to the range)', async () => {
    const response = await report(`from=${FROM}&to=${TO}&group=month`);
    expect(response.status).toBe(200);
    expect(
      response.body.rows.map((row: { period: string; from: string; to: string }) => [row.period, row.from, row.to]),
    ).toEqual([
      ['2030-10-01', FROM, '2030-10-31'],
      ['2030-11-01', '2030-11-01', TO],
    ]);
    expect(response.body.rows[0].values).toEqual(expectedFigures(raw.filter(inDates(FROM, '2030-10-31'))));
    expect(response.body.rows[1].values).toEqual(expectedFigures(raw.filter(inDates('2030-11-01', TO))));
  });

  it('filters by location and by provider', async () => {
    const byLocation = await report(`from=${FROM}&to=${TO}&locationId=${otherLocationId}`);
    expect(byLocation.body.totals).toEqual(
      expectedFigures(raw.filter((r) => inDates(FROM, TO)(r) && r.locationId === otherLocationId)),
    );
    const byProvider = await report(`from=${FROM}&to=${TO}&providerId=${providerIds[1]}&locationId=${s.locationId}`);
    expect(byProvider.body.totals).toEqual(
      expectedFigures(
        raw.filter((r) => inDates(FROM, TO)(r) && r.providerId === providerIds[1] && r.locationId === s.locationId),
      ),
    );
    expect(byLocation.body.totals.total).toBeGreaterThan(0);
    expect(byProvider.body.totals.total).toBeGreaterThan(0);
    expect((await report(`from=${FROM}&to=${TO}&providerId=${newId()}`)).status).toBe(404);
  });

  it('answers CSV with the same figures as the JSON', async () => {
    const json = (await report(`from=${FROM}&to=${TO}&group=week`)).body;
    const csv = await report(`from=${FROM}&to=${TO}&group=week`, manager, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="appointments-${FROM}-to-${TO}.csv"`);
    const text = typeof csv.body === 'string' ? csv.body : String(csv.body);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(lines[0]).toEqual(['Period', ...json.columns.map((c: { label: string }) => c.label)]);
    const asText = (kind: string, value: number | null) =>
      value === null ? '' : kind === 'count' ? String(value) : value.toFixed(1);
    const expectLine = (line: string[], first: string, values: Record<string, number | null>) => {
      expect(line[0]).toBe(first);
      json.columns.forEach((c: { key: string; kind: string }, i: number) => {
        expect(line[i + 1], c.key).toBe(asText(c.kind, values[c.key]));
        if (values[c.key] !== null) expect(Number(line[i + 1])).toBeCloseTo(values[c.key] as number, 5);
      });
    };
    json.rows.forEach((row: { period: string; values: Record<string, number | null> }, i: number) => {
      expectLine(lines[i + 1], row.period, row.values);
    });
    expectLine(lines[json.rows.length + 1], 'Total', json.totals);
    expect(lines).toHaveLength(json.rows.length + 2);
  });

  it('lists the appointments behind every figure, as many as it counts', async () => {
    const json = (await report(`from=${FROM}&to=${TO}&group=week`)).body;
    const week = json.rows[1];
    const inWeek = raw.filter(inDates(week.from, week.to));
    for (const metric of Object.keys(is) as Array<keyof typeof is>) {
      const rows = await manager.get(`/api/reports/appointments/rows?from=${week.from}&to=${week.to}&metric=${metric}`);
      expect(rows.status, JSON.stringify(rows.body)).toBe(200);
      const expected = inWeek.filter(is[metric]).map((r) => r.id);
      expect(rows.body.total, metric).toBe(expected.length);
      expect(rows.body.items.map((item: { id: string }) => item.id).sort(), metric).toEqual([...expected].sort());
    }
    // Each count column drills to exactly its figure.
    for (const column of json.columns.filter((c: { kind: string }) => c.kind === 'count')) {
      const rows = await manager.get(
        `/api/reports/appointments/rows?from=${week.from}&to=${week.to}&metric=${column.drill}`,
      );
      expect(rows.body.total, column.key).toBe(week.values[column.key]);
    }
    const one = (
      await manager.get(`/api/reports/appointments/rows?from=${week.from}&to=${week.to}&metric=late_cancelled`)
    ).body.items[0];
    expect(one.values).toMatchObject({
      status: 'Cancelled',
      patient: expect.any(String),
      provider: expect.any(String),
    });
    expect(Date.parse(one.values.start) - Date.parse(one.values.ended)).toBeLessThan(LATE_HOURS * HOUR);
  });

  it('groups by provider and by location, each row drilling down to its own appointments', async () => {
    const byProvider = (await report(`from=${FROM}&to=${TO}&group=provider`)).body;
    const inRange = raw.filter(inDates(FROM, TO));
    const providersSeen = [...new Set(inRange.map((r) => r.providerId))];
    expect(byProvider.rows).toHaveLength(providersSeen.length);
    for (const row of byProvider.rows) {
      expect(row.filter).toEqual({ providerId: row.period });
      expect(row.label).toEqual(expect.any(String));
      expect(row.values).toEqual(expectedFigures(inRange.filter((r) => r.providerId === row.period)));
      const rows = await manager.get(
        `/api/reports/appointments/rows?from=${FROM}&to=${TO}&metric=no_show&providerId=${row.period}`,
      );
      expect(rows.body.total).toBe(row.values.noShow);
    }
    expect(byProvider.totals).toEqual(expectedFigures(inRange));
    const byLocation = (await report(`from=${FROM}&to=${TO}&group=location`)).body;
    expect(byLocation.rows.map((row: { period: string }) => row.period).sort()).toEqual(
      [...new Set(inRange.map((r) => r.locationId))].sort(),
    );
    for (const row of byLocation.rows) {
      expect(row.values).toEqual(expectedFigures(inRange.filter((r) => r.locationId === row.period)));
    }
    const csv = await report(`from=${FROM}&to=${TO}&group=provider`, manager, { accept: 'text/csv' });
    const lines = String(csv.body).split('\r\n');
    expect(lines[0]).toMatch(/^Provider,/);
    expect(lines[1]).toMatch(new RegExp(`^${byProvider.rows[0].label},${byProvider.rows[0].values.total},`));
  });

  it('audits the report read, and each patient a drill-down lists', async () => {
    const since = new Date();
    await report(`from=${FROM}&to=${FROM}`);
    const rows = await manager.get(`/api/reports/appointments/rows?from=${FROM}&to=${FROM}&metric=all`);
    const events = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.clinicId, s.clinic.clinicId));
    const recent = events.filter((e) => e.occurredAt >= since);
    expect(recent.filter((e) => e.action === 'report.read')).toHaveLength(1);
    expect(recent.find((e) => e.action === 'report.read')?.patientId).toBeNull();
    const patients = new Set(rows.body.items.map((item: { patientId: string }) => item.patientId));
    expect(patients.size).toBeGreaterThan(0);
    const read = recent.filter((e) => e.action === 'patient.read');
    expect(new Set(read.map((e) => e.patientId))).toEqual(patients);
  });

  it('follows the clinic’s grace period and late-cancellation window', async () => {
    const before = (await report(`from=${FROM}&to=${TO}`)).body.totals;
    expect((await s.admin.patch('/api/clinic', { onTimeGraceMinutes: 0, lateCancelHours: 48 })).status).toBe(200);
    const after = (await report(`from=${FROM}&to=${TO}`)).body.totals;
    const inRange = raw.filter(inDates(FROM, TO));
    const started = inRange.filter(is.started);
    expect(after.onTimeRate).toBe(
      percent(started.filter((r) => (r.startedAt as Date).getTime() <= r.startAt.getTime()).length, started.length),
    );
    expect(after.onTimeRate).toBeLessThan(before.onTimeRate);
    expect(after.lateCancelled).toBe(
      inRange.filter(
        (r) => r.status === 'cancelled' && r.startAt.getTime() - (r.cancelledAt as Date).getTime() < 48 * HOUR,
      ).length,
    );
    expect(after.lateCancelled + after.cancelled).toBe(before.lateCancelled + before.cancelled);
    const bad = await s.admin.patch('/api/clinic', { onTimeGraceMinutes: 500, lateCancelHours: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { message: string }) => f.message)).toEqual([
      'Enter 0 to 120 minutes.',
      'Enter 0 to 168 hours (7 days).',
    ]);
    const [clinic] = await t.database.db
      .select()
      .from(schema.clinics)
      .where(and(eq(schema.clinics.id, s.clinic.clinicId)));
    expect(clinic).toMatchObject({ onTimeGraceMinutes: 0, lateCancelHours: 48 });
    expect((await s.admin.patch('/api/clinic', { onTimeGraceMinutes: 10, lateCancelHours: 24 })).status).toBe(200);
  });

  it('stays exact when appointments change after a read: the days stored are computed again', async () => {
    const weekly = async () => {
      const response = await report(`from=${FROM}&to=${TO}&group=week`);
      expect(response.status).toBe(200);
      return response.body;
    };
    await weekly();
    // Every day of the range was stored by that read (28 days), so the next one reads 28 rows.
    const stored = await t.database.db
      .select({ date: schema.reportDayRollups.localDate })
      .from(schema.reportDayRollups)
      .where(eq(schema.reportDayRollups.clinicId, s.clinic.clinicId));
    expect(new Set(stored.map((row) => row.date)).size).toBeGreaterThanOrEqual(28);

    // Any write changes the figures of its days: a visit moved two days later (another week for
    // some), one cancelled at the last minute, one marked no-show — straight in the database, as
    // every path that writes appointments would.
    const inRange = raw.filter(inDates(plusDays(FROM, 1), plusDays(TO, -3)));
    const moved = inRange.find((r) => r.status === 'completed' && localDateOf(r.startAt).endsWith('-24'));
    const cancelled = inRange.find((r) => r.status === 'completed' && r !== moved);
    const missed = inRange.find((r) => r.status === 'booked');
    if (!moved || !cancelled || !missed) throw new Error('the generated month lacks the rows this test changes');
    const a = schema.appointments;
    const shift = (date: Date, days: number) => new Date(date.getTime() + days * DAY);
    const [row] = await t.database.db.select().from(a).where(eq(a.id, moved.id));
    await t.database.db
      .update(a)
      .set({
        startAt: shift(row.startAt, 4),
        endAt: shift(row.endAt, 4),
        bufferEndAt: shift(row.bufferEndAt, 4),
        bookedAt: shift(row.bookedAt, 4),
        checkedInAt: row.checkedInAt && shift(row.checkedInAt, 4),
        startedAt: row.startedAt && shift(row.startedAt, 4),
        completedAt: row.completedAt && shift(row.completedAt, 4),
      })
      .where(eq(a.id, moved.id));
    for (const key of ['startAt', 'bookedAt', 'checkedInAt', 'startedAt'] as const) {
      const value = moved[key];
      if (value) moved[key] = shift(value, 4);
    }
    const lastMinute = new Date(cancelled.startAt.getTime() - HOUR);
    await t.database.db
      .update(a)
      .set({ status: 'cancelled', cancelledAt: lastMinute, startedAt: null, completedAt: null })
      .where(eq(a.id, cancelled.id));
    Object.assign(cancelled, { status: 'cancelled', cancelledAt: lastMinute, startedAt: null });
    await t.database.db
      .update(a)
      .set({ status: 'no_show', noShowAt: new Date(missed.startAt.getTime() + 15 * MINUTE) })
      .where(eq(a.id, missed.id));
    missed.status = 'no_show';

    const after = await weekly();
    expect(after.totals).toEqual(expectedFigures(raw.filter(inDates(FROM, TO))));
    for (const week of after.rows) {
      expect(week.values, week.period).toEqual(expectedFigures(raw.filter(inDates(week.from, week.to))));
    }
  });

  it('is for managers and administrators only', async () => {
    expect((await report(`from=${FROM}&to=${TO}`, s.admin)).status).toBe(200);
    expect((await report(`from=${FROM}&to=${TO}`, s.reception)).status).toBe(403);
    expect((await s.reception.get(`/api/reports/appointments/rows?from=${FROM}&to=${TO}&metric=all`)).status).toBe(403);
    const billing = await t.signIn(await s.clinic.addUser('billing'));
    expect((await report(`from=${FROM}&to=${TO}`, billing)).status).toBe(403);
  });

  it('says what to fix in a bad query', async () => {
    const message = async (query: string, path = 'rows') => {
      const response = await manager.get(`/api/reports/appointments${path === 'rows' ? '' : '/rows'}?${query}`);
      expect(response.status, query).toBe(400);
      return response.body.error.fields.map((f: { path: string; message: string }) => `${f.path}: ${f.message}`);
    };
    expect(await message('from=2030-11-10&to=2030-11-01')).toEqual([
      'querystring.to: The end date must be on or after the start date.',
    ]);
    expect(await message('from=2030-02-30&to=2030-03-01')).toEqual([
      'querystring.from: Enter a real date as YYYY-MM-DD.',
    ]);
    expect(await message('from=2027-01-01&to=2030-01-01')).toEqual([
      'querystring.to: Choose a range of at most 1096 days.',
    ]);
    expect(await message(`from=${FROM}&to=${TO}&group=year`)).toEqual([
      'querystring.group: Group by day, week, month, provider, location, service, payer or reminder rule.',
    ]);
    expect((await message(`from=${FROM}&to=${TO}&metric=everything`, 'drill'))[0]).toMatch(/^querystring\.metric/);
    expect((await report('from=2028-01-01&to=2030-12-31')).status).toBe(200);
  });
});
