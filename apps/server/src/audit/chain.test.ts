import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, MIGRATIONS_DIR, migrate, openDatabase, queryRows } from '@tend/db';
import { AppError } from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands';
import { type ApiClient, createTestApp, patientBody, request, type TestApp, type TestClinic } from '../test/harness';
import { recordPatientsAccess } from './service';
import { verifyAuditChain } from './verify';

/**
 * The audit log is tamper-evident: every event is chained by hash to the one before it, in the
 * database, so an event changed or removed directly in the database (by someone who can switch
 * off the append-only trigger) is found by `tend audit verify` and on the Audit log page.
 */

let t: TestApp;
let clinic: TestClinic;
let manager: ApiClient;
let reception: ApiClient;
let patientId: string;

beforeAll(async () => {
  t = await createTestApp({ poolSize: 20 });
  clinic = await t.createClinic();
  [manager, reception] = await Promise.all([
    t.signIn(await clinic.addUser('manager')),
    t.signIn(await clinic.addUser('receptionist')),
  ]);
  const created = await reception.post('/api/patients', patientBody({ givenName: 'Odile', familyName: 'Chainer' }));
  expect(created.status).toBe(201);
  patientId = created.body.id;
  await reception.get('/api/patients?q=Chainer');
  await reception.patch(`/api/patients/${patientId}`, { phone: '617-555-0123' });
  // An unknown email: an event of the chain without a clinic.
  await request(t.app, 'POST', '/api/auth/sign-in', {
    body: { email: 'nobody@nowhere.test', password: 'x'.repeat(12) },
  });
});
afterAll(() => t.close());

const tend = (...argv: string[]) => runCommand(t.database, argv);

async function chain(clinicId: string): Promise<Array<{ id: string; position: number; hash: string }>> {
  return queryRows(
    t.database.db,
    sql`SELECT id::text AS id, chain_seq::int AS position, hash FROM audit_events
        WHERE clinic_id = ${clinicId} ORDER BY chain_seq`,
  );
}

/** What someone with the database's credentials can do: switch the append-only trigger off for a moment. */
async function tamper(...statements: SQL[]): Promise<void> {
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
    for (const statement of statements) await tx.execute(statement);
    await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
  });
}

async function verifyRoute(client: ApiClient) {
  const res = await client.get('/api/audit-events/verify');
  expect(res.status).toBe(200);
  return res.body;
}

describe('after normal activity', () => {
  it('every event has the next position and a hash, and the chain verifies', async () => {
    const rows = await chain(clinic.clinicId);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
    for (const row of rows) expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    const result = await verifyAuditChain(t.database.db, clinic.clinicId);
    expect(result).toEqual({
      ok: true,
      checked: rows.length,
      broken: 0,
      breaks: [],
      latest: { id: rows.at(-1)?.id, position: rows.length, hash: rows.at(-1)?.hash },
    });
  });

  it('verifying in small batches gives the same answer as in one', async () => {
    const whole = await verifyAuditChain(t.database.db, clinic.clinicId);
    const batched = await verifyAuditChain(t.database.db, clinic.clinicId, { batchSize: 2 });
    expect(batched).toEqual(whole);
  });

  it('a statement writing 1,800 events (a long patient list) chains them all, quickly', async () => {
    const ctx = await clinic.adminCtx();
    await t.database.db.execute(
      sql`INSERT INTO patients (id, clinic_id, mrn, given_name, family_name, birth_date, sex, search_name)
          SELECT gen_random_uuid(), ${clinic.clinicId}, 'BULK' || g, 'Bulk', 'Patient' || g, '1970-01-01', 'unknown', 'bulk patient'
          FROM generate_series(1, 1800) AS g`,
    );
    const ids = (
      await queryRows<{ id: string }>(
        t.database.db,
        sql`SELECT id FROM patients WHERE clinic_id = ${clinic.clinicId} AND mrn LIKE 'BULK%'`,
      )
    ).map((row) => row.id);
    const before = (await chain(clinic.clinicId)).length;
    const started = performance.now();
    await recordPatientsAccess(t.database.db, ctx, 'patient.search', ids, { kind: 'name', resultCount: ids.length });
    const elapsed = performance.now() - started;
    console.info(`1,800 audit rows in one statement: ${elapsed.toFixed(0)} ms (${t.database.kind})`);
    // PostgreSQL: well under a second. The embedded database (WebAssembly) is several times slower at
    // any insert of this size, with or without the chain: measured 0.5–2 s on a loaded 2-core machine.
    expect(elapsed).toBeLessThan(t.database.kind === 'postgres' ? 1000 : 3000);
    const rows = await chain(clinic.clinicId);
    expect(rows.length).toBe(before + 1800);
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
    expect(await verifyAuditChain(t.database.db, clinic.clinicId)).toMatchObject({ ok: true, checked: rows.length });
  });

  it('50 audited requests at once, and transactions that commit out of order or roll back, keep one unbroken chain', async () => {
    const before = (await chain(clinic.clinicId)).length;
    const ctx = await clinic.adminCtx();
    const rolledBack = new Error('rolled back on purpose');
    let written: () => void = () => undefined;
    const slowWrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    // Writes its event first and commits last: on PostgreSQL the others wait for its commit.
    const slow = t.database.db.transaction(async (tx) => {
      await recordPatientsAccess(tx, ctx, 'patient.read', [patientId], { slow: true });
      written();
      await tx.execute(sql`SELECT pg_sleep(0.3)`);
    });
    await (t.database.kind === 'postgres' ? slowWrote : slow);
    await Promise.all([
      slow,
      ...Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? reception : manager).get(`/api/patients/${patientId}`).then((res) => expect(res.status).toBe(200)),
      ),
      t.database.db
        .transaction(async (tx) => {
          await recordPatientsAccess(tx, ctx, 'patient.read', [patientId], { undone: true });
          throw rolledBack;
        })
        .catch((error: unknown) => expect(error).toBe(rolledBack)),
    ]);
    const rows = await chain(clinic.clinicId);
    expect(rows.length).toBe(before + 51);
    const marked = await queryRows<{ position: number; undone: boolean }>(
      t.database.db,
      sql`SELECT chain_seq::int AS position, details ? 'undone' AS undone FROM audit_events
          WHERE clinic_id = ${clinic.clinicId} AND (details ? 'slow' OR details ? 'undone')`,
    );
    // The first to write holds the first new position though it committed last; the undone event left no trace.
    expect(marked).toEqual([{ position: before + 1, undone: false }]);
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
    expect(await verifyAuditChain(t.database.db, clinic.clinicId)).toMatchObject({ ok: true, broken: 0 });
  });

  it('the events without a clinic have their own chain', async () => {
    const result = await verifyAuditChain(t.database.db, null);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThanOrEqual(1);
  });

  it('the Audit log page says it is intact, for administrators and managers only', async () => {
    const body = await verifyRoute(manager);
    expect(body).toMatchObject({ ok: true, broken: 0, breaks: [] });
    expect(body.checked).toBe((await chain(clinic.clinicId)).length);
    expect((await reception.get('/api/audit-events/verify')).status).toBe(403);
  });

  it('tend audit verify prints each chain as intact, with its newest hash', async () => {
    const output = await tend('audit', 'verify');
    const newest = (await chain(clinic.clinicId)).at(-1);
    expect(output).toMatch(/intact, [\d,]+ events checked/);
    expect(output).not.toMatch(/CHANGED/);
    expect(output).toContain(`event #${newest?.id}`);
    expect(output).toContain(`--expect ${clinic.clinicId}:${newest?.position}:${newest?.hash}`);
  });

  it('tend audit verify --expect checks a hash kept from an earlier run', async () => {
    const newest = (await chain(clinic.clinicId)).at(-1);
    const kept = `${clinic.clinicId}:${newest?.position}:${newest?.hash}`;
    await reception.get(`/api/patients/${patientId}`); // the log grows meanwhile
    expect(await tend('audit', 'verify', '--expect', kept)).toContain('Expected hash found');
    await expect(tend('audit', 'verify', '--expect', kept.replace(/.{4}$/, '0000'))).rejects.toThrow(/REWRITTEN/);
    await expect(tend('audit', 'verify', '--expect', 'yesterday')).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'expect', message: expect.stringContaining('CLINIC:POSITION:HASH') }],
    });
  });
});

describe('changed or removed in the database', () => {
  let other: TestClinic;
  let otherManager: ApiClient;
  let victim: { id: string; details: unknown };

  beforeAll(async () => {
    // Tampering happens in another clinic, so this one shows that clinics' chains are independent.
    other = await t.createClinic();
    otherManager = await t.signIn(await other.addUser('manager'));
    const created = await otherManager.post('/api/patients', patientBody({ givenName: 'Vic', familyName: 'Tim' }));
    for (let i = 0; i < 5; i++) await otherManager.get(`/api/patients/${created.body.id}`);
    const rows = await queryRows<{ id: string; details: unknown }>(
      t.database.db,
      sql`SELECT id::text AS id, details FROM audit_events
          WHERE clinic_id = ${other.clinicId} AND action = 'patient.read' ORDER BY chain_seq LIMIT 1 OFFSET 2`,
    );
    victim = rows[0];
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true });
  });

  it('an event whose details were rewritten is reported, exactly that one', async () => {
    await tamper(sql`UPDATE audit_events SET details = '{"note":"nothing to see"}' WHERE id = ${victim.id}`);
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result).toMatchObject({ ok: false, broken: 1, breaks: [{ id: victim.id, problem: 'changed' }] });

    const body = await verifyRoute(otherManager);
    expect(body).toMatchObject({ ok: false, broken: 1, breaks: [{ id: victim.id, problem: 'changed' }] });
    // The first clinic's log is untouched.
    expect(await verifyRoute(manager)).toMatchObject({ ok: true });

    const error = await tend('audit', 'verify').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toContain(`event #${victim.id}`);
    expect(message).toMatch(/CHANGED, 1 of [\d,]+ events do not match/);
    expect(message).toMatch(/intact/); // the first clinic's chain
  });

  it('rewriting the hash as well moves the break to the next event', async () => {
    await tamper(sql`UPDATE audit_events SET hash = tend_audit_event_hash(
        (SELECT p.hash FROM audit_events p WHERE p.clinic_id = audit_events.clinic_id AND p.chain_seq = audit_events.chain_seq - 1),
        audit_events) WHERE id = ${victim.id}`);
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result.ok).toBe(false);
    expect(result.breaks).toHaveLength(1);
    expect(result.breaks[0].id).not.toBe(victim.id);
    expect(result.breaks[0].problem).toBe('changed');
  });

  it('putting the event back as it was makes the chain whole again', async () => {
    const [{ position }] = await queryRows<{ position: number }>(
      t.database.db,
      sql`SELECT chain_seq::int AS position FROM audit_events WHERE id = ${victim.id}`,
    );
    await tamper(
      sql`UPDATE audit_events SET details = ${JSON.stringify(victim.details)}::jsonb WHERE id = ${victim.id}`,
    );
    await tamper(sql`UPDATE audit_events SET hash = tend_audit_event_hash(
        (SELECT p.hash FROM audit_events p WHERE p.clinic_id = ${other.clinicId} AND p.chain_seq = ${position} - 1),
        audit_events) WHERE id = ${victim.id}`);
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true, broken: 0 });
  });

  it('a chain rewritten from a changed event on still verifies, but not against a hash kept before', async () => {
    const kept = (await verifyAuditChain(t.database.db, other.clinicId)).latest;
    const anchor = `${other.clinicId}:${kept?.position}:${kept?.hash}`;
    expect(await tend('audit', 'verify', '--expect', anchor)).toContain('Expected hash found');
    // Someone covering their tracks: change an event, then recompute every hash after it, in order.
    const following = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT id::text AS id FROM audit_events WHERE clinic_id = ${other.clinicId}
            AND chain_seq >= (SELECT chain_seq FROM audit_events WHERE id = ${victim.id}) ORDER BY chain_seq`,
    );
    await tamper(
      sql`UPDATE audit_events SET details = '{"note":"nothing to see"}' WHERE id = ${victim.id}`,
      ...following.map(
        ({ id }) => sql`UPDATE audit_events SET hash = tend_audit_event_hash(
            (SELECT p.hash FROM audit_events p WHERE p.clinic_id = audit_events.clinic_id AND p.chain_seq = audit_events.chain_seq - 1),
            audit_events) WHERE id = ${id}`,
      ),
    );
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true });
    await expect(tend('audit', 'verify', '--expect', anchor)).rejects.toThrow(/REWRITTEN: the event at clinic/);
  });

  it('events cut off the end leave no gap: only a kept hash shows it', async () => {
    const kept = (await verifyAuditChain(t.database.db, other.clinicId)).latest;
    await tamper(sql`DELETE FROM audit_events WHERE id = ${kept?.id}`);
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true });
    await expect(
      tend('audit', 'verify', '--expect', `${other.clinicId}:${kept?.position}:${kept?.hash}`),
    ).rejects.toThrow(/no event at .* any more/);
  });

  it('a deleted event is reported at the event after it', async () => {
    const rows = await queryRows<{ id: string; position: number }>(
      t.database.db,
      sql`SELECT id::text AS id, chain_seq::int AS position FROM audit_events
          WHERE clinic_id = ${other.clinicId} ORDER BY chain_seq`,
    );
    const [, , deleted, after] = rows;
    await tamper(sql`DELETE FROM audit_events WHERE id = ${deleted.id}`);
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result).toMatchObject({
      ok: false,
      broken: 1,
      checked: rows.length - 1,
      breaks: [{ id: after.id, position: after.position, problem: 'missing' }],
    });
    await expect(tend('audit', 'verify')).rejects.toThrow(`event #${after.id}`);
  });

  it('two events that swapped content are both reported', async () => {
    const rows = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT id::text AS id FROM audit_events WHERE clinic_id = ${other.clinicId} ORDER BY chain_seq DESC LIMIT 2`,
    );
    const [last, before] = rows;
    await tamper(sql`UPDATE audit_events a SET details = b.details, action = b.action, occurred_at = b.occurred_at
        FROM audit_events b WHERE (a.id, b.id) IN ((${last.id}::bigint, ${before.id}::bigint), (${before.id}::bigint, ${last.id}::bigint))`);
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result.breaks.map((b) => b.id)).toEqual(expect.arrayContaining([before.id, last.id]));
  });
});

describe('migrating a database that already has audit events', () => {
  it('chains the existing events per clinic in id order, and new ones after them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tend-chain-'));
    const database = await openDatabase({});
    try {
      const names = listMigrations().map((m) => m.name);
      const chainMigration = names.indexOf('0028_audit_chain.sql');
      for (const name of names.slice(0, chainMigration)) cpSync(join(MIGRATIONS_DIR, name), join(dir, name));
      await migrate(database, dir);
      const clinics = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
      for (const id of clinics) {
        await database.db.execute(sql`INSERT INTO clinics (id, name, timezone) VALUES (${id}, 'Old', 'UTC')`);
      }
      // Interleaved clinics and events without a clinic, as an old log would be.
      for (let i = 0; i < 30; i++) {
        const clinicId = i % 3 === 2 ? null : clinics[i % 3];
        await database.db.execute(
          sql`INSERT INTO audit_events (clinic_id, action, details) VALUES (${clinicId}, 'patient.read', ${JSON.stringify({ i })}::jsonb)`,
        );
      }
      for (const name of names.slice(chainMigration)) cpSync(join(MIGRATIONS_DIR, name), join(dir, name));
      expect(await migrate(database, dir)).toContain('0028_audit_chain.sql');

      for (const clinicId of [...clinics, null]) {
        const rows = await queryRows<{ id: number; position: number }>(
          database.db,
          sql`SELECT id::int AS id, chain_seq::int AS position FROM audit_events
              WHERE clinic_id IS NOT DISTINCT FROM ${clinicId}::uuid ORDER BY chain_seq`,
        );
        expect(rows).toHaveLength(10);
        expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
        expect(rows.map((row) => row.id)).toEqual(rows.map((row) => row.id).sort((a, b) => a - b));
        expect(await verifyAuditChain(database.db, clinicId)).toMatchObject({ ok: true, checked: 10 });
      }
      await database.db.execute(sql`INSERT INTO audit_events (clinic_id, action) VALUES (${clinics[0]}, 'audit.read')`);
      expect(await verifyAuditChain(database.db, clinics[0])).toMatchObject({ ok: true, checked: 11 });
      // The append-only trigger is back on after the migration.
      await expect(database.db.execute(sql`DELETE FROM audit_events`)).rejects.toThrow();
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
