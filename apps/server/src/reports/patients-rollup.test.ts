import { newId, queryRows, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { localDateIn, plusDays, seeded } from '../test/generated';
import { createTestApp, type TestApp, unique } from '../test/harness';

/**
 * The Patients report's seen and new patients come from per-day rollups that count each visit by
 * the gap since the same patient's previous completed visit (reports/patients.ts). A stored day is
 * only right while those previous visits stay where they were: this test stores the days, then
 * changes visits on other days — a late check-out through the API, and the moves, reassignments and
 * removals an administrator's correction makes in the database — and compares every grouping and
 * filter with distinct patients counted here from the raw visits after each change.
 */

const TZ = 'America/New_York';
const localDateOf = localDateIn(TZ);
const FROM = '2030-10-21';
const TO = '2030-12-01';
const MINUTE = 60_000;

interface Visit {
  id: string;
  patientId: string;
  providerId: string;
  locationId: string;
  startAt: Date;
  status: 'completed' | 'checked_in' | 'cancelled';
}

let t: TestApp;
let s: SchedulingScenario;
let locationIds: string[];
let providerIds: string[];
let visits: Visit[];

interface Filters {
  locationId?: string;
  providerId?: string;
}

/** Distinct patients seen in local dates from…to (with the filters), and of them those on their first visit ever. */
function expected(from: string, to: string, filters: Filters) {
  const completed = visits.filter((v) => v.status === 'completed');
  const firstOf = new Map<string, Visit>();
  for (const v of [...completed].sort((x, y) => x.startAt.getTime() - y.startAt.getTime() || (x.id < y.id ? -1 : 1))) {
    if (!firstOf.has(v.patientId)) firstOf.set(v.patientId, v);
  }
  const inRange = completed.filter(
    (v) =>
      localDateOf(v.startAt) >= from &&
      localDateOf(v.startAt) <= to &&
      (!filters.locationId || v.locationId === filters.locationId) &&
      (!filters.providerId || v.providerId === filters.providerId),
  );
  return {
    seen: new Set(inRange.map((v) => v.patientId)).size,
    new: new Set(inRange.filter((v) => firstOf.get(v.patientId)?.id === v.id).map((v) => v.patientId)).size,
  };
}

/** A grouping, its filters, and the range's first day (FROM, a Monday, unless given: a week cut by the range). */
type Variant = [group: string, filters: Filters, from?: string];

/** Every grouping under every filter. */
function everyVariant(): Variant[] {
  const filterSets: Filters[] = [
    {},
    { locationId: locationIds[0] },
    { locationId: locationIds[1] },
    { providerId: providerIds[0] },
    { locationId: locationIds[1], providerId: providerIds[1] },
  ];
  return filterSets.flatMap((filters) =>
    ['day', 'week', 'month', 'provider'].map((group): Variant => [group, filters]),
  );
}

/** One variant per scope of the rollups (any, location, provider, both) and grouping kind. */
const eachScope = (): Variant[] => [
  ['week', {}],
  ['week', {}, plusDays(FROM, 3)],
  ['provider', {}],
  ['week', { locationId: locationIds[1] }],
  ['week', { providerId: providerIds[2] }],
  ['month', { locationId: locationIds[0], providerId: providerIds[0] }],
  ['provider', { locationId: locationIds[0] }],
];

/** The reports' totals and rows against `expected`. */
async function expectFigures(variants: Variant[] = eachScope()) {
  for (const [group, filters, from = FROM] of variants) {
    const params = new URLSearchParams({ from, to: TO, group, ...filters });
    const response = await s.manager.get(`/api/reports/patients?${params}`);
    const what = `${group} from ${from} ${JSON.stringify(filters)}`;
    expect(response.status, what).toBe(200);
    const { seen, new: added } = response.body.totals;
    expect({ seen, new: added }, what).toEqual(expected(from, TO, filters));
    for (const row of response.body.rows) {
      const { seen, new: added } = row.values;
      expect({ seen, new: added }, `${what} ${row.period}`).toEqual(
        expected(row.from, row.to, { ...filters, ...row.filter }),
      );
    }
  }
}

async function update(visit: Visit, change: Partial<Omit<Visit, 'id'>>) {
  Object.assign(visit, change);
  const end = change.startAt && new Date(change.startAt.getTime() + 30 * MINUTE);
  await t.database.db
    .update(schema.appointments)
    .set({ ...change, ...(end && { endAt: end, bufferEndAt: end }) })
    .where(eq(schema.appointments.id, visit.id));
}

/** An instant of the clinic's zone; the generated visits are at 08:00, 13:30 and 23:30, moved ones at other times. */
const at = (date: string, time: string) => new Date(zonedTimeToInstant(date, time, TZ));

/** A patient's completed visits in time order. */
const completedOf = (patientId: string) =>
  visits
    .filter((v) => v.patientId === patientId && v.status === 'completed')
    .sort((x, y) => x.startAt.getTime() - y.startAt.getTime());

/** A completed visit in the range followed by another of the same patient at least `days` later. */
function visitWithSuccessor(days: number): [Visit, Visit] {
  for (const patientId of new Set(visits.map((v) => v.patientId))) {
    const mine = completedOf(patientId).filter((v) => localDateOf(v.startAt) >= FROM && localDateOf(v.startAt) <= TO);
    for (let i = 0; i + 1 < mine.length; i++) {
      if (mine[i + 1].startAt.getTime() - mine[i].startAt.getTime() >= days * 1440 * MINUTE)
        return [mine[i], mine[i + 1]];
    }
  }
  throw new Error('no such visit in the generated data');
}

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  const second = await s.admin.post('/api/locations', { name: unique('North'), timezone: TZ });
  locationIds = [s.locationId, second.body.id];
  providerIds = [];
  for (let i = 0; i < 3; i++)
    providerIds.push((await s.admin.post('/api/providers', { name: `Dr ${unique('Gap')}` })).body.id);
  const type = await s.addType({ name: unique('Visit'), durationMinutes: 30 });
  const patientIds = await Promise.all(Array.from({ length: 14 }, () => s.addPatient()));
  const random = seeded(97);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  visits = [];
  for (let date = plusDays(FROM, -45); date <= plusDays(TO, 3); date = plusDays(date, 1)) {
    for (const time of ['08:00', '13:30', '23:30']) {
      if (random() < 0.35) continue;
      visits.push({
        id: newId(),
        patientId: pick(patientIds),
        providerId: pick(providerIds),
        locationId: pick(locationIds),
        startAt: at(date, time),
        status: pick(['completed', 'completed', 'completed', 'cancelled'] as const),
      });
    }
  }
  // Two completed visits of one patient at the same instant, with two providers: one patient seen.
  for (const providerId of providerIds.slice(0, 2)) {
    visits.push({
      id: newId(),
      patientId: patientIds[0],
      providerId,
      locationId: locationIds[0],
      startAt: at(plusDays(FROM, 9), '17:00'),
      status: 'completed',
    });
  }
  await t.database.db.insert(schema.appointments).values(
    visits.map((v) => ({
      ...v,
      clinicId: s.clinic.clinicId,
      appointmentTypeId: type.id,
      endAt: new Date(v.startAt.getTime() + 30 * MINUTE),
      bufferEndAt: new Date(v.startAt.getTime() + 30 * MINUTE),
      completedAt: v.status === 'completed' ? new Date(v.startAt.getTime() + 30 * MINUTE) : null,
    })),
  );
});
afterAll(() => t?.close());

describe('the Patients report’s stored days', () => {
  // 20 reports; on a loaded 2-core machine that takes longer than the default 30 s.
  it('count distinct patients per period, provider, location and range as the visits say', {
    timeout: 180_000,
  }, async () => {
    await expectFigures(everyVariant());
    // The figures came from stored days (so the changes below must reach them).
    const [{ days }] = await queryRows<{ days: number | string }>(
      t.database.db,
      sql`SELECT count(*) AS days FROM report_day_rollups
          WHERE clinic_id = ${s.clinic.clinicId} AND report = 'patients-any/1' AND sums <> '[]'::jsonb`,
    );
    expect(Number(days)).toBeGreaterThan(30);
  });

  it('follow a late check-out of an earlier visit through the API', { timeout: 180_000 }, async () => {
    // The patient's later visit was their first ever; an earlier one, checked in and never checked
    // out, is completed now: the later visit's day no longer holds a new patient.
    const [, later] = visitWithSuccessor(8);
    const earlier: Visit = { ...later, id: newId(), startAt: at(plusDays(localDateOf(later.startAt), -8), '18:30') };
    earlier.status = 'checked_in';
    const beforeLater = completedOf(later.patientId).filter((v) => v.startAt < earlier.startAt);
    for (const v of beforeLater) await update(v, { status: 'cancelled' });
    visits.push(earlier);
    const type = await s.addType({ name: unique('Late'), durationMinutes: 30 });
    await t.database.db.insert(schema.appointments).values({
      ...earlier,
      clinicId: s.clinic.clinicId,
      appointmentTypeId: type.id,
      endAt: new Date(earlier.startAt.getTime() + 30 * MINUTE),
      bufferEndAt: new Date(earlier.startAt.getTime() + 30 * MINUTE),
      checkedInAt: earlier.startAt,
    });
    await expectFigures();
    const completed = await s.admin.post(`/api/appointments/${earlier.id}/complete`, {});
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    earlier.status = 'completed';
    await expectFigures();
  });

  it('follow corrections: a visit moved, reassigned to another location, provider or patient, cancelled, deleted', {
    timeout: 300_000,
  }, async () => {
    const [moved] = visitWithSuccessor(5);
    await update(moved, { startAt: at(plusDays(localDateOf(moved.startAt), 12), '18:00') });
    await expectFigures();
    const [relocated, next] = visitWithSuccessor(3);
    await update(relocated, {
      startAt: at(localDateOf(relocated.startAt), '19:00'),
      locationId: locationIds.find((id) => id !== next.locationId) as string,
      providerId: providerIds.find((id) => id !== next.providerId) as string,
    });
    await expectFigures();
    const [reassigned] = visitWithSuccessor(2);
    const other = visits.find((v) => v.patientId !== reassigned.patientId) as Visit;
    await update(reassigned, { patientId: other.patientId });
    await expectFigures();
    const [cancelled] = visitWithSuccessor(1);
    await update(cancelled, { status: 'cancelled' });
    await expectFigures();
    const [deleted] = visitWithSuccessor(1);
    visits = visits.filter((v) => v !== deleted);
    await t.database.db.delete(schema.appointments).where(eq(schema.appointments.id, deleted.id));
    await expectFigures();
  });
});
