import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from './database';
import { newId } from './ids';
import { prepared } from './prepared';
import * as schema from './schema';
import { createTestDatabase } from './testing';

/**
 * `prepared`: built once per database, inside a transaction run in that transaction, and one query
 * per name.
 */

let database: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
});
afterAll(async () => drop());

const clinicNameBuilder = (d: Db) =>
  d
    .select({ name: schema.clinics.name })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, sql.placeholder('id')));
const clinicName = prepared('tend_test_clinic_name', clinicNameBuilder);

describe('prepared', () => {
  it('keeps one query per database and name, and fills its parameters on each call', async () => {
    const { db } = database;
    expect(clinicName(db)).toBe(clinicName(db));
    const a = newId();
    const b = newId();
    await db.execute(sql`INSERT INTO clinics (id, name, timezone) VALUES (${a}, 'A', 'UTC'), (${b}, 'B', 'UTC')`);
    expect(await clinicName(db).execute({ id: a })).toEqual([{ name: 'A' }]);
    expect(await clinicName(db).execute({ id: b })).toEqual([{ name: 'B' }]);
    expect(await clinicName(db).execute({ id: newId() })).toEqual([]);
  });

  it('refuses a second query under a name already taken, when it is defined', async () => {
    const timezone = (d: Db) =>
      d
        .select({ name: schema.clinics.timezone })
        .from(schema.clinics)
        .where(eq(schema.clinics.id, sql.placeholder('id')));
    expect(() => prepared('tend_test_clinic_name', timezone)).toThrow(
      "Two prepared queries are named 'tend_test_clinic_name': give each its own name.",
    );
    // The same builder under its own name again is no second query.
    expect(prepared('tend_test_clinic_name', clinicNameBuilder)(database.db)).toBe(clinicName(database.db));
    // The first definition's query is the one kept: it still reads the name.
    const id = newId();
    await database.db.execute(sql`INSERT INTO clinics (id, name, timezone) VALUES (${id}, 'Named', 'UTC')`);
    expect(await clinicName(database.db).execute({ id })).toEqual([{ name: 'Named' }]);
  });

  it('keeps working after a migration changes the type of a column it selects', async () => {
    const { db } = database;
    const id = newId();
    await db.execute(sql`INSERT INTO clinics (id, name, timezone) VALUES (${id}, 'Typed', 'UTC')`);
    expect(await clinicName(db).execute({ id })).toEqual([{ name: 'Typed' }]);
    // What a newer release's migration may do while this server runs (a rolling upgrade). A named
    // statement would now fail on this connection for good: "cached plan must not change result type".
    await db.execute(sql`ALTER TABLE clinics ALTER COLUMN name TYPE varchar(500)`);
    for (let i = 0; i < 3; i++) expect(await clinicName(db).execute({ id })).toEqual([{ name: 'Typed' }]);
  });

  it('runs inside the transaction it is given: it sees the transaction’s own uncommitted rows', async () => {
    const { db } = database;
    await clinicName(db).execute({ id: newId() }); // the database's own query exists already
    const id = newId();
    let seen: unknown;
    const rolledBack = await db
      .transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO clinics (id, name, timezone) VALUES (${id}, 'In transaction', 'UTC')`);
        expect(clinicName(tx)).not.toBe(clinicName(db));
        seen = await clinicName(tx).execute({ id });
        tx.rollback();
      })
      .then(
        () => false,
        () => true,
      );
    expect(rolledBack).toBe(true);
    expect(seen).toEqual([{ name: 'In transaction' }]);
    expect(await clinicName(db).execute({ id })).toEqual([]);
  });
});
