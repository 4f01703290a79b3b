import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands';
import { loadConfig } from '../config';
import { buildApp } from '../http/app';
import {
  type ApiClient,
  type ApiResponse,
  clientWithHeaders,
  createTestApp,
  patientBody,
  request,
  type TestApp,
  type TestClinic,
} from '../test/harness';
import { sha256 } from './secrets';
import { MAX_FAILED_SIGN_INS } from './service';

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
});
afterAll(() => t.close());

const signIn = (body: { email: string; password: string }) => request(t.app, 'POST', '/api/auth/sign-in', { body });
const setCookie = (res: ApiResponse) => [res.headers['set-cookie'] ?? []].flat().map(String).join('\n');
const sessionValue = (client: ApiClient) => client.cookie.replace(/^tend_session=/, '');
const bearer = (token: string) => clientWithHeaders(t.app, { authorization: `Bearer ${token}` });

async function sessionRow(client: ApiClient) {
  const [row] = await queryRows<{ last_seen_at: Date; revoked_at: Date | null }>(
    t.database.db,
    sql`SELECT last_seen_at, revoked_at FROM sessions WHERE id = ${sha256(sessionValue(client))}`,
  );
  return row;
}

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie whose value is stored only as a hash', async () => {
    const nurse = await clinic.addUser('nurse');
    const res = await signIn(nurse);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: nurse.email, role: 'nurse' });
    const cookie = setCookie(res);
    expect(cookie).toMatch(/^tend_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // plain HTTP on the clinic's network unless configured

    const value = /^tend_session=([^;]+)/.exec(cookie)![1];
    const session = await request(t.app, 'GET', '/api/auth/session', { headers: { cookie: `tend_session=${value}` } });
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(nurse.email);
    const stored = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM sessions WHERE user_id = ${nurse.userId}`,
    );
    expect(stored.map((s) => s.id)).toEqual([sha256(value)]);
  });

  it('marks the cookie Secure when Tend is served over HTTPS', async () => {
    const https = await buildApp(
      { database: t.database, config: { ...loadConfig({}), secureCookies: true }, cliSecret: null },
      { logLevel: false },
    );
    try {
      const res = await request(https, 'POST', '/api/auth/sign-in', { body: clinic.admin });
      expect(res.status).toBe(200);
      expect(setCookie(res)).toMatch(/;\s*Secure/i);
    } finally {
      await https.close();
    }
  });

  it('answers a wrong password and an unknown email the same way, without a cookie', async () => {
    const wrongPassword = await signIn({ email: clinic.admin.email, password: 'not-the-password' });
    const unknownEmail = await signIn({ email: 'nobody@nowhere.test', password: 'not-the-password' });
    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_credentials');
      expect(setCookie(res)).toBe('');
    }
    expect(unknownEmail.body.error.message).toBe(wrongPassword.body.error.message);
  });

  it('accepts the email in any letter case', async () => {
    const res = await signIn({ email: clinic.admin.email.toUpperCase(), password: clinic.admin.password });
    expect(res.status).toBe(200);
  });

  it(`locks the account after ${MAX_FAILED_SIGN_INS} failed attempts, even for the right password, until an administrator saves it`, async () => {
    const billing = await clinic.addUser('billing');
    for (let attempt = 1; attempt <= MAX_FAILED_SIGN_INS; attempt++) {
      const res = await signIn({ email: billing.email, password: `wrong-guess-${attempt}` });
      expect(res.body.error.code, `attempt ${attempt}`).toBe('invalid_credentials');
    }
    const locked = await signIn(billing);
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('account_locked');
    expect(setCookie(locked)).toBe('');

    const users = await admin.get('/api/users');
    expect(users.body.items.find((u: { id: string }) => u.id === billing.userId).lockedUntil).not.toBeNull();

    const unlocked = await admin.patch(`/api/users/${billing.userId}`, {});
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    expect((await signIn(billing)).status).toBe(200);
  });

  it('counts wrong passwords sent all at once, so a burst of guesses still locks the account', async () => {
    const nurse = await clinic.addUser('nurse');
    const guesses = Array.from({ length: 12 }, (_, i) => signIn({ email: nurse.email, password: `burst-guess-${i}` }));
    for (const res of await Promise.all(guesses)) expect(res.body.error.code).toBe('invalid_credentials');
    expect((await signIn(nurse)).body.error.code).toBe('account_locked');
  });

  it('answers a wrong password on a locked account like any wrong password (the lock does not reveal the account)', async () => {
    const provider = await clinic.addUser('provider');
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) await signIn({ email: provider.email, password: `wrong-${i}` });
    const wrong = await signIn({ email: provider.email, password: 'still-wrong' });
    const unknown = await signIn({ email: 'nobody-here@clinic.test', password: 'still-wrong' });
    expect(wrong.body).toEqual(unknown.body);
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const manager = await clinic.addUser('manager');
    const fail = () => signIn({ email: manager.email, password: 'wrong-password-1' });
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) await fail();
    expect((await signIn(manager)).status).toBe(200);
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) await fail();
    expect((await signIn(manager)).status).toBe(200);
  });
});

describe('ending sessions', () => {
  it('signs out: the cookie is cleared and stops working', async () => {
    const client = await t.signIn(await clinic.addUser('nurse'));
    const res = await client.post('/api/auth/sign-out');
    expect(res.status).toBe(204);
    expect(setCookie(res)).toMatch(/tend_session=;/);
    const after = await client.get('/api/auth/session');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('signs out everywhere: every session of that person ends, nobody else’s', async () => {
    const user = await clinic.addUser('receptionist');
    const laptop = await t.signIn(user);
    const desk = await t.signIn(user);
    const colleague = await t.signIn(await clinic.addUser('receptionist'));
    expect((await laptop.post('/api/auth/sign-out-everywhere')).status).toBe(204);
    expect((await laptop.get('/api/auth/session')).status).toBe(401);
    expect((await desk.get('/api/patients')).status).toBe(401);
    expect((await colleague.get('/api/auth/session')).status).toBe(200);
  });

  it('shuts a deactivated person out: no sign-in, and their sessions and API tokens stop working', async () => {
    const user = await clinic.addUser('provider');
    const session = await t.signIn(user);
    const token = await runCommand(t.database, ['token', 'create', '--email', user.email]);
    expect((await bearer(token).get('/api/patients')).status).toBe(200);

    expect((await admin.patch(`/api/users/${user.userId}`, { active: false })).status).toBe(200);
    expect((await session.get('/api/patients')).status).toBe(401);
    expect((await bearer(token).get('/api/patients')).status).toBe(401);
    const again = await signIn(user);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_credentials');

    // Reactivating the account does not bring the old token back.
    expect((await admin.patch(`/api/users/${user.userId}`, { active: true })).status).toBe(200);
    expect((await bearer(token).get('/api/patients')).status).toBe(401);
  });

  it('ends a person’s sessions when their role changes, so the new role applies at once', async () => {
    const user = await clinic.addUser('manager');
    const session = await t.signIn(user);
    expect((await session.get('/api/audit-events')).status).toBe(200);
    expect((await admin.patch(`/api/users/${user.userId}`, { role: 'receptionist' })).status).toBe(200);
    expect((await session.get('/api/auth/session')).status).toBe(401);
    const fresh = await t.signIn(user);
    expect((await fresh.get('/api/auth/session')).body.user.role).toBe('receptionist');
    expect((await fresh.get('/api/audit-events')).status).toBe(403);
  });

  it('ends a person’s sessions when an administrator resets their password', async () => {
    const user = await clinic.addUser('nurse');
    const session = await t.signIn(user);
    const password = 'a-brand-new-password';
    expect((await admin.patch(`/api/users/${user.userId}`, { password })).status).toBe(200);
    expect((await session.get('/api/auth/session')).status).toBe(401);
    expect((await signIn(user)).status).toBe(401);
    expect((await signIn({ email: user.email, password })).status).toBe(200);
  });
});

describe('idle time-out, enforced by the server', () => {
  let user: { email: string; password: string; userId: string };

  beforeAll(async () => {
    const res = await admin.patch('/api/clinic', { idleTimeoutMinutes: 5 });
    expect(res.status).toBe(200);
    expect(res.body.idleTimeoutMinutes).toBe(5);
    user = await clinic.addUser('receptionist');
  });

  const idleFor = (client: ApiClient, seconds: number) =>
    t.database.db.execute(
      sql`UPDATE sessions SET last_seen_at = now() - make_interval(secs => ${seconds}) WHERE id = ${sha256(sessionValue(client))}`,
    );

  it('ends a session unused for longer than the clinic’s idle minutes', async () => {
    const client = await t.signIn(user);
    await idleFor(client, 6 * 60);
    const res = await client.get('/api/patients');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('session_expired');
    // The session is over for good, not just for that request.
    expect((await sessionRow(client)).revoked_at).not.toBeNull();
    expect((await client.get('/api/auth/session')).body.error.code).toBe('unauthenticated');

    const audit = await admin.get(`/api/audit-events?userId=${user.userId}&action=auth.session_expired`);
    expect(audit.body.total).toBe(1);
  });

  it('keeps a session that is used within the idle minutes, and counts the use as activity', async () => {
    const client = await t.signIn(user);
    await idleFor(client, 4 * 60);
    expect((await client.get('/api/patients')).status).toBe(200);
    const seen = (await sessionRow(client)).last_seen_at;
    expect(Date.now() - new Date(seen).getTime()).toBeLessThan(30_000);
  });

  it('does not count background polling (x-tend-background) as activity', async () => {
    const client = await t.signIn(user);
    await idleFor(client, 60);
    const before = (await sessionRow(client)).last_seen_at;
    expect((await client.get('/api/patients', { 'x-tend-background': '1' })).status).toBe(200);
    expect((await sessionRow(client)).last_seen_at).toEqual(before);
    // Polling alone does not keep an idle session alive.
    await idleFor(client, 6 * 60);
    expect((await client.get('/api/patients', { 'x-tend-background': '1' })).body.error.code).toBe('session_expired');
  });
});

describe('cross-site requests', () => {
  it('refuses a cookie-authenticated change sent from another site, and saves nothing', async () => {
    const body = patientBody({ familyName: 'Crosssite' });
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example']) {
      const res = await request(t.app, 'POST', '/api/patients', { body, headers: { cookie: admin.cookie, origin } });
      expect(res.status, origin).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const found = await admin.get('/api/patients?q=Crosssite');
    expect(found.body.items).toEqual([]);
  });

  it('accepts the same change from Tend’s own pages', async () => {
    const res = await request(t.app, 'POST', '/api/patients', {
      body: patientBody(),
      headers: { cookie: admin.cookie, origin: 'https://tend.clinic.test', host: 'tend.clinic.test' },
    });
    expect(res.status).toBe(201);
  });
});

describe('API tokens', () => {
  it('tend token create prints a token that authenticates as that person, with their role', async () => {
    const receptionist = await clinic.addUser('receptionist');
    const token = await runCommand(t.database, [
      'token',
      'create',
      '--email',
      receptionist.email,
      '--name',
      'Nightly export',
    ]);
    expect(token).toMatch(/^tend_[\w-]{40,}$/);
    const session = await bearer(token).get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email: receptionist.email, role: 'receptionist' });
    expect((await bearer(token).get('/api/audit-events')).status).toBe(403);
  });

  it('names the token on every audit row of a request made with it', async () => {
    const nurse = await clinic.addUser('nurse');
    const created = await admin.post('/api/tokens', { userId: nurse.userId, name: 'Made by the admin' });
    const patient = await bearer(created.body.token).post('/api/patients', patientBody());
    expect(patient.status).toBe(201);
    const history = await admin.get(`/api/audit-events?patientId=${patient.body.id}&action=patient.create`);
    expect(history.body.items[0]).toMatchObject({
      actorUserId: nurse.userId,
      details: { viaApiToken: created.body.id },
    });
  });

  it('an administrator creates, lists and revokes a token; a revoked token is refused', async () => {
    const nurse = await clinic.addUser('nurse');
    const created = await admin.post('/api/tokens', { userId: nurse.userId, name: 'Lab import' });
    expect(created.status).toBe(201);
    const { id, token } = created.body;
    expect((await bearer(token).get('/api/patients')).status).toBe(200);

    const listed = (await admin.get('/api/tokens')).body.items.find((item: { id: string }) => item.id === id);
    expect(listed).toMatchObject({
      name: 'Lab import',
      userEmail: nurse.email,
      prefix: token.slice(0, 12),
      revokedAt: null,
    });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);

    expect((await admin.delete(`/api/tokens/${id}`)).status).toBe(204);
    const refused = await bearer(token).get('/api/patients');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthenticated');
  });

  it('refuses an expired token', async () => {
    const user = await clinic.addUser('billing');
    const token = await runCommand(t.database, ['token', 'create', '--email', user.email, '--expires-days', '1']);
    expect((await bearer(token).get('/api/payers')).status).toBe(200);
    await t.database.db.execute(
      sql`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = ${sha256(token)}`,
    );
    expect((await bearer(token).get('/api/payers')).status).toBe(401);
  });

  it('refuses malformed, forged, unsigned and wrong-scheme credentials', async () => {
    const token = await runCommand(t.database, ['token', 'create', '--email', clinic.admin.email]);
    const unsignedJwt = 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.';
    const attempts = [
      '',
      'Bearer',
      'Bearer ',
      'Bearer tend_',
      `Bearer ${unsignedJwt}`,
      `Bearer tend_${unsignedJwt}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token} ${token}`,
      `Basic ${Buffer.from(`${clinic.admin.email}:${clinic.admin.password}`).toString('base64')}`,
      `Token ${token}`,
      token,
    ];
    for (const authorization of attempts) {
      const res = await request(t.app, 'GET', '/api/patients', { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
    }
    // A bad Authorization header is not rescued by a valid session cookie.
    const mixed = await request(t.app, 'GET', '/api/patients', {
      headers: { authorization: `Bearer ${unsignedJwt}`, cookie: admin.cookie },
    });
    expect(mixed.status).toBe(401);
    expect((await bearer(token).get('/api/patients')).status).toBe(200);
  });

  it('stores only a hash of the token', async () => {
    const token = await runCommand(t.database, ['token', 'create', '--email', clinic.admin.email]);
    const rows = await queryRows<Record<string, unknown>>(
      t.database.db,
      sql`SELECT * FROM api_tokens WHERE token_hash = ${sha256(token)}`,
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(token);
    expect(JSON.stringify(rows[0])).not.toContain(token.slice(12));
    const everything = await queryRows<{ dump: string }>(
      t.database.db,
      sql`SELECT string_agg(t::text, ' ') AS dump FROM api_tokens t`,
    );
    expect(everything[0].dump).not.toContain(token);
  });
});
