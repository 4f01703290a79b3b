import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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
import { SIGN_IN_FAILURES_PER_ADDRESS } from './throttle';

// Counts password checks (the real function still runs), to prove a throttled sign-in costs none.
const verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock('./secrets', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./secrets')>();
  return {
    ...actual,
    verifyPassword: (hash: string, password: string) => {
      verifications.count++;
      return actual.verifyPassword(hash, password);
    },
  };
});

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
});
afterAll(() => t.close());

// Each test signs in from an address of its own, so one test's failures never reach the
// per-address limit of the next (the limit itself is tested below).
let testAddress = '';
let addresses = 0;
beforeEach(() => {
  testAddress = `192.0.2.${++addresses}`;
});
const signIn = (body: { email: string; password: string }, from = testAddress) =>
  request(t.app, 'POST', '/api/auth/sign-in', { body, remoteAddress: from });
const setCookie = (res: ApiResponse) => [res.headers['set-cookie'] ?? []].flat().map(String).join('\n');
const sessionValue = (client: ApiClient) => client.cookie.replace(/^tend_session=/, '');
const bearer = (token: string) => clientWithHeaders(t.app, { authorization: `Bearer ${token}` });
/** `tend token create` for that person: every permission of their role, 30 days unless `extra` says otherwise. */
const cliToken = (email: string, ...extra: string[]) =>
  runCommand(t.database, ['token', 'create', '--email', email, '--scopes', 'all', '--expires-days', '30', ...extra]);

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

  it('locks for twice as long after each further run of failures (up to 24 hours), and starts over after a successful sign-in', async () => {
    const user = await clinic.addUser('billing');
    const failures = async (from: string) => {
      for (let i = 1; i <= MAX_FAILED_SIGN_INS; i++) {
        const res = await signIn({ email: user.email, password: `wrong-guess-${i}` }, from);
        expect(res.body.error.code).toBe('invalid_credentials');
      }
    };
    const lockMinutes = async () => {
      const [row] = await queryRows<{ minutes: number | null }>(
        t.database.db,
        sql`SELECT round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM users WHERE id = ${user.userId}`,
      );
      return row.minutes;
    };
    // As if the lock's time had passed.
    const lockEnds = () =>
      t.database.db.execute(sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = ${user.userId}`);

    await failures('198.51.100.1');
    expect(await lockMinutes()).toBe(15);
    // Guesses while locked are refused like any wrong password but do not stretch the lock.
    await failures('198.51.100.1');
    expect(await lockMinutes()).toBe(15);

    await lockEnds();
    await failures('198.51.100.2');
    expect(await lockMinutes()).toBe(30);
    const locked = await signIn(user, '198.51.100.2');
    expect(locked.body.error.code).toBe('account_locked');
    expect(locked.body.error.message).toBe(
      'Too many failed sign-ins: this account is locked for another 30 minute(s). An administrator can unlock it sooner.',
    );

    await lockEnds();
    expect((await signIn(user, '198.51.100.3')).status).toBe(200);
    await failures('198.51.100.3');
    expect(await lockMinutes()).toBe(15);

    // After seven locks in a row, the eighth is capped at 24 hours.
    await t.database.db.execute(
      sql`UPDATE users SET failed_sign_ins = ${7 * MAX_FAILED_SIGN_INS}, locked_until = NULL WHERE id = ${user.userId}`,
    );
    await failures('198.51.100.4');
    expect(await lockMinutes()).toBe(24 * 60);
    expect((await signIn(user, '198.51.100.4')).body.error.message).toMatch(/locked for another 24 hour\(s\)\./);
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

describe('the per-address sign-in limit, across accounts', () => {
  it(`refuses sign-ins from an address after ${SIGN_IN_FAILURES_PER_ADDRESS} failures on any accounts, with 429 and Retry-After, without checking the password`, async () => {
    const from = '203.0.113.7';
    const sprayed = await Promise.all([clinic.addUser('nurse'), clinic.addUser('provider'), clinic.addUser('billing')]);
    const emails = [...sprayed.map((u) => u.email), 'nobody@nowhere.test']; // unknown emails count too
    // A second server on the same database counts into the same limit.
    const otherServer = await buildApp(
      { database: t.database, config: { ...loadConfig({}), port: 0 }, cliSecret: null },
      { logLevel: false },
    );
    try {
      for (let i = 0; i < SIGN_IN_FAILURES_PER_ADDRESS; i++) {
        const server = i % 2 ? otherServer : t.app;
        const body = { email: emails[i % emails.length], password: 'Spring-2026-spray' };
        const res = await request(server, 'POST', '/api/auth/sign-in', { body, remoteAddress: from });
        expect(res.body.error.code, `attempt ${i + 1}`).toBe('invalid_credentials');
      }
    } finally {
      await otherServer.close();
    }

    // Even the right password of an account never tried is refused now, before any hashing.
    const untouched = await clinic.addUser('manager');
    const checksBefore = verifications.count;
    const refused = await signIn(untouched, from);
    expect(verifications.count).toBe(checksBefore);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.message).toMatch(
      /^Too many failed sign-ins from this network address\. Try again in \d+ minute\(s\)\.$/,
    );
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(setCookie(refused)).toBe('');
    const [audited] = await queryRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.rate_limited' AND ip = ${from} AND outcome = 'failure'`,
    );
    expect(audited.n).toBe(1);

    // Other addresses are not affected…
    expect((await signIn(untouched, '203.0.113.8')).status).toBe(200);
    // …and the address may try again once the window has passed.
    await t.database.db.execute(
      sql`UPDATE auth_throttle SET window_start = window_start - interval '15 minutes' WHERE key = ${`ip:${from}`}`,
    );
    expect((await signIn(untouched, from)).status).toBe(200);
  });

  it('checks no more passwords than the limit when the attempts come all at once', async () => {
    const from = '203.0.113.9';
    const checksBefore = verifications.count;
    const burst = Array.from({ length: SIGN_IN_FAILURES_PER_ADDRESS + 5 }, (_, i) =>
      signIn({ email: `burst-${i}@nowhere.test`, password: 'burst-guess' }, from),
    );
    const statuses = (await Promise.all(burst)).map((res) => res.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(SIGN_IN_FAILURES_PER_ADDRESS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(verifications.count - checksBefore).toBe(SIGN_IN_FAILURES_PER_ADDRESS);
    expect((await signIn(clinic.admin, from)).status).toBe(429);
  });

  it('does not count successful sign-ins', async () => {
    const from = '203.0.113.10';
    for (let i = 0; i <= SIGN_IN_FAILURES_PER_ADDRESS; i++) expect((await signIn(clinic.admin, from)).status).toBe(200);
    for (let i = 1; i < SIGN_IN_FAILURES_PER_ADDRESS; i++)
      await signIn({ email: 'nobody@nowhere.test', password: 'x' }, from);
    expect((await signIn(clinic.admin, from)).status).toBe(200);
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
    const token = await cliToken(user.email);
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
    const token = await cliToken(receptionist.email, '--name', 'Nightly export');
    expect(token).toMatch(/^tend_[\w-]{40,}$/);
    expect((await bearer(token).get('/api/patients')).status).toBe(200);
    expect((await bearer(token).get('/api/audit-events')).status).toBe(403);
    const [row] = await queryRows<{ user_id: string; name: string }>(
      t.database.db,
      sql`SELECT user_id, name FROM api_tokens WHERE token_hash = ${sha256(token)}`,
    );
    expect(row).toEqual({ user_id: receptionist.userId, name: 'Nightly export' });
  });

  it('names the token on every audit row of a request made with it', async () => {
    const nurse = await clinic.addUser('nurse');
    const token = await cliToken(nurse.email, '--name', 'Lab feed');
    const [created] = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM api_tokens WHERE token_hash = ${sha256(token)}`,
    );
    const patient = await bearer(token).post('/api/patients', patientBody());
    expect(patient.status).toBe(201);
    const history = await admin.get(`/api/audit-events?patientId=${patient.body.id}&action=patient.create`);
    expect(history.body.items[0]).toMatchObject({
      actorUserId: nurse.userId,
      details: { viaApiToken: created.id },
    });
  });

  it('an administrator creates, lists and revokes a token; a revoked token is refused', async () => {
    const created = await admin.post('/api/tokens', { name: 'Lab import', scopes: ['user.read'], expiresInDays: 90 });
    expect(created.status).toBe(201);
    const { id, token } = created.body;
    expect((await bearer(token).get('/api/users')).status).toBe(200);

    const listed = (await admin.get('/api/tokens')).body.items.find((item: { id: string }) => item.id === id);
    expect(listed).toMatchObject({
      name: 'Lab import',
      userEmail: clinic.admin.email,
      prefix: token.slice(0, 12),
      revokedAt: null,
      scopes: ['user.read'],
    });
    expect(Date.parse(listed.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);

    expect((await admin.delete(`/api/tokens/${id}`)).status).toBe(204);
    const refused = await bearer(token).get('/api/users');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthenticated');
  });

  it('creates a token only for the administrator themself: never one acting as another person (a provider’s notes)', async () => {
    const provider = await clinic.addUser('provider');
    const tokensBefore = (await admin.get('/api/tokens')).body.items.length;
    const refused = await admin.post('/api/tokens', {
      userId: provider.userId,
      name: 'Read the charts',
      scopes: ['patient.read'],
      expiresInDays: 30,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['userId']);
    expect((await admin.get('/api/tokens')).body.items).toHaveLength(tokensBefore);
    // Naming oneself is allowed (older scripts send it).
    const me = (await admin.get('/api/auth/session')).body.user.id;
    expect(
      (await admin.post('/api/tokens', { userId: me, name: 'Mine', scopes: ['patient.read'], expiresInDays: 30 }))
        .status,
    ).toBe(201);
  });

  it('refuses an expired token', async () => {
    const user = await clinic.addUser('billing');
    const token = await runCommand(t.database, [
      'token',
      'create',
      '--email',
      user.email,
      '--scopes',
      'payer.read',
      '--expires-days',
      '1',
    ]);
    expect((await bearer(token).get('/api/payers')).status).toBe(200);
    await t.database.db.execute(
      sql`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = ${sha256(token)}`,
    );
    expect((await bearer(token).get('/api/payers')).status).toBe(401);
  });

  it('refuses malformed, forged, unsigned and wrong-scheme credentials', async () => {
    const token = await cliToken(clinic.admin.email);
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
    const token = await cliToken(clinic.admin.email);
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
  it('refuses a token without scopes or expiry, with a scope the role lacks, or living over 365 days, and creates nothing', async () => {
    const before = (await admin.get('/api/tokens')).body.items.length;
    const bare = await admin.post('/api/tokens', { name: 'No scopes' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.fields).toEqual([
      { path: 'scopes', message: 'Choose at least one thing the token may do.' },
      { path: 'expiresInDays', message: 'Choose when the token expires: in 1 to 365 days.' },
    ]);
    const empty = await admin.post('/api/tokens', { scopes: [], expiresInDays: 30 });
    expect(empty.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['scopes']);
    const tooLong = await admin.post('/api/tokens', { scopes: ['patient.read'], expiresInDays: 366 });
    expect(tooLong.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['expiresInDays']);
    const unknown = await admin.post('/api/tokens', { scopes: ['patient.delete'], expiresInDays: 30 });
    expect(unknown.status).toBe(400);
    // An administrator's role does not read clinical notes, so neither may their token.
    const clinical = await admin.post('/api/tokens', { scopes: ['patient.read', 'clinical.read'], expiresInDays: 30 });
    expect(clinical.status).toBe(400);
    expect(clinical.body.error.fields).toEqual([
      { path: 'scopes', message: 'Your role does not allow clinical.read; a token can only do what your role may.' },
    ]);
    expect((await admin.get('/api/tokens')).body.items).toHaveLength(before);
  });

  it('lets a token use only its scopes, even where the owner’s role could do more', async () => {
    const created = await admin.post('/api/tokens', {
      name: 'Schedule feed',
      scopes: ['schedule.read'],
      expiresInDays: 7,
    });
    const token = bearer(created.body.token);
    expect((await token.get('/api/appointment-types')).status).toBe(200);
    const patients = await token.get('/api/patients');
    expect(patients.status).toBe(403);
    expect(patients.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('patient.read') });
    expect((await token.post('/api/patients', patientBody())).status).toBe(403);
    // Routes for the signed-in web app (no one permission) refuse tokens.
    expect((await token.get('/api/auth/session')).status).toBe(403);
    expect((await token.get('/api/dashboard')).status).toBe(403);
    // The same administrator's session still reads patients.
    expect((await admin.get('/api/patients')).status).toBe(200);
    // Checks inside a route follow the scopes too: the whole outbox needs email.read.
    const reader = bearer(
      (await admin.post('/api/tokens', { name: 'Reader', scopes: ['patient.read'], expiresInDays: 7 })).body.token,
    );
    expect((await reader.get('/api/messages')).status).toBe(403);
    const outbox = bearer(
      (await admin.post('/api/tokens', { name: 'Outbox', scopes: ['patient.read', 'email.read'], expiresInDays: 7 }))
        .body.token,
    );
    expect((await outbox.get('/api/messages')).status).toBe(200);
  });

  it('limits a token to what the owner’s current role allows after a role change', async () => {
    const manager = await clinic.addUser('manager');
    const token = await cliToken(manager.email);
    expect((await bearer(token).get('/api/audit-events')).status).toBe(200);
    expect((await admin.patch(`/api/users/${manager.userId}`, { role: 'receptionist' })).status).toBe(200);
    expect((await bearer(token).get('/api/audit-events')).status).toBe(403);
    expect((await bearer(token).get('/api/patients')).status).toBe(200);
  });

  it('revokes a person’s tokens when an administrator resets their password', async () => {
    const user = await clinic.addUser('billing');
    const token = await cliToken(user.email);
    expect((await bearer(token).get('/api/payers')).status).toBe(200);
    expect((await admin.patch(`/api/users/${user.userId}`, { password: 'violet-tractor-harbour-9' })).status).toBe(200);
    expect((await bearer(token).get('/api/payers')).status).toBe(401);
    const [row] = await queryRows<{ revoked: boolean }>(
      t.database.db,
      sql`SELECT revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE token_hash = ${sha256(token)}`,
    );
    expect(row.revoked).toBe(true);
  });
});
