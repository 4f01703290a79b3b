import { newId, queryRows, schema } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, unique } from '../test/harness';
import { at, MONDAY, type SchedulingScenario, schedulingScenario, utc } from './scenario';

/** Appointment types, rooms, working hours, time off, open slots and the booking lifecycle. */

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
const range = (date: string) =>
  `from=${utc(date, '00:00')}&to=${new Date(Date.parse(utc(date, '00:00')) + 86_400_000).toISOString()}`;

async function auditActions(entityId: string): Promise<{ action: string; details: Record<string, unknown> }[]> {
  return queryRows(
    t.database.db,
    sql`SELECT action, details FROM audit_events WHERE entity_id = ${entityId} ORDER BY id`,
  );
}

describe('appointment types and rooms', () => {
  it('are created by managers, listed for everyone, and changed without resetting what is not sent', async () => {
    const providerId = await s.addProvider();
    const created = await s.manager.post('/api/appointment-types', {
      name: 'New patient visit',
      durationMinutes: 40,
      color: '#ff0000',
      providerIds: [providerId],
      bufferAfterMinutes: 10,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ durationMinutes: 40, bufferAfterMinutes: 10, providerIds: [providerId] });
    const patched = await s.manager.patch(`/api/appointment-types/${created.body.id}`, { durationMinutes: 45 });
    expect(patched.body).toMatchObject({ durationMinutes: 45, color: '#ff0000', bufferAfterMinutes: 10 });
    const listed = await s.provider.get('/api/appointment-types');
    expect(listed.body.items.map((x: { name: string }) => x.name)).toContain('New patient visit');
    expect(
      (await s.reception.post('/api/appointment-types', { name: 'X', durationMinutes: 30, providerIds: [] })).status,
    ).toBe(403);
    const duplicate = await s.manager.post('/api/appointment-types', {
      name: 'new PATIENT visit',
      durationMinutes: 30,
      providerIds: [],
    });
    expect(duplicate.status).toBe(400);

    const room = await s.manager.post('/api/rooms', { locationId: s.locationId, name: 'Exam 1', roomType: 'exam' });
    expect(room.status).toBe(201);
    expect((await s.reception.get('/api/rooms')).body.items).toEqual([room.body]);
  });
});

describe('working hours', () => {
  it('keep versions: a change from a date ends the previous version the day before', async () => {
    const providerId = await s.addProvider({ validFrom: '2029-12-01' });
    const res = await s.manager.put(`/api/providers/${providerId}/working-hours`, {
      locationId: s.locationId,
      validFrom: '2030-02-01',
      blocks: [{ weekday: 1, start: '08:00', end: '12:00' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((v: { validFrom: string; validTo: string | null }) => [v.validFrom, v.validTo])).toEqual([
      ['2029-12-01', '2030-01-31'],
      ['2030-02-01', null],
    ]);
    const read = await s.provider.get(`/api/providers/${providerId}/working-hours`);
    expect(read.body).toEqual(res.body);
    expect(read.body.items[0].timezone).toBe('America/New_York');
    // A bounded change in the middle: the old hours resume the day after.
    const bounded = await s.manager.put(`/api/providers/${providerId}/working-hours`, {
      locationId: s.locationId,
      validFrom: '2030-01-10',
      validTo: '2030-01-12',
      blocks: [],
    });
    expect(
      bounded.body.items.map((v: { validFrom: string; validTo: string | null }) => [v.validFrom, v.validTo]),
    ).toEqual([
      ['2029-12-01', '2030-01-09'],
      ['2030-01-10', '2030-01-12'],
      ['2030-01-13', '2030-01-31'],
      ['2030-02-01', null],
    ]);
    const audit = await queryRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'schedule.update' AND entity_id = ${providerId}`,
    );
    expect(audit[0].n).toBe(3);
  });

  it('are refused with overlapping blocks, and managed by managers only', async () => {
    const providerId = await s.addProvider();
    const overlapping = await s.manager.put(`/api/providers/${providerId}/working-hours`, {
      locationId: s.locationId,
      blocks: [
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 1, start: '11:00', end: '13:00' },
      ],
    });
    expect(overlapping.status).toBe(400);
    const asReception = await s.reception.put(`/api/providers/${providerId}/working-hours`, {
      locationId: s.locationId,
      blocks: [],
    });
    expect(asReception.status).toBe(403);
  });
});

describe('booking', () => {
  it('books an open slot and returns id, start, end and status', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    const res = await s.book({ patientId, providerId, appointmentTypeId: cleaning.id, start: at(MONDAY, '09:00') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      start: utc(MONDAY, '09:00'),
      end: utc(MONDAY, '09:30'),
      status: 'booked',
      providerId,
      patientId,
      locationId: s.locationId,
    });
    expect((await auditActions(res.body.id)).map((a) => a.action)).toEqual(['appointment.book']);
  });

  it('frees a cancelled slot for booking again', async () => {
    const providerId = await s.addProvider();
    const [first, second] = [await s.addPatient(), await s.addPatient()];
    const body = { providerId, appointmentTypeId: cleaning.id, start: at(MONDAY, '11:00') };
    const booked = await s.book({ ...body, patientId: first });
    const taken = await s.book({ ...body, patientId: second, start: at(MONDAY, '11:15') });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({
      code: 'slot_taken',
      details: { conflictingAppointmentId: booked.body.id },
    });
    const cancelled = await s.reception.post(`/api/appointments/${booked.body.id}/cancel`, {
      reason: 'Patient called',
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Patient called' });
    expect(cancelled.body.cancelledAt).toEqual(expect.any(String));
    const again = await s.book({ ...body, patientId: second });
    expect(again.status).toBe(201);
  });

  it('holds the buffer after a visit', async () => {
    const providerId = await s.addProvider();
    const buffered = await s.addType({ durationMinutes: 30, bufferAfterMinutes: 15 });
    const patientId = await s.addPatient();
    expect(
      (await s.book({ patientId, providerId, appointmentTypeId: buffered.id, start: at(MONDAY, '09:00') })).status,
    ).toBe(201);
    const inBuffer = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '09:30'),
    });
    expect(inBuffer.body.error.code).toBe('slot_taken');
    const after = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '09:45'),
    });
    expect(after.status).toBe(201);
  });

  it('holds the longest visit there is (8 hours and a 2-hour buffer) to its last minute', async () => {
    const providerId = await s.addProvider({
      blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '06:00', end: '20:00' })),
    });
    const longest = await s.addType({ durationMinutes: 480, bufferAfterMinutes: 120 });
    const held = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: longest.id,
      start: at(TUESDAY, '07:00'),
    });
    expect(held.status).toBe(201);
    // Held until 17:00: the slot search and the conflict message both still see it at 16:45.
    const slots = await s.reception.get(
      `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${providerId}&from=${utc(TUESDAY, '16:30')}&to=${utc(TUESDAY, '17:30')}`,
    );
    expect(slots.body.items.map((slot: { start: string }) => slot.start)).toEqual([
      utc(TUESDAY, '17:00'),
      utc(TUESDAY, '17:15'),
    ]);
    const late = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '16:45'),
    });
    expect(late.status).toBe(409);
    expect(late.body.error.details.conflictingAppointmentId).toBe(held.body.id);
  });

  it('refuses outside working hours, and allows it with an audited override for the front desk only', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    const body = { patientId, providerId, appointmentTypeId: cleaning.id, start: at(MONDAY, '07:30') };
    const refused = await s.book(body);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('outside_availability');
    expect(refused.body.error.fields[0].path).toBe('start');
    // The lunch break is outside too.
    expect((await s.book({ ...body, start: at(MONDAY, '12:00') })).body.error.code).toBe('outside_availability');
    const asProvider = await s.book({ ...body, override: { reason: 'Early start' } }, s.provider);
    expect(asProvider.status).toBe(403);
    const allowed = await s.book({ ...body, override: { reason: 'Patient works nights' } });
    expect(allowed.status).toBe(201);
    expect(allowed.body.overrideReason).toBe('Patient works nights');
    const audit = await auditActions(allowed.body.id);
    expect(audit.map((a) => a.action)).toEqual(['appointment.book', 'appointment.override']);
    expect(audit[1].details).toEqual({ reason: 'Patient works nights' });
  });

  it('warns when the patient is already booked at an overlapping time with another provider', async () => {
    const [a, b] = [await s.addProvider(), await s.addProvider()];
    const patientId = await s.addPatient();
    const first = await s.book({
      patientId,
      providerId: a,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '09:00'),
    });
    const second = { patientId, providerId: b, appointmentTypeId: cleaning.id, start: at(TUESDAY, '09:15') };
    const warned = await s.book(second);
    expect(warned.status).toBe(409);
    expect(warned.body.error).toMatchObject({
      code: 'patient_overlap',
      details: { conflictingAppointmentIds: [first.body.id] },
    });
    expect((await s.book({ ...second, allowPatientOverlap: true })).status).toBe(201);

    // The checks run side by side but answer in their order: outside working hours (the lunch
    // break) before the overlap, an unknown patient before an unknown type or provider.
    const atLunch = { patientId, appointmentTypeId: cleaning.id, start: at(TUESDAY, '12:00') };
    const override = { reason: 'The only time the patient can come' };
    expect((await s.book({ ...atLunch, providerId: a, override })).status).toBe(201);
    expect((await s.book({ ...atLunch, providerId: b })).body.error.code).toBe('outside_availability');
    expect((await s.book({ ...atLunch, providerId: b, override })).body.error.code).toBe('patient_overlap');
    const unknown = await s.book({ ...second, patientId: newId(), appointmentTypeId: newId(), providerId: newId() });
    expect(unknown.body.error).toMatchObject({ code: 'not_found', message: 'The patient was not found.' });
    const unknownType = await s.book({ ...second, appointmentTypeId: newId(), providerId: newId() });
    expect(unknownType.body.error.message).toBe('The appointment type was not found.');
  });

  it('takes a free room of the type the visit needs, and never double-books a room', async () => {
    const [a, b] = [await s.addProvider(), await s.addProvider()];
    const xray = await s.addType({ durationMinutes: 20, roomType: 'xray' });
    const room = await s.manager.post('/api/rooms', { locationId: s.locationId, name: 'X-ray 1', roomType: 'xray' });
    const first = await s.book({
      patientId: await s.addPatient(),
      providerId: a,
      appointmentTypeId: xray.id,
      start: at(TUESDAY, '10:00'),
    });
    expect(first.status).toBe(201);
    expect(first.body.roomId).toBe(room.body.id);
    // No other x-ray room: refused, also when the room is named explicitly (the constraint names the booking).
    const body = {
      patientId: await s.addPatient(),
      providerId: b,
      appointmentTypeId: xray.id,
      start: at(TUESDAY, '10:10'),
    };
    const noRoom = await s.book(body);
    expect(noRoom.status).toBe(409);
    const explicit = await s.book({ ...body, roomId: room.body.id });
    expect(explicit.status).toBe(409);
    expect(explicit.body.error).toMatchObject({
      code: 'slot_taken',
      details: { conflictingAppointmentId: first.body.id },
    });
    // The open slots of an x-ray visit skip the time the room is held.
    const slots = await s.reception.get(`/api/slots?appointmentTypeId=${xray.id}&providerId=${b}&${range(TUESDAY)}`);
    const starts = slots.body.items.map((x: { start: string }) => x.start);
    expect(starts).not.toContain(utc(TUESDAY, '10:00'));
    expect(starts).toContain(utc(TUESDAY, '10:30'));
  });

  it('moves a visit through its day with a timestamp per step, and refuses steps that make no sense', async () => {
    const providerId = await s.addProvider();
    const booked = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '14:00'),
    });
    const id = booked.body.id;
    const started = await s.reception.post(`/api/appointments/${id}/start`);
    expect(started.status).toBe(409);
    expect(started.body.error.code).toBe('conflict');
    expect(started.body.error.message).toBe('This appointment is booked, so it cannot be started.');
    for (const [step, status, stamp] of [
      ['confirm', 'confirmed', 'confirmedAt'],
      ['check-in', 'checked_in', 'checkedInAt'],
      ['start', 'in_progress', 'startedAt'],
      ['complete', 'completed', 'completedAt'],
    ] as const) {
      const res = await s.provider.post(`/api/appointments/${id}/${step}`);
      expect(res.status, step).toBe(200);
      expect(res.body.status).toBe(status);
      expect(res.body[stamp]).toEqual(expect.any(String));
    }
    for (const step of ['no-show', 'check-in', 'confirm']) {
      const res = await s.reception.post(`/api/appointments/${id}/${step}`);
      expect(res.status, step).toBe(409);
    }
    expect((await s.reception.post(`/api/appointments/${id}/cancel`, { reason: 'Too late' })).status).toBe(409);
    expect((await s.reception.post(`/api/appointments/${id}/reschedule`, { start: at(TUESDAY, '15:00') })).status).toBe(
      409,
    );
    const actions = (await auditActions(id)).map((a) => a.action);
    expect(actions).toEqual([
      'appointment.book',
      'appointment.confirm',
      'appointment.check_in',
      'appointment.start',
      'appointment.complete',
    ]);
    // A no-show frees the time.
    const other = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '15:00'),
    });
    expect((await s.reception.post(`/api/appointments/${other.body.id}/no-show`)).body.noShowAt).toEqual(
      expect.any(String),
    );
    expect(
      (
        await s.book({
          patientId: await s.addPatient(),
          providerId,
          appointmentTypeId: cleaning.id,
          start: at(TUESDAY, '15:00'),
        })
      ).status,
    ).toBe(201);
  });

  it('reschedules to a free time, refuses a taken or unavailable one, and changes nothing then', async () => {
    const providerId = await s.addProvider();
    const one = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '09:00'),
    });
    const two = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(TUESDAY, '10:00'),
    });
    const taken = await s.reception.post(`/api/appointments/${two.body.id}/reschedule`, {
      start: at(TUESDAY, '09:15'),
    });
    expect(taken.body.error).toMatchObject({ code: 'slot_taken', details: { conflictingAppointmentId: one.body.id } });
    const closed = await s.reception.post(`/api/appointments/${two.body.id}/reschedule`, {
      start: at(TUESDAY, '18:00'),
    });
    expect(closed.body.error.code).toBe('outside_availability');
    expect((await s.reception.get(`/api/appointments/${two.body.id}`)).body.start).toBe(utc(TUESDAY, '10:00'));
    // Moving a visit by a quarter hour overlaps only itself.
    const moved = await s.reception.post(`/api/appointments/${two.body.id}/reschedule`, {
      start: at(TUESDAY, '10:15'),
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ start: utc(TUESDAY, '10:15'), end: utc(TUESDAY, '10:45') });
    expect((await auditActions(two.body.id)).map((a) => a.action)).toEqual([
      'appointment.book',
      'appointment.reschedule',
    ]);
  });
});

describe('open slots', () => {
  it('are working hours minus bookings and time off, on a 15-minute grid', async () => {
    const providerId = await s.addProvider();
    const day = '2030-01-09';
    await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(day, '09:00'),
    });
    const off = await s.manager.post(`/api/providers/${providerId}/time-off`, {
      start: at(day, '13:00'),
      end: at(day, '15:00'),
      reason: 'Dentist',
    });
    expect(off.status).toBe(201);
    expect((await s.reception.get(`/api/providers/${providerId}/time-off`)).body.items).toEqual([off.body]);

    const res = await s.reception.get(
      `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${providerId}&${range(day)}`,
    );
    expect(res.status).toBe(200);
    const starts: string[] = res.body.items.map((x: { start: string }) => x.start);
    const local = (iso: string) => new Date(Date.parse(iso) - 5 * 3_600_000).toISOString().slice(11, 16);
    expect(starts.map(local)).toEqual([
      '09:30',
      '09:45',
      '10:00',
      '10:15',
      '10:30',
      '10:45',
      '11:00',
      '11:15',
      '11:30',
      '15:00',
      '15:15',
      '15:30',
      '15:45',
      '16:00',
      '16:15',
      '16:30',
    ]);
    expect(res.body.items[0]).toEqual({
      providerId,
      locationId: s.locationId,
      start: utc(day, '09:30'),
      end: utc(day, '10:00'),
    });
    // Booking into time off is outside availability.
    const inTimeOff = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(day, '13:30'),
    });
    expect(inTimeOff.body.error.code).toBe('outside_availability');
  });

  it('"next available" finds the earliest slot across the providers who offer the type', async () => {
    const late = await s.addProvider({ blocks: [{ weekday: 4, start: '15:00', end: '16:00' }] });
    const early = await s.addProvider({ blocks: [{ weekday: 4, start: '10:00', end: '10:30' }] });
    const notOffering = await s.addProvider({ blocks: [{ weekday: 4, start: '08:00', end: '09:00' }] });
    const type = await s.addType({ durationMinutes: 30, providerIds: [late, early] });
    const thursday = '2030-01-10';
    const next = await s.reception.get(`/api/slots/next?appointmentTypeId=${type.id}&from=${utc(MONDAY, '00:00')}`);
    expect(next.body.slot).toEqual({
      providerId: early,
      locationId: s.locationId,
      start: utc(thursday, '10:00'),
      end: utc(thursday, '10:30'),
    });
    await s.book({
      patientId: await s.addPatient(),
      providerId: early,
      appointmentTypeId: type.id,
      start: at(thursday, '10:00'),
    });
    const after = await s.reception.get(`/api/slots/next?appointmentTypeId=${type.id}&from=${utc(MONDAY, '00:00')}`);
    expect(after.body.slot).toMatchObject({ providerId: late, start: utc(thursday, '15:00') });
    // Searched from Thursday morning: the same day (the first span searched).
    const sameDay = await s.reception.get(
      `/api/slots/next?appointmentTypeId=${type.id}&from=${utc(thursday, '09:00')}`,
    );
    expect(sameDay.body.slot).toMatchObject({ providerId: late, start: utc(thursday, '15:00') });
    // With Thursday full, the earliest is a week later, past the first day and the first week searched.
    for (const time of ['15:00', '15:30']) {
      await s.book({
        patientId: await s.addPatient(),
        providerId: late,
        appointmentTypeId: type.id,
        start: at(thursday, time),
      });
    }
    const nextWeek = await s.reception.get(`/api/slots/next?appointmentTypeId=${type.id}&from=${utc(MONDAY, '00:00')}`);
    expect(nextWeek.body.slot).toMatchObject({ providerId: early, start: utc('2030-01-17', '10:00') });
    expect(notOffering).not.toBe(late);
    const tooLong = await s.reception.get(
      `/api/slots?appointmentTypeId=${type.id}&from=${utc(MONDAY, '00:00')}&to=2030-04-01T00:00:00Z`,
    );
    expect(tooLong.status).toBe(400);
  });
});

describe('the clinic’s slot grid', () => {
  it('offers start times every 15 minutes by default, or as often as the clinic sets', async () => {
    const g = await schedulingScenario(t);
    const providerId = await g.addProvider({ blocks: [{ weekday: 2, start: '09:00', end: '11:00' }] });
    const type = await g.addType({ durationMinutes: 30 });
    const times = async () =>
      (
        await g.reception.get(`/api/slots?appointmentTypeId=${type.id}&providerId=${providerId}&${range(TUESDAY)}`)
      ).body.items.map((slot: { start: string }) => slot.start);
    expect(await times()).toHaveLength(7);

    const bad = await g.admin.patch('/api/clinic', { slotGridMinutes: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([
      { path: 'slotGridMinutes', message: 'Choose a slot grid of 5, 10, 15, 20, 30 or 60 minutes.' },
    ]);
    expect((await g.manager.patch('/api/clinic', { slotGridMinutes: 30 })).status).toBe(403);
    const changed = await g.admin.patch('/api/clinic', { slotGridMinutes: 30 });
    expect(changed.body.slotGridMinutes).toBe(30);
    expect(await times()).toEqual(['09:00', '09:30', '10:00', '10:30'].map((time) => utc(TUESDAY, time)));
  });
});

describe('open slots across time zones and daylight saving', () => {
  it('keep local wall-clock hours through the spring change and at a location in another zone', async () => {
    const providerId = await s.addProvider({
      blocks: [
        { weekday: 5, start: '09:00', end: '09:30' },
        { weekday: 1, start: '09:00', end: '09:30' },
      ],
    });
    const west = await s.admin.post('/api/locations', { name: 'West', timezone: 'America/Los_Angeles' });
    const hours = await s.manager.put(`/api/providers/${providerId}/working-hours`, {
      locationId: west.body.id,
      validFrom: '2029-12-01',
      blocks: [{ weekday: 2, start: '09:00', end: '09:30' }],
    });
    expect(hours.body.items).toHaveLength(2);
    // New York changes to UTC−4 on Sunday 2030-03-10; Los Angeles the same night, to UTC−7.
    const res = await s.reception.get(
      `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${providerId}&from=2030-03-08T00:00:00Z&to=2030-03-13T00:00:00Z`,
    );
    expect(res.body.items).toEqual([
      { providerId, locationId: s.locationId, start: '2030-03-08T14:00:00.000Z', end: '2030-03-08T14:30:00.000Z' },
      { providerId, locationId: s.locationId, start: '2030-03-11T13:00:00.000Z', end: '2030-03-11T13:30:00.000Z' },
      { providerId, locationId: west.body.id, start: '2030-03-12T16:00:00.000Z', end: '2030-03-12T16:30:00.000Z' },
    ]);
    // A booking takes the location of the hours it falls in.
    const booked = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: cleaning.id,
      start: '2030-03-12T09:00:00-07:00',
    });
    expect(booked.body.locationId).toBe(west.body.id);
  });
});

describe('the appointment list', () => {
  it('refuses a range holding more than 5,000 appointments rather than showing part of it', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    const first = Date.parse('2031-03-01T00:00:00Z');
    const quarter = 15 * 60_000;
    const rows = Array.from({ length: 5001 }, (_, i) => ({
      id: newId(),
      clinicId: s.clinic.clinicId,
      patientId,
      providerId,
      locationId: s.locationId,
      appointmentTypeId: cleaning.id,
      startAt: new Date(first + i * quarter),
      endAt: new Date(first + i * quarter + 10 * 60_000),
      bufferEndAt: new Date(first + i * quarter + 10 * 60_000),
      status: 'booked' as const,
    }));
    for (let i = 0; i < rows.length; i += 1000)
      await t.database.db.insert(schema.appointments).values(rows.slice(i, i + 1000));
    const all = `from=2031-03-01T00:00:00Z&to=2031-04-30T00:00:00Z&providerId=${providerId}`;
    const refused = await s.manager.get(`/api/appointments?${all}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      'More than 5,000 appointments in this range: choose a shorter range, one location or one provider.',
    );
    // The last one is exactly what tipped it over: 5,000 are listed, all of them.
    const lastStart = rows[5000].startAt.toISOString();
    const fewer = await s.manager.get(
      `/api/appointments?from=2031-03-01T00:00:00Z&to=${lastStart}&providerId=${providerId}`,
    );
    expect(fewer.status).toBe(200);
    expect(fewer.body.items).toHaveLength(5000);
  });
});

describe('one location’s day', () => {
  it('lists the working time and appointments of the location asked for, time off taken out', async () => {
    const g = await schedulingScenario(t);
    const type = await g.addType({ durationMinutes: 30 });
    const main = await g.addProvider();
    const away = await g.addProvider({ blocks: [] });
    const north = await g.admin.post('/api/locations', { name: 'North', timezone: 'America/Chicago' });
    expect(north.status).toBe(201);
    await g.manager.put(`/api/providers/${away}/working-hours`, {
      locationId: north.body.id,
      validFrom: '2029-12-01',
      blocks: [{ weekday: 2, start: '09:00', end: '11:00' }],
    });
    const gone = await g.addProvider();
    expect((await g.admin.patch(`/api/providers/${gone}`, { active: false })).status).toBe(200);
    const off = await g.manager.post(`/api/providers/${main}/time-off`, {
      start: at(TUESDAY, '10:00'),
      end: at(TUESDAY, '11:00'),
    });
    expect(off.status).toBe(201);

    const everywhere = await g.reception.get(`/api/working-time?${range(TUESDAY)}`);
    expect(everywhere.status).toBe(200);
    expect(everywhere.body.items).toEqual([
      { providerId: main, locationId: g.locationId, start: utc(TUESDAY, '09:00'), end: utc(TUESDAY, '10:00') },
      // Chicago is an hour behind New York: 09:00 there is 10:00 here.
      { providerId: away, locationId: north.body.id, start: utc(TUESDAY, '10:00'), end: utc(TUESDAY, '12:00') },
      { providerId: main, locationId: g.locationId, start: utc(TUESDAY, '11:00'), end: utc(TUESDAY, '12:00') },
      { providerId: main, locationId: g.locationId, start: utc(TUESDAY, '13:00'), end: utc(TUESDAY, '17:00') },
    ]);
    const atNorth = await g.reception.get(`/api/working-time?${range(TUESDAY)}&locationId=${north.body.id}`);
    expect(atNorth.body.items).toEqual([
      { providerId: away, locationId: north.body.id, start: utc(TUESDAY, '10:00'), end: utc(TUESDAY, '12:00') },
    ]);
    // The week view's one provider: theirs only, at every location; another clinic's is not found.
    const mains = await g.reception.get(`/api/working-time?${range(TUESDAY)}&providerId=${main}`);
    expect(mains.body.items).toEqual(
      everywhere.body.items.filter((w: { providerId: string }) => w.providerId === main),
    );
    expect(mains.body.items).toHaveLength(3);
    const foreign = await s.addProvider();
    expect((await g.reception.get(`/api/working-time?${range(TUESDAY)}&providerId=${foreign}`)).status).toBe(404);

    const here = await g.book({
      patientId: await g.addPatient(),
      providerId: main,
      appointmentTypeId: type.id,
      start: at(TUESDAY, '09:00'),
    });
    const there = await g.book({
      patientId: await g.addPatient(),
      providerId: away,
      appointmentTypeId: type.id,
      start: at(TUESDAY, '10:00'),
    });
    expect([here.status, there.status]).toEqual([201, 201]);
    const ids = async (query: string) =>
      (await g.reception.get(`/api/appointments?${range(TUESDAY)}${query}`)).body.items.map(
        (a: { id: string }) => a.id,
      );
    expect(await ids('')).toEqual([here.body.id, there.body.id]);
    expect(await ids(`&locationId=${north.body.id}`)).toEqual([there.body.id]);
    expect(await ids(`&locationId=${g.locationId}`)).toEqual([here.body.id]);

    // Another clinic's location, or none at all, is named as the thing to fix.
    const elsewhere = await s.admin.post('/api/locations', { name: unique('Elsewhere'), timezone: 'UTC' });
    for (const url of [`/api/appointments`, `/api/working-time`]) {
      for (const locationId of [elsewhere.body.id, newId()]) {
        const refused = await g.reception.get(`${url}?${range(TUESDAY)}&locationId=${locationId}`);
        expect(refused.status, url).toBe(400);
        expect(refused.body.error.fields, url).toEqual([
          { path: 'querystring.locationId', message: 'Choose one of the clinic’s locations.' },
        ]);
      }
    }
    const tooLong = await g.reception.get('/api/working-time?from=2030-01-01T00:00:00Z&to=2030-03-05T00:00:00Z');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.fields).toEqual([
      { path: 'querystring.to', message: 'Choose a range of at most 62 days.' },
    ]);
  });
});

describe('clinic isolation', () => {
  it('shows and changes nothing of another clinic’s appointments', async () => {
    const providerId = await s.addProvider();
    const patientId = await s.addPatient();
    const booked = await s.book({
      patientId,
      providerId,
      appointmentTypeId: cleaning.id,
      start: at('2030-01-11', '09:00'),
    });
    const other = await t.createClinic();
    const outsider = await t.signIn(other.admin);
    const id = booked.body.id;
    expect((await outsider.get(`/api/appointments/${id}`)).status).toBe(404);
    for (const step of ['confirm', 'check-in', 'no-show']) {
      expect((await outsider.post(`/api/appointments/${id}/${step}`)).status).toBe(404);
    }
    expect((await outsider.post(`/api/appointments/${id}/cancel`, { reason: 'x' })).status).toBe(404);
    expect(
      (await outsider.post(`/api/appointments/${id}/reschedule`, { start: at('2030-01-11', '10:00') })).status,
    ).toBe(404);
    const listed = await outsider.get(`/api/appointments?${range('2030-01-11')}&providerId=${providerId}`);
    expect(listed.body.items).toEqual([]);
    expect((await outsider.get(`/api/providers/${providerId}/working-hours`)).status).toBe(404);
    expect((await outsider.get(`/api/slots?appointmentTypeId=${cleaning.id}&${range('2030-01-11')}`)).status).toBe(404);
    const ownType = await outsider.post('/api/appointment-types', {
      name: 'Theirs',
      durationMinutes: 30,
      providerIds: [],
    });
    // Another clinic's patient and provider in a booking body are not found either.
    const stolen = await outsider.post('/api/appointments', {
      patientId,
      providerId,
      appointmentTypeId: ownType.body.id,
      start: at('2030-01-11', '10:00'),
    });
    expect(stolen.status).toBe(404);
    expect((await s.reception.get(`/api/appointments/${id}`)).body.status).toBe('booked');
  });
});
