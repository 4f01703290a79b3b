import { type Database, queryRows } from '@tend/db';
import { AppError } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands';
import {
  type ApiClient,
  createTestApp,
  createTestDatabase,
  request,
  type TestApp,
  type TestClinic,
  unique,
} from '../test/harness';
import { isCommonPassword } from './password-policy';

/** The password rules: 12–256 characters, not a common password, not the email name or the clinic name. */

const COMMON = 'This password is on a list of commonly used passwords — choose another.';

describe('the common-password list', () => {
  it('knows listed passwords whatever their case, and with digits or symbols around them', () => {
    for (const password of ['password1234', 'PASSWORD1234', 'QwertyUiop12', 'Password2024!', '!!dragon123456']) {
      expect(isCommonPassword(password), password).toBe(true);
    }
    expect(isCommonPassword('abcabcabcabc')).toBe(true);
  });

  it('lets a long unusual password through', () => {
    expect(isCommonPassword('violet-tractor-harbour-9')).toBe(false);
    expect(isCommonPassword('correct-horse-battery')).toBe(false);
  });
});

describe('first-run setup (POST /api/setup)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const setupBody = {
    clinicName: 'Lakeshore Family Practice',
    timezone: 'America/Chicago',
    adminEmail: 'morgan.hale@lakeshore.test',
    adminPassword: 'violet-tractor-harbour-9',
  };
  const post = (body: unknown) => request(t.app, 'POST', '/api/setup', { body });

  it('refuses a common password, the email name or the clinic name with a field error, and creates nothing', async () => {
    const cases = [
      ['Password1234', COMMON],
      ['i-am-Morgan.Hale-2026', 'The password must not contain your email address’s name — choose another.'],
      ['lakeshorefamilypractice!', 'The password must not contain the clinic’s name — choose another.'],
      ['x'.repeat(11), 'Use at least 12 characters.'],
      [`${'ab1-'.repeat(64)}z`, 'Use at most 256 characters.'],
    ] as const;
    for (const [adminPassword, message] of cases) {
      const res = await post({ ...setupBody, adminPassword });
      expect(res.status, adminPassword).toBe(400);
      expect(res.body.error.fields).toEqual([{ path: 'adminPassword', message }]);
    }
    expect((await request(t.app, 'GET', '/api/setup')).body).toEqual({ setUp: false, codeRequired: false, demo: null });
  });

  it('accepts a 256-character password, which then signs in', async () => {
    const adminPassword = `${'violet-tractor-'.repeat(17)}x`.slice(0, 256);
    expect(adminPassword).toHaveLength(256);
    expect((await post({ ...setupBody, adminPassword })).status).toBe(201);
    const signIn = await request(t.app, 'POST', '/api/auth/sign-in', {
      body: { email: setupBody.adminEmail, password: adminPassword },
    });
    expect(signIn.status).toBe(200);
  });
});

describe('staff accounts', () => {
  let t: TestApp;
  let admin: ApiClient;
  let clinic: TestClinic;
  let clinicName: string;
  beforeAll(async () => {
    t = await createTestApp();
    clinic = await t.createClinic();
    admin = await t.signIn(clinic.admin);
    [{ name: clinicName }] = await queryRows<{ name: string }>(
      t.database.db,
      sql`SELECT name FROM clinics WHERE id = ${clinic.clinicId}`,
    );
  });
  afterAll(() => t.close());

  const userCount = async () =>
    (await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM users`))[0].n;

  it('refuses to create an account with a common password, its email name or the clinic name', async () => {
    const before = await userCount();
    const email = `${unique('jordan.blake')}@clinic.test`;
    const base = { email, name: 'Jordan Blake', role: 'nurse' };
    const common = await admin.post('/api/users', { ...base, password: 'qwerty123456' });
    expect(common.status).toBe(400);
    expect(common.body.error.fields).toEqual([{ path: 'password', message: COMMON }]);
    const own = await admin.post('/api/users', { ...base, password: `my ${email.split('@')[0]} pass` });
    expect(own.body.error.fields[0].message).toMatch(/email address’s name/);
    const named = await admin.post('/api/users', { ...base, password: `${clinicName.toUpperCase()}-nurse` });
    expect(named.body.error.fields[0].message).toMatch(/clinic’s name/);
    expect(await userCount()).toBe(before);
    const ok = await admin.post('/api/users', { ...base, password: 'violet-tractor-harbour-9' });
    expect(ok.status).toBe(201);
  });

  it('refuses a reset to a common password and keeps the old one working', async () => {
    const user = await clinic.addUser('nurse');
    const res = await admin.patch(`/api/users/${user.userId}`, { password: 'iloveyou1234' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ path: 'password', message: COMMON }]);
    expect((await t.signIn(user)).cookie).toBeTruthy();
    const good = await admin.patch(`/api/users/${user.userId}`, { password: 'violet-tractor-harbour-9' });
    expect(good.status).toBe(200);
  });
});

describe('the command line (tend setup, tend user add)', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
  });
  afterAll(() => drop());
  const tend = (...argv: string[]) => runCommand(database, argv);
  const fields = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(AppError);
        return (error as AppError).fields;
      },
    );

  it('refuses a common password on setup and on user add', async () => {
    const setup = ['setup', '--clinic', 'Hillside Clinic', '--timezone', 'UTC', '--admin-email', 'kim@hillside.test'];
    expect(await fields(tend(...setup, '--admin-password', 'letmein12345'))).toEqual([
      { path: 'adminPassword', message: COMMON },
    ]);
    await tend(...setup, '--admin-password', 'violet-tractor-harbour-9');
    const add = ['user', 'add', '--email', 'sam@hillside.test', '--name', 'Sam', '--role', 'billing'];
    expect(await fields(tend(...add, '--password', 'Football2024!'))).toEqual([{ path: 'password', message: COMMON }]);
    expect(await tend(...add, '--password', 'violet-tractor-harbour-9')).toMatch(/Created billing Sam/);
  });
});
