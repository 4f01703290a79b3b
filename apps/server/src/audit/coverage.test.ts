import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * Reads that used to leave no trace: the outbox and an email's text and files, the A/R aging
 * list, an 837P file, a report downloaded as CSV — and a request the role may not make. Each
 * now writes an audit row naming the patient whose data it showed.
 */

const config: Partial<Config> = { emailMode: 'capture', secretKey: 'coverage-test-key' };
const address = { line1: '12 Harbor Street', city: 'Portland', region: 'ME', postalCode: '04101', country: 'US' };

let t: TestApp;
let s: VisitScenario;
let patientId: string;
let messageId: string;
let claimId: string;

interface Row {
  action: string;
  outcome: string;
  actorRole: string;
  patientId: string | null;
  entityType: string | null;
  entityId: string | null;
  details: Record<string, unknown> | null;
}

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await visitScenario(t, {
    payer: 'Blue Harbor Health',
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  expect((await s.admin.patch('/api/clinic', { billingNpi: '1245319599', taxId: '12-3456789', address })).status).toBe(
    200,
  );
  expect((await s.admin.patch(`/api/providers/${s.providerId}`, { npi: '1234567893' })).status).toBe(200);
  expect((await s.admin.patch(`/api/payers/${s.payerId}`, { payerCode: 'BHH01' })).status).toBe(200);

  const visit = await s.signedVisit({ copayCents: 5_000 }, async (id) => {
    expect((await s.reception.patch(`/api/patients/${id}`, { address })).status).toBe(200);
  });
  patientId = visit.patientId;

  const invoice = await s.billing.post('/api/invoices', { encounterId: visit.encounterId });
  expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
  const sent = await s.billing.post(`/api/invoices/${invoice.body.id}/send`, {});
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const outbox = await s.billing.get(`/api/messages?patientId=${patientId}`);
  messageId = outbox.body.items[0].id;

  const claim = await s.billing.post('/api/claims', { encounterId: visit.encounterId });
  claimId = claim.body.id;
  expect((await s.billing.post(`/api/claims/${claimId}/check`)).body.status).toBe('ready');
});
afterAll(() => t?.close());

/** The audit rows written by `read`, newest last. */
async function rowsOf(read: () => Promise<{ status: number }>, expectedStatus = 200): Promise<Row[]> {
  const before = await s.admin.get('/api/audit-events?limit=1');
  const lastId = Number(before.body.items[0].id);
  const res = await read();
  expect(res.status).toBe(expectedStatus);
  const after = await s.admin.get('/api/audit-events?limit=500&sort=occurredAt&dir=asc&from=2000-01-01T00:00:00Z');
  return (after.body.items as Array<Row & { id: string }>).filter(
    (row) => Number(row.id) > lastId && row.action !== 'audit.read',
  );
}

describe('reads that write an audit row naming the patient', () => {
  it('opening an email of the outbox', async () => {
    const rows = await rowsOf(() => s.billing.get(`/api/email/messages/${messageId}`));
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'email.read',
        actorRole: 'billing',
        patientId,
        entityType: 'message',
        entityId: messageId,
      }),
    ]);
  });

  it('downloading an email’s attachment', async () => {
    const rows = await rowsOf(() => s.billing.get(`/api/email/messages/${messageId}/attachments/0`));
    expect(rows).toEqual([
      expect.objectContaining({ action: 'email.read', patientId, entityId: messageId, details: { attachment: 0 } }),
    ]);
  });

  it('the whole outbox, one row per patient on the page', async () => {
    const rows = await rowsOf(() => s.billing.get('/api/email/messages'));
    expect(rows).toEqual([
      expect.objectContaining({ action: 'message.read', patientId, details: { count: 1, outbox: true } }),
    ]);
  });

  it('the A/R aging list of patients', async () => {
    const rows = await rowsOf(() => s.billing.get('/api/reports/ar-aging'));
    expect(rows.map((row) => row.patientId)).toEqual([patientId]);
    expect(rows[0]).toMatchObject({ action: 'balance.read', details: { report: 'ar_aging' } });
  });

  it('an 837P file, against each claim’s patient, naming the insurer it goes to', async () => {
    const rows = await rowsOf(() => s.billing.get(`/api/claims/export/837p?ids=${claimId}`));
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'claim.export',
        patientId,
        entityType: 'claim',
        entityId: claimId,
        details: expect.objectContaining({ format: '837P', recipient: 'Blue Harbor Health', purpose: 'payment' }),
      }),
    ]);
  });

  it('a report downloaded as CSV is an export, read on screen a read', async () => {
    const query = '/api/reports/appointments?from=2030-01-01&to=2030-01-31';
    const csv = await rowsOf(() => s.admin.get(query, { accept: 'text/csv' }));
    expect(csv).toEqual([
      expect.objectContaining({ action: 'report.export', details: expect.objectContaining({ format: 'csv' }) }),
    ]);
    const screen = await rowsOf(() => s.admin.get(query));
    expect(screen.map((row) => row.action)).toEqual(['report.read']);
  });

  it('a request the role may not make, as access.denied against the patient it named', async () => {
    const rows = await rowsOf(() => s.reception.get(`/api/patients/${patientId}/chart`), 403);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'access.denied',
        outcome: 'failure',
        actorRole: 'receptionist',
        patientId,
        details: { method: 'GET', route: '/api/patients/:id/chart', permission: 'clinical.read' },
      }),
    ]);
    // Not a patient of this clinic, or not an id at all: still recorded, naming nobody.
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const denied = await rowsOf(() => s.reception.get(`/api/patients/${id}/chart`), 403);
      expect(denied).toEqual([expect.objectContaining({ action: 'access.denied', patientId: null })]);
    }
  });
});
