import { newId, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { localDateIn, mondayOf, percent, plusDays, seeded } from '../test/generated';
import { type ApiClient, createTestApp, type TestApp, unique } from '../test/harness';

/**
 * The Patients report against generated, deterministic visits (some patients first seen before
 * the range, some in it), registrations and recalls, inserted with chosen timestamps; the expected
 * figures are computed here from the raw rows. The range holds the end of DST (Sunday
 * 2030-11-03), visits at 23:30 and registrations just before and after local midnight.
 */

const TZ = 'America/New_York';
const localDateOf = localDateIn(TZ);
const FROM = '2030-10-21';
const TO = '2030-11-17';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Status = 'completed' | 'no_show' | 'cancelled' | 'booked';
type RecallStatus = 'open' | 'contacted' | 'booked' | 'closed';
interface Visit {
  id: string;
  patientId: string;
  providerId: string;
  startAt: Date;
  status: Status;
}
interface Recall {
  id: string;
  patientId: string;
  providerId: string;
  dueDate: string;
  status: RecallStatus;
}

let t: TestApp;
let s: SchedulingScenario;
let manager: ApiClient;
let providerIds: string[];
let patientIds: string[];
let created: Map<string, Date>;
let visits: Visit[];
let recalls: Recall[];

/** The first completed visit ever of each patient. */
function firstVisitOf(patientId: string): Visit | undefined {
  return visits
    .filter((v) => v.patientId === patientId && v.status === 'completed')
    .sort((x, y) => x.startAt.getTime() - y.startAt.getTime() || (x.id < y.id ? -1 : 1))[0];
}

/** Expected figures of local dates from…to, optionally of one provider. */
function expectedFigures(from: string, to: string, providerId?: string) {
  const inDates = (date: string) => date >= from && date <= to;
  const seenVisits = visits.filter(
    (v) => v.status === 'completed' && inDates(localDateOf(v.startAt)) && (!providerId || v.providerId === providerId),
  );
  const seen = new Set(seenVisits.map((v) => v.patientId));
  const fresh = new Set(seenVisits.filter((v) => firstVisitOf(v.patientId)?.id === v.id).map((v) => v.patientId));
  const due = recalls.filter((r) => inDates(r.dueDate) && (!providerId || r.providerId === providerId));
  const n = (status: RecallStatus[]) => due.filter((r) => status.includes(r.status)).length;
  return {
    seen: seen.size,
    new: fresh.size,
    returning: seen.size - fresh.size,
    registered: providerId ? null : [...created.values()].filter((at) => inDates(localDateOf(at))).length,
    recallsDue: due.length,
    recallsBooked: n(['booked']),
    recallsClosed: n(['closed']),
    recallsOpen: n(['open', 'contacted']),
    recallsBookedRate: percent(n(['booked']), due.length),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  manager = s.manager;
  const { db } = t.database;
  const clinicId = s.clinic.clinicId;
  providerIds = [];
  for (let i = 0; i < 2; i++) {
    const one = await s.admin.post('/api/providers', { name: `Dr ${unique('Patients')}` });
    providerIds.push(one.body.id);
  }
  const type = await s.addType({ name: unique('Visit'), durationMinutes: 30 });
  const random = seeded(31);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  // 16 patients: registered long ago, or in the range (some at 23:50 and 00:10 local).
  patientIds = await Promise.all(Array.from({ length: 16 }, () => s.addPatient()));
  created = new Map();
  for (const [i, id] of patientIds.entries()) {
    const at =
      i < 6
        ? new Date(zonedTimeToInstant('2030-01-15', '10:00', TZ))
        : new Date(
            zonedTimeToInstant(plusDays(FROM, Math.floor(random() * 30) - 1), pick(['00:10', '11:00', '23:50']), TZ),
          );
    created.set(id, at);
    await db.update(schema.patients).set({ createdAt: at }).where(eq(schema.patients.id, id));
  }
  // Visits from a month before the range to a few days after it; the long-registered patients
  // had one completed visit before too (returning), the others may not have come yet.
  visits = [];
  for (const [i, id] of patientIds.slice(0, 6).entries()) {
    visits.push({
      id: newId(),
      patientId: id,
      providerId: pick(providerIds),
      startAt: new Date(zonedTimeToInstant('2030-06-10', `1${i}:00`, TZ)),
      status: 'completed',
    });
  }
  for (let date = plusDays(FROM, -30); date <= plusDays(TO, 3); date = plusDays(date, 1)) {
    for (const time of ['09:00', '14:00', '23:30']) {
      if (random() < 0.4) continue;
      const patientId = pick(patientIds);
      const startAt = new Date(zonedTimeToInstant(date, time, TZ));
      if (startAt < (created.get(patientId) as Date)) continue;
      visits.push({
        id: newId(),
        patientId,
        providerId: pick(providerIds),
        startAt,
        status: pick(['completed', 'completed', 'completed', 'no_show', 'cancelled', 'booked'] as const),
      });
    }
  }
  // Only completed visits make a patient seen: no-shows, cancelled and booked ones do not.
  await db.insert(schema.appointments).values(
    visits.map((v, i) => ({
      ...v,
      clinicId,
      locationId: s.locationId,
      appointmentTypeId: type.id,
      endAt: new Date(v.startAt.getTime() + 30 * MINUTE),
      bufferEndAt: new Date(v.startAt.getTime() + 30 * MINUTE),
      bookedAt: new Date(v.startAt.getTime() - 5 * DAY - i * MINUTE),
      completedAt: v.status === 'completed' ? new Date(v.startAt.getTime() + 30 * MINUTE) : null,
    })),
  );
  // Recalls: one encounter per patient holds them; due dates around the range, every status.
  recalls = [];
  const encounterOf = new Map<string, string>();
  for (const patientId of patientIds) {
    const id = newId();
    encounterOf.set(patientId, id);
    await db.insert(schema.encounters).values({
      id,
      clinicId,
      patientId,
      providerId: providerIds[0],
      locationId: s.locationId,
      serviceDate: '2030-06-10',
    });
  }
  for (let i = 0; i < 60; i++) {
    recalls.push({
      id: newId(),
      patientId: pick(patientIds),
      providerId: pick(providerIds),
      dueDate: plusDays(FROM, Math.floor(random() * 36) - 4),
      status: pick(['open', 'contacted', 'booked', 'booked', 'closed'] as const),
    });
  }
  await db.insert(schema.recalls).values(
    recalls.map((r) => ({
      ...r,
      clinicId,
      encounterId: encounterOf.get(r.patientId) as string,
      reason: 'Check-up',
      resolvedAt: r.status === 'booked' || r.status === 'closed' ? new Date() : null,
      closeReason: r.status === 'closed' ? 'Moved away' : null,
    })),
  );
});
afterAll(() => t?.close());

const report = (query: string) => manager.get(`/api/reports/patients?${query}`);
const rowsOf = (query: string) => manager.get(`/api/reports/patients/rows?${query}`);

describe('the Patients report', () => {
  it('has the expected figures per week and in total', async () => {
    const response = await report(`from=${FROM}&to=${TO}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ report: 'patients', group: 'week', timezone: TZ });
    expect(response.body.totals).toEqual(expectedFigures(FROM, TO));
    expect(response.body.rows.map((row: { period: string }) => row.period)).toEqual([
      '2030-10-21',
      '2030-10-28',
      '2030-11-04',
      '2030-11-11',
    ]);
    for (const row of response.body.rows) {
      expect(row.values, row.period).toEqual(expectedFigures(row.from, row.to));
      expect(mondayOf(row.from)).toBe(row.period);
    }
    const totals = response.body.totals;
    for (const key of ['new', 'returning', 'registered', 'recallsBooked', 'recallsClosed', 'recallsOpen'])
      expect(totals[key], key).toBeGreaterThan(0);
    // A patient new in one week returns in a later one: the weeks' new patients add up to the
    // range's, while the weeks' seen patients add up to more than the range's.
    const sum = (key: string) =>
      response.body.rows.reduce((total: number, row: { values: Record<string, number> }) => total + row.values[key], 0);
    expect(sum('new')).toBe(totals.new);
    expect(sum('seen')).toBeGreaterThan(totals.seen);
  });

  it('counts by the local day, across midnight and DST', async () => {
    const byDay = (await report(`from=${FROM}&to=${TO}&group=day`)).body;
    expect(byDay.rows).toHaveLength(28);
    for (const row of byDay.rows) expect(row.values, row.period).toEqual(expectedFigures(row.period, row.period));
    const month = (await report(`from=${FROM}&to=${TO}&group=month`)).body;
    expect(month.rows[0].values).toEqual(expectedFigures(FROM, '2030-10-31'));
    expect(month.rows[1].values).toEqual(expectedFigures('2030-11-01', TO));
  });

  it('groups by provider (a patient is new with the provider of their first visit)', async () => {
    const response = (await report(`from=${FROM}&to=${TO}&group=provider`)).body;
    expect(response.rows.map((row: { period: string }) => row.period).sort()).toEqual([...providerIds].sort());
    for (const row of response.rows) {
      expect(row.filter).toEqual({ providerId: row.period });
      expect(row.values).toEqual(expectedFigures(FROM, TO, row.period));
    }
    const one = (await report(`from=${FROM}&to=${TO}&providerId=${providerIds[0]}`)).body;
    expect(one.totals).toEqual(expectedFigures(FROM, TO, providerIds[0]));
    const atLocation = (await report(`from=${FROM}&to=${TO}&locationId=${s.locationId}`)).body;
    expect(atLocation.totals).toMatchObject({
      seen: expectedFigures(FROM, TO).seen,
      registered: null,
      recallsDue: null,
    });
  });

  it('lists the patients and recalls behind every figure of a week, as many as it counts', async () => {
    const week = (await report(`from=${FROM}&to=${TO}`)).body.rows[1];
    const inWeek = (date: string) => date >= week.from && date <= week.to;
    const seenVisits = visits.filter((v) => v.status === 'completed' && inWeek(localDateOf(v.startAt)));
    const seen = [...new Set(seenVisits.map((v) => v.patientId))];
    const fresh = [
      ...new Set(seenVisits.filter((v) => firstVisitOf(v.patientId)?.id === v.id).map((v) => v.patientId)),
    ];
    const expected: Record<string, string[]> = {
      seen,
      new: fresh,
      returning: seen.filter((id) => !fresh.includes(id)),
      registered: patientIds.filter((id) => inWeek(localDateOf(created.get(id) as Date))),
      recalls_due: recalls.filter((r) => inWeek(r.dueDate)).map((r) => r.id),
      recalls_booked: recalls.filter((r) => inWeek(r.dueDate) && r.status === 'booked').map((r) => r.id),
      recalls_closed: recalls.filter((r) => inWeek(r.dueDate) && r.status === 'closed').map((r) => r.id),
      recalls_open: recalls
        .filter((r) => inWeek(r.dueDate) && (r.status === 'open' || r.status === 'contacted'))
        .map((r) => r.id),
    };
    for (const [metric, ids] of Object.entries(expected)) {
      const listed = await rowsOf(`from=${week.from}&to=${week.to}&metric=${metric}`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect(listed.body.total, metric).toBe(ids.length);
      expect(listed.body.items.map((item: { id: string }) => item.id).sort(), metric).toEqual([...ids].sort());
    }
    for (const column of (await report(`from=${FROM}&to=${TO}`)).body.columns.filter(
      (c: { kind: string }) => c.kind === 'count',
    )) {
      const listed = await rowsOf(`from=${week.from}&to=${week.to}&metric=${column.drill}`);
      expect(listed.body.total, column.key).toBe(week.values[column.key]);
    }
    const newOne = (await rowsOf(`from=${week.from}&to=${week.to}&metric=new`)).body.items[0];
    expect(localDateOf(new Date(newOne.values.firstVisit)) >= week.from).toBe(true);
    const recall = (await rowsOf(`from=${week.from}&to=${week.to}&metric=recalls_closed`)).body.items[0];
    expect(recall.values).toMatchObject({ status: 'Closed', reason: 'Check-up', due: expect.any(String) });
  });

  it('follows changes to who came first: a visit completed earlier, a first visit undone, a visit moved', async () => {
    const a = schema.appointments;
    const setStatus = async (visit: Visit, status: Status) => {
      await t.database.db.update(a).set({ status }).where(eq(a.id, visit.id));
      visit.status = status;
    };
    const inRange = (v: Visit) => localDateOf(v.startAt) >= FROM && localDateOf(v.startAt) <= TO;
    const check = async () => {
      const response = await report(`from=${FROM}&to=${TO}&group=week`);
      expect(response.body.totals).toEqual(expectedFigures(FROM, TO));
      for (const week of response.body.rows)
        expect(week.values, week.period).toEqual(expectedFigures(week.from, week.to));
    };
    await check();
    // A new patient's first visit is corrected to a no-show: their next completed one (if any) is the first.
    const newcomer = patientIds.find((id) => {
      const first = firstVisitOf(id);
      return first && inRange(first) && visits.filter((v) => v.patientId === id && v.status === 'completed').length > 1;
    });
    if (!newcomer) throw new Error('the generated visits lack a new patient with two completed visits');
    await setStatus(firstVisitOf(newcomer) as Visit, 'no_show');
    await check();
    // A booked visit before the range is marked completed: that patient is returning now.
    const earlier = visits.find(
      (v) =>
        v.status === 'booked' &&
        localDateOf(v.startAt) < FROM &&
        firstVisitOf(v.patientId) &&
        inRange(firstVisitOf(v.patientId) as Visit),
    );
    if (earlier) {
      await setStatus(earlier, 'completed');
      await check();
    }
    // Every patient's stored first visit is the one computed from their visits.
    const stored = await t.database.db
      .select({ id: schema.patients.id, first: schema.patients.firstVisitId })
      .from(schema.patients)
      .where(inArray(schema.patients.id, patientIds));
    for (const row of stored) expect(row.first, row.id).toBe(firstVisitOf(row.id)?.id ?? null);
  });

  it('refuses groupings it has no figures for', async () => {
    for (const group of ['location', 'rule']) {
      const response = await report(`from=${FROM}&to=${TO}&group=${group}`);
      expect(response.status).toBe(400);
      expect(response.body.error.fields[0].message).toBe(
        'The patients report can be grouped by week, day, month, provider.',
      );
    }
  });
});
