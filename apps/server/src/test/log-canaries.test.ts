import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types (the full run's log check).
import { canaryMatcher, e2eCanaries, findLeaks } from '../../../../scripts/log-canaries.mjs';
import { loadConfig } from '../config';
import { buildApp } from '../http/app';
import { createTestDatabase, patientBody, request } from './harness';

describe('the full run’s “no patient data in logs” check', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tend-logs-'));
  let close: () => Promise<void>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let stream: ReturnType<typeof createWriteStream>;

  beforeAll(async () => {
    const { database, drop } = await createTestDatabase();
    stream = createWriteStream(join(folder, 'server-test.jsonl'));
    app = await buildApp(
      { database, config: loadConfig({}), cliSecret: null },
      { logLevel: 'debug', logStream: stream },
    );
    // A careless route, as a future change might add one: it logs the patient it saved.
    app.post('/api/careless', { config: { access: 'public' } }, async (req) => {
      const body = req.body as { givenName: string; familyName: string; phone: string };
      req.log.info(
        `registered ${body.givenName} ${body.familyName}, phone (${body.phone.slice(0, 3)}) ${body.phone.slice(4)}`,
      );
      return {};
    });
    close = async () => {
      await app.close();
      await drop();
      rmSync(folder, { recursive: true, force: true });
    };
  });
  afterAll(() => close());

  it('finds a patient’s name and phone that a route logged, and nothing in Tend’s own request logs', async () => {
    const setup = await request(app, 'POST', '/api/setup', {
      body: {
        clinicName: 'Canary Clinic',
        timezone: 'America/New_York',
        country: 'US',
        currency: 'USD',
        adminEmail: 'admin@canary.test',
        adminPassword: 'quiet-harbour-lantern-7',
      },
    });
    const cookie = String(setup.headers['set-cookie']).split(';')[0];
    const quiet = patientBody();
    expect((await request(app, 'POST', '/api/patients', { body: quiet, headers: { cookie } })).status).toBe(201);
    await request(app, 'GET', `/api/patients?q=${quiet.familyName}`, { headers: { cookie } });
    const logged = patientBody();
    await request(app, 'POST', '/api/careless', { body: logged });
    await new Promise<void>((resolve) => stream.write('', () => resolve()));

    writeFileSync(
      join(folder, 'canaries-1.txt'),
      [quiet, logged].flatMap((p) => [p.givenName, p.familyName, p.phone, p.email]).join('\n'),
    );
    const { leaks, lines } = findLeaks(folder);
    expect(lines).toBeGreaterThan(3);
    const hits = leaks.map((leak: string) => leak.replace(/^.*?: /, ''));
    expect(hits).toHaveLength(3);
    expect(hits).toEqual(expect.arrayContaining([logged.givenName, logged.familyName]));
    expect(hits.map((hit: string) => hit.replace(/\D/g, ''))).toContain(logged.phone.replace(/\D/g, ''));
  });

  it('matches names as whole words, emails whole and phones by their digits', () => {
    const matches = canaryMatcher([
      'Annabel',
      'Ann',
      'ruth.lund@example.com',
      '617-555-0142',
      '+33 1 42 68 53 00',
      'not-an-email',
      "x'; DROP TABLE patients; --",
    ]);
    expect(matches('{"msg":"Annabelle and Annual"}')).toEqual([]);
    expect(matches('{"route":"/api/settings/email","msg":"DROP TABLE patients"}')).toEqual([]);
    expect(matches('{"msg":"saw Annabel"}')).toEqual(['Annabel']);
    expect(matches('{"to":"Ruth.Lund@example.com"}')).toEqual(['Ruth.Lund@example.com']);
    expect(matches('{"to":"6175550142"}')).toEqual(['6175550142']);
    expect(matches('{"to":"+33142685300","time":1795809908653}')).toEqual(['+33142685300']);
  });

  it('knows the patients the browser tests type in', () => {
    expect(e2eCanaries()).toEqual(expect.arrayContaining(['Evangeline', 'Marchetti', 'Calloway']));
  });
});
