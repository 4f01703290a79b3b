import { type Db, queryRows } from '@tend/db';
import { todayIn } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../cli/commands';
import { startTestSmtpServer, TEST_CERT_FILE, type TestSmtpServer } from '../email/smtp-test-server';
import { runOutbox } from '../messaging/outbox';
import {
  type ApiClient,
  type ApiResponse,
  clientWithHeaders,
  createTestApp,
  patientBody,
  type TestApp,
  type TestClinic,
} from '../test/harness';
import { purgeTrainingClinic } from './purge';
import { DEMO_PASSWORD, resetTrainingClinic, trainingClinicOf } from './service';

// A switch, a reset and the demo each fill a training clinic (the small size: seconds, more on a busy machine).
vi.setConfig({ testTimeout: 240_000 });

/**
 * The training clinic: switching in and out (sessions, cookies, audit), isolation both ways,
 * no message leaving it (a real SMTP server on loopback, TEND_EMAIL_MODE=smtp), reset (with the
 * real clinic's rows checksummed), the guards that let only a training clinic be purged, the
 * fresh install's demo, and `tend training reset`.
 */

const config = { emailMode: 'smtp' as const, secretKey: 'training-test-secret-key', smtpCaFile: TEST_CERT_FILE };

let t: TestApp;
let db: Db;
let clinic: TestClinic;
let admin: ApiClient;
let smtp: TestSmtpServer;

beforeAll(async () => {
  t = await createTestApp({ config });
  db = t.database.db;
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
  smtp = await startTestSmtpServer({ security: 'none' });
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

/** The client holding the session cookie a response set (as the browser would after the swap). */
function clientFrom(response: ApiResponse): ApiClient {
  const setCookie = ([] as string[]).concat((response.headers['set-cookie'] as string[] | string | undefined) ?? []);
  const token = setCookie.map((c) => /^tend_session=([^;]*)/.exec(c)?.[1]).find(Boolean);
  if (!token) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  const cookie = `tend_session=${token}`;
  return clientWithHeaders(t.app, { cookie }, cookie);
}

async function enter(client: ApiClient): Promise<ApiClient> {
  const res = await client.post('/api/training/enter');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return clientFrom(res);
}

async function auditActions(clinicId: string, action: string) {
  return queryRows<{ actor_user_id: string; details: Record<string, unknown> | null }>(
    db,
    sql`SELECT actor_user_id, details FROM audit_events WHERE clinic_id = ${clinicId} AND action = ${action} ORDER BY id`,
  );
}

/** Order-independent hashes of every row of one clinic, per table (the tables with a clinic_id). */
async function clinicChecksum(clinicId: string): Promise<Record<string, string>> {
  const tables = await queryRows<{ table_name: string }>(
    db,
    sql`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'clinic_id' ORDER BY 1`,
  );
  const sums: Record<string, string> = {};
  for (const { table_name } of tables) {
    const [row] = await queryRows<{ sum: string }>(
      db,
      sql.raw(
        `SELECT count(*) || ':' || md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), '')) AS sum FROM "${table_name}" t WHERE clinic_id = '${clinicId}'`,
      ),
    );
    sums[table_name] = row.sum;
  }
  return sums;
}

describe('switching to training and back', () => {
  it('opens a session as the caller’s stand-in, with the same role, in the clinic’s training clinic', async () => {
    const reception = await t.signIn(await clinic.addUser('receptionist'));
    const me = (await reception.get('/api/auth/session')).body;
    const res = await reception.post('/api/training/enter');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.clinic).toMatchObject({ isTraining: true, trainingOf: clinic.clinicId });
    expect(res.body.clinic.name).toMatch(/\(training\)$/);
    expect(res.body.user.role).toBe('receptionist');
    expect(res.body.user.id).not.toBe(me.user.id);
    expect(res.body.trainingFor).toEqual({ email: me.user.email });
    // Both cookies are swapped: the new session's and its CSRF token.
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
    expect(cookies.some((c) => c.startsWith('tend_session='))).toBe(true);
    expect(cookies.some((c) => c.startsWith('tend_csrf='))).toBe(true);

    const training = clientFrom(res);
    const session = await training.get('/api/auth/session');
    expect(session.body.clinic.id).toBe(res.body.clinic.id);
    const [row] = await queryRows<{ parent_session_id: string | null; training_for: string }>(
      db,
      sql`SELECT s.parent_session_id, u.training_for FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.user_id = ${res.body.user.id} AND s.revoked_at IS NULL`,
    );
    expect(row.training_for).toBe(me.user.id);
    expect(row.parent_session_id).not.toBeNull();
    const entered = await auditActions(clinic.clinicId, 'training.enter');
    expect(entered.at(-1)?.actor_user_id).toBe(me.user.id);

    // Leaving returns to the real clinic as the real person; the training session has ended.
    const left = await training.post('/api/training/leave');
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(left.body.clinic.id).toBe(clinic.clinicId);
    expect(left.body.user.id).toBe(me.user.id);
    expect((await training.get('/api/auth/session')).status).toBe(401);
    const back = clientFrom(left);
    expect((await back.get('/api/auth/session')).body.user.id).toBe(me.user.id);
    expect((await auditActions(clinic.clinicId, 'training.leave')).at(-1)?.actor_user_id).toBe(me.user.id);

    // The second switch reuses the stand-in and the training clinic.
    const again = await back.post('/api/training/enter');
    expect(again.body.user.id).toBe(res.body.user.id);
    expect(again.body.clinic.id).toBe(res.body.clinic.id);
    expect((await clientFrom(again).post('/api/training/enter')).status).toBe(409);
  });

  it('gives a provider’s stand-in a schedule, so they can see their day and sign their visits', async () => {
    const provider = await t.signIn(await clinic.addUser('provider'));
    const res = await provider.post('/api/training/enter');
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM providers p JOIN provider_schedules s ON s.provider_id = p.id
           WHERE p.user_id = ${res.body.user.id} AND p.clinic_id = ${res.body.clinic.id}`,
    );
    expect(row.n).toBe(1);
    const providers = await clientFrom(res).get('/api/providers');
    expect(providers.body.items.some((p: { userId: string }) => p.userId === res.body.user.id)).toBe(true);
  });

  it('signing out in training ends the real session behind it too', async () => {
    const nurse = await t.signIn(await clinic.addUser('nurse'));
    const training = await enter(nurse);
    expect((await training.post('/api/auth/sign-out')).status).toBe(204);
    expect((await nurse.get('/api/auth/session')).status).toBe(401);
    expect((await training.get('/api/auth/session')).status).toBe(401);
  });

  it('ends when the real session ends, and leaving then signs out', async () => {
    const billing = await t.signIn(await clinic.addUser('billing'));
    const training = await enter(billing);
    expect((await billing.post('/api/auth/sign-out')).status).toBe(204);
    expect((await training.get('/api/auth/session')).status).toBe(401);

    const billing2 = await t.signIn(await clinic.addUser('billing'));
    const training2 = await enter(billing2);
    const [{ parent }] = await queryRows<{ parent: string }>(
      db,
      sql`SELECT parent_session_id AS parent FROM sessions WHERE id = (
            SELECT id FROM sessions WHERE parent_session_id IS NOT NULL ORDER BY created_at DESC LIMIT 1)`,
    );
    // The real session idled out meanwhile (its own clinic's time-out): leaving signs out.
    await db.execute(sql`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE id = ${parent}`);
    const left = await training2.post('/api/training/leave');
    expect(left.status).toBe(204);
    expect((await training2.get('/api/auth/session')).status).toBe(401);
  });

  it('keeps the real session alive while the person works in training', async () => {
    const manager = await t.signIn(await clinic.addUser('manager'));
    const training = await enter(manager);
    const [{ parent }] = await queryRows<{ parent: string }>(
      db,
      sql`SELECT parent_session_id AS parent FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE u.role = 'manager' AND s.parent_session_id IS NOT NULL AND s.revoked_at IS NULL ORDER BY s.created_at DESC LIMIT 1`,
    );
    await db.execute(
      sql`UPDATE sessions SET last_seen_at = now() - interval '10 minutes' WHERE id = ${parent} OR parent_session_id = ${parent}`,
    );
    expect((await training.get('/api/auth/session')).status).toBe(200);
    const [row] = await queryRows<{ idle: number }>(
      db,
      sql`SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM sessions WHERE id = ${parent}`,
    );
    expect(row.idle).toBeLessThan(60);
    expect((await training.post('/api/training/leave')).status).toBe(200);
  });
});

describe('isolation', () => {
  it('no real patient is reachable from training, and training patients stay out of the real clinic', async () => {
    const real = await admin.post('/api/patients', patientBody({ familyName: 'Realperson' }));
    expect(real.status, JSON.stringify(real.body)).toBe(201);
    const training = await enter(await t.signIn(await clinic.addUser('receptionist')));
    expect((await training.get(`/api/patients/${real.body.id}`)).status).toBe(404);
    expect((await training.get('/api/patients?q=Realperson')).body.items).toEqual([]);

    const practice = await training.post('/api/patients', patientBody({ familyName: 'Practiceonly' }));
    expect(practice.status, JSON.stringify(practice.body)).toBe(201);
    expect((await admin.get(`/api/patients/${practice.body.id}`)).status).toBe(404);
    expect((await admin.get('/api/patients?q=Practiceonly')).body.items).toEqual([]);
  });

  it('activity in training changes nothing in the real clinic’s dashboard, reports and audit log', async () => {
    const today = todayIn('America/New_York');
    const views = async () => ({
      dashboard: (await admin.get('/api/dashboard')).body,
      patients: (await admin.get(`/api/reports/patients?from=${today}&to=${today}`)).body,
      audit: (await admin.get('/api/audit-events?action=patient.create')).body,
    });
    const before = await views();
    const training = await enter(await t.signIn(await clinic.addUser('manager')));
    for (let i = 0; i < 2; i++) {
      expect((await training.post('/api/patients', patientBody())).status).toBe(201);
    }
    const after = await views();
    expect(after.patients).toEqual(before.patients);
    expect(after.audit).toEqual(before.audit);
    expect(JSON.stringify(after.dashboard)).toEqual(JSON.stringify(before.dashboard));
  });

  it('no API token works in training, and a colleague’s stand-in cannot be changed from there', async () => {
    const trainingAdmin = await enter(await t.signIn(await clinic.addUser('admin')));
    const body = { name: 'Practice script', scopes: ['patient.read'], expiresInDays: 30 };
    const refused = await trainingAdmin.post('/api/tokens', body);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/do not work in the training clinic/);
    // Nor the installation's health and backups (file names, every clinic's outbox).
    expect((await trainingAdmin.get('/api/admin/health')).status).toBe(403);
    expect((await trainingAdmin.get('/api/backups')).status).toBe(403);

    // A token whose clinic is a training clinic (as the fresh install's demo could have made before
    // the real clinic adopted it) is refused; the same token in the real clinic works.
    const created = await admin.post('/api/tokens', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bearer = clientWithHeaders(t.app, { authorization: `Bearer ${created.body.token}` });
    expect((await bearer.get('/api/patients?q=zz')).status).toBe(200);
    const trainingClinicId = (await trainingAdmin.get('/api/auth/session')).body.clinic.id;
    await db.execute(sql`UPDATE api_tokens SET clinic_id = ${trainingClinicId} WHERE id = ${created.body.id}`);
    expect((await bearer.get('/api/patients?q=zz')).status).toBe(401);

    // A colleague practising has a stand-in here; a training administrator cannot give it a password.
    await enter(await t.signIn(await clinic.addUser('receptionist')));
    const [colleague] = await queryRows<{ id: string }>(
      db,
      sql`SELECT id FROM users WHERE clinic_id = ${trainingClinicId} AND role = 'receptionist' AND training_for IS NOT NULL LIMIT 1`,
    );
    expect(colleague).toBeDefined();
    const change = await trainingAdmin.patch(`/api/users/${colleague.id}`, { password: 'a-fresh-practice-password' });
    expect(change.status).toBe(409);
  });
});

describe('messages from training', () => {
  it('never reach the SMTP server, even with SMTP settings saved and TEND_EMAIL_MODE=smtp', async () => {
    const settings = {
      host: smtp.host,
      port: smtp.port,
      security: 'none',
      username: null,
      password: null,
      fromAddress: 'desk@clinic.test',
      fromName: 'Front desk',
      enabled: true,
    };
    // The real clinic's mail does go out: the server is reachable.
    expect((await admin.put('/api/settings/email', settings)).status).toBe(200);
    const real = await admin.post('/api/settings/email/test', { to: 'someone@example.com' });
    expect(real.body.status, JSON.stringify(real.body)).toBe('sent');
    await smtp.waitFor(1);
    const received = smtp.received.length;

    // (Its own sign-in: leaving training continues the real session under a new cookie.)
    const training = await enter(await t.signIn(clinic.admin));
    const saved = await training.put('/api/settings/email', settings);
    expect(saved.status).toBe(200);
    // The settings screen says where mail goes: nowhere but the outbox.
    expect(saved.body.delivery).toBe('capture');
    const test = await training.post('/api/settings/email/test', { to: 'patient@example.com' });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.status).toBe('captured');
    // And what the worker sends (reminders, recalls, statements): queued, then captured.
    const trainingClinic = await trainingClinicOf(db, clinic.clinicId);
    await db.execute(
      sql`INSERT INTO messages (id, clinic_id, to_address, subject, text_body, status, channel)
          VALUES (gen_random_uuid(), ${trainingClinic?.id}, 'patient@example.com', 'Reminder', 'See you', 'queued', 'email')`,
    );
    const run = await runOutbox(db, { ...config, publicUrl: undefined } as never, { workerId: 'test' });
    expect(run.captured).toBeGreaterThanOrEqual(1);
    expect(run.sent).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.length).toBe(received);
    expect((await training.post('/api/training/leave')).status).toBe(200);
  });
});

describe('reset', () => {
  it('replaces the training data, keeps people practising signed in, and leaves the real clinic untouched', async () => {
    const training = await enter(await t.signIn(await clinic.addUser('receptionist')));
    const practice = await training.post('/api/patients', patientBody({ familyName: 'Wipedaway' }));
    expect(practice.status).toBe(201);
    const trainingClinic = await trainingClinicOf(db, clinic.clinicId);
    if (!trainingClinic) throw new Error('no training clinic');
    const realBefore = await clinicChecksum(clinic.clinicId);

    await resetTrainingClinic(db, trainingClinic.id, { seed: 7 });

    expect(await clinicChecksum(clinic.clinicId)).toEqual(realBefore);
    expect((await training.get('/api/auth/session')).status).toBe(200);
    expect((await training.get(`/api/patients/${practice.body.id}`)).status).toBe(404);
    expect((await training.get('/api/patients?q=Wipedaway')).body.items).toEqual([]);
    // Filled again.
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM patients WHERE clinic_id = ${trainingClinic.id}`,
    );
    expect(n).toBeGreaterThan(0);
    // The audit trail of the old practice went with it; the real clinic's chain still verifies.
    const [{ old }] = await queryRows<{ old: number }>(
      db,
      sql`SELECT count(*)::int AS old FROM audit_events WHERE clinic_id = ${trainingClinic.id} AND entity_id = ${practice.body.id}`,
    );
    expect(old).toBe(0);
    const verified = await admin.get('/api/audit-events/verify');
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(JSON.stringify(verified.body)).not.toMatch(/"ok":false/);
  });

  it('is one click for a manager (audited in the real clinic), refused to other roles', async () => {
    const manager = await t.signIn(await clinic.addUser('manager'));
    const res = await manager.post('/api/training/reset');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.patients).toBeGreaterThan(0);
    expect((await auditActions(clinic.clinicId, 'training.reset')).length).toBeGreaterThan(0);
    // From inside training too.
    const inside = await enter(manager);
    expect((await inside.post('/api/training/reset')).status).toBe(200);
    const reception = await t.signIn(await clinic.addUser('receptionist'));
    expect((await reception.post('/api/training/reset')).status).toBe(403);
  });

  it('`tend training reset` resets it from the command line', async () => {
    const out = await runCommand(t.database, ['training', 'reset']);
    expect(out).toMatch(/Reset .*\(training\): \d+ mock patients/);
  });
});

describe('the purge guards', () => {
  it('refuse to purge a real clinic, through the service or with the setting in raw SQL', async () => {
    const before = await clinicChecksum(clinic.clinicId);
    await expect(purgeTrainingClinic(db, clinic.clinicId)).rejects.toThrow(/real clinic/);
    for (const table of ['audit_events', 'audit_chain']) {
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql`SELECT set_config('tend.purge_training', ${clinic.clinicId}, true)`);
          await tx.execute(sql.raw(`DELETE FROM ${table} WHERE clinic_id = '${clinic.clinicId}'`));
        }),
      ).rejects.toThrow();
    }
    // Naming the training clinic does not open the real one's rows either.
    const trainingClinic = await trainingClinicOf(db, clinic.clinicId);
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`SELECT set_config('tend.purge_training', ${trainingClinic?.id}, true)`);
        await tx.execute(sql`DELETE FROM audit_events WHERE clinic_id = ${clinic.clinicId}`);
      }),
    ).rejects.toThrow();
    expect(await clinicChecksum(clinic.clinicId)).toEqual(before);
  });
});

describe('the fresh install’s demo', () => {
  let fresh: TestApp;
  beforeAll(async () => {
    fresh = await createTestApp({ config });
  });
  afterAll(() => fresh?.close());

  it('offers sign-ins per role until the real clinic is set up, which then adopts it as its training clinic', async () => {
    const anon = clientWithHeaders(fresh.app, {});
    const made = await anon.post('/api/setup/training', { timezone: 'Europe/Paris' });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.password).toBe(DEMO_PASSWORD);
    expect(made.body.signIns.length).toBeGreaterThan(0);
    for (const signIn of made.body.signIns) expect(signIn.email).toMatch(/@demo\.tend\.test$/);
    const setup = await anon.get('/api/setup');
    expect(setup.body).toMatchObject({ setUp: false, demo: { password: DEMO_PASSWORD } });
    // Asked again: the same demo.
    expect((await anon.post('/api/setup/training', {})).body.signIns).toEqual(made.body.signIns);

    const email = made.body.signIns[0].email;
    const demo = await fresh.signIn({ email, password: DEMO_PASSWORD });
    const session = await demo.get('/api/auth/session');
    expect(session.body.clinic).toMatchObject({ isTraining: true, trainingOf: null });

    const created = await anon.post('/api/setup', {
      clinicName: 'Harbour Clinic',
      timezone: 'Europe/Paris',
      currency: 'EUR',
      country: 'FR',
      adminName: 'Ada Admin',
      adminEmail: 'ada@harbour.test',
      adminPassword: 'a-long-harbour-secret',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await anon.get('/api/setup')).body).toMatchObject({ setUp: true, demo: null });
    // The demo's sign-ins stop working, and their sessions end.
    expect((await demo.get('/api/auth/session')).status).toBe(401);
    const refused = await anon.post('/api/auth/sign-in', { email, password: DEMO_PASSWORD });
    expect(refused.status).toBe(401);
    expect((await anon.post('/api/setup/training', {})).status).toBe(409);

    // The administrator practises in the adopted demo, now named after the real clinic.
    const ada = await fresh.signIn({ email: 'ada@harbour.test', password: 'a-long-harbour-secret' });
    const entered = await ada.post('/api/training/enter');
    expect(entered.body.clinic).toMatchObject({
      id: session.body.clinic.id,
      trainingOf: created.body.clinicId,
      name: 'Harbour Clinic (training)',
      currency: 'EUR',
    });
    // The training clinic's mock administrators are no second clinic to the command line.
    const added = await runCommand(fresh.database, [
      'user',
      'add',
      '--email',
      'rita@harbour.test',
      '--name',
      'Rita Reyes',
      '--role',
      'receptionist',
      '--password',
      'front-desk-harbour-pass',
    ]);
    expect(added).toBe('Created receptionist Rita Reyes <rita@harbour.test>.');
  });
});
