import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ApiClient,
  type ApiResponse,
  clientWithHeaders,
  createTestApp,
  request,
  type TestApp,
  type TestClinic,
} from '../test/harness';
import { sha256 } from './secrets';
import { MAX_FAILED_SIGN_INS, MFA_CHALLENGE_MINUTES } from './service';
import { base32Decode, base32Encode, totpCode, totpStep } from './totp';

// The clock: codes are computed here from the secret, and each sign-in needs a fresh 30-second
// step (a code works once), so the tests move the time forward instead of waiting.
let clock = Date.now();
const advance = (seconds: number) => {
  clock += seconds * 1000;
  vi.setSystemTime(clock);
};
/** The code the app would show after the next step begins. */
const nextCode = (secret: string) => {
  advance(30);
  return totpCode(secret, totpStep(new Date(clock)));
};

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: clock });
  t = await createTestApp();
  clinic = await t.createClinic();
});
afterAll(async () => {
  await t.close();
  vi.useRealTimers();
});

let address = '';
let addresses = 0;
beforeEach(async () => {
  address = `198.18.0.${++addresses}`;
  // Signed in afresh: the moved clock would idle out a session from an earlier test.
  admin = await t.signIn(clinic.admin);
});

type Credentials = { email: string; password: string; userId: string };

const sessionCookie = (res: ApiResponse) => {
  const cookie = [res.headers['set-cookie'] ?? []].flat().map(String).join('\n');
  return /tend_session=([^;]*)/.exec(cookie)?.[1] ?? '';
};
const clientOf = (cookieValue: string) =>
  clientWithHeaders(t.app, { cookie: `tend_session=${cookieValue}` }, `tend_session=${cookieValue}`);
const passwordStep = (user: { email: string; password: string }, headers: Record<string, string> = {}) =>
  request(t.app, 'POST', '/api/auth/sign-in', {
    body: { email: user.email, password: user.password },
    remoteAddress: address,
    headers,
  });
const codeStep = (body: Record<string, string>, headers: Record<string, string> = {}) =>
  request(t.app, 'POST', '/api/auth/sign-in/mfa', { body, remoteAddress: address, headers });

async function auditCount(action: string, userId: string, extra = sql`true`) {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`SELECT count(*)::int AS n FROM audit_events WHERE action = ${action} AND entity_id = ${userId} AND ${extra}`,
  );
  return row.n;
}

/** Enrols a person with two-step sign-in from a fresh session; returns the secret and recovery codes. */
async function enrolled(role: Parameters<TestClinic['addUser']>[0] = 'nurse') {
  const user = await clinic.addUser(role);
  const session = await t.signIn(user);
  const started = await session.post('/api/auth/mfa/enrol');
  expect(started.status).toBe(200);
  const { secret } = started.body;
  const confirmed = await session.post('/api/auth/mfa/confirm', { code: nextCode(secret) });
  expect(confirmed.status).toBe(200);
  return { user, session, secret: secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

/** Password then code: the signed-in client. */
async function signInWithCode(user: Credentials, secret: string) {
  const first = await passwordStep(user);
  expect(first.status).toBe(200);
  const second = await codeStep({ challenge: first.body.challenge, code: nextCode(secret) });
  expect(second.status).toBe(200);
  return clientOf(sessionCookie(second));
}

describe('TOTP (RFC 6238)', () => {
  it('gives the RFC’s test values (SHA-1, 30-second steps; the last six of its eight digits)', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(secret).toString()).toBe('12345678901234567890');
    const at = (seconds: number) => totpCode(secret, totpStep(new Date(seconds * 1000)));
    expect(at(59)).toBe('287082');
    expect(at(1111111109)).toBe('081804');
    expect(at(1234567890)).toBe('005924');
    expect(at(2000000000)).toBe('279037');
  });
});

describe('enrolment', () => {
  it('shows a QR code and the secret, turns on with a first code, and answers ten recovery codes once', async () => {
    const user = await clinic.addUser('provider');
    const session = await t.signIn(user);
    const other = await t.signIn(user);
    const started = await session.post('/api/auth/mfa/enrol');
    expect(started.status).toBe(200);
    const { secret, uri, qrSvg } = started.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(
      `otpauth://totp/Tend:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Tend&algorithm=SHA1&digits=6&period=30`,
    );
    expect(qrSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);

    // The secret is stored sealed, never as it is.
    const [stored] = await queryRows<{ mfa_secret: string; mfa_enabled_at: Date | null }>(
      t.database.db,
      sql`SELECT mfa_secret, mfa_enabled_at FROM users WHERE id = ${user.userId}`,
    );
    expect(stored.mfa_secret).toMatch(/^v1:/);
    expect(stored.mfa_secret).not.toContain(secret);
    expect(stored.mfa_enabled_at).toBeNull();

    // Not yet in force: the password alone still signs in.
    expect((await passwordStep(user)).body.user.email).toBe(user.email);

    const wrong = await session.post('/api/auth/mfa/confirm', {
      code: '000000' === nextCode(secret) ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['code']);
    expect((await session.get('/api/auth/mfa')).body.enabled).toBe(false);
    const malformed = await session.post('/api/auth/mfa/confirm', { code: '12ab' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields[0].message).toBe('Enter the 6-digit code your authenticator app shows.');

    const confirmed = await session.post('/api/auth/mfa/confirm', { code: nextCode(secret) });
    expect(confirmed.status).toBe(200);
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    // Only their hashes are kept.
    const hashes = await queryRows<{ code_hash: string }>(
      t.database.db,
      sql`SELECT code_hash FROM user_recovery_codes WHERE user_id = ${user.userId}`,
    );
    expect(hashes.map((h) => h.code_hash).sort()).toEqual(codes.map((c) => sha256(c.replace(/-/g, ''))).sort());

    expect(await session.get('/api/auth/mfa')).toMatchObject({
      status: 200,
      body: { enabled: true, required: false, recoveryCodesLeft: 10 },
    });
    expect((await session.get('/api/auth/session')).body.mfa).toEqual({ enabled: true, required: false });
    // Turning it on ends the person's other sessions, not this one.
    expect((await other.get('/api/auth/session')).status).toBe(401);
    expect((await session.get('/api/patients')).status).toBe(200);
    expect(await auditCount('auth.mfa_enrol', user.userId)).toBe(1);
    // Enrolling again while on is refused (turn it off first).
    expect((await session.post('/api/auth/mfa/enrol')).status).toBe(409);
    expect(
      (await admin.get('/api/users')).body.items.find((u: { id: string }) => u.id === user.userId).mfaEnabled,
    ).toBe(true);
  });

  it('refuses enrolment through an API token', async () => {
    const created = await admin.post('/api/tokens', { name: 'Script', scopes: ['user.read'], expiresInDays: 30 });
    const script = clientWithHeaders(t.app, { authorization: `Bearer ${created.body.token}` });
    const res = await script.post('/api/auth/mfa/enrol');
    expect(res.status).toBe(403);
  });
});

describe('signing in with two-step sign-in', () => {
  it('gives no session for the password alone: a challenge, then the code gives the session', async () => {
    const { user, secret } = await enrolled();
    const first = await passwordStep(user);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['challenge', 'expiresAt']);
    expect(sessionCookie(first)).toBe('');
    // The challenge is stored as a hash only, for five minutes.
    const [challenge] = await queryRows<{ id: string; expires_at: Date }>(
      t.database.db,
      sql`SELECT id, expires_at FROM mfa_challenges WHERE user_id = ${user.userId}`,
    );
    expect(challenge.id).toBe(sha256(first.body.challenge));
    expect(new Date(challenge.expires_at).getTime()).toBe(clock + MFA_CHALLENGE_MINUTES * 60_000);
    // A challenge is not a session.
    const asCookie = await request(t.app, 'GET', '/api/patients', {
      headers: { cookie: `tend_session=${first.body.challenge}` },
    });
    expect(asCookie.status).toBe(401);

    const second = await codeStep({ challenge: first.body.challenge, code: nextCode(secret) });
    expect(second.status).toBe(200);
    expect(second.body.user.email).toBe(user.email);
    expect(second.body.mfa).toEqual({ enabled: true, required: false });
    const client = clientOf(sessionCookie(second));
    expect((await client.get('/api/patients')).status).toBe(200);
    expect(await auditCount('auth.sign_in', user.userId, sql`details->>'secondFactor' = 'totp'`)).toBe(1);

    // The challenge worked once.
    const again = await codeStep({ challenge: first.body.challenge, code: nextCode(secret) });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('mfa_challenge_expired');
  });

  it('refuses a wrong code, audits it, counts it for the address, and still accepts the right code', async () => {
    const { user, secret } = await enrolled();
    const first = await passwordStep(user);
    const wrong = await codeStep({
      challenge: first.body.challenge,
      code: '123456' === nextCode(secret) ? '654321' : '123456',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(sessionCookie(wrong)).toBe('');
    expect(
      await auditCount('auth.mfa_failed', user.userId, sql`details->>'reason' = 'bad_code' AND ip = ${address}`),
    ).toBe(1);
    const [throttle] = await queryRows<{ failures: number }>(
      t.database.db,
      sql`SELECT failures FROM auth_throttle WHERE key = ${`ip:${address}`}`,
    );
    expect(throttle.failures).toBe(1);
    const right = await codeStep({ challenge: first.body.challenge, code: nextCode(secret) });
    expect(right.status).toBe(200);
  });

  it(`locks the account after ${MAX_FAILED_SIGN_INS} wrong codes, even for the right code then`, async () => {
    const { user, secret } = await enrolled();
    const first = await passwordStep(user);
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      const res = await codeStep({
        challenge: first.body.challenge,
        code: '999999' === nextCode(secret) ? '888888' : '999999',
      });
      expect(res.body.error.code, `attempt ${i + 1}`).toBe('invalid_credentials');
    }
    const locked = await codeStep({ challenge: first.body.challenge, code: nextCode(secret) });
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('account_locked');
    // Knowing the password does not buy more guesses: the count was not reset by the password step.
    const [row] = await queryRows<{ failed_sign_ins: number }>(
      t.database.db,
      sql`SELECT failed_sign_ins FROM users WHERE id = ${user.userId}`,
    );
    expect(row.failed_sign_ins).toBe(MAX_FAILED_SIGN_INS);
  });

  it('refuses a code used already (replay), even with a new challenge', async () => {
    const { user, secret } = await enrolled();
    const code = nextCode(secret);
    const first = await passwordStep(user);
    expect((await codeStep({ challenge: first.body.challenge, code })).status).toBe(200);
    const second = await passwordStep(user);
    const replayed = await codeStep({ challenge: second.body.challenge, code });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe('invalid_credentials');
    expect(await auditCount('auth.mfa_failed', user.userId)).toBe(1);
    // An older code (the step before) is refused too once a later one was used.
    expect(
      (await codeStep({ challenge: second.body.challenge, code: totpCode(secret, totpStep(new Date(clock)) - 1) }))
        .status,
    ).toBe(401);
  });

  it('accepts the code of the step before or after (a phone clock a little off), not two steps away', async () => {
    const { user, secret } = await enrolled();
    advance(120);
    const step = totpStep(new Date(clock));
    const first = await passwordStep(user);
    expect((await codeStep({ challenge: first.body.challenge, code: totpCode(secret, step + 2) })).status).toBe(401);
    expect((await codeStep({ challenge: first.body.challenge, code: totpCode(secret, step - 2) })).status).toBe(401);
    expect((await codeStep({ challenge: first.body.challenge, code: totpCode(secret, step - 1) })).status).toBe(200);
  });

  it('accepts a recovery code once (in any case and spacing)', async () => {
    const { user, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3];
    const first = await passwordStep(user);
    const typed = code.toUpperCase().replace(/-/g, ' ');
    const used = await codeStep({ challenge: first.body.challenge, recoveryCode: typed });
    expect(used.status).toBe(200);
    const client = clientOf(sessionCookie(used));
    expect((await client.get('/api/auth/mfa')).body.recoveryCodesLeft).toBe(9);
    expect(await auditCount('auth.recovery_code_used', user.userId)).toBe(1);
    expect(await auditCount('auth.sign_in', user.userId, sql`details->>'secondFactor' = 'recovery_code'`)).toBe(1);

    const second = await passwordStep(user);
    const again = await codeStep({ challenge: second.body.challenge, recoveryCode: code });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_credentials');
    expect(await auditCount('auth.mfa_failed', user.userId, sql`details->>'reason' = 'bad_recovery_code'`)).toBe(1);
    expect((await codeStep({ challenge: second.body.challenge, recoveryCode: recoveryCodes[4] })).status).toBe(200);
  });

  it('refuses a code with neither or both of code and recovery code, and changes nothing', async () => {
    const { user, secret, recoveryCodes } = await enrolled();
    const first = await passwordStep(user);
    const neither = await codeStep({ challenge: first.body.challenge });
    expect(neither.status).toBe(400);
    const both = await codeStep({
      challenge: first.body.challenge,
      code: nextCode(secret),
      recoveryCode: recoveryCodes[0],
    });
    expect(both.status).toBe(400);
    expect((await codeStep({ challenge: first.body.challenge, code: nextCode(secret) })).status).toBe(200);
  });

  it(`refuses a challenge older than ${MFA_CHALLENGE_MINUTES} minutes, or an unknown one`, async () => {
    const { user, secret } = await enrolled();
    const first = await passwordStep(user);
    advance(MFA_CHALLENGE_MINUTES * 60 + 1);
    const late = await codeStep({ challenge: first.body.challenge, code: nextCode(secret) });
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('mfa_challenge_expired');
    expect(sessionCookie(late)).toBe('');
    const unknown = await codeStep({ challenge: 'made-up-challenge', code: nextCode(secret) });
    expect(unknown.body.error.code).toBe('mfa_challenge_expired');
  });

  it('ends the session of the cookie the browser sent when it signs in again (rotation)', async () => {
    const plain = await clinic.addUser('receptionist');
    const old = await t.signIn(plain);
    const again = await passwordStep(plain, { cookie: old.cookie });
    expect(again.status).toBe(200);
    expect((await old.get('/api/auth/session')).status).toBe(401);
    expect((await clientOf(sessionCookie(again)).get('/api/auth/session')).status).toBe(200);

    // Also through the second step.
    const { user, secret, session } = await enrolled();
    const first = await passwordStep(user, { cookie: session.cookie });
    // The password step alone leaves the old session as it is…
    expect((await session.get('/api/auth/session')).status).toBe(200);
    const second = await codeStep(
      { challenge: first.body.challenge, code: nextCode(secret) },
      { cookie: session.cookie },
    );
    expect(second.status).toBe(200);
    // …the new session ends it.
    expect((await session.get('/api/auth/session')).status).toBe(401);
    expect((await clientOf(sessionCookie(second)).get('/api/auth/session')).status).toBe(200);
  });
});

describe('turning it off and resetting it', () => {
  it('turns off with the password and a current code, ending the other sessions', async () => {
    const { user, secret, session } = await enrolled();
    const laptop = await signInWithCode(user, secret);
    const wrongPassword = await session.post('/api/auth/mfa/disable', {
      password: 'not-it-at-all',
      code: nextCode(secret),
    });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['password']);
    const wrongCode = await session.post('/api/auth/mfa/disable', {
      password: user.password,
      code: '424242' === nextCode(secret) ? '242424' : '424242',
    });
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['code']);
    expect(await auditCount('auth.mfa_failed', user.userId, sql`details->>'purpose' = 'disable'`)).toBe(2);
    expect((await session.get('/api/auth/mfa')).body.enabled).toBe(true);

    const off = await session.post('/api/auth/mfa/disable', { password: user.password, code: nextCode(secret) });
    expect(off.status).toBe(204);
    expect((await session.get('/api/auth/mfa')).body).toEqual({
      enabled: false,
      required: false,
      recoveryCodesLeft: 0,
    });
    expect((await laptop.get('/api/auth/session')).status).toBe(401);
    expect(await auditCount('auth.mfa_disable', user.userId)).toBe(1);
    // The password alone signs in again.
    const plain = await passwordStep(user);
    expect(plain.body.user.email).toBe(user.email);
  });

  it('gives no more guesses once the account is locked, not even the right code', async () => {
    const { user, secret, session } = await enrolled();
    for (let i = 0; i < 5; i++) {
      const wrong = await session.post('/api/auth/mfa/disable', { password: user.password, code: '000000' });
      expect(wrong.status).toBe(nextCode(secret) === '000000' ? 204 : 400);
    }
    const locked = await session.post('/api/auth/mfa/disable', { password: user.password, code: nextCode(secret) });
    expect(locked.body.error.code).toBe('account_locked');
    expect((await session.get('/api/auth/mfa')).body.enabled).toBe(true);
  });

  it('an administrator resets a person’s two-step sign-in: audited, their sessions end, the password alone signs in', async () => {
    const { user, secret } = await enrolled('billing');
    const session = await signInWithCode(user, secret);
    const receptionist = await t.signIn(await clinic.addUser('receptionist'));
    expect((await receptionist.post(`/api/users/${user.userId}/mfa/reset`)).status).toBe(403);

    const reset = await admin.post(`/api/users/${user.userId}/mfa/reset`);
    expect(reset.status).toBe(204);
    expect((await session.get('/api/auth/session')).status).toBe(401);
    expect(await auditCount('auth.mfa_reset', user.userId)).toBe(1);
    const users = (await admin.get('/api/users')).body.items;
    expect(users.find((u: { id: string }) => u.id === user.userId).mfaEnabled).toBe(false);
    expect((await passwordStep(user)).body.user.email).toBe(user.email);
    const [codes] = await queryRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM user_recovery_codes WHERE user_id = ${user.userId}`,
    );
    expect(codes.n).toBe(0);

    // Nothing left to reset; an unknown person; oneself.
    expect((await admin.post(`/api/users/${user.userId}/mfa/reset`)).status).toBe(409);
    expect((await admin.post('/api/users/00000000-0000-4000-8000-000000000000/mfa/reset')).status).toBe(404);
    const me = (await admin.get('/api/auth/session')).body.user.id;
    expect((await admin.post(`/api/users/${me}/mfa/reset`)).status).toBe(409);
  });

  it('does not reset a person of another clinic', async () => {
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    const { user } = await enrolled();
    expect((await otherAdmin.post(`/api/users/${user.userId}/mfa/reset`)).status).toBe(404);
    expect(
      (await admin.get('/api/users')).body.items.find((u: { id: string }) => u.id === user.userId).mfaEnabled,
    ).toBe(true);
  });
});

describe('the clinic’s policy', () => {
  it('requires two-step sign-in per role: until enrolled, a session reaches only the sign-in routes', async () => {
    const refused = await admin.patch('/api/clinic', { mfaRequiredRoles: ['billing', 'janitor'] });
    expect(refused.status).toBe(400);
    expect((await admin.get('/api/clinic')).body.mfaRequiredRoles).toEqual([]);

    const saved = await admin.patch('/api/clinic', { mfaRequiredRoles: ['billing', 'manager', 'billing'] });
    expect(saved.status).toBe(200);
    expect(saved.body.mfaRequiredRoles).toEqual(['manager', 'billing']);
    const [audited] = await queryRows<{ details: { fields: string[] } }>(
      t.database.db,
      sql`SELECT details FROM audit_events WHERE action = 'clinic.update' AND clinic_id = ${clinic.clinicId} ORDER BY id DESC LIMIT 1`,
    );
    expect(audited.details.fields).toEqual(['mfaRequiredRoles']);

    try {
      const billing = await clinic.addUser('billing');
      const signedIn = await passwordStep(billing);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.mfa).toEqual({ enabled: false, required: true });
      const limited = clientOf(sessionCookie(signedIn));
      for (const url of ['/api/patients', '/api/clinic', '/api/dashboard', '/api/payers']) {
        const res = await limited.get(url);
        expect(res.status, url).toBe(403);
        expect(res.body.error.code).toBe('mfa_enrolment_required');
      }
      expect((await limited.post('/api/tokens', { name: 'Around it' })).status).toBe(403);
      expect((await limited.get('/api/auth/session')).status).toBe(200);

      // Enrolling lifts the limit at once, in the same session.
      const { secret } = (await limited.post('/api/auth/mfa/enrol')).body;
      expect((await limited.post('/api/auth/mfa/confirm', { code: nextCode(secret) })).status).toBe(200);
      expect((await limited.get('/api/payers')).status).toBe(200);
      // Required: it cannot be turned off by the person.
      const off = await limited.post('/api/auth/mfa/disable', { password: billing.password, code: nextCode(secret) });
      expect(off.status).toBe(409);

      // Other roles are not affected.
      const nurse = await t.signIn(await clinic.addUser('nurse'));
      expect((await nurse.get('/api/patients')).status).toBe(200);
      expect((await nurse.get('/api/auth/session')).body.mfa).toEqual({ enabled: false, required: false });

      // A session of someone not enrolled becomes limited as soon as the clinic requires it.
      const manager = await t.signIn(await clinic.addUser('nurse'));
      expect((await admin.patch('/api/clinic', { mfaRequiredRoles: ['nurse'] })).status).toBe(200);
      expect((await manager.get('/api/patients')).body.error.code).toBe('mfa_enrolment_required');
    } finally {
      expect((await admin.patch('/api/clinic', { mfaRequiredRoles: [] })).status).toBe(200);
    }
  });
});
