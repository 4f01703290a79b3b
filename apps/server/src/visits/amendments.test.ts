import { queryRows } from '@tend/db';
import { todayIn } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';

/**
 * A patient's right to amend their record (HIPAA §164.526, ONC 170.315(d)(4)): a request is
 * recorded, decided once — accepted with the addendum that corrected the visit, or denied with the
 * reason — and stays with the record, with the patient's statement of disagreement.
 */

let t: TestApp;
let s: SchedulingScenario;
let doctor: ApiClient;
let nurse: ApiClient;
let manager: ApiClient;
// The visit's own date: its appointment starts a quarter of an hour from now, the next day near midnight.
let visit: { id: string; patientId: string; serviceDate: string };

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  const doctorUser = await s.clinic.addUser('provider');
  doctor = await t.signIn(doctorUser);
  nurse = await t.signIn(await s.clinic.addUser('nurse'));
  manager = await t.signIn(await s.clinic.addUser('manager'));
  const providerId = await s.addProvider({
    validFrom: '2020-01-01',
    blocks: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  });
  expect((await s.admin.patch(`/api/providers/${providerId}`, { userId: doctorUser.userId })).status).toBe(200);
  const typeId = (await s.addType({ name: 'Sick visit', durationMinutes: 15 })).id;
  const patientId = await s.addPatient();
  const start = new Date(Math.ceil(Date.now() / 900_000) * 900_000 + 900_000).toISOString();
  const appointment = await s.book({ patientId, providerId, appointmentTypeId: typeId, start });
  expect((await s.reception.post(`/api/appointments/${appointment.body.id}/check-in`)).status).toBe(200);
  const opened = await nurse.post('/api/encounters', { appointmentId: appointment.body.id });
  await doctor.patch(`/api/encounters/${opened.body.id}`, {
    version: opened.body.version,
    assessment: 'Allergic to penicillin.',
  });
  expect((await doctor.post(`/api/encounters/${opened.body.id}/sign`)).status).toBe(200);
  visit = { id: opened.body.id, patientId, serviceDate: opened.body.serviceDate };
});
afterAll(() => t.close());

const today = () => todayIn('America/New_York');
const auditActions = async (entityId: string) =>
  (
    await queryRows<{ action: string; details: unknown }>(
      t.database.db,
      sql`SELECT action, details FROM audit_events WHERE entity_id = ${entityId} ORDER BY id`,
    )
  ).map((row) => row.action);

describe('amendment requests', () => {
  it('are accepted with the addendum that corrected the visit, once, and shown with the visit', async () => {
    const recorded = await doctor.post(`/api/patients/${visit.patientId}/amendments`, {
      encounterId: visit.id,
      receivedOn: today(),
      request: 'I am allergic to amoxicillin, not penicillin.',
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    expect(recorded.body).toMatchObject({ status: 'pending', encounterId: visit.id, recordedByName: 'Test provider' });

    // Accepting a request about a visit needs the addendum that made the correction.
    const withoutAddendum = await doctor.post(`/api/amendments/${recorded.body.id}/decision`, {
      outcome: 'accepted',
      note: 'Allergy corrected.',
    });
    expect(withoutAddendum.status).toBe(400);
    expect(withoutAddendum.body.error.fields[0].path).toBe('addendumId');

    const addendum = await doctor.post(`/api/encounters/${visit.id}/addenda`, {
      reason: 'Amendment requested by the patient',
      text: 'Allergy is to amoxicillin, not penicillin.',
    });
    const addendumId = addendum.body.addenda[0].id;
    const accepted = await doctor.post(`/api/amendments/${recorded.body.id}/decision`, {
      outcome: 'accepted',
      note: 'Allergy corrected by addendum.',
      addendumId,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', addendumId, decidedByName: 'Test provider' });

    const again = await manager.post(`/api/amendments/${recorded.body.id}/decision`, {
      outcome: 'denied',
      note: 'No.',
    });
    expect(again.status).toBe(409);
    expect(await auditActions(recorded.body.id)).toEqual(['amendment.request', 'amendment.accept']);

    const listed = await nurse.get(`/api/patients/${visit.patientId}/amendments`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: recorded.body.id, encounterDate: visit.serviceDate }),
    ]);
  });

  it('are denied with the reason, keep the patient’s statement of disagreement once, and never change in the database', async () => {
    const recorded = await manager.post(`/api/patients/${visit.patientId}/amendments`, {
      receivedOn: today(),
      request: 'Remove my old address from the record.',
    });
    expect(recorded.body.dueOn > recorded.body.receivedOn).toBe(true);
    const beforeDenial = await manager.post(`/api/amendments/${recorded.body.id}/disagreement`, { statement: 'x' });
    expect(beforeDenial.status).toBe(409);
    const denied = await manager.post(`/api/amendments/${recorded.body.id}/decision`, {
      outcome: 'denied',
      note: 'The address history is kept for billing records.',
    });
    expect(denied.body).toMatchObject({
      status: 'denied',
      decisionNote: 'The address history is kept for billing records.',
    });
    const statement = await manager.post(`/api/amendments/${recorded.body.id}/disagreement`, {
      statement: 'I do not agree; that address was never mine.',
    });
    expect(statement.body.disagreement).toBe('I do not agree; that address was never mine.');
    expect(
      (await manager.post(`/api/amendments/${recorded.body.id}/disagreement`, { statement: 'Again' })).status,
    ).toBe(409);
    // Audit rows name the request, never the patient's words.
    const rows = await queryRows<{ details: unknown }>(
      t.database.db,
      sql`SELECT details FROM audit_events WHERE entity_id = ${recorded.body.id}`,
    );
    expect(JSON.stringify(rows)).not.toMatch(/address/);
    for (const statementSql of [
      sql`UPDATE amendment_requests SET request = 'rewritten' WHERE id = ${recorded.body.id}`,
      sql`UPDATE amendment_requests SET status = 'accepted' WHERE id = ${recorded.body.id}`,
      sql`UPDATE amendment_requests SET disagreement = 'changed' WHERE id = ${recorded.body.id}`,
      sql`DELETE FROM amendment_requests WHERE id = ${recorded.body.id}`,
    ]) {
      await expect(t.database.db.execute(statementSql)).rejects.toThrow();
    }
    expect((await manager.get(`/api/patients/${visit.patientId}/amendments`)).body.items).toHaveLength(2);
  });

  it('refuse bad input with the field to fix, and keep others’ patients and visits out', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const future = await doctor.post(`/api/patients/${visit.patientId}/amendments`, {
      receivedOn: tomorrow,
      request: 'x',
    });
    expect(future.status).toBe(400);
    expect(future.body.error.fields[0].path).toBe('receivedOn');
    const otherPatient = await s.addPatient();
    const wrongVisit = await doctor.post(`/api/patients/${otherPatient}/amendments`, {
      encounterId: visit.id,
      receivedOn: today(),
      request: 'x',
    });
    expect(wrongVisit.body.error.fields[0].path).toBe('encounterId');
    const empty = await doctor.post(`/api/patients/${visit.patientId}/amendments`, {
      receivedOn: today(),
      request: ' ',
    });
    expect(empty.body.error.fields[0].path).toBe('request');

    const other = await t.createClinic();
    const outsider = await t.signIn(other.admin);
    expect((await outsider.get(`/api/patients/${visit.patientId}/amendments`)).status).toBe(404);
    const [first] = (await doctor.get(`/api/patients/${visit.patientId}/amendments`)).body.items;
    expect((await outsider.post(`/api/amendments/${first.id}/disagreement`, { statement: 'x' })).status).toBe(404);
    // A restricted record's requests are clinical: its care provider reads them, another provider does not.
    const stranger = await t.signIn(await s.clinic.addUser('provider'));
    expect((await manager.put(`/api/patients/${visit.patientId}/restricted`, { restricted: true })).status).toBe(200);
    expect((await doctor.get(`/api/patients/${visit.patientId}/amendments`)).status).toBe(200);
    const refused = await stranger.get(`/api/patients/${visit.patientId}/amendments`);
    expect(refused.body.error.code).toBe('restricted_record');
    // Managers handle every patient's requests (as they answer right-of-access requests).
    expect((await manager.get(`/api/patients/${visit.patientId}/amendments`)).status).toBe(200);
    expect((await stranger.post(`/api/amendments/${first.id}/disagreement`, { statement: 'x' })).status).toBe(403);
    expect((await manager.put(`/api/patients/${visit.patientId}/restricted`, { restricted: false })).status).toBe(200);
    // The front desk records no clinical corrections and reads none.
    expect((await s.reception.get(`/api/patients/${visit.patientId}/amendments`)).status).toBe(403);
    expect(
      (await nurse.post(`/api/patients/${visit.patientId}/amendments`, { receivedOn: today(), request: 'x' })).status,
    ).toBe(403);
  });
});
