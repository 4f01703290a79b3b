import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, patientBody, type TestApp } from '../test/harness';

/** Payers and coverages: member ID formats, money in cents, one primary coverage per day. */

let t: TestApp;
let billing: ApiClient;
let reception: ApiClient;
let provider: ApiClient;
let payerId: string;

beforeAll(async () => {
  t = await createTestApp();
  const clinic = await t.createClinic();
  [billing, reception, provider] = await Promise.all(
    (['billing', 'receptionist', 'provider'] as const).map(async (role) => t.signIn(await clinic.addUser(role))),
  );
  const payer = await billing.post('/api/payers', {
    name: 'Acme Health',
    memberIdPattern: '[A-Z]{3}\\d{9}',
    memberIdExample: 'ABC123456789',
    payerCode: '60054',
  });
  expect(payer.status).toBe(201);
  payerId = payer.body.id;
});
afterAll(() => t.close());

const paths = (res: { body: { error: { fields: { path: string }[] } } }) => res.body.error.fields.map((f) => f.path);

async function newPatient(): Promise<string> {
  const res = await reception.post('/api/patients', patientBody());
  expect(res.status).toBe(201);
  return res.body.id;
}

const coverage = (overrides: Record<string, unknown> = {}) => ({
  payerId,
  memberId: 'ABC123456789',
  validFrom: '2024-01-01',
  ...overrides,
});

describe('payers', () => {
  it('are created, listed and changed', async () => {
    const created = await billing.post('/api/payers', { name: 'Blue Mountain', phone: '800-555-0100' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Blue Mountain', memberIdPattern: null, active: true });

    const changed = await billing.patch(`/api/payers/${created.body.id}`, {
      name: 'Blue Mountain Health',
      active: false,
    });
    expect(changed.status).toBe(200);
    // Fields not sent are kept.
    expect(changed.body).toMatchObject({ name: 'Blue Mountain Health', phone: '800-555-0100', active: false });

    const listed = await reception.get('/api/payers');
    expect(listed.body.items.map((p: { name: string }) => p.name)).toEqual(['Acme Health', 'Blue Mountain Health']);
  });

  it('refuses a second payer with the same name, in any letter case, on the name field', async () => {
    const res = await billing.post('/api/payers', { name: 'ACME health' });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['name']);
    const other = await billing.post('/api/payers', { name: 'Renamable' });
    const rename = await billing.patch(`/api/payers/${other.body.id}`, { name: 'acme Health' });
    expect(rename.status).toBe(400);
    expect(paths(rename)).toEqual(['name']);
  });

  it('refuses a member ID format that is not a valid regular expression', async () => {
    const res = await billing.post('/api/payers', { name: 'Broken Pattern Inc', memberIdPattern: '([A-Z' });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['memberIdPattern']);
  });

  it('are managed by billing, not by the front desk', async () => {
    expect((await reception.post('/api/payers', { name: 'Front Desk Payer' })).status).toBe(403);
    expect((await reception.patch(`/api/payers/${payerId}`, { name: 'Hijacked' })).status).toBe(403);
    expect((await billing.patch('/api/payers/0190a0b4-8b5a-7c4e-9f3d-0123456789ab', { name: 'Nobody' })).status).toBe(
      404,
    );
  });
});

describe('coverages', () => {
  it('refuse a member ID that does not match the payer’s format, naming the payer and an example', async () => {
    const patientId = await newPatient();
    const res = await reception.post(`/api/patients/${patientId}/coverages`, coverage({ memberId: '12345' }));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['memberId']);
    expect(res.body.error.fields[0].message).toContain('Acme Health');
    expect(res.body.error.fields[0].message).toContain('ABC123456789');
    expect((await reception.get(`/api/patients/${patientId}/coverages`)).body.items).toEqual([]);
  });

  it('accept a matching member ID, stored upper-case, with the copay in cents', async () => {
    const patientId = await newPatient();
    const res = await reception.post(
      `/api/patients/${patientId}/coverages`,
      coverage({ memberId: 'abc123456789', copayCents: 2500 }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      memberId: 'ABC123456789',
      payerName: 'Acme Health',
      rank: 'primary',
      copayCents: 2500,
      validTo: null,
    });
    const listed = await provider.get(`/api/patients/${patientId}/coverages`);
    expect(listed.body.items).toEqual([res.body]);
  });

  it('take money only as whole cents', async () => {
    const patientId = await newPatient();
    for (const copayCents of [25.5, -100, '2500']) {
      const res = await reception.post(`/api/patients/${patientId}/coverages`, coverage({ copayCents }));
      expect(res.status, String(copayCents)).toBe(400);
      expect(paths(res)).toEqual(['copayCents']);
    }
  });

  it('allow one primary coverage on any day: an overlap is a conflict, the next one after the first ends is fine', async () => {
    const patientId = await newPatient();
    const first = await reception.post(`/api/patients/${patientId}/coverages`, coverage({ validFrom: '2024-01-01' }));
    expect(first.status).toBe(201);

    const overlap = await reception.post(`/api/patients/${patientId}/coverages`, coverage({ validFrom: '2025-01-01' }));
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.code).toBe('conflict');
    expect(overlap.body.error.message).toMatch(/primary/);

    const secondary = await reception.post(
      `/api/patients/${patientId}/coverages`,
      coverage({ rank: 'secondary', validFrom: '2024-06-01' }),
    );
    expect(secondary.status).toBe(201);

    const ended = await reception.patch(`/api/patients/${patientId}/coverages/${first.body.id}`, {
      validTo: '2024-12-31',
    });
    expect(ended.status).toBe(200);
    expect(ended.body.validTo).toBe('2024-12-31');
    // The last day of the old coverage still overlaps; the day after does not.
    expect(
      (await reception.post(`/api/patients/${patientId}/coverages`, coverage({ validFrom: '2024-12-31' }))).status,
    ).toBe(409);
    const next = await reception.post(`/api/patients/${patientId}/coverages`, coverage({ validFrom: '2025-01-01' }));
    expect(next.status).toBe(201);

    // Moving a coverage into another's dates is refused the same way.
    const moved = await reception.patch(`/api/patients/${patientId}/coverages/${first.body.id}`, { validTo: null });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('conflict');

    const all = await reception.get(`/api/patients/${patientId}/coverages`);
    expect(all.body.items.map((c: { rank: string; validFrom: string }) => `${c.rank} ${c.validFrom}`)).toEqual([
      'primary 2024-01-01',
      'primary 2025-01-01',
      'secondary 2024-06-01',
    ]);
  });

  it('refuse an end date before the start date, when created or changed', async () => {
    const patientId = await newPatient();
    const res = await reception.post(
      `/api/patients/${patientId}/coverages`,
      coverage({ validFrom: '2024-05-01', validTo: '2024-04-30' }),
    );
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['validTo']);
    const created = await reception.post(`/api/patients/${patientId}/coverages`, coverage({ validFrom: '2024-05-01' }));
    const patch = await reception.patch(`/api/patients/${patientId}/coverages/${created.body.id}`, {
      validTo: '2024-04-30',
    });
    expect(patch.status).toBe(400);
    expect(paths(patch)).toEqual(['validTo']);
  });

  it('check a changed member ID against the payer’s format too', async () => {
    const patientId = await newPatient();
    const created = await reception.post(`/api/patients/${patientId}/coverages`, coverage());
    const bad = await billing.patch(`/api/patients/${patientId}/coverages/${created.body.id}`, { memberId: 'nope' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['memberId']);
    const good = await billing.patch(`/api/patients/${patientId}/coverages/${created.body.id}`, {
      memberId: 'xyz987654321',
    });
    expect(good.body).toMatchObject({ memberId: 'XYZ987654321', validFrom: '2024-01-01' });
  });

  it('are written by the front desk and billing, not by providers', async () => {
    const patientId = await newPatient();
    const res = await provider.post(`/api/patients/${patientId}/coverages`, coverage());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await billing.post(`/api/patients/${patientId}/coverages`, coverage())).status).toBe(201);
  });

  it('belong to a patient that exists', async () => {
    const res = await reception.post('/api/patients/0190a0b4-8b5a-7c4e-9f3d-0123456789ab/coverages', coverage());
    expect(res.status).toBe(404);
  });
});
