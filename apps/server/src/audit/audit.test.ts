import { queryRows, sqlState } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, patientBody, request, type TestApp, type TestClinic } from '../test/harness';

/** The audit trail: who did what to which patient, from where — and nobody can rewrite it. */

let t: TestApp;
let clinic: TestClinic;
let manager: ApiClient;
let reception: ApiClient;
let receptionist: { email: string; password: string; userId: string };
let patientId: string;

interface Row {
  action: string;
  outcome: string;
  actorUserId: string | null;
  actorName: string | null;
  actorRole: string | null;
  patientId: string | null;
  patientName: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  receptionist = await clinic.addUser('receptionist');
  [manager, reception] = await Promise.all([t.signIn(await clinic.addUser('manager')), t.signIn(receptionist)]);

  // A front-desk morning: register, look up, open, correct, add insurance.
  const created = await reception.post(
    '/api/patients',
    patientBody({ givenName: 'Harriet', familyName: 'Vandermeer', phone: '617-555-0142' }),
  );
  patientId = created.body.id;
  await reception.get('/api/patients?q=Vandermeer');
  const read = await t.app.inject({
    method: 'GET',
    url: `/api/patients/${patientId}`,
    remoteAddress: '203.0.113.9',
    headers: { cookie: reception.cookie, 'user-agent': 'FrontDesk/1.0' },
  });
  expect(read.statusCode).toBe(200);
  await reception.patch(`/api/patients/${patientId}`, { phone: '617-555-0199' });
  const payer = await manager.post('/api/payers', { name: 'Audit Mutual' });
  const coverage = await reception.post(`/api/patients/${patientId}/coverages`, {
    payerId: payer.body.id,
    memberId: 'AM-1',
    validFrom: '2024-01-01',
  });
  expect(coverage.status).toBe(201);
});
afterAll(() => t.close());

async function history(): Promise<Row[]> {
  const res = await manager.get(`/api/audit-events?patientId=${patientId}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('who looked at this record', () => {
  it('lists every create, read, search hit, update and coverage change of the patient, with who, role and where from', async () => {
    const rows = await history();
    const mine = rows.filter((row) => row.actorUserId === receptionist.userId);
    expect(mine.map((row) => row.action).sort()).toEqual([
      'coverage.create',
      'patient.create',
      'patient.read',
      'patient.search',
      'patient.update',
    ]);
    for (const row of mine) {
      expect(row).toMatchObject({
        outcome: 'success',
        actorName: 'Test receptionist',
        actorRole: 'receptionist',
        patientId,
        patientName: 'Harriet Vandermeer',
      });
      expect(row.ip).toMatch(/^(127\.0\.0\.1|203\.0\.113\.9)$/);
    }
    const read = mine.find((row) => row.action === 'patient.read')!;
    expect(read).toMatchObject({ ip: '203.0.113.9', userAgent: 'FrontDesk/1.0' });
  });

  it('records which fields changed, never the values typed about the patient', async () => {
    const update = (await history()).find((row) => row.action === 'patient.update')!;
    expect(update.details).toEqual({ fields: ['phone'] });
    const dump = JSON.stringify(await history());
    expect(dump).not.toContain('555-0199');
    expect(dump).not.toContain('5550199');
  });

  it('records who saw the patient in search results, in that patient’s own history', async () => {
    const res = await manager.get(`/api/audit-events?action=patient.search&userId=${receptionist.userId}`);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      actorRole: 'receptionist',
      ip: '127.0.0.1',
      patientId,
      details: { kind: 'name', resultCount: 1 },
    });
    const patientHistory = await manager.get(`/api/audit-events?patientId=${patientId}&action=patient.search`);
    expect(patientHistory.body.items.map((row: { actorRole: string }) => row.actorRole)).toContain('receptionist');
  });

  it('records reading the audit log itself', async () => {
    await history();
    const rows = await history();
    const reads = rows.filter((row) => row.action === 'audit.read');
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads[0]).toMatchObject({ actorRole: 'manager', patientId });
  });

  it('lists the newest first and filters by time', async () => {
    const res = await manager.get(`/api/audit-events?patientId=${patientId}`);
    const times: string[] = res.body.items.map((row: { occurredAt: string }) => row.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    const future = await manager.get(`/api/audit-events?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(future.body).toMatchObject({ items: [], total: 0 });
  });

  it('is not for the front desk', async () => {
    const res = await reception.get(`/api/audit-events?patientId=${patientId}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('failed sign-ins', () => {
  it('are audited against the account, with the reason and where from', async () => {
    const res = await request(t.app, 'POST', '/api/auth/sign-in', {
      body: { email: receptionist.email, password: 'wrong-password-here' },
    });
    expect(res.status).toBe(401);
    const audit = await manager.get(`/api/audit-events?action=auth.sign_in_failed&userId=${receptionist.userId}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      outcome: 'failure',
      actorRole: 'receptionist',
      ip: '127.0.0.1',
      details: { reason: 'bad_password' },
    });
  });

  it('are audited for unknown email addresses too, without a clinic', async () => {
    const before = await countFailures();
    await request(t.app, 'POST', '/api/auth/sign-in', {
      body: { email: 'ghost@nowhere.test', password: 'whatever-1234' },
    });
    expect(await countFailures()).toBe(before + 1);
  });

  async function countFailures(): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.sign_in_failed' AND clinic_id IS NULL
            AND details->>'reason' = 'unknown_email'`,
    );
    return row.n;
  }
});

describe('the audit log is append-only, enforced by the database', () => {
  const snapshot = () => queryRows<Record<string, unknown>>(t.database.db, sql`SELECT * FROM audit_events ORDER BY id`);

  it('refuses UPDATE, DELETE and TRUNCATE, and the rows stay as they were', async () => {
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(5);
    const attempts = [
      sql`UPDATE audit_events SET action = 'patient.nothing', actor_user_id = NULL WHERE patient_id = ${patientId}`,
      sql`UPDATE audit_events SET details = NULL`,
      sql`DELETE FROM audit_events WHERE patient_id = ${patientId}`,
      sql`DELETE FROM audit_events`,
      sql`TRUNCATE audit_events`,
      sql`TRUNCATE audit_events CASCADE`,
    ];
    for (const statement of attempts) {
      const error = await t.database.db.execute(statement).then(
        () => null,
        (e: unknown) => e,
      );
      // Refused by the append-only trigger (insufficient_privilege), not by some other mistake.
      expect(sqlState(error)).toBe('42501');
      expect(String((error as Error).cause ?? error)).toMatch(/append-only/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('still accepts new rows', async () => {
    const before = (await snapshot()).length;
    await reception.get(`/api/patients/${patientId}`);
    expect((await snapshot()).length).toBe(before + 1);
  });
});
