import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createTestDatabase, patientBody, request } from '../test/harness';
import { buildApp } from './app';

const DB_PASSWORD = 'Zq-db-password-4417';
const SECRET_KEY = 'Zq-secret-key-9921-long-enough';
const lines: string[] = [];
let close: () => Promise<void>;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  const { database, drop } = await createTestDatabase();
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  // Secrets the server holds, as canaries: none may reach the log.
  const config = loadConfig({
    DATABASE_URL: `postgres://tend:${DB_PASSWORD}@db.internal/tend`,
    TEND_SECRET_KEY: SECRET_KEY,
  });
  // `trace`: everything the server and Fastify would ever log.
  app = await buildApp({ database, config, cliSecret: null }, { logLevel: 'trace', logStream: stream });
  close = async () => {
    await app.close();
    await drop();
  };
});
afterAll(() => close());

it('logs requests as structured JSON without patient names, query strings or bodies', async () => {
  const setup = await request(app, 'POST', '/api/setup', {
    body: {
      clinicName: 'Log Clinic',
      timezone: 'Europe/Paris',
      country: 'FR',
      currency: 'EUR',
      adminEmail: 'admin@log.test',
      adminPassword: 'violet-tractor-harbour-9',
    },
  });
  expect(setup.status).toBe(201);
  const cookie = String(setup.headers['set-cookie']).split(';')[0];
  const patient = patientBody({ givenName: 'Zebulon', familyName: 'Quixotic', phone: '+33 1 42 68 53 00' });
  const created = await request(app, 'POST', '/api/patients', { body: patient, headers: { cookie } });
  expect(created.status).toBe(201);
  await request(app, 'GET', '/api/patients?q=Quixotic', { headers: { cookie } });

  const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
  expect(requestLines.map((entry) => entry.route)).toEqual(expect.arrayContaining(['/api/setup', '/api/patients']));
  const all = lines.join('\n');
  for (const secret of ['Zebulon', 'Quixotic', 'violet-tractor-harbour-9', '1 42 68 53 00', created.body.email]) {
    expect(all).not.toContain(secret);
  }
});

it('never logs a password, a session cookie, an API token, the CSRF token or a stored secret', async () => {
  const signIn = await request(app, 'POST', '/api/auth/sign-in', {
    body: { email: 'admin@log.test', password: 'violet-tractor-harbour-9' },
  });
  expect(signIn.status).toBe(200);
  const setCookies = [signIn.headers['set-cookie']].flat() as string[];
  const session = /tend_session=([^;]+)/.exec(setCookies.join('\n'))![1];
  const csrf = /tend_csrf=([^;]+)/.exec(setCookies.join('\n'))![1];
  const cookie = `tend_session=${session}; tend_csrf=${csrf}`;
  // A wrong password too: it is the one most likely to be logged by a careless error path.
  await request(app, 'POST', '/api/auth/sign-in', { body: { email: 'admin@log.test', password: 'Zq-wrong-password' } });

  const token = (
    await request(app, 'POST', '/api/tokens', {
      body: { name: 'Import', scopes: ['patient.read'], expiresInDays: 30 },
      headers: { cookie },
    })
  ).body.token as string;
  expect(token).toMatch(/^tend_/);
  expect((await request(app, 'GET', '/api/patients', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
    200,
  );
  expect(
    (await request(app, 'GET', '/api/patients', { headers: { authorization: 'Bearer tend_Zqforged' } })).status,
  ).toBe(401);

  const smtpPassword = 'Zq-smtp-password-3310';
  const smtp = await request(app, 'PUT', '/api/settings/email', {
    headers: { cookie },
    body: {
      host: '127.0.0.1',
      port: 2525,
      security: 'none',
      username: 'relay',
      password: smtpPassword,
      fromAddress: 'desk@log.test',
      fromName: 'Log Clinic',
      enabled: true,
    },
  });
  expect(smtp.status).toBe(200);
  const smsToken = 'Zq-sms-auth-token-7781';
  const sms = await request(app, 'PUT', '/api/settings/sms', {
    headers: { cookie },
    body: { baseUrl: 'http://127.0.0.1:9', accountSid: 'AC123', authToken: smsToken, fromNumber: '+15550001111' },
  });
  expect(sms.status).toBe(200);
  // A refused change (no CSRF header) and a sign-out.
  expect((await request(app, 'POST', '/api/patients', { headers: { cookie }, body: {}, csrf: false })).status).toBe(
    403,
  );
  expect((await request(app, 'POST', '/api/auth/sign-out', { headers: { cookie } })).status).toBe(204);

  // Should a future log line carry a request's headers or a body with a password, it is censored.
  app.log.info(
    {
      request: { headers: { cookie, authorization: `Bearer ${token}`, 'x-tend-csrf': csrf } },
      body: { password: smtpPassword },
    },
    'a careless log line',
  );
  const careless = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'a careless log line');
  expect(careless.request.headers).toEqual({
    cookie: '[redacted]',
    authorization: '[redacted]',
    'x-tend-csrf': '[redacted]',
  });
  expect(careless.body.password).toBe('[redacted]');

  const all = lines.join('\n');
  expect(lines.length).toBeGreaterThan(10);
  for (const secret of [
    'violet-tractor-harbour-9',
    'Zq-wrong-password',
    session,
    csrf,
    token,
    token.slice(5, 25),
    'Zqforged',
    smtpPassword,
    smsToken,
    DB_PASSWORD,
    SECRET_KEY,
  ]) {
    expect(all, secret).not.toContain(secret);
  }
});
