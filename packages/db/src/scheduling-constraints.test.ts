import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, sqlConstraint, sqlState } from './database';
import { newId } from './ids';
import { createTestDatabase } from './testing';

/**
 * No double booking is held by the database itself, whatever the application does: the
 * exclusion constraints of 0002_scheduling.sql, on the embedded database and on PostgreSQL.
 */

let database: Database;
let drop: () => Promise<void>;
const ids = {
  clinic: newId(),
  location: newId(),
  provider: newId(),
  other: newId(),
  type: newId(),
  patient: newId(),
  room: newId(),
};

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  const { clinic, location, provider, other, type, patient, room } = ids;
  await database.db.execute(sql`INSERT INTO clinics (id, name, timezone) VALUES (${clinic}, 'C', 'UTC')`);
  await database.db.execute(
    sql`INSERT INTO locations (id, clinic_id, name, timezone) VALUES (${location}, ${clinic}, 'L', 'UTC')`,
  );
  await database.db.execute(
    sql`INSERT INTO providers (id, clinic_id, name) VALUES (${provider}, ${clinic}, 'P'), (${other}, ${clinic}, 'Q')`,
  );
  await database.db.execute(
    sql`INSERT INTO appointment_types (id, clinic_id, name, duration_minutes) VALUES (${type}, ${clinic}, 'T', 30)`,
  );
  await database.db.execute(
    sql`INSERT INTO rooms (id, clinic_id, location_id, name, room_type) VALUES (${room}, ${clinic}, ${location}, 'R', 'exam')`,
  );
  await database.db.execute(
    sql`INSERT INTO patients (id, clinic_id, mrn, given_name, family_name, birth_date, sex, search_name)
        VALUES (${patient}, ${clinic}, '1', 'A', 'B', '2000-01-01', 'female', 'a b')`,
  );
});
afterAll(() => drop());

async function insert(options: {
  provider?: string;
  room?: string | null;
  start: string;
  end: string;
  status?: string;
}) {
  const id = newId();
  await database.db.execute(
    sql`INSERT INTO appointments (id, clinic_id, patient_id, provider_id, location_id, appointment_type_id, room_id,
          start_at, end_at, buffer_end_at, status)
        VALUES (${id}, ${ids.clinic}, ${ids.patient}, ${options.provider ?? ids.provider}, ${ids.location}, ${ids.type},
          ${options.room ?? null}, ${options.start}, ${options.end}, ${options.end}, ${options.status ?? 'booked'})`,
  );
  return id;
}

async function refusal(promise: Promise<unknown>): Promise<[string | undefined, string | undefined]> {
  try {
    await promise;
  } catch (error) {
    return [sqlState(error), sqlConstraint(error)];
  }
  return [undefined, undefined];
}

describe('appointments exclusion constraints', () => {
  it('refuse overlapping held times of one provider, allow touching ones and other providers', async () => {
    await insert({ start: '2030-01-07T14:00:00Z', end: '2030-01-07T14:30:00Z' });
    expect(await refusal(insert({ start: '2030-01-07T14:15:00Z', end: '2030-01-07T14:45:00Z' }))).toEqual([
      '23P01',
      'appointments_no_provider_overlap',
    ]);
    await insert({ start: '2030-01-07T14:30:00Z', end: '2030-01-07T15:00:00Z' });
    await insert({ provider: ids.other, start: '2030-01-07T14:00:00Z', end: '2030-01-07T14:30:00Z' });
  });

  it('ignore cancelled and no-show appointments', async () => {
    await insert({ start: '2030-01-08T14:00:00Z', end: '2030-01-08T14:30:00Z', status: 'cancelled' });
    await insert({ start: '2030-01-08T14:00:00Z', end: '2030-01-08T14:30:00Z', status: 'no_show' });
    await insert({ start: '2030-01-08T14:00:00Z', end: '2030-01-08T14:30:00Z' });
  });

  it('refuse a room held twice, even by different providers', async () => {
    await insert({ room: ids.room, start: '2030-01-09T14:00:00Z', end: '2030-01-09T14:30:00Z' });
    expect(
      await refusal(
        insert({ provider: ids.other, room: ids.room, start: '2030-01-09T14:10:00Z', end: '2030-01-09T14:20:00Z' }),
      ),
    ).toEqual(['23P01', 'appointments_no_room_overlap']);
  });
});
