import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { Ledger, send, Tally } from './tools';
import { buildWorld, type World } from './world';

/**
 * Property-based fuzzing of the main write endpoints: arbitrary JSON, and valid bodies with
 * fields replaced by arbitrary JSON. Whatever arrives, the answer is never a 5xx, a refusal says
 * what is wrong, and a refused request leaves the whole database as it was.
 */

let t: TestApp;
let w: World;
let encounter: { id: string; version: number };
const tally = new Tally('fuzz');
const RUNS = 100;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
  const opened = await w.a.as.provider.post('/api/encounters', {
    patientId: w.a.ids.patient,
    providerId: w.a.ids.provider,
  });
  expect(opened.status).toBe(201);
  encounter = opened.body;
}, 240_000);
afterAll(() => t?.close());

interface Endpoint {
  method: 'POST' | 'PATCH' | 'PUT';
  url: () => string;
  cookie: () => string;
  valid: () => Record<string, unknown>;
}

const ENDPOINTS: Record<string, Endpoint> = {
  'register a patient': {
    method: 'POST',
    url: () => '/api/patients',
    cookie: () => w.a.as.receptionist.cookie,
    valid: () => ({
      givenName: 'Fuzz',
      familyName: 'Tester',
      birthDate: '1990-04-05',
      sex: 'female',
      phone: '617-555-0100',
    }),
  },
  'book an appointment': {
    method: 'POST',
    url: () => '/api/appointments',
    cookie: () => w.a.as.receptionist.cookie,
    valid: () => ({
      patientId: w.a.ids.patient,
      providerId: w.a.ids.provider,
      appointmentTypeId: w.a.ids.appointmentType,
      start: '2031-04-01T14:00:00Z',
    }),
  },
  'post a payment': {
    method: 'POST',
    url: () => '/api/payments',
    cookie: () => w.a.as.receptionist.cookie,
    valid: () => ({
      source: 'patient',
      patientId: w.a.ids.patient,
      method: 'cash',
      amountCents: 500,
      receivedOn: '2031-04-01',
    }),
  },
  'autosave a visit note': {
    method: 'PATCH',
    url: () => `/api/encounters/${encounter.id}`,
    cookie: () => w.a.as.provider.cookie,
    valid: () => ({ version: encounter.version, subjective: 'Cough for three days', diagnoses: [{ code: 'J11.1' }] }),
  },
  'change the clinic settings': {
    method: 'PATCH',
    url: () => '/api/clinic',
    cookie: () => w.a.as.admin.cookie,
    valid: () => ({ name: 'Fuzzed Clinic', slotGridMinutes: 15, lateCancelHours: 24 }),
  },
  'edit a message template': {
    method: 'PUT',
    url: () => '/api/message-templates',
    cookie: () => w.a.as.manager.cookie,
    valid: () => ({
      kind: 'reminder',
      channel: 'email',
      subject: 'See you soon',
      body: 'Hello {firstName}, see you on {date} at {time}.',
    }),
  },
};

/** Arbitrary JSON, or a valid body with some fields replaced, added or given arbitrary values. */
function bodies(valid: Record<string, unknown>) {
  const keys = [...Object.keys(valid), 'id', 'clinicId', '__proto__', 'constructor'];
  return fc.oneof(
    fc.jsonValue(),
    fc
      .dictionary(fc.constantFrom(...keys), fc.jsonValue(), { minKeys: 1, maxKeys: 3 })
      .map((changes) => ({ ...valid, ...changes })),
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ ...valid, [Object.keys(valid)[0]]: text })),
  );
}

describe('fuzzing the main write endpoints', () => {
  for (const [label, endpoint] of Object.entries(ENDPOINTS)) {
    it(`${label}: never 5xx, and a refusal changes nothing`, async () => {
      // The control: the unchanged body is accepted, so the mutations start from a valid request.
      const control = await send(t, tally, endpoint.method, endpoint.url(), {
        headers: { cookie: endpoint.cookie() },
        body: endpoint.valid(),
      });
      expect(control.status, JSON.stringify(control.body)).toBeLessThan(300);
      if (label === 'autosave a visit note') encounter = { ...encounter, version: control.body.version };
      const ledger = new Ledger(t);
      await ledger.reset();
      await fc.assert(
        fc.asyncProperty(bodies(endpoint.valid()), async (body) => {
          const res = await send(t, tally, endpoint.method, endpoint.url(), {
            headers: { cookie: endpoint.cookie(), 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body.error.message).toEqual(expect.any(String));
            expect(await ledger.changed()).toEqual([]);
          } else {
            expect(res.status).toBeLessThan(300);
            if (label === 'autosave a visit note') encounter = { ...encounter, version: res.body.version };
            await ledger.reset();
          }
        }),
        { numRuns: RUNS },
      );
    }, 240_000);
  }

  it('counts its requests', () => {
    tally.report(Object.keys(ENDPOINTS).length * (RUNS + 1));
  });
});
