import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { at, MONDAY, type SchedulingScenario, schedulingScenario, utc } from './scenario';

/**
 * No double booking under contention: 50 receptionists click the same slot at the same instant.
 * On PostgreSQL the pool is large enough for the requests to run side by side; the exclusion
 * constraint, not the application, decides who wins.
 */

let t: TestApp;
let s: SchedulingScenario;
let typeId: string;

beforeAll(async () => {
  t = await createTestApp({ poolSize: 40 });
  s = await schedulingScenario(t);
  typeId = (await s.addType()).id;
});
afterAll(() => t.close());

const CONCURRENT = 50;

describe('50 simultaneous requests for one slot', () => {
  it('books exactly one; the other 49 get 409 slot_taken naming it', async () => {
    const providerId = await s.addProvider();
    const patients = await Promise.all(Array.from({ length: 5 }, () => s.addPatient()));
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        s.book({
          patientId: patients[i % patients.length],
          providerId,
          appointmentTypeId: typeId,
          start: at(MONDAY, '10:00'),
          // Several patients at one time: the patient warning is not what this test is about.
          allowPatientOverlap: true,
        }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(CONCURRENT - 1);
    const winner = created[0].body;
    expect(winner).toMatchObject({ start: utc(MONDAY, '10:00'), end: utc(MONDAY, '10:30'), status: 'booked' });
    for (const res of refused) {
      expect(res.body.error.code).toBe('slot_taken');
      expect(res.body.error.details.conflictingAppointmentId).toBe(winner.id);
    }
    const listed = await s.reception.get(
      `/api/appointments?providerId=${providerId}&from=${utc(MONDAY, '00:00')}&to=${utc('2030-01-08', '00:00')}`,
    );
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([winner.id]);
  });

  it('reschedules exactly one of 50 appointments into a free slot; the others stay where they were', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    // 50 half-hour visits on Tuesday to Friday (14 a day).
    const days = ['2030-01-08', '2030-01-09', '2030-01-10', '2030-01-11'];
    const times = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '13:00', '13:30', '14:00', '14:30', '15:00'];
    const starts = days.flatMap((day) => [...times, '15:30', '16:00', '16:30'].map((time) => at(day, time)));
    const ids: string[] = [];
    for (const start of starts.slice(0, CONCURRENT)) {
      const res = await s.book({ patientId, providerId, appointmentTypeId: typeId, start });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    }
    const results = await Promise.all(
      ids.map((id) => s.reception.post(`/api/appointments/${id}/reschedule`, { start: at(MONDAY, '14:00') })),
    );
    const moved = results.filter((r) => r.status === 200);
    expect(moved).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(CONCURRENT - 1);
    for (const res of refused) {
      expect(res.body.error.code).toBe('slot_taken');
      expect(res.body.error.details.conflictingAppointmentId).toBe(moved[0].body.id);
    }
    // Nothing else changed: every other appointment is still at its own time.
    const listed = await s.reception.get(
      `/api/appointments?providerId=${providerId}&from=${utc(MONDAY, '00:00')}&to=${utc('2030-01-12', '00:00')}`,
    );
    const byId = new Map<string, { start: string }>(listed.body.items.map((a: { id: string }) => [a.id, a]));
    ids.forEach((id, i) => {
      const expected = id === moved[0].body.id ? utc(MONDAY, '14:00') : new Date(starts[i]).toISOString();
      expect(byId.get(id)?.start).toBe(expected);
    });
  });
});
