import { queryRows } from '@tend/db';
import { addDaysTo, todayIn, zonedTimeToInstant } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../context';
import { at, MONDAY, type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { createTestApp, patientBody, type TestApp } from '../test/harness';
import { offlineCopy } from './service';

/**
 * The browser's offline copy: today's and tomorrow's schedule in the clinic's time zone with
 * those patients' contact details, nothing of another clinic, refused to billing, and audited
 * once per patient per user per clinic day (the web app refreshes it every ten minutes).
 */

const TZ = 'America/New_York';
const TUESDAY = '2030-01-08';
const WEDNESDAY = '2030-01-09';

let t: TestApp;
let s: SchedulingScenario;
let typeId: string;
let providerId: string;
const patients: Record<'monday' | 'tuesday' | 'wednesday', { id: string; phone: string; email: string }> = {} as never;
let ctx: RequestContext;

async function offlineAudit(patientId: string): Promise<Array<{ actor_user_id: string; details: { day: string } }>> {
  return queryRows(
    t.database.db,
    sql`SELECT actor_user_id, details FROM audit_events
        WHERE action = 'offline.copy' AND patient_id = ${patientId} ORDER BY id`,
  );
}

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  typeId = (await s.addType({ name: 'Offline check', durationMinutes: 30 })).id;
  providerId = await s.addProvider();
  // Monday 09:00 and Tuesday 16:30 New York; Wednesday 09:00 is the day after tomorrow.
  const slots = { monday: at(MONDAY, '09:00'), tuesday: at(TUESDAY, '16:30'), wednesday: at(WEDNESDAY, '09:00') };
  for (const [day, start] of Object.entries(slots) as Array<[keyof typeof slots, string]>) {
    const body = patientBody();
    const created = await s.reception.post('/api/patients', body);
    expect(created.status).toBe(201);
    patients[day] = { id: created.body.id, phone: body.phone, email: body.email };
    const booked = await s.book({ patientId: created.body.id, providerId, appointmentTypeId: typeId, start });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  }
  ctx = await s.clinic.adminCtx();
});
afterAll(() => t.close());

describe('the offline copy', () => {
  it('holds today and tomorrow of the clinic’s time zone, with local times and contact details', async () => {
    // Monday 22:00 in New York is already Tuesday 03:00 UTC: the clinic's days are Monday and Tuesday.
    const now = new Date(zonedTimeToInstant(MONDAY, '22:00', TZ));
    const copy = await offlineCopy(t.database.db, ctx, now);
    expect(copy.days).toEqual([MONDAY, TUESDAY]);
    expect(copy.timezone).toBe(TZ);
    expect(copy.takenAt).toBe('2030-01-07T22:00:00-05:00');
    expect(copy.appointments.map((a) => [a.patientId, a.date, a.start, a.end, a.status])).toEqual([
      [patients.monday.id, MONDAY, '09:00', '09:30', 'booked'],
      [patients.tuesday.id, TUESDAY, '16:30', '17:00', 'booked'],
    ]);
    expect(copy.appointments[0].typeName).toBe('Offline check');
    expect(copy.providers.map((p) => p.id)).toEqual([providerId]);
    const monday = copy.patients.find((p) => p.id === patients.monday.id);
    // Stored as E.164: +1 and the ten digits typed.
    expect(monday?.phones.map((p) => p.number)).toEqual([`+1${patients.monday.phone.replace(/\D/g, '')}`]);
    expect(monday?.email).toBe(patients.monday.email);
    expect(monday?.mrn).toMatch(/\S/);
    expect(copy.patients.map((p) => p.id).sort()).toEqual([patients.monday.id, patients.tuesday.id].sort());
  });

  it('audits each patient once per user per clinic day, however often it is refreshed', async () => {
    const before = (await offlineAudit(patients.tuesday.id)).length;
    const evening = new Date(zonedTimeToInstant(MONDAY, '23:00', TZ));
    await offlineCopy(t.database.db, ctx, evening);
    await offlineCopy(t.database.db, ctx, new Date(evening.getTime() + 10 * 60_000));
    // The first test's copy (Monday) already audited Monday's and Tuesday's patients for Monday.
    expect((await offlineAudit(patients.tuesday.id)).length).toBe(before);
    expect((await offlineAudit(patients.monday.id)).map((row) => row.details.day)).toEqual([MONDAY]);

    // Tuesday morning: a new day, so Tuesday's patient is audited again and Wednesday's first time.
    const tuesday = await offlineCopy(t.database.db, ctx, new Date(zonedTimeToInstant(TUESDAY, '08:00', TZ)));
    expect(tuesday.days).toEqual([TUESDAY, WEDNESDAY]);
    expect((await offlineAudit(patients.tuesday.id)).map((row) => row.details.day)).toEqual([MONDAY, TUESDAY]);
    const wednesday = await offlineAudit(patients.wednesday.id);
    expect(wednesday).toHaveLength(1);
    expect(wednesday[0].actor_user_id).toBe(ctx.userId);
    expect((await offlineAudit(patients.monday.id)).length).toBe(1);
  });
});

describe('GET /api/offline/copy', () => {
  it('answers the roles that run the day, for their own clinic only, and refuses billing', async () => {
    // Another clinic with an appointment today and tomorrow (its own clock): never in this copy.
    const other = await schedulingScenario(t);
    const otherType = (await other.addType()).id;
    const otherProvider = await other.addProvider();
    const otherPatient = await other.addPatient();
    const soon = new Date(Date.now() + 60 * 60_000).toISOString();
    const booked = await other.book(
      {
        patientId: otherPatient,
        providerId: otherProvider,
        appointmentTypeId: otherType,
        start: soon,
        override: { reason: 'Downtime drill' },
      },
      other.reception,
    );
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);

    const today = todayIn(TZ);
    for (const client of [s.reception, s.provider, s.manager]) {
      const copy = await client.get('/api/offline/copy');
      expect(copy.status).toBe(200);
      expect(copy.body.clinicId).toBe(s.clinic.clinicId);
      expect(copy.body.days).toEqual([today, addDaysTo(today, 1)]);
      expect(copy.body.appointments.map((a: { patientId: string }) => a.patientId)).not.toContain(otherPatient);
      expect(copy.body.patients.map((p: { id: string }) => p.id)).not.toContain(otherPatient);
    }
    // The other clinic's own copy has its appointment, with nothing clinical about the patient.
    const theirs = await other.reception.get('/api/offline/copy');
    expect(theirs.body.appointments.map((a: { patientId: string }) => a.patientId)).toEqual([otherPatient]);
    expect(Object.keys(theirs.body.patients[0]).sort()).toEqual(['birthDate', 'email', 'id', 'mrn', 'name', 'phones']);
    const audit = await offlineAudit(otherPatient);
    expect(audit).toHaveLength(1);
    expect(audit[0].details.day).toBe(theirs.body.days[0]);

    const billing = await t.signIn(await s.clinic.addUser('billing'));
    const refused = await billing.get('/api/offline/copy');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });
});

describe('the offline copy of one location', () => {
  it('holds that location’s appointments only and names it; another clinic’s location is refused', async () => {
    const g = await schedulingScenario(t);
    const type = (await g.addType()).id;
    const mainProvider = await g.addProvider();
    const annex = (await g.admin.post('/api/locations', { name: 'Harbour Annex', timezone: TZ })).body.id;
    const annexProvider = (await g.admin.post('/api/providers', { name: 'Dr Annex' })).body.id;
    const hours = await g.manager.put(`/api/providers/${annexProvider}/working-hours`, {
      locationId: annex,
      validFrom: '2029-12-01',
      blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
    });
    expect(hours.status, JSON.stringify(hours.body)).toBe(200);
    const ids: string[] = [];
    for (const providerId of [mainProvider, annexProvider]) {
      const patientId = await g.addPatient();
      const booked = await g.book({ patientId, providerId, appointmentTypeId: type, start: at(MONDAY, '10:00') });
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
      ids.push(patientId);
    }
    const now = new Date(zonedTimeToInstant(MONDAY, '08:00', TZ));
    const gCtx = await g.clinic.adminCtx();
    const all = await offlineCopy(t.database.db, gCtx, now);
    expect(all.locationName).toBeNull();
    expect(all.patients.map((p) => p.id).sort()).toEqual([...ids].sort());
    const ofAnnex = await offlineCopy(t.database.db, gCtx, now, annex);
    expect(ofAnnex.locationName).toBe('Harbour Annex');
    expect(ofAnnex.patients.map((p) => p.id)).toEqual([ids[1]]);
    expect(ofAnnex.appointments.map((a) => a.locationName)).toEqual(['Harbour Annex']);
    expect(ofAnnex.providers.map((p) => p.id)).toEqual([annexProvider]);

    const refused = await g.reception.get(`/api/offline/copy?locationId=${s.locationId}`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('querystring.locationId');
    const answered = await g.reception.get(`/api/offline/copy?locationId=${annex}`);
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.locationName).toBe('Harbour Annex');
  });
});
