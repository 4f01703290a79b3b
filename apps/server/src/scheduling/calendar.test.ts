import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { at, MONDAY, type SchedulingScenario, schedulingScenario, utc } from './scenario';

/**
 * Extra hours, clinic closures, the checks a reschedule shares with booking, and the audit of
 * reading appointments.
 */

let t: TestApp;
let s: SchedulingScenario;
let cleaning: { id: string; durationMinutes: number };

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  cleaning = await s.addType({ name: 'Cleaning', durationMinutes: 30 });
});
afterAll(() => t.close());

const TUESDAY = '2030-01-08';
const SATURDAY = '2030-01-12';
const dayRange = (date: string) =>
  `from=${utc(date, '00:00')}&to=${new Date(Date.parse(utc(date, '00:00')) + 86_400_000).toISOString()}`;
const starts = (body: { items: { start: string }[] }) => body.items.map((x) => x.start);

async function auditRows(where: ReturnType<typeof sql>) {
  return queryRows<{ action: string; patient_id: string | null; entity_id: string | null; details: unknown }>(
    t.database.db,
    sql`SELECT action, patient_id, entity_id, details FROM audit_events WHERE ${where} ORDER BY id`,
  );
}

describe('extra hours', () => {
  it('make a Saturday morning bookable, are listed, and audited', async () => {
    const providerId = await s.addProvider();
    const slotsUrl = `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${providerId}&${dayRange(SATURDAY)}`;
    expect((await s.reception.get(slotsUrl)).body.items).toEqual([]);
    const booking = { providerId, appointmentTypeId: cleaning.id, start: at(SATURDAY, '09:00') };
    const closed = await s.book({ ...booking, patientId: await s.addPatient() });
    expect(closed.body.error.code).toBe('outside_availability');

    const created = await s.manager.post(`/api/providers/${providerId}/extra-hours`, {
      locationId: s.locationId,
      start: at(SATURDAY, '09:00'),
      end: at(SATURDAY, '11:00'),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      providerId,
      locationId: s.locationId,
      start: utc(SATURDAY, '09:00'),
      end: utc(SATURDAY, '11:00'),
    });
    const listed = await s.provider.get(`/api/providers/${providerId}/extra-hours`);
    expect(listed.body.items).toEqual([created.body]);
    const elsewhen = await s.provider.get(`/api/providers/${providerId}/extra-hours?${dayRange(MONDAY)}`);
    expect(elsewhen.body.items).toEqual([]);

    const slots = await s.reception.get(slotsUrl);
    expect(starts(slots.body)).toEqual(
      ['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30'].map((time) => utc(SATURDAY, time)),
    );
    expect(slots.body.items[0]).toEqual({
      providerId,
      locationId: s.locationId,
      start: utc(SATURDAY, '09:00'),
      end: utc(SATURDAY, '09:30'),
    });
    const booked = await s.book({ ...booking, patientId: await s.addPatient() });
    expect(booked.status).toBe(201);
    expect(booked.body.overrideReason).toBeNull();

    const audit = await auditRows(sql`action = 'schedule.extra_hours' AND entity_id = ${providerId}`);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ extraHoursId: created.body.id, locationId: s.locationId });

    // Removed: no more open slots that morning; the visit already booked stays.
    const removeUrl = `/api/providers/${providerId}/extra-hours/${created.body.id}`;
    expect((await s.reception.delete(removeUrl)).status).toBe(403);
    expect((await s.manager.delete(removeUrl)).status).toBe(204);
    expect((await s.manager.delete(removeUrl)).status).toBe(404);
    expect((await s.reception.get(slotsUrl)).body.items).toEqual([]);
    expect((await s.reception.get(`/api/appointments/${booked.body.id}`)).body.status).toBe('booked');
    const removed = await auditRows(sql`action = 'schedule.extra_hours_remove' AND entity_id = ${providerId}`);
    expect(removed.map((r) => r.details)).toEqual([
      { extraHoursId: created.body.id, start: utc(SATURDAY, '09:00'), end: utc(SATURDAY, '11:00') },
    ]);
  });

  it('are refused when the end is not after the start, longer than a day, or added by the front desk', async () => {
    const providerId = await s.addProvider();
    const url = `/api/providers/${providerId}/extra-hours`;
    const body = { locationId: s.locationId, start: at(SATURDAY, '09:00'), end: at(SATURDAY, '12:00') };
    const backwards = await s.manager.post(url, { ...body, end: at(SATURDAY, '08:00') });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields[0].path).toBe('end');
    const tooLong = await s.manager.post(url, { ...body, end: at('2030-01-13', '09:15') });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.fields[0].path).toBe('end');
    expect((await s.manager.post(url, { ...body, end: at('2030-01-13', '09:00') })).status).toBe(201);
    expect((await s.manager.post(url, { ...body, start: '2030-01-12 09:00' })).status).toBe(400);
    expect((await s.reception.post(url, body)).status).toBe(403);
  });

  it('stay within the clinic: another clinic’s provider or location is not found', async () => {
    const providerId = await s.addProvider();
    const other = await schedulingScenario(t);
    const body = { locationId: s.locationId, start: at(SATURDAY, '09:00'), end: at(SATURDAY, '12:00') };
    expect((await other.manager.post(`/api/providers/${providerId}/extra-hours`, body)).status).toBe(404);
    expect((await other.manager.get(`/api/providers/${providerId}/extra-hours`)).status).toBe(404);
    const theirProvider = await other.addProvider();
    const foreignLocation = await s.manager.post(`/api/providers/${providerId}/extra-hours`, {
      ...body,
      locationId: other.locationId,
    });
    expect(foreignLocation.status).toBe(404);
    expect((await other.manager.post(`/api/providers/${theirProvider}/extra-hours`, body)).status).toBe(404);
    expect((await s.manager.get(`/api/providers/${providerId}/extra-hours`)).body.items).toEqual([]);
  });
});

describe('clinic-wide time off (holidays)', () => {
  it('takes every provider’s slots away, is listed and audited, and stays in its clinic', async () => {
    // A clinic of its own: a closure concerns every provider of the clinic.
    const h = await schedulingScenario(t);
    const [a, b] = [await h.addProvider(), await h.addProvider()];
    const type = await h.addType({ durationMinutes: 30 });
    const holiday = '2030-01-09';
    const next = '2030-01-10';
    const body = { start: at(holiday, '00:00'), end: at(next, '00:00'), reason: 'Clinic holiday' };

    expect((await h.reception.post('/api/time-off', body)).status).toBe(403);
    expect((await h.manager.post('/api/time-off', { ...body, end: body.start })).status).toBe(400);
    const created = await h.manager.post('/api/time-off', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      providerId: null,
      start: utc(holiday, '00:00'),
      end: utc(next, '00:00'),
      reason: 'Clinic holiday',
    });

    expect((await h.provider.get('/api/time-off')).body.items).toEqual([created.body]);
    expect((await h.provider.get(`/api/time-off?${dayRange(holiday)}`)).body.items).toEqual([created.body]);
    expect((await h.provider.get(`/api/time-off?${dayRange(next)}`)).body.items).toEqual([]);
    expect((await h.reception.get(`/api/providers/${a}/time-off`)).body.items).toEqual([created.body]);

    const slots = (date: string) => h.reception.get(`/api/slots?appointmentTypeId=${type.id}&${dayRange(date)}`);
    expect((await slots(holiday)).body.items).toEqual([]);
    const after = await slots(next);
    const providers = new Set(after.body.items.map((x: { providerId: string }) => x.providerId));
    expect(providers).toEqual(new Set([a, b]));
    const refused = await h.book({
      patientId: await h.addPatient(),
      providerId: b,
      appointmentTypeId: type.id,
      start: at(holiday, '10:00'),
    });
    expect(refused.body.error.code).toBe('outside_availability');

    const audit = await auditRows(sql`action = 'time_off.create' AND entity_id = ${created.body.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ providerId: null });

    // Another clinic neither sees the closure nor loses its slots to it.
    expect((await s.reception.get(`/api/time-off?${dayRange(holiday)}`)).body.items).toEqual([]);
    const own = await s.addProvider();
    const ownSlots = await s.reception.get(
      `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${own}&${dayRange(holiday)}`,
    );
    expect(ownSlots.body.items.length).toBeGreaterThan(0);

    // Only its own clinic can remove it; once removed, the day is bookable again.
    expect((await s.manager.delete(`/api/time-off/${created.body.id}`)).status).toBe(404);
    expect((await h.reception.delete(`/api/time-off/${created.body.id}`)).status).toBe(403);
    expect((await h.manager.delete(`/api/time-off/${created.body.id}`)).status).toBe(204);
    expect((await slots(holiday)).body.items.length).toBeGreaterThan(0);
    expect(await auditRows(sql`action = 'time_off.remove' AND entity_id = ${created.body.id}`)).toHaveLength(1);
  });
});

describe('rescheduling checks what booking checks', () => {
  it('warns of the patient’s overlapping visit with another provider unless confirmed', async () => {
    const [a, b] = [await s.addProvider(), await s.addProvider()];
    const patientId = await s.addPatient();
    const first = await s.book({
      patientId,
      providerId: a,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '09:00'),
    });
    const second = await s.book({
      patientId,
      providerId: b,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '10:00'),
    });
    expect(second.status).toBe(201);
    const url = `/api/appointments/${second.body.id}/reschedule`;
    const warned = await s.reception.post(url, { start: at(TUESDAY, '09:15') });
    expect(warned.status).toBe(409);
    expect(warned.body.error).toMatchObject({
      code: 'patient_overlap',
      details: { conflictingAppointmentIds: [first.body.id] },
    });
    expect((await s.reception.get(`/api/appointments/${second.body.id}`)).body.start).toBe(utc(TUESDAY, '10:00'));
    // Moving a visit over its own old time is no overlap.
    const nudged = await s.reception.post(`/api/appointments/${first.body.id}/reschedule`, {
      start: at(TUESDAY, '09:15'),
    });
    expect(nudged.status).toBe(200);
    const confirmed = await s.reception.post(url, { start: at(TUESDAY, '09:30'), allowPatientOverlap: true });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.start).toBe(utc(TUESDAY, '09:30'));
    const audit = await auditRows(sql`action = 'appointment.reschedule' AND entity_id = ${second.body.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ patientOverlapConfirmed: true, override: false });
  });

  it('moves outside working hours only with an audited override by the front desk', async () => {
    const providerId = await s.addProvider();
    const booked = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at('2030-01-14', '09:00'),
    });
    const url = `/api/appointments/${booked.body.id}/reschedule`;
    const evening = at('2030-01-14', '18:00');
    expect((await s.reception.post(url, { start: evening })).body.error.code).toBe('outside_availability');
    expect((await s.reception.post(url, { start: evening, override: { reason: 'x' } })).status).toBe(400);
    const asProvider = await s.provider.post(url, { start: evening, override: { reason: 'After work' } });
    expect(asProvider.status).toBe(403);
    const moved = await s.reception.post(url, { start: evening, override: { reason: 'Patient works days' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ start: utc('2030-01-14', '18:00'), overrideReason: 'Patient works days' });
    const audit = await auditRows(sql`entity_id = ${booked.body.id}`);
    expect(audit.map((row) => row.action)).toEqual([
      'appointment.book',
      'appointment.reschedule',
      'appointment.override',
    ]);
    expect(audit[1].details).toMatchObject({ override: true });
    expect(audit[2].details).toEqual({ reason: 'Patient works days' });
    // Back inside working hours, no override is needed or kept.
    const back = await s.reception.post(url, { start: at('2030-01-14', '10:00'), override: { reason: 'Not needed' } });
    expect(back.status).toBe(200);
    expect(back.body.overrideReason).toBeNull();
    expect((await auditRows(sql`entity_id = ${booked.body.id}`)).map((row) => row.action)).toHaveLength(4);
  });
});

describe('reading appointments', () => {
  it('writes an audit row per patient shown, in lists and for one appointment', async () => {
    const providerId = await s.addProvider();
    const day = '2030-01-15';
    const [p1, p2] = [await s.addPatient(), await s.addPatient()];
    const one = await s.book({ patientId: p1, providerId, appointmentTypeId: cleaning.id, start: at(day, '09:00') });
    await s.book({ patientId: p2, providerId, appointmentTypeId: cleaning.id, start: at(day, '10:00') });
    await s.book({ patientId: p1, providerId, appointmentTypeId: cleaning.id, start: at(day, '11:00') });
    const reads = (patientId: string) => auditRows(sql`action = 'appointment.read' AND patient_id = ${patientId}`);

    const listed = await s.provider.get(`/api/appointments?${dayRange(day)}&providerId=${providerId}`);
    expect(listed.body.items).toHaveLength(3);
    // One row per patient, not per appointment.
    expect(await reads(p1)).toHaveLength(1);
    expect(await reads(p2)).toHaveLength(1);
    const [row] = await reads(p2);
    expect(row.entity_id).toBe(p2);
    expect(row.details).toMatchObject({ resultCount: 3, query: { providerId } });

    expect((await s.provider.get(`/api/appointments/${one.body.id}`)).status).toBe(200);
    const afterOne = await reads(p1);
    expect(afterOne).toHaveLength(2);
    expect(afterOne[1].details).toEqual({ appointmentId: one.body.id });
    expect(await reads(p2)).toHaveLength(1);

    // An empty list is one row naming no patient; another clinic's appointment reads nothing.
    const emptyBefore = await auditRows(sql`action = 'appointment.read' AND patient_id IS NULL`);
    await s.provider.get(`/api/appointments?${dayRange('2030-02-05')}&providerId=${providerId}`);
    const emptyAfter = await auditRows(sql`action = 'appointment.read' AND patient_id IS NULL`);
    expect(emptyAfter.length).toBe(emptyBefore.length + 1);
    const outsider = await t.signIn((await t.createClinic()).admin);
    expect((await outsider.get(`/api/appointments/${one.body.id}`)).status).toBe(404);
    expect(await reads(p1)).toHaveLength(2);
  });
});
