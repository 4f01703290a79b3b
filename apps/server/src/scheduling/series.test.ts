import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { at, MONDAY, type SchedulingScenario, schedulingScenario, utc } from './scenario';

/** Recurring appointments: every visit booked, or a conflict reported with alternatives; never half-booked. */

let t: TestApp;
let s: SchedulingScenario;
let physio: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  physio = await s.addType({ name: 'Physiotherapy', durationMinutes: 30 });
});
afterAll(() => t.close());

/** The Monday `weeks` weeks after 7 January 2030. */
const monday = (weeks: number) => new Date(Date.UTC(2030, 0, 7 + weeks * 7)).toISOString().slice(0, 10);

async function appointmentsOf(patientId: string): Promise<{ start_at: Date; series_id: string | null }[]> {
  return queryRows(
    t.database.db,
    sql`SELECT start_at, series_id FROM appointments WHERE patient_id = ${patientId} ORDER BY start_at`,
  );
}

describe('planning and booking weekly physiotherapy × 8', () => {
  it('reports each visit: free, taken (with the nearest times that day) or off (time off); books the chosen ones together', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    // Week 3: the provider is away that morning. Week 5: someone else has 09:00.
    expect(
      (
        await s.manager.post(`/api/providers/${providerId}/time-off`, {
          start: at(monday(2), '08:00'),
          end: at(monday(2), '12:00'),
          reason: 'Course',
        })
      ).status,
    ).toBe(201);
    const other = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: physio.id,
      start: at(monday(4), '09:00'),
    });
    expect(other.status).toBe(201);

    const plan = await s.reception.post('/api/appointments/series/plan', {
      patientId,
      providerId,
      appointmentTypeId: physio.id,
      start: at(MONDAY, '09:00'),
      count: 8,
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    const visits = plan.body.occurrences;
    expect(visits.map((v: { status: string }) => v.status)).toEqual([
      'free',
      'free',
      'outside_availability',
      'free',
      'slot_taken',
      'free',
      'free',
      'free',
    ]);
    expect(visits.map((v: { start: string }) => v.start)).toEqual(
      Array.from({ length: 8 }, (_, week) => utc(monday(week), '09:00')),
    );
    // Taken at 09:00: the nearest open times that morning.
    expect(visits[4].alternatives.map((a: { start: string }) => a.start)).toEqual([
      utc(monday(4), '09:30'),
      utc(monday(4), '09:45'),
      utc(monday(4), '10:00'),
    ]);
    expect(visits[4].message).toMatch(/already booked/);
    // Away all morning: the afternoon is offered instead.
    expect(visits[2].alternatives[0].start).toBe(utc(monday(2), '13:00'));

    // The receptionist takes 09:30 in week 5 and leaves week 3 out.
    const occurrences = visits
      .map((v: { start: string; status: string; alternatives: { start: string }[] }, week: number) =>
        v.status === 'free' ? v.start : week === 4 ? v.alternatives[0].start : null,
      )
      .filter(Boolean)
      .map((start: string) => ({ start, providerId }));
    const booked = await s.reception.post('/api/appointments/series', {
      patientId,
      appointmentTypeId: physio.id,
      occurrences,
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.items).toHaveLength(7);
    const stored = await appointmentsOf(patientId);
    expect(stored).toHaveLength(7);
    expect(new Set(stored.map((a) => a.series_id))).toEqual(new Set([booked.body.seriesId]));
    expect(booked.body.items[4].start).toBe(utc(monday(5), '09:00'));
    const [audit] = await queryRows<{ details: { visits: string[] } }>(
      t.database.db,
      sql`SELECT details FROM audit_events WHERE action = 'appointment.series_book' AND entity_id = ${booked.body.seriesId}`,
    );
    expect(audit.details.visits).toHaveLength(7);
  });

  it('books nothing when one visit is taken, and says which', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: physio.id,
      start: at(monday(2), '10:00'),
    });
    const res = await s.reception.post('/api/appointments/series', {
      patientId,
      appointmentTypeId: physio.id,
      occurrences: [0, 1, 2, 3].map((week) => ({ start: at(monday(week), '10:00'), providerId })),
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('slot_taken');
    expect(res.body.error.message).toBe(
      'Visit 3 (2030-01-21 10:00): The provider is already booked at this time. Choose another slot. Nothing was booked.',
    );
    expect(res.body.error.details.occurrence).toBe(2);
    expect(await appointmentsOf(patientId)).toEqual([]);
  });

  it('refuses a visit outside working hours unless overridden with a reason', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    const body = {
      patientId,
      appointmentTypeId: physio.id,
      occurrences: [0, 1].map((week) => ({ start: at(monday(week), '18:00'), providerId })),
    };
    const refused = await s.reception.post('/api/appointments/series', body);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('outside_availability');
    expect(refused.body.error.message).toMatch(/^Visit 1 \(2030-01-07 18:00\): .*Nothing was booked\.$/);
    expect(await appointmentsOf(patientId)).toEqual([]);
    const overridden = await s.reception.post('/api/appointments/series', {
      ...body,
      override: { reason: 'Evening sessions agreed with the provider' },
    });
    expect(overridden.status).toBe(201);
    expect(overridden.body.items.map((a: { overrideReason: string }) => a.overrideReason)).toEqual([
      'Evening sessions agreed with the provider',
      'Evening sessions agreed with the provider',
    ]);
  });

  it('of two series racing for one visit, one is booked whole and the other not at all', async () => {
    const providerId = await s.addProvider();
    const [first, second] = [await s.addPatient(), await s.addPatient()];
    const series = (patientId: string, hour: string) =>
      s.reception.post('/api/appointments/series', {
        patientId,
        appointmentTypeId: physio.id,
        // Both want 14:00 in week 2; otherwise their times differ.
        occurrences: [0, 1, 2].map((week) => ({ start: at(monday(week), week === 2 ? '14:00' : hour), providerId })),
      });
    const results = await Promise.all([series(first, '15:00'), series(second, '16:00')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const counts = [(await appointmentsOf(first)).length, (await appointmentsOf(second)).length].sort();
    expect(counts).toEqual([0, 3]);
  });

  it('keeps the local time across the change to daylight saving time', async () => {
    const providerId = await s.addProvider();
    const plan = await s.reception.post('/api/appointments/series/plan', {
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: physio.id,
      start: '2030-03-04T09:00:00-05:00',
      count: 2,
    });
    expect(plan.body.occurrences.map((v: { start: string; status: string }) => [v.start, v.status])).toEqual([
      ['2030-03-04T14:00:00.000Z', 'free'],
      // New York is on EDT (UTC−4) from 10 March 2030: still 09:00 on the wall clock.
      ['2030-03-11T13:00:00.000Z', 'free'],
    ]);
  });

  it('explains a bad request field by field', async () => {
    const bad = await s.reception.post('/api/appointments/series/plan', {
      patientId: await s.addPatient(),
      providerId: await s.addProvider(),
      appointmentTypeId: physio.id,
      start: at(MONDAY, '09:00'),
      count: 100,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'count', message: 'Choose between 2 and 52 visits.' }]);
  });
});
