import { type Database, queryRows } from '@tend/db';
import { AppError } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticateToken } from '../auth/service';
import { formatError, runCommand } from '../cli/commands';
import { clientWithHeaders, createTestApp, createTestDatabase, request, type TestApp } from '../test/harness';
import { setupCode } from './setup-code';

/** First run, on databases without any clinic: the setup page and `tend setup`. */

// Counts the Argon2 password hashes (the real function still runs), to prove a refused setup costs none.
const hashes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../auth/secrets', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../auth/secrets')>();
  return {
    ...actual,
    hashPassword: (password: string) => {
      hashes.count++;
      return actual.hashPassword(password);
    },
  };
});

const setupBody = {
  clinicName: 'Riverside Family Practice',
  timezone: 'America/Chicago',
  country: 'US',
  currency: 'USD',
  adminName: 'Rita Admin',
  adminEmail: 'Rita@Riverside.test',
  adminPassword: 'correct-horse-battery',
  address: { line1: '200 River Rd', city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' },
};

describe('the setup page (POST /api/setup)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const setUp = () => request(t.app, 'GET', '/api/setup');
  const post = (body: unknown) => request(t.app, 'POST', '/api/setup', { body });

  it('reports an empty installation as not set up', async () => {
    expect((await setUp()).body).toEqual({ setUp: false, codeRequired: false, demo: null });
  });

  it('refuses a bad time zone or a short password with the fields to fix, and creates nothing', async () => {
    const res = await post({ ...setupBody, timezone: 'Mars/Olympus_Mons', adminPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['adminPassword', 'timezone']);
    const badEmail = await post({ ...setupBody, adminEmail: 'not-an-email' });
    expect(badEmail.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['adminEmail']);
    expect((await setUp()).body).toEqual({ setUp: false, codeRequired: false, demo: null });
  });

  it('creates the clinic, its administrator and a first location, and signs the administrator in — once, even when sent twice at once', async () => {
    const results = await Promise.all([post(setupBody), post(setupBody)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const res = results.find((r) => r.status === 201)!;
    const [clinics] = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM clinics`);
    expect(clinics.n).toBe(1);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    expect(cookie).toMatch(/^tend_session=.+/);
    const admin = clientWithHeaders(t.app, { cookie }, cookie);

    const session = await admin.get('/api/auth/session');
    expect(session.body.user).toMatchObject({ email: 'rita@riverside.test', name: 'Rita Admin', role: 'admin' });
    expect(session.body.clinic).toMatchObject({
      id: res.body.clinicId,
      name: 'Riverside Family Practice',
      timezone: 'America/Chicago',
      idleTimeoutMinutes: 15,
      slotGridMinutes: 15,
      unitSystem: 'us',
      address: { ...setupBody.address, line2: null },
    });
    const locations = await admin.get('/api/locations');
    expect(locations.body.items).toEqual([
      expect.objectContaining({
        name: 'Riverside Family Practice',
        timezone: 'America/Chicago',
        address: { ...setupBody.address, line2: null },
        active: true,
      }),
    ]);
    expect((await setUp()).body).toEqual({ setUp: true, codeRequired: false, demo: null });

    const audit = await admin.get('/api/audit-events?action=clinic.setup');
    expect(audit.body.items).toHaveLength(1);
  });

  it('shows vitals in metric units outside the US, and lets the administrator change it', async () => {
    const clinic = await t.createClinic({ country: 'GB', timezone: 'Europe/London' });
    const admin = await t.signIn(clinic.admin);
    expect((await admin.get('/api/auth/session')).body.clinic.unitSystem).toBe('metric');
    expect((await admin.patch('/api/clinic', { unitSystem: 'us' })).body.unitSystem).toBe('us');
    expect((await admin.patch('/api/clinic', { unitSystem: 'imperial' })).status).toBe(400);
  });

  it('cannot be replayed once set up, and refuses before hashing the password', async () => {
    const hashesBefore = hashes.count;
    expect(hashesBefore).toBeGreaterThan(0); // the setups above were counted
    const res = await post({ ...setupBody, clinicName: 'Hostile Takeover', adminEmail: 'mallory@evil.test' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_set_up');
    expect(hashes.count).toBe(hashesBefore);
    expect(res.headers['set-cookie']).toBeUndefined();
    const signIn = await request(t.app, 'POST', '/api/auth/sign-in', {
      body: { email: 'mallory@evil.test', password: setupBody.adminPassword },
    });
    expect(signIn.status).toBe(401);
  });
});

describe('the setup page from another computer', () => {
  let t: TestApp;
  const keys = { secretKey: 'setup-code-test-key', dataDir: '/nonexistent' };
  beforeAll(async () => {
    t = await createTestApp({ config: keys });
  });
  afterAll(() => t.close());

  const lan = { remoteAddress: '192.168.1.23' };
  const clinics = async () =>
    (await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM clinics`))[0].n;

  it('asks for the setup code printed by `tend start`, refuses a missing or wrong one and creates nothing', async () => {
    expect((await request(t.app, 'GET', '/api/setup', lan)).body).toEqual({
      setUp: false,
      codeRequired: true,
      demo: null,
    });
    expect((await request(t.app, 'GET', '/api/setup', { remoteAddress: '::1' })).body.codeRequired).toBe(false);
    // A forwarded request is never local: not a client claiming 127.0.0.1, nor a proxy on this computer.
    const forwarded: Record<string, string>[] = [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1' }];
    for (const headers of forwarded) {
      expect((await request(t.app, 'GET', '/api/setup', { headers })).body.codeRequired).toBe(true);
      const res = await request(t.app, 'POST', '/api/setup', { headers, body: setupBody });
      expect(res.status).toBe(403);
    }
    for (const setupCodeGiven of [undefined, '', 'AAAAA-AAAAA', `${setupCode(keys)}X`]) {
      const res = await request(t.app, 'POST', '/api/setup', {
        ...lan,
        body: { ...setupBody, setupCode: setupCodeGiven },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.fields).toEqual([{ path: 'setupCode', message: expect.stringContaining('setup code') }]);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await clinics()).toBe(0);
  });

  it('accepts the code however it is typed, and is then set up', async () => {
    const code = setupCode(keys);
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    const typed = ` ${code.toLowerCase().replace('-', ' ')} `;
    const res = await request(t.app, 'POST', '/api/setup', { ...lan, body: { ...setupBody, setupCode: typed } });
    expect(res.status).toBe(201);
    expect(await clinics()).toBe(1);
    // Afterwards the answer is the usual 409, with or without a code.
    const again = await request(t.app, 'POST', '/api/setup', lan);
    expect(again.status).toBe(400); // no body at all: the fields to fill in
    expect((await request(t.app, 'POST', '/api/setup', { ...lan, body: setupBody })).body.error.code).toBe(
      'already_set_up',
    );
    expect((await request(t.app, 'GET', '/api/setup', lan)).body).toEqual({
      setUp: true,
      codeRequired: false,
      demo: null,
    });
  });

  it('derives one code per secret key, so every server process shows the same one', () => {
    expect(setupCode(keys)).toBe(setupCode({ ...keys }));
    expect(setupCode({ ...keys, secretKey: 'another-key' })).not.toBe(setupCode(keys));
  });
});

describe('the command line (tend setup, user add, token create)', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
  });
  afterAll(() => drop());

  const tend = (...argv: string[]) => runCommand(database, argv);
  const failure = async (promise: Promise<unknown>): Promise<AppError> => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };
  const setupArgs = [
    '--clinic',
    'Hillside Clinic',
    '--timezone',
    'Europe/Dublin',
    '--country',
    'IE',
    '--currency',
    'EUR',
  ];

  it('needs setup before anything else', async () => {
    const error = await failure(
      tend(
        'user',
        'add',
        '--email',
        'x@hillside.test',
        '--name',
        'X',
        '--role',
        'nurse',
        '--password',
        'long-enough-password',
      ),
    );
    expect(error.code).toBe('not_set_up');
  });

  it('explains bad options per option name', async () => {
    const error = await failure(
      tend(
        'setup',
        ...setupArgs.slice(0, 2),
        '--timezone',
        'Nowhere/Land',
        '--admin-email',
        'a@hillside.test',
        '--admin-password',
        'short',
      ),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.fields.map((f) => f.path).sort()).toEqual(['adminPassword', 'timezone']);
    expect(formatError(error)).toContain('--admin-password:');
    await failure(tend('setup', '--clinic'));
    await failure(tend('setup', '--unknown-option', 'x'));
  });

  it('sets up the clinic, adds staff and prints a working API token', async () => {
    const out = await tend(
      'setup',
      ...setupArgs,
      '--admin-email',
      'owner@hillside.test',
      '--admin-password',
      'blue-lantern-4471',
    );
    expect(out).toContain('Hillside Clinic');

    const added = await tend(
      'user',
      'add',
      '--email',
      'Nina@Hillside.test',
      '--name',
      'Nina Nurse',
      '--role',
      'nurse',
      '--password',
      'amber-harbour-123',
    );
    expect(added).toBe('Created nurse Nina Nurse <nina@hillside.test>.');
    const badRole = await failure(
      tend(
        'user',
        'add',
        '--email',
        'r@hillside.test',
        '--name',
        'R',
        '--role',
        'root',
        '--password',
        'long-enough-password',
      ),
    );
    expect(badRole.fields.map((f) => f.path)).toEqual(['role']);
    const duplicate = await failure(
      tend(
        'user',
        'add',
        '--email',
        'nina@hillside.test',
        '--name',
        'N2',
        '--role',
        'nurse',
        '--password',
        'long-enough-password',
      ),
    );
    expect(duplicate.fields.map((f) => f.path)).toEqual(['email']);

    const nina = ['token', 'create', '--email', 'nina@hillside.test'];
    const noExpiry = await failure(tend(...nina, '--scopes', 'patient.read'));
    expect(formatError(noExpiry)).toContain('--expires-days: Choose when the token expires: in 1 to 365 days.');
    const notHers = await failure(tend(...nina, '--scopes', 'patient.read,billing.manage', '--expires-days', '30'));
    expect(notHers.fields).toEqual([
      { path: 'scopes', message: 'Your role does not allow billing.manage; a token can only do what your role may.' },
    ]);
    const token = await tend(...nina, '--scopes', 'patient.read,clinical.read', '--expires-days', '30');
    const ctx = await authenticateToken(database.db, token, { ip: null, userAgent: null });
    expect(ctx).toMatchObject({
      email: 'nina@hillside.test',
      role: 'nurse',
      tokenScopes: ['patient.read', 'clinical.read'],
    });
    const all = await tend(...nina, '--scopes', 'all', '--expires-days', '1');
    const allCtx = await authenticateToken(database.db, all, { ip: null, userAgent: null });
    expect(allCtx.tokenScopes).toContain('clinical.write');
    expect(allCtx.tokenScopes).not.toContain('billing.manage');
  });

  it('refuses to set up twice and changes nothing', async () => {
    const error = await failure(
      tend('setup', ...setupArgs, '--admin-email', 'other@hillside.test', '--admin-password', 'other-password-123'),
    );
    expect(error.code).toBe('already_set_up');
    const missing = await failure(tend('token', 'create', '--email', 'other@hillside.test'));
    expect(missing.code).toBe('not_found');
  });
});
