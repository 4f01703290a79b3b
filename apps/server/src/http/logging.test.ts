import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createTestDatabase, patientBody, request } from '../test/harness';
import { buildApp } from './app';

const lines: string[] = [];
let close: () => Promise<void>;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  const { database, drop } = await createTestDatabase();
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  app = await buildApp({ database, config: loadConfig({}), cliSecret: null }, { logLevel: 'info', logStream: stream });
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
