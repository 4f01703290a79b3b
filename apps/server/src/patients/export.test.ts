import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { createTestApp, type TestApp } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';
import { EXPORT_SECTIONS } from './export';

/**
 * Right of access: one patient's whole record as JSON and PDF — every section, nothing of any
 * other patient (a canary patient with the same kind of history), not for the front desk or
 * billing, audited and listed among the patient's disclosures.
 */

const config: Partial<Config> = { emailMode: 'capture', secretKey: 'export-test-key' };
const address = { line1: '12 Harbor Street', city: 'Portland', region: 'ME', postalCode: '04101', country: 'US' };

let t: TestApp;
let s: VisitScenario;
interface Seeded {
  id: string;
  name: string;
  email: string;
  claimId: string;
}
let patient: Seeded;
let canary: Seeded;

async function historyOf(givenName: string, familyName: string): Promise<Seeded> {
  const visit = await s.signedVisit({ copayCents: 5_000 }, async (id) => {
    expect((await s.reception.patch(`/api/patients/${id}`, { address, givenName, familyName })).status).toBe(200);
  });
  const invoice = await s.billing.post('/api/invoices', { encounterId: visit.encounterId });
  expect((await s.billing.post(`/api/invoices/${invoice.body.id}/send`, {})).status).toBe(200);
  const claim = await s.billing.post('/api/claims', { encounterId: visit.encounterId });
  expect((await s.billing.post(`/api/claims/${claim.body.id}/submit`)).status).toBe(200);
  const email = (await s.reception.get(`/api/patients/${visit.patientId}`)).body.email;
  return { id: visit.patientId, name: `${givenName} ${familyName}`, email, claimId: claim.body.id };
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
  patient = await historyOf('Marigold', 'Thistlewood');
  canary = await historyOf('Zqcanary', 'Quillfeather');
});
afterAll(() => t?.close());

describe('the whole record of one patient', () => {
  it('as JSON: every section, with the visit’s diagnoses and services, the bills, the claim, the messages', async () => {
    const res = await s.doctor.get(`/api/patients/${patient.id}/export?format=json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="patient-record-.*\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const record = res.body;
    for (const section of EXPORT_SECTIONS) expect(record, section).toHaveProperty(section);
    expect(record.patient).toMatchObject({ id: patient.id, givenName: 'Marigold', familyName: 'Thistlewood' });
    expect(record.patient).not.toHaveProperty('clinicId');
    expect(record.coverages).toHaveLength(1);
    expect(record.encounters).toHaveLength(1);
    expect(record.encounters[0].diagnoses).toEqual([
      expect.objectContaining({ code: 'J111', description: expect.stringMatching(/Influenza/) }),
    ]);
    expect(record.encounters[0].services).toEqual([expect.objectContaining({ code: '99213' })]);
    expect(record.charges).toEqual([expect.objectContaining({ code: '99213', amountCents: 12_500 })]);
    expect(record.invoices).toEqual([
      expect.objectContaining({ lines: [expect.objectContaining({ amountCents: 5_000 })] }),
    ]);
    expect(record.claims).toEqual([expect.objectContaining({ id: patient.claimId, lines: [expect.anything()] })]);
    expect(record.messages).toEqual([expect.objectContaining({ toAddress: patient.email })]);
    expect(record.disclosures.map((d: { action: string }) => d.action).sort()).toEqual(['claim.submit', 'email.send']);
  });

  it('holds nothing of another patient', async () => {
    const res = await s.doctor.get(`/api/patients/${patient.id}/export`);
    const text = JSON.stringify(res.body);
    for (const canaryValue of [canary.id, canary.email, canary.claimId, 'Zqcanary', 'Quillfeather']) {
      expect(text).not.toContain(canaryValue);
    }
  });

  it('as PDF: the patient, each section, and no other patient', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/patients/${patient.id}/export?format=pdf`,
      headers: { cookie: s.doctor.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Health record of Marigold Thistlewood');
    for (const heading of [
      'Demographics and contacts',
      'Insurance coverage',
      'Invoices',
      'Insurance claims',
      'Accounting of disclosures',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('Influenza due to unidentified influenza virus');
    expect(text).toContain(patient.email);
    expect(text).not.toContain('Zqcanary');
    expect(text).not.toContain(canary.email);
  });

  it('is audited, and becomes a disclosure to the patient', async () => {
    const audit = await s.admin.get(`/api/audit-events?action=patient.export&patientId=${patient.id}`);
    expect(audit.body.items.map((row: { details: { format: string } }) => row.details.format).sort()).toEqual([
      'json',
      'json',
      'pdf',
    ]);
    expect(audit.body.items[0]).toMatchObject({ actorRole: 'provider', patientId: patient.id });
    const disclosures = await s.admin.get(`/api/patients/${patient.id}/disclosures`);
    expect(disclosures.body.items).toContainEqual(
      expect.objectContaining({ action: 'patient.export', recipient: 'patient', purpose: 'patient_request' }),
    );
  });

  it('is not for the front desk or billing; another clinic’s patient is not found; a bad format is a 400', async () => {
    expect((await s.reception.get(`/api/patients/${patient.id}/export`)).status).toBe(403);
    expect((await s.billing.get(`/api/patients/${patient.id}/export`)).status).toBe(403);
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    expect((await otherAdmin.get(`/api/patients/${patient.id}/export`)).status).toBe(404);
    const bad = await s.doctor.get(`/api/patients/${patient.id}/export?format=docx`);
    expect(bad.status).toBe(400);
  });

  it('of a restricted patient: for the care provider and the administrator, not for another provider', async () => {
    const stranger = await t.signIn(await s.clinic.addUser('provider'));
    expect((await s.admin.put(`/api/patients/${canary.id}/restricted`, { restricted: true })).status).toBe(200);
    expect((await stranger.get(`/api/patients/${canary.id}/export`)).body.error.code).toBe('restricted_record');
    expect((await s.doctor.get(`/api/patients/${canary.id}/export`)).status).toBe(200);
    expect((await s.admin.get(`/api/patients/${canary.id}/export`)).status).toBe(200);
    expect((await s.admin.put(`/api/patients/${canary.id}/restricted`, { restricted: false })).status).toBe(200);
  });
});
