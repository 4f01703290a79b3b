import { newId, schema } from '@tend/db';
import { type Dashboard, PERMISSIONS, ROLES, type Role, zonedTimeToInstant } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForUser } from '../auth/service';
import type { RequestContext } from '../context';
import { localDateIn, percent, plusDays, seeded } from '../test/generated';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';
import { dashboard, SECTION_PERMISSIONS, sectionsFor } from './service';
import { MANAGER_TILES } from './tiles';

/**
 * The role dashboards at a fixed instant — Wednesday 13 March 2030, 10:00 in New York, the week
 * daylight saving time began (Sunday 10 March), so last week was EST and this week is EDT — over
 * a generated fortnight of appointments and hand-made recalls, waitlist entries, coverages,
 * notes, claims, payments and invoices. Every expected figure is computed here from the raw rows
 * in plain TypeScript (local dates through Intl).
 */

const TZ = 'America/New_York';
const localDateOf = localDateIn(TZ);
const TODAY = '2030-03-13';
const NOW = new Date(zonedTimeToInstant(TODAY, '10:00', TZ));
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
  startAt: Date;
  status: Status;
  startedAt: Date | null;
  cancelledAt: Date | null;
}

let t: TestApp;
let s: VisitScenario;
let raw: Raw[];
let patients: string[];
let ctxOf: Record<Role, RequestContext>;
let clients: Record<Role, ApiClient>;
let otherProviderId: string;
const encounterRows: Array<typeof schema.encounters.$inferInsert> = [];
const recallRows: Array<typeof schema.recalls.$inferInsert> = [];
let expectedUnpaid: { count: number; cents: number };

const at = (date: string, time: string) => new Date(zonedTimeToInstant(date, time, TZ));

beforeAll(async () => {
  t = await createTestApp();
  s = await visitScenario(t, {
    payer: 'Acme Health',
    service: { code: '99213', description: 'Visit', feeCents: 12_000 },
  });
  const db = t.database.db;
  const clinicId = s.clinic.clinicId;
  otherProviderId = await s.addProvider();
  const thirdProviderId = await s.addProvider();
  const type = await s.addType({ name: 'Dashboard visit', durationMinutes: 30 });

  // One account per role, signed in, with its context for calling the service at NOW.
  ctxOf = {} as Record<Role, RequestContext>;
  clients = {} as Record<Role, ApiClient>;
  for (const role of ROLES) {
    const user = role === 'admin' ? s.clinic.admin : await s.clinic.addUser(role);
    clients[role] = await t.signIn(user);
    ctxOf[role] = await contextForUser(db, user.email);
  }
  // The provider account is the scenario's doctor (linked to s.providerId).
  const [doctor] = await db.select().from(schema.providers).where(eq(schema.providers.id, s.providerId));
  const [doctorUser] = await db
    .select()
    .from(schema.users)
    .where(eq(schema.users.id, doctor.userId as string));
  ctxOf.provider = await contextForUser(db, doctorUser.email);
  clients.provider = s.doctor;

  patients = await Promise.all(Array.from({ length: 8 }, () => s.addPatient()));

  // Appointments: hourly slots 08:00–16:00 for two providers, last Monday … three days ahead.
  const random = seeded(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  raw = [];
  for (let date = '2030-03-04'; date <= plusDays(TODAY, 3); date = plusDays(date, 1)) {
    for (const providerId of [s.providerId, otherProviderId]) {
      for (let hour = 8; hour <= 16; hour++) {
        if (random() < 0.35) continue;
        const startAt = at(date, `${String(hour).padStart(2, '0')}:00`);
        const past = startAt.getTime() < NOW.getTime() - HOUR;
        const status: Status = past
          ? pick(['completed', 'completed', 'completed', 'no_show', 'cancelled', 'checked_in'] as const)
          : pick(['booked', 'booked', 'confirmed', 'cancelled'] as const);
        const startedAt =
          status === 'completed' && random() < 0.9
            ? new Date(startAt.getTime() + (Math.floor(random() * 7) * 5 - 5) * MINUTE)
            : null;
        const cancelledAt =
          status === 'cancelled' ? new Date(startAt.getTime() - pick([2, 12, 23, 25, 48]) * HOUR) : null;
        raw.push({ id: newId(), patientId: pick(patients), providerId, startAt, status, startedAt, cancelledAt });
      }
    }
  }
  // Around NOW, for a third provider: late (booked 09:40), due soon (10:10, 10:25), later (10:45), arrived.
  for (const [time, status] of [
    ['09:40', 'booked'],
    ['09:52', 'checked_in'],
    ['10:10', 'confirmed'],
    ['10:25', 'booked'],
    ['10:45', 'booked'],
  ] as const) {
    raw.push({
      id: newId(),
      patientId: pick(patients),
      providerId: thirdProviderId,
      startAt: at(TODAY, time),
      status,
      startedAt: null,
      cancelledAt: null,
    });
  }
  await db.insert(schema.appointments).values(
    raw.map((r) => ({
      ...r,
      clinicId,
      locationId: s.locationId,
      appointmentTypeId: type.id,
      endAt: new Date(r.startAt.getTime() + 10 * MINUTE),
      bufferEndAt: new Date(r.startAt.getTime() + 10 * MINUTE),
      bookedAt: new Date(r.startAt.getTime() - 10 * DAY),
      checkedInAt: r.status === 'checked_in' || r.status === 'completed' ? r.startAt : null,
      completedAt: r.status === 'completed' ? new Date(r.startAt.getTime() + 30 * MINUTE) : null,
      noShowAt: r.status === 'no_show' ? new Date(r.startAt.getTime() + 15 * MINUTE) : null,
    })),
  );

  // Coverages: 0 valid, 1 none, 2 ended yesterday, 3 valid without a member id, 4 from tomorrow,
  // 5 … 7 valid.
  const coverage = (patientId: string, validFrom: string, validTo: string | null, memberId = 'M123') => ({
    id: newId(),
    clinicId,
    patientId,
    payerId: s.payerId,
    rank: 'primary' as const,
    memberId,
    subscriberRelationship: 'self' as const,
    validFrom,
    validTo,
  });
  const coverages = [
    coverage(patients[0], '2020-01-01', null),
    coverage(patients[2], '2020-01-01', plusDays(TODAY, -1)),
    coverage(patients[3], '2020-01-01', null, '  '),
    coverage(patients[4], plusDays(TODAY, 1), null),
    ...patients.slice(5).map((id) => coverage(id, '2020-01-01', null)),
  ];
  await db.insert(schema.coverages).values(coverages);

  // Notes: the doctor's today's appointments alternate none / draft / signed; two older drafts of
  // the doctor's, one of the other provider's.
  const doctorsToday = raw
    .filter((r) => r.providerId === s.providerId && localDateOf(r.startAt) === TODAY && r.status !== 'cancelled')
    .sort((x, y) => x.startAt.getTime() - y.startAt.getTime());
  const encounter = (
    patientId: string,
    providerId: string,
    serviceDate: string,
    signed: boolean,
    appointmentId?: string,
  ) => ({
    id: newId(),
    clinicId,
    patientId,
    providerId,
    locationId: s.locationId,
    appointmentId: appointmentId ?? null,
    serviceDate,
    status: signed ? ('signed' as const) : ('in_progress' as const),
    signedAt: signed ? NOW : null,
  });
  doctorsToday.forEach((r, i) => {
    if (i % 3 === 1) encounterRows.push(encounter(r.patientId, r.providerId, TODAY, false, r.id));
    if (i % 3 === 2) encounterRows.push(encounter(r.patientId, r.providerId, TODAY, true, r.id));
  });
  encounterRows.push(encounter(patients[1], s.providerId, plusDays(TODAY, -2), false));
  encounterRows.push(encounter(patients[2], s.providerId, plusDays(TODAY, -9), false));
  encounterRows.push(encounter(patients[3], otherProviderId, plusDays(TODAY, -1), false));
  // Signed ones for the claims (one claim per visit).
  for (let i = 0; i < 7; i++) encounterRows.push(encounter(patients[i], s.providerId, plusDays(TODAY, -20), true));
  await db.insert(schema.encounters).values(encounterRows);

  // Recalls (the clinic notifies 7 days ahead): due = open and due within 7 days or overdue.
  const anyVisit = encounterRows[encounterRows.length - 1].id as string;
  const recall = (providerId: string, dueDate: string, status: 'open' | 'contacted' | 'booked' | 'closed') => ({
    id: newId(),
    clinicId,
    patientId: patients[recallRows.length % patients.length],
    encounterId: anyVisit,
    providerId,
    dueDate,
    reason: `Recheck ${recallRows.length}`,
    status,
  });
  recallRows.push(
    recall(s.providerId, plusDays(TODAY, -3), 'open'),
    recall(s.providerId, plusDays(TODAY, 7), 'open'),
    recall(s.providerId, plusDays(TODAY, 8), 'open'),
    recall(s.providerId, plusDays(TODAY, 2), 'contacted'),
    recall(s.providerId, plusDays(TODAY, 1), 'closed'),
    recall(otherProviderId, plusDays(TODAY, 1), 'open'),
    recall(otherProviderId, plusDays(TODAY, 30), 'booked'),
  );
  await db
    .insert(schema.recalls)
    .values(recallRows.map((r) => (r.status === 'booked' ? { ...r, appointmentId: raw[0].id } : r)));

  // Waitlist: waiting with no dates, from in 5 days, from in 10 days (not this week), until
  // yesterday (over), removed.
  const waiting = (patientId: string, from: string | null, until: string | null, status = 'waiting' as const) => ({
    id: newId(),
    clinicId,
    patientId,
    appointmentTypeId: type.id,
    availableFrom: from,
    availableUntil: until,
    status,
  });
  await db
    .insert(schema.waitlistEntries)
    .values([
      waiting(patients[0], null, null),
      waiting(patients[1], plusDays(TODAY, 5), null),
      waiting(patients[2], plusDays(TODAY, 10), null),
      waiting(patients[3], plusDays(TODAY, -10), plusDays(TODAY, -1)),
      { ...waiting(patients[4], null, null), status: 'removed' as const },
    ]);

  // Claims: 2 ready, 1 draft, 1 denied, 1 rejected, 1 submitted, 1 paid.
  const [payerCoverage] = coverages;
  const claimVisits = encounterRows.slice(-7);
  await db.insert(schema.claims).values(
    (['ready', 'ready', 'draft', 'denied', 'rejected', 'submitted', 'paid'] as const).map((status, i) => ({
      id: newId(),
      clinicId,
      number: 9001 + i,
      encounterId: claimVisits[i].id as string,
      patientId: patients[0],
      coverageId: payerCoverage.id,
      payerId: s.payerId,
      providerId: s.providerId,
      locationId: s.locationId,
      rank: 'primary' as const,
      serviceDate: plusDays(TODAY, -20),
      status,
      totalCents: 12_000,
    })),
  );

  // Payments received today: 50.00, 25.00 and its reversal; yesterday 99.99.
  const payment = (amountCents: number, receivedOn: string, reversesId: string | null = null) => ({
    id: newId(),
    clinicId,
    source: 'patient' as const,
    patientId: patients[0],
    method: 'cash' as const,
    amountCents,
    receivedOn,
    reversesId,
  });
  const reversed = payment(2_500, TODAY);
  await db
    .insert(schema.payments)
    .values([
      payment(5_000, TODAY),
      reversed,
      payment(-2_500, TODAY, reversed.id),
      payment(9_999, plusDays(TODAY, -1)),
    ]);

  // Invoices (issued today by the wall clock, long before 2030): self-pay visits of 120.00, one
  // unpaid, one paid 50.00, one paid in full.
  const invoiced = [];
  for (const paid of [0, 5_000, 12_000]) {
    const visit = await s.signedVisit();
    const created = await s.billing.post('/api/invoices', { encounterId: visit.encounterId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (paid) {
      const posted = await s.billing.post('/api/payments', {
        source: 'patient',
        patientId: visit.patientId,
        method: 'cash',
        amountCents: paid,
        receivedOn: '2026-01-05',
        allocations: [{ chargeId: visit.charge.id, responsibility: 'patient', amountCents: paid }],
      });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    }
    invoiced.push(12_000 - paid);
  }
  const open = invoiced.filter((cents) => cents > 0);
  expectedUnpaid = { count: open.length, cents: open.reduce((x, y) => x + y, 0) };
});
afterAll(() => t?.close());

const at10 = (role: Role) => dashboard(t.database.db, ctxOf[role], NOW);
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('the dashboard', () => {
  it('gives each role its sections, and never one its permissions do not cover', async () => {
    expect(sectionsFor('receptionist')).toEqual(['frontDesk']);
    expect(sectionsFor('provider')).toEqual(['clinical']);
    expect(sectionsFor('nurse')).toEqual(['clinical']);
    expect(sectionsFor('billing')).toEqual(['billing']);
    expect(sectionsFor('manager')).toEqual(['manager']);
    expect(sectionsFor('admin')).toEqual(['manager']);
    for (const role of ROLES) {
      for (const section of sectionsFor(role)) {
        for (const permission of SECTION_PERMISSIONS[section]) {
          expect(PERMISSIONS[permission] as readonly Role[], `${role} ${section} ${permission}`).toContain(role);
        }
      }
    }
    // Over HTTP: only those keys; a receptionist gets no money and no report figures.
    for (const role of ROLES) {
      const response = await clients[role].get('/api/dashboard');
      expect(response.status, `${role}: ${JSON.stringify(response.body)}`).toBe(200);
      const keys = Object.keys(response.body).filter((key) => !['date', 'timezone', 'role'].includes(key));
      expect(keys.sort(), role).toEqual([...sectionsFor(role)].sort());
    }
    const reception = (await clients.receptionist.get('/api/dashboard')).body as Dashboard;
    expect(JSON.stringify(reception)).not.toMatch(/cents|receivables|tiles/i);
  });

  it('shows the front desk today, who to check in, tomorrow’s unconfirmed, recalls, waitlist, insurance', async () => {
    const d = await at10('receptionist');
    const front = d.frontDesk;
    if (!front) throw new Error('no front desk section');
    expect(d.date).toBe(TODAY);
    const today = raw.filter((r) => localDateOf(r.startAt) === TODAY);
    expect(front.today.total).toBe(today.length);
    for (const status of ['booked', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show'] as const) {
      expect(front.today.byStatus[status], status).toBe(today.filter((r) => r.status === status).length);
    }
    const waiting = (r: Raw) => r.status === 'booked' || r.status === 'confirmed';
    const byStart = (x: Raw, y: Raw) => x.startAt.getTime() - y.startAt.getTime() || x.id.localeCompare(y.id);
    const next = today.filter((r) => waiting(r) && r.startAt >= NOW).sort(byStart);
    expect(ids(front.today.next)).toEqual(ids(next.slice(0, 8)));

    // Arrivals: booked/confirmed today starting before 10:30 — the 09:40 one late, 10:10 and 10:25 due.
    const arrivals = today.filter((r) => waiting(r) && r.startAt.getTime() < NOW.getTime() + 30 * MINUTE).sort(byStart);
    expect(front.arrivals.count).toBe(arrivals.length);
    expect(ids(front.arrivals.items)).toEqual(ids(arrivals.slice(0, 8)));
    const nineForty = front.arrivals.items.find((item) => item.start === at(TODAY, '09:40').toISOString());
    expect(nineForty?.late).toBe(true);
    expect(front.arrivals.items.find((item) => item.start === at(TODAY, '10:10').toISOString())?.late).toBe(false);
    expect(front.arrivals.items.some((item) => item.start === at(TODAY, '10:45').toISOString())).toBe(false);
    expect(front.arrivals.items.every((item) => item.patientName.length > 0 && item.providerName.length > 0)).toBe(
      true,
    );

    const tomorrow = plusDays(TODAY, 1);
    expect(front.unconfirmedTomorrow).toEqual({
      date: tomorrow,
      count: raw.filter((r) => localDateOf(r.startAt) === tomorrow && r.status === 'booked').length,
    });
    expect(front.unconfirmedTomorrow.count).toBeGreaterThan(0);

    // Recalls due: open, due no later than 7 days from today.
    expect(front.recallsDue.count).toBe(
      recallRows.filter((r) => r.status === 'open' && r.dueDate <= plusDays(TODAY, 7)).length,
    );
    expect(front.recallsDue.count).toBe(3);
    expect(front.waitlist.count).toBe(2);

    // Insurance: patients booked/confirmed today … 2 days ahead, by their first such visit.
    const coverageOk: Record<number, (date: string) => 'ok' | 'none' | 'memberId'> = {
      0: () => 'ok',
      1: () => 'none',
      2: (date) => (date <= plusDays(TODAY, -1) ? 'ok' : 'none'),
      3: () => 'memberId',
      4: (date) => (date >= plusDays(TODAY, 1) ? 'ok' : 'none'),
    };
    const problems = new Map<string, { start: string; reason: string }>();
    for (const r of raw.filter((r) => waiting(r) && localDateOf(r.startAt) >= TODAY).sort(byStart)) {
      const date = localDateOf(r.startAt);
      if (date > plusDays(TODAY, 2)) continue;
      const index = patients.indexOf(r.patientId);
      const state = (coverageOk[index] ?? (() => 'ok'))(date);
      if (state !== 'ok' && !problems.has(r.patientId))
        problems.set(r.patientId, { start: r.startAt.toISOString(), reason: state });
    }
    expect(front.missingInsurance.count).toBe(problems.size);
    expect(problems.size).toBeGreaterThan(1);
    expect(
      Object.fromEntries(
        front.missingInsurance.items.map((item) => [item.patientId, { start: item.start, reason: item.reason }]),
      ),
    ).toEqual(Object.fromEntries([...problems.entries()].slice(0, 8)));
  });

  it('shows a provider their patients today with note states, their older drafts and open follow-ups', async () => {
    const d = await at10('provider');
    const clinical = d.clinical;
    if (!clinical) throw new Error('no clinical section');
    expect(clinical.scope).toBe('mine');
    const mine = raw.filter(
      (r) => r.providerId === s.providerId && localDateOf(r.startAt) === TODAY && r.status !== 'cancelled',
    );
    expect(clinical.today.count).toBe(mine.length);
    const noteOf = (r: Raw) => {
      const visit = encounterRows.find((e) => e.appointmentId === r.id);
      return visit ? (visit.status === 'signed' ? 'signed' : 'draft') : 'none';
    };
    expect(clinical.today.notes).toEqual({
      none: mine.filter((r) => noteOf(r) === 'none').length,
      draft: mine.filter((r) => noteOf(r) === 'draft').length,
      signed: mine.filter((r) => noteOf(r) === 'signed').length,
    });
    expect(clinical.today.notes.draft + clinical.today.notes.signed).toBeGreaterThan(0);
    expect(Object.fromEntries(clinical.today.items.map((item) => [item.id, item.note]))).toEqual(
      Object.fromEntries(mine.map((r) => [r.id, noteOf(r)])),
    );
    // Drafts before today: the doctor's two, oldest first (not the other provider's).
    expect(clinical.unsigned.count).toBe(2);
    expect(clinical.unsigned.items.map((item) => item.serviceDate)).toEqual([plusDays(TODAY, -9), plusDays(TODAY, -2)]);
    // Follow-ups: the doctor's open and contacted recalls, soonest first.
    const follow = recallRows
      .filter((r) => r.providerId === s.providerId && (r.status === 'open' || r.status === 'contacted'))
      .sort((x, y) => x.dueDate.localeCompare(y.dueDate));
    expect(clinical.followUps.count).toBe(follow.length);
    expect(clinical.followUps.items.map((item) => item.id)).toEqual(follow.map((r) => r.id));
  });

  it('shows a nurse the whole clinic’s day', async () => {
    const d = await at10('nurse');
    const clinical = d.clinical;
    if (!clinical) throw new Error('no clinical section');
    expect(clinical.scope).toBe('clinic');
    expect(clinical.today.count).toBe(
      raw.filter((r) => localDateOf(r.startAt) === TODAY && r.status !== 'cancelled').length,
    );
    expect(clinical.unsigned.count).toBe(3);
  });

  it('shows billing overdue invoices, claims to work, today’s postings and the A/R', async () => {
    const d = await at10('billing');
    expect(d.billing).toEqual({
      unpaidInvoices: { days: 30, ...expectedUnpaid },
      claims: { ready: 2, draft: 1, attention: 2 },
      postings: { date: TODAY, count: 3, cents: 5_000 },
      receivables: {
        asOf: TODAY,
        insurerCents: 0,
        patientCents: expectedUnpaid.cents,
        totalCents: expectedUnpaid.cents,
      },
    });
    expect(expectedUnpaid).toEqual({ count: 2, cents: 19_000 });
  });

  it('shows the manager this week’s whole days against the same days of last week, by day', async () => {
    const d = await at10('manager');
    const manager = d.manager;
    if (!manager) throw new Error('no manager section');
    // Wednesday at 10:00: Monday and Tuesday (today is under way), against last Monday and Tuesday.
    expect(manager).toMatchObject({
      from: '2030-03-11',
      to: '2030-03-12',
      previousFrom: '2030-03-04',
      previousTo: '2030-03-05',
      today: false,
    });
    // On a Monday there is no whole day yet: today so far, against last Monday.
    const monday = await dashboard(t.database.db, ctxOf.manager, new Date(NOW.getTime() - 2 * DAY));
    expect(monday.manager).toMatchObject({
      from: '2030-03-11',
      to: '2030-03-11',
      previousFrom: '2030-03-04',
      previousTo: '2030-03-04',
      today: true,
    });
    expect(manager.tiles.map((tile) => `${tile.report}.${tile.key}`)).toEqual(
      MANAGER_TILES.map((tile) => `${tile.report}.${tile.key}`),
    );
    const inDates = (from: string, to: string) =>
      raw.filter((r) => localDateOf(r.startAt) >= from && localDateOf(r.startAt) <= to);
    const figures = (rows: Raw[]) => {
      const due = rows.filter((r) => ['checked_in', 'in_progress', 'completed', 'no_show'].includes(r.status));
      const started = rows.filter((r) => r.startedAt);
      return {
        completed: rows.filter((r) => r.status === 'completed').length,
        noShowRate: percent(rows.filter((r) => r.status === 'no_show').length, due.length),
        onTimeRate: percent(
          started.filter((r) => (r.startedAt as Date).getTime() - r.startAt.getTime() <= GRACE_MINUTES * MINUTE).length,
          started.length,
        ),
        lateCancelled: rows.filter(
          (r) =>
            r.status === 'cancelled' && r.startAt.getTime() - (r.cancelledAt as Date).getTime() < LATE_HOURS * HOUR,
        ).length,
      };
    };
    const current = figures(inDates('2030-03-11', '2030-03-12'));
    const previous = figures(inDates('2030-03-04', '2030-03-05'));
    // The appointment tiles, figured here from the raw rows (the others agree with their reports below).
    for (const tile of manager.tiles.filter((one) => one.report === 'appointments')) {
      const key = tile.key as keyof typeof current;
      expect(tile.value, key).toBe(current[key]);
      expect(tile.previous, key).toBe(previous[key]);
      expect(tile.days.map((day) => [day.date, day.previousDate])).toEqual([
        ['2030-03-11', '2030-03-04'],
        ['2030-03-12', '2030-03-05'],
      ]);
      for (const day of tile.days) {
        expect(day.value, `${key} ${day.date}`).toBe(figures(inDates(day.date, day.date))[key]);
        expect(day.previous, `${key} ${day.previousDate}`).toBe(
          figures(inDates(day.previousDate, day.previousDate))[key],
        );
      }
    }
    expect(manager.tiles.find((tile) => tile.key === 'noShowRate')).toMatchObject({
      better: 'down',
      kind: 'percent',
      metric: 'no_show',
    });
    expect(manager.tiles.find((tile) => tile.key === 'completed')).toMatchObject({ better: 'up', label: 'Completed' });
    expect(current.completed).toBeGreaterThan(0);
    expect(previous.completed).toBeGreaterThan(0);
  });

  it('agrees with the Appointments report for the same days (the tile is the report’s figure)', async () => {
    const manager = (await at10('manager')).manager;
    if (!manager) throw new Error('no manager section');
    expect(new Set(manager.tiles.map((tile) => tile.report))).toEqual(
      new Set(['appointments', 'revenue', 'utilisation']),
    );
    for (const tile of manager.tiles) {
      const report = await clients.manager.get(
        `/api/reports/${tile.report}?from=${manager.from}&to=${manager.to}&group=day`,
      );
      const before = await clients.manager.get(
        `/api/reports/${tile.report}?from=${manager.previousFrom}&to=${manager.previousTo}&group=week`,
      );
      expect(report.status).toBe(200);
      expect(tile.value, tile.key).toBe(report.body.totals[tile.key]);
      expect(tile.previous, tile.key).toBe(before.body.totals[tile.key]);
      // Each tile's drill-down lists as many rows as a count tile shows.
      if (tile.kind === 'count' && tile.metric) {
        const rows = await clients.manager.get(
          `/api/reports/${tile.report}/rows?from=${manager.from}&to=${manager.to}&metric=${tile.metric}`,
        );
        expect(rows.body.total, tile.key).toBe(tile.value);
      }
    }
  });

  it('audits the patients a dashboard names in one call per request, each patient once', async () => {
    const db = t.database.db;
    const e = schema.auditEvents;
    const before = await db.select().from(e).where(eq(e.actorUserId, ctxOf.receptionist.userId));
    const d = await at10('receptionist');
    const after = await db.select().from(e).where(eq(e.actorUserId, ctxOf.receptionist.userId));
    const added = after.filter((row) => !before.some((old) => old.id === row.id));
    const front = d.frontDesk;
    if (!front) throw new Error('no front desk section');
    const shown = new Set(
      [...front.today.next, ...front.arrivals.items, ...front.missingInsurance.items].map((item) => item.patientId),
    );
    expect(added.map((row) => row.patientId).sort()).toEqual([...shown].sort());
    expect(new Set(added.map((row) => row.action))).toEqual(new Set(['patient.read']));
    expect(new Set(added.map((row) => JSON.stringify(row.details))).size).toBe(1);

    // The manager's figures name no patient: one report read.
    const managerBefore = await db.select().from(e).where(eq(e.actorUserId, ctxOf.manager.userId));
    await at10('manager');
    const managerAfter = await db.select().from(e).where(eq(e.actorUserId, ctxOf.manager.userId));
    const managerAdded = managerAfter.filter((row) => !managerBefore.some((old) => old.id === row.id));
    expect(managerAdded.map((row) => [row.action, row.patientId])).toEqual([['report.read', null]]);
  });
});
