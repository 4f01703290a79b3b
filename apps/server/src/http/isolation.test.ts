import { randomUUID } from 'node:crypto';
import { queryRows } from '@tend/db';
import {
  type Coverage,
  can,
  type Patient,
  ROLES,
  type Role,
  zCoverageCreate,
  zLocationCreate,
  zPatientCreate,
  zPayerCreate,
  zProviderCreate,
} from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation, createProvider } from '../admin/service';
import { createApiToken } from '../auth/service';
import type { RequestContext } from '../context';
import { createCoverage, createPayer } from '../insurance/service';
import { registerPatient } from '../patients/service';
import { type ApiClient, clientWithHeaders, createTestApp, patientBody, type TestApp } from '../test/harness';

/**
 * Clinic isolation (OWASP ASVS V8, IDOR): staff of clinic B, in every role, try clinic A's ids
 * in paths, bodies and queries. They must learn nothing and change nothing.
 */

let t: TestApp;
let aCtx: RequestContext;
let clinicBId: string;
const a = {} as {
  patient: Patient;
  coverage: Coverage;
  payerId: string;
  providerId: string;
  locationId: string;
  token: { id: string; token: string };
};
const b = {} as { patient: Patient; payerId: string };
const staffB = {} as Record<Role, ApiClient>;
const readers = ROLES.filter((role) => can(role, 'patient.read'));

beforeAll(async () => {
  t = await createTestApp();
  const clinicA = await t.createClinic();
  const clinicB = await t.createClinic();
  clinicBId = clinicB.clinicId;

  aCtx = await clinicA.adminCtx();
  a.patient = await registerPatient(
    t.database.db,
    aCtx,
    zPatientCreate.parse(
      patientBody({ givenName: 'Quentin', familyName: 'Ashbury', birthDate: '1977-08-19', phone: '(617) 555-0177' }),
    ),
  );
  const payerA = await createPayer(t.database.db, aCtx, zPayerCreate.parse({ name: 'Acme Health' }));
  a.payerId = payerA.id;
  a.coverage = await createCoverage(
    t.database.db,
    aCtx,
    a.patient.id,
    zCoverageCreate.parse({ payerId: payerA.id, memberId: 'A-1', validFrom: '2024-01-01' }),
  );
  a.providerId = (await createProvider(t.database.db, aCtx, zProviderCreate.parse({ name: 'Dr. Alpha' }))).id;
  a.locationId = (
    await createLocation(
      t.database.db,
      aCtx,
      zLocationCreate.parse({ name: 'Alpha Street', timezone: 'America/New_York' }),
    )
  ).id;
  a.token = await createApiToken(t.database.db, aCtx, {
    name: 'A export',
    scopes: ['provider.read', 'payer.read', 'location.read', 'user.read'],
    expiresInDays: 30,
  });

  await Promise.all(
    ROLES.map(async (role) => {
      staffB[role] = await t.signIn(role === 'admin' ? clinicB.admin : await clinicB.addUser(role));
    }),
  );
  const bCtx = await clinicB.adminCtx();
  // Names without "o" or digits, so the injection payloads below cannot legitimately match them.
  b.patient = await registerPatient(
    t.database.db,
    bCtx,
    zPatientCreate.parse(patientBody({ givenName: 'Beatrix', familyName: 'Quill' })),
  );
  await registerPatient(
    t.database.db,
    bCtx,
    zPatientCreate.parse(patientBody({ givenName: 'Edwin', familyName: 'Haskett' })),
  );
  b.payerId = (await createPayer(t.database.db, bCtx, zPayerCreate.parse({ name: 'Beta Care' }))).id;
});
afterAll(() => t.close());

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((item) => item.id);
const coverageBody = (payerId: string) => ({ payerId, memberId: 'B-2', validFrom: '2025-01-01' });

async function patientARow() {
  const [row] = await queryRows<Record<string, unknown>>(
    t.database.db,
    sql`SELECT * FROM patients WHERE id = ${a.patient.id}`,
  );
  return row;
}

describe('another clinic’s patient', () => {
  it('is "not found" for every role, by id, for reading and writing, and stays unchanged', async () => {
    const before = await patientARow();
    const unknown = await staffB.admin.get(`/api/patients/${randomUUID()}`);
    for (const role of readers) {
      const staff = staffB[role];
      const read = await staff.get(`/api/patients/${a.patient.id}`);
      expect(read.status, role).toBe(404);
      // Exactly the answer for an id that does not exist: nothing confirms the patient exists.
      expect(read.body, role).toEqual(unknown.body);

      const patch = await staff.patch(`/api/patients/${a.patient.id}`, { familyName: 'Hijacked' });
      expect(patch.status, role).toBe(can(role, 'patient.write') ? 404 : 403);

      expect((await staff.get(`/api/patients/${a.patient.id}/coverages`)).status, role).toBe(404);
      const addCoverage = await staff.post(`/api/patients/${a.patient.id}/coverages`, coverageBody(b.payerId));
      expect(addCoverage.status, role).toBe(can(role, 'coverage.write') ? 404 : 403);
      const changeCoverage = await staff.patch(`/api/patients/${a.patient.id}/coverages/${a.coverage.id}`, {
        validTo: '2024-06-30',
      });
      expect(changeCoverage.status, role).toBe(can(role, 'coverage.write') ? 404 : 403);
      // A's coverage id under B's own patient is not found either.
      const crossed = await staff.patch(`/api/patients/${b.patient.id}/coverages/${a.coverage.id}`, {
        validTo: '2024-06-30',
      });
      expect(crossed.status, role).toBe(can(role, 'coverage.write') ? 404 : 403);
    }
    expect(await patientARow()).toEqual(before);
    const [coverage] = await queryRows<{ valid_to: string | null }>(
      t.database.db,
      sql`SELECT valid_to FROM coverages WHERE id = ${a.coverage.id}`,
    );
    expect(coverage.valid_to).toBeNull();
  });

  it('never appears in search, by name, MRN, phone or birth date, for any role', async () => {
    const queries = [
      '',
      'Ashbury',
      'Quentin Ashbury',
      'ashbry',
      'Quen',
      a.patient.mrn,
      '555-0177',
      '6175550177',
      '1977-08-19',
      '08/19/1977',
    ];
    for (const role of readers) {
      for (const q of queries) {
        const res = await staffB[role].get(`/api/patients?limit=100&q=${encodeURIComponent(q)}`);
        expect(res.status, `${role} q=${q}`).toBe(200);
        expect(ids(res), `${role} q=${q}`).not.toContain(a.patient.id);
      }
    }
    // The same searches do find B's own patient, so the search itself works.
    expect(ids(await staffB.receptionist.get('/api/patients?q=Quill'))).toEqual([b.patient.id]);
  });

  it('cannot be matched as a duplicate of a new registration in another clinic', async () => {
    const res = await staffB.receptionist.post(
      '/api/patients',
      patientBody({
        givenName: 'Quentin',
        familyName: 'Ashbury',
        birthDate: '1977-08-19',
        phone: '(617) 555-0177',
        email: a.patient.email,
      }),
    );
    expect(res.status).toBe(201);
  });
});

describe('another clinic’s records', () => {
  it('cannot be used in a coverage: A’s payer is refused for B’s patient', async () => {
    const res = await staffB.receptionist.post(`/api/patients/${b.patient.id}/coverages`, coverageBody(a.payerId));
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['payerId']);
  });

  it('cannot be changed: users, providers, locations, payers and tokens of A are "not found" to B’s administrator', async () => {
    const admin = staffB.admin;
    expect((await admin.patch(`/api/users/${aCtx.userId}`, { role: 'receptionist', active: false })).status).toBe(404);
    expect((await admin.patch(`/api/providers/${a.providerId}`, { name: 'Dr. Mallory' })).status).toBe(404);
    expect((await admin.patch(`/api/locations/${a.locationId}`, { name: 'Taken' })).status).toBe(404);
    expect((await admin.patch(`/api/payers/${a.payerId}`, { name: 'Taken' })).status).toBe(404);
    expect((await admin.delete(`/api/tokens/${a.token.id}`)).status).toBe(404);
    // A token acts only as its creator: someone else's account, here or in A, is refused.
    expect((await admin.post('/api/tokens', { userId: aCtx.userId, name: 'steal' })).status).toBe(400);
    const provider = await admin.post('/api/providers', { name: 'Dr. Linked', userId: aCtx.userId });
    expect(provider.status).toBe(400);
    expect(provider.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['userId']);

    // A is untouched: its administrator's token still works and still acts as an administrator.
    const aAdmin = clientWithHeaders(t.app, { authorization: `Bearer ${a.token.token}` });
    expect(ids(await aAdmin.get('/api/users'))).toContain(aCtx.userId);
    expect((await aAdmin.get('/api/providers')).body.items.map((p: { name: string }) => p.name)).toEqual(['Dr. Alpha']);
    expect((await aAdmin.get('/api/payers')).body.items.map((p: { name: string }) => p.name)).toEqual(['Acme Health']);
    expect((await aAdmin.get('/api/locations')).body.items.map((l: { name: string }) => l.name)).toContain(
      'Alpha Street',
    );
  });

  it('are not listed to B', async () => {
    const admin = staffB.admin;
    expect(ids(await admin.get('/api/users'))).not.toContain(aCtx.userId);
    expect(ids(await admin.get('/api/providers'))).not.toContain(a.providerId);
    expect(ids(await admin.get('/api/locations'))).not.toContain(a.locationId);
    expect(ids(await admin.get('/api/payers'))).not.toContain(a.payerId);
    expect(ids(await admin.get('/api/tokens'))).not.toContain(a.token.id);
  });

  it('leave no trace in B’s audit log, even when asked for by A’s patient id', async () => {
    for (const role of ['admin', 'manager'] as const) {
      const byPatient = await staffB[role].get(`/api/audit-events?patientId=${a.patient.id}`);
      expect(byPatient.status).toBe(200);
      expect(byPatient.body).toMatchObject({ items: [], total: 0 });
      const byUser = await staffB[role].get(`/api/audit-events?userId=${aCtx.userId}`);
      expect(byUser.body).toMatchObject({ items: [], total: 0 });
    }
    const all = await staffB.admin.get('/api/audit-events?limit=500');
    expect(all.body.total).toBeLessThanOrEqual(500);
    const items: { patientId: string | null; patientName: string | null; actorUserId: string | null }[] =
      all.body.items;
    expect(items.filter((item) => item.patientId === a.patient.id || item.actorUserId === aCtx.userId)).toEqual([]);
    // B's attempts are on record (with the id B typed), but nothing names A's patient.
    expect(items.some((item) => item.patientId === null && JSON.stringify(item).includes(a.patient.id))).toBe(true);
    const named = items.filter((item) => item.patientName !== null).map((item) => item.patientId);
    const own = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM patients WHERE clinic_id = ${clinicBId}`,
    );
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(own.map((p) => p.id)).toContain(id);
  });
});

describe('injection and script payloads', () => {
  const sqlPayloads = [
    "' OR 1=1 --",
    "1' OR '1'='1",
    "%' OR '%'='",
    "'; DROP TABLE patients; --",
    "Robert'); DELETE FROM patients;--",
    "' UNION SELECT id, mrn FROM patients --",
    '%',
    '_%',
    '\\',
    '*',
  ];

  it('search treats SQL as text: nothing extra is found and nothing is damaged', async () => {
    const [before] = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM patients`);
    for (const q of sqlPayloads) {
      const res = await staffB.receptionist.get(`/api/patients?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.items, q).toEqual([]);
    }
    const [after] = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM patients`);
    expect(after.n).toBe(before.n);
  });

  it('audit filters treat SQL as text too', async () => {
    const res = await staffB.manager.get(`/api/audit-events?action=${encodeURIComponent("' OR '1'='1")}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [], total: 0 });
    expect((await staffB.manager.get(`/api/audit-events?userId=${encodeURIComponent("' OR 1=1 --")}`)).status).toBe(
      400,
    );
  });

  it('refuses ids that are not ids', async () => {
    for (const id of ["1' OR '1'='1", '1;DROP TABLE patients', '..%2F..%2Fetc%2Fpasswd']) {
      const res = await staffB.admin.get(`/api/patients/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(400);
      expect(res.body.error.fields[0].path).toBe('params.id');
    }
  });

  it('refuses markup and SQL in names, with the field to fix', async () => {
    for (const name of [
      '<script>alert(1)</script>',
      "Robert'); DROP TABLE patients;--",
      '<img src=x onerror=alert(1)>',
    ]) {
      const res = await staffB.receptionist.post('/api/patients', patientBody({ givenName: name }));
      expect(res.status, name).toBe(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['givenName']);
    }
  });

  it('stores free text verbatim as data and returns it as JSON, never as a page', async () => {
    const notes = `<script>alert("xss")</script> '); DROP TABLE patients; -- {{7*7}} \${7*7}`;
    const created = await staffB.receptionist.post('/api/patients', patientBody({ frontDeskNotes: notes }));
    expect(created.status).toBe(201);
    const read = await staffB.receptionist.get(`/api/patients/${created.body.id}`);
    expect(read.body.frontDeskNotes).toBe(notes);
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    expect(read.headers['x-content-type-options']).toBe('nosniff');
    expect(String(read.headers['content-security-policy'])).toContain("script-src 'self'");

    const payerName = '<img src=x onerror=alert(document.cookie)>';
    const payer = await staffB.admin.post('/api/payers', { name: payerName });
    expect(payer.status).toBe(201);
    expect((await staffB.admin.get('/api/payers')).body.items.map((p: { name: string }) => p.name)).toContain(
      payerName,
    );
  });

  it('refuses unbounded page sizes', async () => {
    expect((await staffB.admin.get('/api/patients?limit=100000')).status).toBe(400);
    expect((await staffB.admin.get('/api/audit-events?limit=100000')).status).toBe(400);
    expect((await staffB.admin.get('/api/patients?offset=-1')).status).toBe(400);
  });
});
