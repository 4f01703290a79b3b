import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, MONDAY, type SchedulingScenario, schedulingScenario, utc } from '../scheduling/scenario';
import { createTestApp, type TestApp } from '../test/harness';

/** The waitlist: who may take a freed slot, first come first served, and booking one of them. */

let t: TestApp;
let s: SchedulingScenario;
let cleaning: { id: string };
let longVisit: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  cleaning = await s.addType({ name: 'Cleaning', durationMinutes: 30 });
  longVisit = await s.addType({ name: 'Root canal', durationMinutes: 60 });
});
afterAll(() => t.close());

const names = (body: { items: { patientName: string }[] }) => body.items.map((e) => e.patientName);

async function patientNamed(): Promise<{ id: string; name: string }> {
  const id = await s.addPatient();
  const patient = await s.reception.get(`/api/patients/${id}`);
  return { id, name: `${patient.body.givenName} ${patient.body.familyName}` };
}

describe('the waitlist', () => {
  it('shows, for a cancelled slot, the waiting patients it suits in the order they asked', async () => {
    const [x, y] = [await s.addProvider(), await s.addProvider()];
    const anyProvider = await patientNamed();
    const withX = await patientNamed();
    const withY = await patientNamed();
    const tooLong = await patientNamed();
    const onlyLater = await patientNamed();
    const alreadyEarlier = await patientNamed();
    const add = (body: Record<string, unknown>) => s.reception.post('/api/waitlist', body);
    expect((await add({ patientId: anyProvider.id, appointmentTypeId: cleaning.id })).status).toBe(201);
    expect((await add({ patientId: withX.id, appointmentTypeId: cleaning.id, providerId: x })).status).toBe(201);
    expect((await add({ patientId: withY.id, appointmentTypeId: cleaning.id, providerId: y })).status).toBe(201);
    expect((await add({ patientId: tooLong.id, appointmentTypeId: longVisit.id })).status).toBe(201);
    expect(
      (await add({ patientId: onlyLater.id, appointmentTypeId: cleaning.id, availableFrom: '2030-01-08' })).status,
    ).toBe(201);
    // Already booked for a cleaning before the freed time: nothing to gain.
    await s.book({
      patientId: alreadyEarlier.id,
      providerId: y,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '09:00'),
    });
    expect((await add({ patientId: alreadyEarlier.id, appointmentTypeId: cleaning.id })).status).toBe(201);

    const waiting = await s.reception.get('/api/waitlist');
    expect(names(waiting.body)).toEqual([
      anyProvider.name,
      withX.name,
      withY.name,
      tooLong.name,
      onlyLater.name,
      alreadyEarlier.name,
    ]);
    expect(waiting.body.items[5].nextAppointmentStart).toBe(utc(MONDAY, '09:00'));

    // Someone cancels X's 10:00 cleaning on Monday.
    const booked = await s.book({
      patientId: await s.addPatient(),
      providerId: x,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '10:00'),
    });
    await s.reception.post(`/api/appointments/${booked.body.id}/cancel`, { reason: 'Moved away' });
    const matches = await s.reception.get(
      `/api/waitlist/matches?providerId=${x}&start=${booked.body.start}&end=${booked.body.bufferEnd}`,
    );
    expect(matches.status).toBe(200);
    expect(names(matches.body)).toEqual([anyProvider.name, withX.name]);

    // Seeing the matches is reading those patients: audited per patient.
    const audit = await queryRows<{ patient_id: string }>(
      t.database.db,
      sql`SELECT patient_id FROM audit_events WHERE action = 'waitlist.read' AND details->>'resultCount' = '2'`,
    );
    expect(audit.map((r) => r.patient_id).sort()).toEqual([anyProvider.id, withX.id].sort());
  });

  it('books a waiting patient into the freed slot and takes them off the list in the same step', async () => {
    const x = await s.addProvider();
    const patient = await patientNamed();
    const entry = await s.reception.post('/api/waitlist', { patientId: patient.id, appointmentTypeId: cleaning.id });
    const other = await patientNamed();
    const booking = { providerId: x, appointmentTypeId: cleaning.id, start: at(MONDAY, '11:00') };

    // Someone else's entry cannot be used, and then nothing is booked.
    const wrong = await s.book({ ...booking, patientId: other.id, waitlistEntryId: entry.body.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields[0].path).toBe('waitlistEntryId');
    const monday = await s.reception.get(
      `/api/appointments?from=${utc(MONDAY, '11:00')}&to=${utc(MONDAY, '11:30')}&providerId=${x}`,
    );
    expect(monday.body.items).toEqual([]);

    const booked = await s.book({ ...booking, patientId: patient.id, waitlistEntryId: entry.body.id });
    expect(booked.status).toBe(201);
    const done = await s.reception.get('/api/waitlist?status=booked');
    expect(done.body.items.find((e: { id: string }) => e.id === entry.body.id)).toMatchObject({
      status: 'booked',
      appointmentId: booked.body.id,
    });
    expect(names((await s.reception.get('/api/waitlist')).body)).not.toContain(patient.name);
  });

  it('keeps one entry per patient and type, removes with a reason, and stays in its clinic', async () => {
    const patient = await patientNamed();
    const first = await s.reception.post('/api/waitlist', { patientId: patient.id, appointmentTypeId: cleaning.id });
    const again = await s.reception.post('/api/waitlist', { patientId: patient.id, appointmentTypeId: cleaning.id });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`${patient.name} is already on the waitlist for Cleaning.`);
    const backwards = await s.reception.post('/api/waitlist', {
      patientId: patient.id,
      appointmentTypeId: longVisit.id,
      availableFrom: '2030-02-01',
      availableUntil: '2030-01-01',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields[0].path).toBe('availableUntil');

    const other = await schedulingScenario(t);
    expect((await other.reception.post(`/api/waitlist/${first.body.id}/remove`, { reason: 'x' })).status).toBe(404);
    expect(names((await other.reception.get('/api/waitlist')).body)).toEqual([]);
    expect((await s.reception.post(`/api/waitlist/${first.body.id}/remove`, {})).status).toBe(400);
    const removed = await s.reception.post(`/api/waitlist/${first.body.id}/remove`, {
      reason: 'Found a slot elsewhere',
    });
    expect(removed.body).toMatchObject({ status: 'removed', removeReason: 'Found a slot elsewhere' });
    expect((await s.reception.post(`/api/waitlist/${first.body.id}/remove`, { reason: 'again' })).status).toBe(409);
    // Off the list, the patient may be added again.
    expect(
      (await s.reception.post('/api/waitlist', { patientId: patient.id, appointmentTypeId: cleaning.id })).status,
    ).toBe(201);
  });
});
