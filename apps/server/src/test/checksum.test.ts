import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbChecksum } from './checksum';
import { createTestApp, patientBody, type TestApp } from './harness';

/** The attack suite's "database unchanged" rests on this: any changed row shows, by table. */

let t: TestApp;
let patientId: string;

beforeAll(async () => {
  t = await createTestApp();
  const clinic = await t.createClinic();
  const admin = await t.signIn(clinic.admin);
  const reception = await t.signIn(await clinic.addUser('receptionist'));
  expect((await admin.get('/api/users')).status).toBe(200);
  patientId = (await reception.post('/api/patients', patientBody())).body.id;
});
afterAll(() => t.close());

describe('dbChecksum', () => {
  it('covers every table of the public schema and is stable while nothing changes', async () => {
    const first = await dbChecksum(t.database.db);
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining(['patients', 'users', 'sessions', 'audit_events', 'clinics']),
    );
    expect(Object.keys(first)).not.toContain('auth_throttle');
    expect(await dbChecksum(t.database.db)).toEqual(first);
  });

  it('names the table of a changed, added or removed row', async () => {
    const before = await dbChecksum(t.database.db);
    await t.database.db.execute(sql`UPDATE patients SET front_desk_notes = 'changed' WHERE id = ${patientId}`);
    const after = await dbChecksum(t.database.db);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    expect(changed).toEqual(['patients']);
    // The audit log is append-only: an added success row shows, with its place in the chain; a removed session too.
    await t.database.db.execute(sql`INSERT INTO audit_events (action, outcome) VALUES ('patient.update', 'success')`);
    const added = await dbChecksum(t.database.db);
    expect(Object.keys(after).filter((table) => after[table] !== added[table])).toEqual([
      'audit_chain',
      'audit_events',
    ]);
    await t.database.db.execute(sql`DELETE FROM sessions WHERE id = (SELECT min(id) FROM sessions)`);
    const removed = await dbChecksum(t.database.db);
    expect(Object.keys(added).filter((table) => added[table] !== removed[table])).toEqual(['sessions']);
  });

  it('ignores only what a refused request may legitimately change', async () => {
    const before = await dbChecksum(t.database.db);
    await t.database.db.execute(sql`UPDATE sessions SET last_seen_at = now() - interval '1 minute'`);
    await t.database.db.execute(sql`UPDATE users SET failed_sign_ins = failed_sign_ins + 1`);
    await t.database.db.execute(
      sql`INSERT INTO audit_events (action, outcome) VALUES ('auth.sign_in_failed', 'failure'), ('patient.read', 'success')`,
    );
    expect(await dbChecksum(t.database.db)).toEqual(before);
    await t.database.db.execute(sql`UPDATE sessions SET revoked_at = now()`);
    expect((await dbChecksum(t.database.db)).sessions).not.toBe(before.sessions);
  });
});
