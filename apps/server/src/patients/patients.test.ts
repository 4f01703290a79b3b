import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, patientBody, type TestApp, type TestClinic } from '../test/harness';

let t: TestApp;
let clinic: TestClinic;
let reception: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  reception = await t.signIn(await clinic.addUser('receptionist'));
});
afterAll(() => t.close());

describe('patient registration', () => {
  it('registers a patient with an MRN and normalised phone', async () => {
    const res = await reception.post('/api/patients', patientBody({ phone: '(617) 555-0134' }));
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.mrn).toMatch(/^\d{6}$/);
    expect(res.body.phone).toBe('+16175550134');
  });

  it('assigns increasing MRNs per clinic', async () => {
    const a = await reception.post('/api/patients', patientBody());
    const b = await reception.post('/api/patients', patientBody());
    expect(Number(b.body.mrn)).toBe(Number(a.body.mrn) + 1);
  });

  it('stops a likely duplicate (close name, same birth date) and shows the candidate', async () => {
    const first = await reception.post('/api/patients', patientBody({ givenName: 'Jonathan', familyName: 'Whitfield', birthDate: '1971-03-09' }));
    expect(first.status).toBe(201);
    const dup = await reception.post('/api/patients', patientBody({ givenName: 'Jonathon', familyName: 'Whitfeld', birthDate: '1971-03-09' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('possible_duplicate');
    expect(dup.body.error.details.candidates.map((c: { id: string }) => c.id)).toContain(first.body.id);
    const confirmed = await reception.post('/api/patients', {
      ...patientBody({ givenName: 'Jonathon', familyName: 'Whitfeld', birthDate: '1971-03-09' }),
      allowDuplicate: true,
    });
    expect(confirmed.status).toBe(201);
  });

  it('finds a patient by a misspelt name', async () => {
    const created = await reception.post('/api/patients', patientBody({ givenName: 'Catherine', familyName: 'Oyelaran' }));
    for (const q of ['Katherine Oyelaran', 'oyelarn', 'Cathrine', 'Oyel']) {
      const res = await reception.get(`/api/patients?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.items.map((p: { id: string }) => p.id), q).toContain(created.body.id);
    }
  });

  it('refuses impossible input with a message per field and saves nothing', async () => {
    const before = await reception.get('/api/patients?limit=100');
    const res = await reception.post('/api/patients', patientBody({ birthDate: '2023-02-30', email: 'not-an-email', phone: '12' }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['birthDate', 'email']));
    const after = await reception.get('/api/patients?limit=100');
    expect(after.body.items.length).toBe(before.body.items.length);
  });
});
