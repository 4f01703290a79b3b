import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { at, MONDAY, type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { type ApiClient, createTestApp, patientBody, type TestApp } from '../test/harness';

/**
 * Restricted records and emergency ("break the glass") access through the API: who reaches a
 * restricted patient's clinical record, a grant with a reason for the clinic's minutes, its audit
 * trail, and the managers' review queue.
 */

let t: TestApp;
let s: SchedulingScenario;
let careDoctor: ApiClient;
let otherDoctor: ApiClient;
let otherDoctorUser: { email: string; password: string; userId: string };
let nurse: ApiClient;
let providerId: string;
let restrictedId: string;
let openId: string;

const REASON = 'Seen in the ER overnight, need the allergy list';

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  const careUser = await s.clinic.addUser('provider');
  careDoctor = await t.signIn(careUser);
  otherDoctorUser = await s.clinic.addUser('provider');
  otherDoctor = await t.signIn(otherDoctorUser);
  nurse = await t.signIn(await s.clinic.addUser('nurse'));
  providerId = await s.addProvider();
  expect((await s.admin.patch(`/api/providers/${providerId}`, { userId: careUser.userId })).status).toBe(200);
  const typeId = (await s.addType({ name: 'Consult', durationMinutes: 30 })).id;

  // The restricted patient has an appointment with the care doctor (their care relationship).
  restrictedId = await s.addPatient();
  const booked = await s.book({
    patientId: restrictedId,
    providerId,
    appointmentTypeId: typeId,
    start: at(MONDAY, '09:00'),
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  expect((await careDoctor.post(`/api/patients/${restrictedId}/allergies`, { substance: 'Penicillin' })).status).toBe(
    201,
  );
  const restricted = await s.manager.put(`/api/patients/${restrictedId}/restricted`, { restricted: true });
  expect(restricted.status, JSON.stringify(restricted.body)).toBe(200);
  expect(restricted.body.restricted).toBe(true);
  openId = await s.addPatient();
});
afterAll(() => t.close());
afterEach(() => vi.useRealTimers());

async function auditRows(where: ReturnType<typeof sql>) {
  return queryRows<{ action: string; actor_user_id: string; details: Record<string, unknown> | null }>(
    t.database.db,
    sql`SELECT action, actor_user_id, details FROM audit_events WHERE ${where} ORDER BY id`,
  );
}

describe('a restricted record', () => {
  it('is marked by a manager or administrator only, audited, and can be lifted', async () => {
    const patientId = await s.addPatient();
    expect((await s.reception.put(`/api/patients/${patientId}/restricted`, { restricted: true })).status).toBe(403);
    expect((await careDoctor.put(`/api/patients/${patientId}/restricted`, { restricted: true })).status).toBe(403);
    expect((await s.admin.put(`/api/patients/${patientId}/restricted`, { restricted: 'yes' })).status).toBe(400);
    expect((await s.admin.put(`/api/patients/${patientId}/restricted`, { restricted: true })).body.restricted).toBe(
      true,
    );
    expect((await otherDoctor.get(`/api/patients/${patientId}/chart`)).status).toBe(403);
    expect((await s.admin.put(`/api/patients/${patientId}/restricted`, { restricted: false })).body.restricted).toBe(
      false,
    );
    expect((await otherDoctor.get(`/api/patients/${patientId}/chart`)).status).toBe(200);
    const rows = await auditRows(sql`patient_id = ${patientId} AND action LIKE 'patient.%restrict'`);
    expect(rows.map((r) => r.action)).toEqual(['patient.restrict', 'patient.unrestrict']);
  });

  it('refuses its clinical data to an unrelated provider or nurse (403 restricted_record) and changes nothing', async () => {
    const chart = await otherDoctor.get(`/api/patients/${restrictedId}/chart`);
    expect(chart.status).toBe(403);
    expect(chart.body.error.code).toBe('restricted_record');
    expect(chart.body.error.details).toEqual({ emergencyAccessAvailable: true });
    for (const url of [`/api/patients/${restrictedId}/vitals`, `/api/encounters?patientId=${restrictedId}`]) {
      expect((await otherDoctor.get(url)).body.error.code, url).toBe('restricted_record');
    }
    expect((await nurse.get(`/api/patients/${restrictedId}/chart`)).body.error.code).toBe('restricted_record');
    const write = await otherDoctor.post(`/api/patients/${restrictedId}/allergies`, { substance: 'Latex' });
    expect(write.body.error.code).toBe('restricted_record');
    expect(
      (await careDoctor.get(`/api/patients/${restrictedId}/chart`)).body.allergies.map(
        (a: { substance: string }) => a.substance,
      ),
    ).toEqual(['Penicillin']);
    const access = await otherDoctor.get(`/api/patients/${restrictedId}/clinical-access`);
    expect(access.body).toMatchObject({ restricted: true, kind: 'denied', emergencyAccessAvailable: true });
  });

  it('opens to the provider of the patient’s appointment, and a visit they open stays out of others’ lists', async () => {
    expect((await careDoctor.get(`/api/patients/${restrictedId}/chart`)).status).toBe(200);
    expect((await careDoctor.get(`/api/patients/${restrictedId}/clinical-access`)).body.kind).toBe('care');
    const visit = await careDoctor.post('/api/encounters', { patientId: restrictedId, providerId });
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    expect((await careDoctor.get(`/api/encounters/${visit.body.id}`)).status).toBe(200);
    expect((await otherDoctor.get(`/api/encounters/${visit.body.id}`)).body.error.code).toBe('restricted_record');
    const vitals = await otherDoctor.post(`/api/encounters/${visit.body.id}/vitals`, { heartRate: 70 });
    expect(vitals.body.error.code).toBe('restricted_record');
    const mine = await careDoctor.get(`/api/encounters?providerId=${providerId}`);
    expect(mine.body.items.map((e: { id: string }) => e.id)).toContain(visit.body.id);
    const theirs = await otherDoctor.get(`/api/encounters?providerId=${providerId}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((e: { id: string }) => e.id)).not.toContain(visit.body.id);
  });

  it('is not opened by a provider booking the patient with themselves', async () => {
    const ownProvider = await s.addProvider();
    expect((await s.admin.patch(`/api/providers/${ownProvider}`, { userId: otherDoctorUser.userId })).status).toBe(200);
    const typeId = (await s.addType({ name: 'Self-booked', durationMinutes: 15 })).id;
    const selfBooked = await otherDoctor.post('/api/appointments', {
      patientId: restrictedId,
      providerId: ownProvider,
      appointmentTypeId: typeId,
      start: at(MONDAY, '11:00'),
    });
    expect(selfBooked.status, JSON.stringify(selfBooked.body)).toBe(201);
    expect((await otherDoctor.get(`/api/patients/${restrictedId}/chart`)).body.error.code).toBe('restricted_record');
    expect(
      (await otherDoctor.post(`/api/appointments/${selfBooked.body.id}/cancel`, { reason: 'x' })).status,
    ).toBeLessThan(300);
  });

  it('keeps the demographics open so the front desk can find and book the patient', async () => {
    const patient = await s.reception.get(`/api/patients/${restrictedId}`);
    expect(patient.status).toBe(200);
    expect(patient.body.restricted).toBe(true);
    const found = await s.reception.get(`/api/patients?q=${encodeURIComponent(patient.body.familyName)}`);
    expect(found.body.items.map((p: { id: string }) => p.id)).toContain(restrictedId);
    expect((await otherDoctor.get(`/api/patients/${restrictedId}`)).status).toBe(200);
  });

  it('leaves records that are not restricted open to every clinical user', async () => {
    expect((await otherDoctor.get(`/api/patients/${openId}/chart`)).status).toBe(200);
    expect((await otherDoctor.get(`/api/patients/${openId}/clinical-access`)).body.kind).toBe('open');
  });
});

describe('emergency access', () => {
  it('needs a reason of at least 10 characters, a clinical role, a restricted patient of the clinic', async () => {
    const url = `/api/patients/${restrictedId}/emergency-access`;
    const missing = await otherDoctor.post(url, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields[0].path).toBe('reason');
    const short = await otherDoctor.post(url, { reason: '  urgent   ' });
    expect(short.status).toBe(400);
    expect(short.body.error.fields[0].message).toMatch(/at least 10 characters/);
    expect((await s.reception.post(url, { reason: REASON })).status).toBe(403);
    expect((await s.manager.post(url, { reason: REASON })).status).toBe(403);
    expect((await otherDoctor.post(`/api/patients/${openId}/emergency-access`, { reason: REASON })).status).toBe(409);

    const elsewhere = await t.createClinic();
    const theirAdmin = await t.signIn(elsewhere.admin);
    const theirPatient = await theirAdmin.post('/api/patients', patientBody());
    expect(
      (await theirAdmin.put(`/api/patients/${theirPatient.body.id}/restricted`, { restricted: true })).status,
    ).toBe(200);
    const foreign = await otherDoctor.post(`/api/patients/${theirPatient.body.id}/emergency-access`, {
      reason: REASON,
    });
    expect(foreign.status).toBe(404);

    const [{ n }] = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM emergency_access`);
    expect(n).toBe(0);
    // Still closed after the refusals.
    expect((await otherDoctor.get(`/api/patients/${restrictedId}/chart`)).status).toBe(403);
  });

  it('opens the record for the clinic’s minutes, audits every read and change with the grant id, then closes it', async () => {
    expect((await s.admin.patch('/api/clinic', { emergencyAccessMinutes: 2 })).status).toBe(400);
    expect((await s.admin.patch('/api/clinic', { emergencyAccessMinutes: 30 })).body.emergencyAccessMinutes).toBe(30);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const granted = await otherDoctor.post(`/api/patients/${restrictedId}/emergency-access`, { reason: REASON });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    const grantId: string = granted.body.id;
    expect(Date.parse(granted.body.expiresAt) - Date.parse(granted.body.grantedAt)).toBe(30 * 60_000);

    const chart = await otherDoctor.get(`/api/patients/${restrictedId}/chart`);
    expect(chart.status).toBe(200);
    expect(chart.body.allergies[0].substance).toBe('Penicillin');
    expect((await otherDoctor.get(`/api/patients/${restrictedId}/vitals`)).status).toBe(200);
    const allergy = await otherDoctor.post(`/api/patients/${restrictedId}/allergies`, { substance: 'Latex' });
    expect(allergy.status).toBe(201);
    expect((await otherDoctor.get(`/api/patients/${restrictedId}/clinical-access`)).body).toMatchObject({
      kind: 'emergency',
      emergencyAccessId: grantId,
      expiresAt: granted.body.expiresAt,
    });
    // Only the one who asked: the grant is not the nurse's.
    expect((await nurse.get(`/api/patients/${restrictedId}/chart`)).status).toBe(403);

    const underGrant = await auditRows(sql`details->>'emergencyAccessId' = ${grantId}`);
    expect(underGrant.map((r) => r.action)).toEqual(['emergency.grant', 'chart.read', 'vitals.read', 'allergy.create']);
    expect(underGrant.every((r) => r.actor_user_id === otherDoctorUser.userId)).toBe(true);
    // The typed reason is in the grant row, never in the audit log.
    const leaked = await auditRows(sql`details::text LIKE ${'%allergy list%'}`);
    expect(leaked).toEqual([]);

    // 29 minutes later it still holds; after 30 it is over (a new session: the old one idled out).
    vi.setSystemTime(Date.now() + 29 * 60_000);
    const later = await t.signIn(otherDoctorUser);
    expect((await later.get(`/api/patients/${restrictedId}/chart`)).status).toBe(200);
    vi.setSystemTime(Date.now() + 61_000);
    const expired = await later.get(`/api/patients/${restrictedId}/chart`);
    expect(expired.status).toBe(403);
    expect(expired.body.error.code).toBe('restricted_record');
    expect((await later.get(`/api/patients/${restrictedId}/clinical-access`)).body.kind).toBe('denied');
  });

  it('is given to nurses too', async () => {
    const granted = await nurse.post(`/api/patients/${restrictedId}/emergency-access`, {
      reason: 'Triage call, checking medications',
    });
    expect(granted.status).toBe(201);
    expect((await nurse.get(`/api/patients/${restrictedId}/chart`)).status).toBe(200);
  });
});

describe('the review queue', () => {
  it('lists the grants with their reasons for managers and administrators only', async () => {
    for (const client of [otherDoctor, nurse, s.reception, careDoctor]) {
      expect((await client.get('/api/emergency-access')).status).toBe(403);
    }
    const queue = await s.manager.get('/api/emergency-access');
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(2);
    const doctorsGrant = queue.body.items.find((i: { reason: string }) => i.reason === REASON);
    expect(doctorsGrant).toMatchObject({ patientId: restrictedId, reviewedAt: null, reviewOutcome: null });
    expect((await s.admin.get('/api/emergency-access?status=all')).body.items).toHaveLength(2);
    expect((await s.manager.get('/api/emergency-access?status=everything')).status).toBe(400);
    expect((await s.manager.get('/api/dashboard')).body.manager.emergencyToReview).toBe(2);
  });

  it('records a review once, audited without the note, and takes it off the queue', async () => {
    const [grant] = (await s.manager.get('/api/emergency-access')).body.items;
    const url = `/api/emergency-access/${grant.id}/review`;
    expect((await careDoctor.post(url, { outcome: 'appropriate' })).status).toBe(403);
    expect((await s.manager.post(url, { outcome: 'fine' })).status).toBe(400);
    const note = 'Confirmed with the ER night shift';
    const reviewed = await s.manager.post(url, { outcome: 'appropriate', note });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body).toMatchObject({ reviewOutcome: 'appropriate', reviewNote: note });
    expect(reviewed.body.reviewedAt).not.toBeNull();
    expect(reviewed.body.reviewedByName).toBeTruthy();
    const again = await s.admin.post(url, { outcome: 'inappropriate' });
    expect(again.status).toBe(409);
    expect(
      (await s.manager.post(`/api/emergency-access/${crypto.randomUUID()}/review`, { outcome: 'appropriate' })).status,
    ).toBe(404);

    const queue = (await s.manager.get('/api/emergency-access')).body.items.map((i: { id: string }) => i.id);
    expect(queue).not.toContain(grant.id);
    const all = (await s.manager.get('/api/emergency-access?status=all')).body.items;
    expect(all.find((i: { id: string }) => i.id === grant.id).reviewOutcome).toBe('appropriate');
    expect((await s.manager.get('/api/dashboard')).body.manager.emergencyToReview).toBe(1);

    const audit = await auditRows(sql`action = 'emergency.review' AND entity_id = ${grant.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toEqual({ emergencyAccessId: grant.id, outcome: 'appropriate', withNote: true });
    expect(await auditRows(sql`details::text LIKE ${'%night shift%'}`)).toEqual([]);
    // Reading the queue is audited per patient it names.
    expect((await auditRows(sql`action = 'emergency.read' AND patient_id = ${restrictedId}`)).length).toBeGreaterThan(
      0,
    );
  });

  it('keeps grant rows as recorded: no delete, no change but the one review', async () => {
    const db = t.database.db;
    const [reviewed] = await queryRows<{ id: string }>(
      db,
      sql`SELECT id FROM emergency_access WHERE reviewed_at IS NOT NULL`,
    );
    const [open] = await queryRows<{ id: string }>(db, sql`SELECT id FROM emergency_access WHERE reviewed_at IS NULL`);
    await expect(db.execute(sql`DELETE FROM emergency_access WHERE id = ${open.id}`)).rejects.toThrow();
    await expect(
      db.execute(sql`UPDATE emergency_access SET reason = 'Something else entirely' WHERE id = ${open.id}`),
    ).rejects.toThrow();
    await expect(
      db.execute(sql`UPDATE emergency_access SET expires_at = expires_at + interval '1 day' WHERE id = ${open.id}`),
    ).rejects.toThrow();
    await expect(
      db.execute(sql`UPDATE emergency_access SET review_outcome = 'inappropriate' WHERE id = ${reviewed.id}`),
    ).rejects.toThrow();
    await expect(db.execute(sql`TRUNCATE emergency_access`)).rejects.toThrow();
    const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM emergency_access`);
    expect(n).toBe(2);
  });
});
