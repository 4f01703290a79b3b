import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * A patient's accounting of disclosures: the claim submitted to the insurer, the invoice
 * emailed, the claim form printed, the record exported for the patient — each with its date, recipient and purpose; never another
 * patient's; only for those who read the audit log; itself audited.
 */

const config: Partial<Config> = { emailMode: 'capture', secretKey: 'disclosure-test-key' };
const address = { line1: '12 Harbor Street', city: 'Portland', region: 'ME', postalCode: '04101', country: 'US' };

let t: TestApp;
let s: VisitScenario;
let manager: ApiClient;
const patients: Array<{ id: string; email: string; claimId: string }> = [];
let started: string;

async function billedVisit(): Promise<{ id: string; email: string; claimId: string }> {
  const visit = await s.signedVisit({ copayCents: 5_000 }, async (id) => {
    expect((await s.reception.patch(`/api/patients/${id}`, { address })).status).toBe(200);
  });
  const invoice = await s.billing.post('/api/invoices', { encounterId: visit.encounterId });
  expect((await s.billing.post(`/api/invoices/${invoice.body.id}/send`, {})).status).toBe(200);
  const claim = await s.billing.post('/api/claims', { encounterId: visit.encounterId });
  expect((await s.billing.post(`/api/claims/${claim.body.id}/submit`)).status).toBe(200);
  const email = (await s.reception.get(`/api/patients/${visit.patientId}`)).body.email;
  return { id: visit.patientId, email, claimId: claim.body.id };
}

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await visitScenario(t, {
    payer: 'Blue Harbor Health',
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  manager = await t.signIn(await s.clinic.addUser('manager'));
  expect((await s.admin.patch('/api/clinic', { billingNpi: '1245319599', taxId: '12-3456789', address })).status).toBe(
    200,
  );
  expect((await s.admin.patch(`/api/providers/${s.providerId}`, { npi: '1234567893' })).status).toBe(200);
  expect((await s.admin.patch(`/api/payers/${s.payerId}`, { payerCode: 'BHH01' })).status).toBe(200);
  started = new Date(Date.now() - 1000).toISOString();
  patients.push(await billedVisit(), await billedVisit());
  const [first] = patients;
  expect((await s.billing.get(`/api/claims/export/837p?ids=${first.claimId}`)).status).toBe(200);
  expect((await s.billing.get(`/api/claims/${first.claimId}/pdf`)).status).toBe(200);
  expect((await manager.get(`/api/patients/${first.id}/export?format=json`)).status).toBe(200);
});
afterAll(() => t?.close());

describe('the accounting of disclosures', () => {
  it('lists the claim submitted, exported and printed and the invoice emailed, with date, recipient and purpose', async () => {
    const [first] = patients;
    const res = await manager.get(`/api/patients/${first.id}/disclosures`);
    expect(res.status).toBe(200);
    const items = res.body.items as Array<Record<string, string>>;
    expect(items.map((d) => [d.action, d.recipient, d.purpose]).sort()).toEqual(
      [
        ['claim.export', 'Blue Harbor Health', 'payment'],
        ['claim.print', 'Blue Harbor Health', 'payment'],
        ['claim.submit', 'Blue Harbor Health', 'payment'],
        ['email.send', first.email, 'payment'],
        ['patient.export', 'patient', 'patient_request'],
      ].sort(),
    );
    for (const item of items) {
      expect(item.occurredAt >= started).toBe(true);
      expect(item.actorName).toBe(item.action === 'patient.export' ? 'Test manager' : 'Test billing');
    }
    const times = items.map((d) => d.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('never shows another patient’s disclosures', async () => {
    const [first, second] = patients;
    const res = await manager.get(`/api/patients/${second.id}/disclosures`);
    expect(res.body.items.map((d: { action: string }) => d.action).sort()).toEqual(['claim.submit', 'email.send']);
    expect(JSON.stringify(res.body)).not.toContain(first.email);
    expect(JSON.stringify(res.body)).not.toContain(first.claimId);
  });

  it('takes a time range', async () => {
    const [first] = patients;
    const future = await manager.get(
      `/api/patients/${first.id}/disclosures?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
    );
    expect(future.body.items).toEqual([]);
    const bad = await manager.get(`/api/patients/${first.id}/disclosures?from=yesterday`);
    expect(bad.status).toBe(400);
  });

  it('downloads as CSV', async () => {
    const [first] = patients;
    const res = await manager.get(`/api/patients/${first.id}/disclosures?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('Date,What,Recipient,Purpose,By');
    expect(lines).toHaveLength(6);
    expect(lines).toContainEqual(expect.stringMatching(/,Submitted a claim,Blue Harbor Health,Payment,Test billing$/));
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`,Sent an email,${first.email},Payment,Test billing$`)),
    );
  });

  it('is audited, and only for those who read the audit log; another clinic’s patient is not found', async () => {
    const [first] = patients;
    const audit = await manager.get(`/api/audit-events?action=disclosure.report&patientId=${first.id}`);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
    expect(audit.body.items[0]).toMatchObject({ actorRole: 'manager', patientId: first.id });
    expect((await s.billing.get(`/api/patients/${first.id}/disclosures`)).status).toBe(403);
    expect((await s.reception.get(`/api/patients/${first.id}/disclosures`)).status).toBe(403);
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    expect((await otherAdmin.get(`/api/patients/${first.id}/disclosures`)).status).toBe(404);
  });
});
