import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, MIGRATIONS_DIR, migrate, openDatabase, queryRows } from '@tend/db';
import { AppError } from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands';
import { type ApiClient, createTestApp, patientBody, request, type TestApp, type TestClinic } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';
import { recordAudit, recordPatientsAccess } from './service';
import { auditChainHash, CHAINED_EVENT_COLUMNS, type ChainedEvent, verifyAuditChain } from './verify';

/**
 * The audit log is tamper-evident: as each audited transaction commits, the database chains its
 * events by hash to the events before them (0028), so an event changed, removed or added directly
 * in the database (by someone who can switch off the append-only triggers) is found by
 * `tend audit verify` and on the Audit log page — and audited transactions do not wait for each
 * other before their commit.
 */

let t: TestApp;
let s: VisitScenario;
let clinic: TestClinic;
let manager: ApiClient;
let reception: ApiClient;
let patientId: string;

beforeAll(async () => {
  t = await createTestApp({ poolSize: 20 });
  s = await visitScenario(t, {
    payer: 'Acme Health',
    service: { code: '99213', description: 'Office visit', feeCents: 10_000 },
  });
  ({ clinic, manager, reception } = s);
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
afterAll(() => t?.close());

const postgres = () => t.database.kind === 'postgres';
const tend = (...argv: string[]) => runCommand(t.database, argv);

async function chain(clinicId: string): Promise<Array<{ id: string; position: number; hash: string }>> {
  return queryRows(
    t.database.db,
    sql`SELECT event_id::text AS id, seq::int AS position, hash FROM audit_chain
        WHERE clinic_id = ${clinicId} ORDER BY seq`,
  );
}

async function eventCount(clinicId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`SELECT count(*)::int AS n FROM audit_events WHERE clinic_id = ${clinicId}`,
  );
  return row.n;
}

/** What someone with the database's credentials can do: switch the append-only triggers off for a moment. */
async function tamper(...statements: SQL[]): Promise<void> {
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    await tx.execute(sql`ALTER TABLE audit_chain DISABLE TRIGGER USER`);
    for (const statement of statements) await tx.execute(statement);
    await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER USER`);
    await tx.execute(sql`ALTER TABLE audit_chain ENABLE TRIGGER USER`);
  });
}

/** The hash an event's chain position would have with its current content, as the database computes it. */
const rehash = (eventId: SQL | string) => sql`UPDATE audit_chain c SET hash = tend_audit_chain_hash(
    (SELECT p.hash FROM audit_chain p WHERE p.clinic_id = c.clinic_id AND p.seq = c.seq - 1), c.seq, e)
    FROM audit_events e WHERE e.id = c.event_id AND c.event_id = ${eventId}`;

async function verifyRoute(client: ApiClient) {
  const res = await client.get('/api/audit-events/verify');
  expect(res.status).toBe(200);
  return res.body;
}

/** A promise to wait on and the function that fulfils it. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('after normal activity', () => {
  it('every event has the next position and a hash, and the chain verifies', async () => {
    const rows = await chain(clinic.clinicId);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBe(await eventCount(clinic.clinicId));
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

  it('Node.js computes the same hash as the database, whatever the text holds', async () => {
    const ctx = await clinic.adminCtx();
    const odd = 'Zoë "quoted" back\\slash\ttab\nline \u0001\u001f ☃ 😀 \u2028 </script>';
    await recordAudit(
      t.database.db,
      { ...ctx, userAgent: odd, ip: '::1' },
      {
        action: 'patient.read',
        patientId,
        entityType: 'patient',
        entityId: patientId,
        details: { [odd]: [1.5, 10, -0, 1e21, 0.1, true, null, { b: odd, a: '' }], z: 'é', aa: 2 },
      },
    );
    const [row] = await queryRows<
      ChainedEvent & { position: string; hash: string; previous: string | null; db: string }
    >(
      t.database.db,
      sql`SELECT c.seq::text AS position, c.hash, p.hash AS previous,
            tend_audit_chain_hash(p.hash, c.seq, e) AS db, ${CHAINED_EVENT_COLUMNS}
          FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
          LEFT JOIN audit_chain p ON p.clinic_id = c.clinic_id AND p.seq = c.seq - 1
          WHERE c.clinic_id = ${clinic.clinicId} ORDER BY c.seq DESC LIMIT 1`,
    );
    expect(row.user_agent).toBe(odd);
    expect(row.occurred_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(row.db).toBe(row.hash);
    expect(auditChainHash(row.previous, row.position, row)).toBe(row.hash);
    // Any other content gives another hash.
    expect(
      auditChainHash(row.previous, row.position, { ...row, details: row.details?.replace('é', 'e') ?? null }),
    ).not.toBe(row.hash);
    expect(await verifyAuditChain(t.database.db, clinic.clinicId)).toMatchObject({ ok: true, broken: 0 });
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
    console.info(`1,800 audit rows in one statement, chained at commit: ${elapsed.toFixed(0)} ms (${t.database.kind})`);
    // The chain's own part is ≈50 ms on PostgreSQL (docs/performance.md); the bound leaves room for a
    // loaded machine. The embedded database (WebAssembly) is several times slower at any insert of
    // this size, with or without the chain.
    expect(elapsed).toBeLessThan(postgres() ? 2000 : 5000);
    const rows = await chain(clinic.clinicId);
    expect(rows.length).toBe(before + 1800);
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
    expect(await verifyAuditChain(t.database.db, clinic.clinicId)).toMatchObject({ ok: true, checked: rows.length });
  });

  it('50 audited requests at once, one transaction that audited first and commits last, one rolled back: one unbroken chain in commit order', async () => {
    const before = (await chain(clinic.clinicId)).length;
    const ctx = await clinic.adminCtx();
    const rolledBack = new Error('rolled back on purpose');
    const [slowWrote, othersDone] = [gate(), gate()];
    // Writes its event first and commits after the 50 others. On PostgreSQL they run meanwhile: the
    // chain is not locked until a transaction commits (with the lock taken at the audit insert, this
    // test waited forever). On the embedded database transactions run one at a time.
    const slow = t.database.db.transaction(async (tx) => {
      await recordPatientsAccess(tx, ctx, 'patient.read', [patientId], { slow: true });
      slowWrote.open();
      if (postgres()) await othersDone.opened;
    });
    if (postgres()) await slowWrote.opened;
    else await slow;
    const others = Promise.all([
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
    await others;
    othersDone.open();
    await slow;
    const rows = await chain(clinic.clinicId);
    expect(rows.length).toBe(before + 51);
    const marked = await queryRows<{ position: number; undone: boolean }>(
      t.database.db,
      sql`SELECT c.seq::int AS position, e.details ? 'undone' AS undone
          FROM audit_events e JOIN audit_chain c ON c.event_id = e.id
          WHERE e.clinic_id = ${clinic.clinicId} AND (e.details ? 'slow' OR e.details ? 'undone')`,
    );
    // Positions follow commits: the slow one, committed last, is last; the undone event left no trace.
    expect(marked).toEqual([{ position: postgres() ? before + 51 : before + 1, undone: false }]);
    expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
    expect(await verifyAuditChain(t.database.db, clinic.clinicId)).toMatchObject({ ok: true, broken: 0 });
  });

  it('two transactions that audit and lock rows in opposite orders both complete (no deadlock)', async () => {
    // Two charges of the same day and payer: their commits add to the same A/R rollup row too.
    const a = await s.signedVisit({ copayCents: 2_000, coinsuranceBps: 0 });
    const b = await s.signedVisit({ copayCents: 2_000, coinsuranceBps: 0 });
    const ctx = await clinic.adminCtx();
    const [aAudited, bLocked] = [gate(), gate()];
    // NO KEY UPDATE, as an UPDATE of the clinic takes: an audit event holds a key-share lock on its clinic.
    const clinicRow = sql`SELECT 1 FROM clinics WHERE id = ${clinic.clinicId} FOR NO KEY UPDATE`;
    const move = (chargeId: string) =>
      sql`UPDATE charges SET insurer_adjusted_cents = insurer_adjusted_cents + 100 WHERE id = ${chargeId}`;
    const before = (await chain(clinic.clinicId)).length;
    // A audits (and moves a balance) first, then wants the row B holds; B, holding it, audits and
    // commits. With the chain locked from the audit insert on, A held it while waiting for the row
    // and B waited for the chain: a deadlock. On the embedded database transactions run one at a time.
    await Promise.all([
      t.database.db.transaction(async (tx) => {
        await recordAudit(tx, ctx, { action: 'patient.read', patientId: a.patientId, details: { order: 'a' } });
        await tx.execute(move(a.charge.id));
        aAudited.open();
        if (postgres()) await bLocked.opened;
        await tx.execute(clinicRow);
      }),
      t.database.db.transaction(async (tx) => {
        if (postgres()) await aAudited.opened;
        await tx.execute(clinicRow);
        bLocked.open();
        await tx.execute(move(b.charge.id));
        await recordAudit(tx, ctx, { action: 'patient.read', patientId: b.patientId, details: { order: 'b' } });
      }),
    ]);
    const order = await queryRows<{ order: string }>(
      t.database.db,
      sql`SELECT e.details->>'order' AS order FROM audit_events e JOIN audit_chain c ON c.event_id = e.id
          WHERE e.clinic_id = ${clinic.clinicId} AND e.details ? 'order' ORDER BY c.seq`,
    );
    // B committed first on PostgreSQL (A waited for its row).
    expect(order.map((row) => row.order)).toEqual(postgres() ? ['b', 'a'] : ['a', 'b']);
    expect((await chain(clinic.clinicId)).length).toBe(before + 2);
    const [owed] = await queryRows<{ adjusted: string }>(
      t.database.db,
      sql`SELECT sum(insurer_adjusted_cents)::text AS adjusted FROM charges WHERE id IN (${a.charge.id}, ${b.charge.id})`,
    );
    expect(Number(owed.adjusted)).toBe(200);
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
    expect(await verifyRoute(s.admin)).toMatchObject({ ok: true });
    for (const client of [reception, s.provider, s.billing]) {
      expect((await client.get('/api/audit-events/verify')).status).toBe(403);
    }
    expect((await request(t.app, 'GET', '/api/audit-events/verify')).status).toBe(401);
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

describe('changed, removed or added in the database', () => {
  let other: TestClinic;
  let otherManager: ApiClient;
  let victim: { id: string; details: string | null };

  beforeAll(async () => {
    // Tampering happens in another clinic, so this one shows that clinics' chains are independent.
    other = await t.createClinic();
    otherManager = await t.signIn(await other.addUser('manager'));
    const created = await otherManager.post('/api/patients', patientBody({ givenName: 'Vic', familyName: 'Tim' }));
    for (let i = 0; i < 8; i++) await otherManager.get(`/api/patients/${created.body.id}`);
    const rows = await queryRows<{ id: string; details: string | null }>(
      t.database.db,
      sql`SELECT e.id::text AS id, e.details::text AS details FROM audit_events e JOIN audit_chain c ON c.event_id = e.id
          WHERE e.clinic_id = ${other.clinicId} AND e.action = 'patient.read' ORDER BY c.seq LIMIT 1 OFFSET 2`,
    );
    victim = rows[0];
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true });
  });

  const otherChain = () =>
    queryRows<{ id: string; position: number }>(
      t.database.db,
      sql`SELECT event_id::text AS id, seq::int AS position FROM audit_chain WHERE clinic_id = ${other.clinicId} ORDER BY seq`,
    );

  it('an event whose details were rewritten is reported, exactly that one, by the API and the command line', async () => {
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
    await tamper(rehash(victim.id));
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result.ok).toBe(false);
    expect(result.breaks).toHaveLength(1);
    expect(result.breaks[0].id).not.toBe(victim.id);
    expect(result.breaks[0].problem).toBe('changed');
  });

  it('putting the event back as it was makes the chain whole again', async () => {
    await tamper(
      sql`UPDATE audit_events SET details = ${victim.details}::jsonb WHERE id = ${victim.id}`,
      rehash(victim.id),
    );
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true, broken: 0 });
  });

  it('a chain rewritten from a changed event on still verifies, but not against a hash kept before', async () => {
    const kept = (await verifyAuditChain(t.database.db, other.clinicId)).latest;
    const anchor = `${other.clinicId}:${kept?.position}:${kept?.hash}`;
    expect(await tend('audit', 'verify', '--expect', anchor)).toContain('Expected hash found');
    // Someone covering their tracks: change an event, then recompute every hash after it, in order.
    const rows = await otherChain();
    const following = rows.slice(rows.findIndex((row) => row.id === victim.id));
    expect(following.length).toBeGreaterThan(3);
    await tamper(
      sql`UPDATE audit_events SET details = '{"note":"nothing to see"}' WHERE id = ${victim.id}`,
      ...following.map(({ id }) => rehash(id)),
    );
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true });
    await expect(tend('audit', 'verify', '--expect', anchor)).rejects.toThrow(/REWRITTEN: the event at clinic/);
  });

  it('events cut off the end leave no gap: only a kept hash shows it', async () => {
    const kept = (await verifyAuditChain(t.database.db, other.clinicId)).latest;
    await tamper(
      sql`DELETE FROM audit_events WHERE id = ${kept?.id}`,
      sql`DELETE FROM audit_chain WHERE event_id = ${kept?.id}`,
    );
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({ ok: true });
    await expect(
      tend('audit', 'verify', '--expect', `${other.clinicId}:${kept?.position}:${kept?.hash}`),
    ).rejects.toThrow(/no event at .* any more/);
  });

  it('a deleted event is reported: at its position, or at the event after it when its position went too', async () => {
    const rows = await otherChain();
    const [, first, , second, after] = rows;
    await tamper(sql`DELETE FROM audit_events WHERE id = ${first.id}`);
    expect(await verifyAuditChain(t.database.db, other.clinicId)).toMatchObject({
      ok: false,
      broken: 1,
      checked: rows.length,
      breaks: [{ id: first.id, position: first.position, problem: 'removed' }],
    });
    await tamper(
      sql`DELETE FROM audit_events WHERE id = ${second.id}`,
      sql`DELETE FROM audit_chain WHERE event_id = ${second.id}`,
    );
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result).toMatchObject({
      ok: false,
      broken: 2,
      checked: rows.length - 1,
      breaks: [
        { id: first.id, position: first.position, problem: 'removed' },
        { id: after.id, position: after.position, problem: 'missing' },
      ],
    });
    await expect(tend('audit', 'verify')).rejects.toThrow(`event #${after.id} (position ${after.position})`);
  });

  it('an event added outside Tend, without the chain, is reported', async () => {
    const [added] = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT nextval('audit_events_id_seq')::text AS id`,
    );
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_note_for_chain`);
      await tx.execute(
        sql`INSERT INTO audit_events (id, clinic_id, action) VALUES (${added.id}::bigint, ${other.clinicId}, 'auth.sign_in')`,
      );
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_note_for_chain`);
    });
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result.breaks).toContainEqual({ id: added.id, position: null, problem: 'unchained' });
    expect(result.broken).toBe(3);
    await expect(tend('audit', 'verify')).rejects.toThrow(`event #${added.id}: in no chain`);
  });

  it('two events that swapped content are both reported', async () => {
    const rows = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT event_id::text AS id FROM audit_chain WHERE clinic_id = ${other.clinicId} ORDER BY seq DESC LIMIT 2`,
    );
    const [last, before] = rows;
    await tamper(sql`UPDATE audit_events a SET details = b.details, action = b.action, occurred_at = b.occurred_at
        FROM audit_events b WHERE (a.id, b.id) IN ((${last.id}::bigint, ${before.id}::bigint), (${before.id}::bigint, ${last.id}::bigint))`);
    const result = await verifyAuditChain(t.database.db, other.clinicId);
    expect(result.breaks.map((b) => b.id)).toEqual(expect.arrayContaining([before.id, last.id]));
  });

  it('the chain itself is append-only', async () => {
    for (const statement of [sql`UPDATE audit_chain SET hash = hash`, sql`DELETE FROM audit_chain`]) {
      const error = await t.database.db.execute(statement).then(
        () => null,
        (e: unknown) => e,
      );
      expect(String((error as Error).cause ?? error)).toMatch(/audit_chain is append-only/);
    }
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
          sql`SELECT event_id::int AS id, seq::int AS position FROM audit_chain
              WHERE clinic_id IS NOT DISTINCT FROM ${clinicId}::uuid ORDER BY seq`,
        );
        expect(rows).toHaveLength(10);
        expect(rows.map((row) => row.position)).toEqual(rows.map((_, i) => i + 1));
        expect(rows.map((row) => row.id)).toEqual(rows.map((row) => row.id).sort((a, b) => a - b));
        expect(await verifyAuditChain(database.db, clinicId)).toMatchObject({ ok: true, checked: 10 });
      }
      await database.db.execute(sql`INSERT INTO audit_events (clinic_id, action) VALUES (${clinics[0]}, 'audit.read')`);
      expect(await verifyAuditChain(database.db, clinics[0])).toMatchObject({ ok: true, checked: 11 });
      await expect(database.db.execute(sql`DELETE FROM audit_events`)).rejects.toThrow();
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
