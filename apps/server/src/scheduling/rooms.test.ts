import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, unique } from '../test/harness';
import { at, type SchedulingScenario, schedulingScenario } from './scenario';

/** Changing rooms: rename, retype, take out of use; what that means for bookings. */

let t: TestApp;
let s: SchedulingScenario;

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
});
afterAll(() => t.close());

const WEDNESDAY = '2030-01-09';

async function addRoom(body: Record<string, unknown> = {}) {
  const created = await s.manager.post('/api/rooms', {
    locationId: s.locationId,
    name: unique('Room'),
    roomType: unique('type'),
    ...body,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; name: string; roomType: string; locationId: string; active: boolean };
}

describe('PATCH /api/rooms/:id', () => {
  it('renames a room, keeps what is not sent, and writes the change to the audit log', async () => {
    const room = await addRoom({ name: 'Exam 1', roomType: 'exam' });
    const renamed = await s.manager.patch(`/api/rooms/${room.id}`, { name: 'Exam A' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...room, name: 'Exam A' });
    expect((await s.reception.get('/api/rooms')).body.items).toContainEqual(renamed.body);
    const audit = await queryRows<{ action: string; details: Record<string, unknown> }>(
      t.database.db,
      sql`SELECT action, details FROM audit_events WHERE entity_id = ${room.id} ORDER BY id`,
    );
    expect(audit).toEqual([
      { action: 'room.create', details: null },
      { action: 'room.update', details: { fields: ['name'] } },
    ]);
  });

  it('refuses a name another room at the location has, and bad input, with a sentence per field', async () => {
    const first = await addRoom({ name: 'Surgery 1' });
    const second = await addRoom({ name: 'Surgery 2' });
    const duplicate = await s.manager.patch(`/api/rooms/${second.id}`, { name: 'surgery 1' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.fields).toEqual([
      { path: 'name', message: 'This location already has a room with this name.' },
    ]);
    // Renaming a room to its own name in other letters is fine.
    expect((await s.manager.patch(`/api/rooms/${first.id}`, { name: 'SURGERY 1' })).status).toBe(200);
    for (const body of [{ name: '' }, { name: '   ' }, { roomType: '' }, { active: 'no' }, { name: 'x'.repeat(101) }]) {
      const refused = await s.manager.patch(`/api/rooms/${first.id}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect((await s.manager.patch('/api/rooms/not-an-id', { name: 'X' })).status).toBe(400);
  });

  it('is for managers; another clinic’s room is not found', async () => {
    const room = await addRoom();
    expect((await s.reception.patch(`/api/rooms/${room.id}`, { name: 'Mine' })).status).toBe(403);
    expect((await s.provider.patch(`/api/rooms/${room.id}`, { active: false })).status).toBe(403);
    const outsider = await t.signIn((await t.createClinic()).admin);
    const foreign = await outsider.patch(`/api/rooms/${room.id}`, { name: 'Mine' });
    expect(foreign.status).toBe(404);
    expect((await outsider.get('/api/rooms')).body.items).toEqual([]);
    const unchanged = (await s.manager.get('/api/rooms')).body.items.find((r: { id: string }) => r.id === room.id);
    expect(unchanged).toEqual(room);
  });

  it('takes a deactivated room out of new bookings; appointments already in it keep it', async () => {
    const roomType = unique('ultrasound');
    const [a, b, c] = [await s.addProvider(), await s.addProvider(), await s.addProvider()];
    const type = await s.addType({ durationMinutes: 30, roomType });
    const one = await addRoom({ name: 'Ultrasound 1', roomType });
    const two = await addRoom({ name: 'Ultrasound 2', roomType });
    const book = async (providerId: string, time: string) =>
      s.book({ patientId: await s.addPatient(), providerId, appointmentTypeId: type.id, start: at(WEDNESDAY, time) });

    const first = await book(a, '09:00');
    expect(first.status).toBe(201);
    expect(first.body.roomId).toBe(one.id);

    const off = await s.manager.patch(`/api/rooms/${one.id}`, { active: false });
    expect(off.body.active).toBe(false);
    expect((await s.reception.get(`/api/appointments/${first.body.id}`)).body.roomId).toBe(one.id);

    // Room 1 is free at 10:00 but out of use: the booking takes room 2, and then none is left.
    const second = await book(b, '10:00');
    expect(second.body.roomId).toBe(two.id);
    const third = await book(c, '10:00');
    expect(third.status).toBe(409);
    expect(third.body.error.message).toBe(`No ${roomType} room is free at this time. Choose another time.`);
    // Nor can staff name it.
    const named = await s.book({
      patientId: await s.addPatient(),
      providerId: c,
      appointmentTypeId: type.id,
      start: at(WEDNESDAY, '11:00'),
      roomId: one.id,
    });
    expect(named.status).toBe(400);

    // Back in use, it is taken again.
    expect((await s.manager.patch(`/api/rooms/${one.id}`, { active: true })).body.active).toBe(true);
    expect((await book(c, '10:00')).body.roomId).toBe(one.id);
  });

  it('changes a room’s type: it then serves visits of the new type only', async () => {
    const [oldType, newType] = [unique('exam'), unique('xray')];
    const [a, b] = [await s.addProvider(), await s.addProvider()];
    const exam = await s.addType({ durationMinutes: 30, roomType: oldType });
    const xray = await s.addType({ durationMinutes: 30, roomType: newType });
    const room = await addRoom({ roomType: oldType });
    const booked = await s.book({
      patientId: await s.addPatient(),
      providerId: a,
      appointmentTypeId: exam.id,
      start: at(WEDNESDAY, '13:00'),
    });
    expect(booked.body.roomId).toBe(room.id);

    const changed = await s.manager.patch(`/api/rooms/${room.id}`, { roomType: newType });
    expect(changed.body.roomType).toBe(newType);
    expect((await s.reception.get(`/api/appointments/${booked.body.id}`)).body.roomId).toBe(room.id);

    const exam2 = await s.book({
      patientId: await s.addPatient(),
      providerId: b,
      appointmentTypeId: exam.id,
      start: at(WEDNESDAY, '14:00'),
    });
    expect(exam2.status).toBe(409);
    const xray2 = await s.book({
      patientId: await s.addPatient(),
      providerId: b,
      appointmentTypeId: xray.id,
      start: at(WEDNESDAY, '14:00'),
    });
    expect(xray2.status).toBe(201);
    expect(xray2.body.roomId).toBe(room.id);
  });
});
