import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { startTestSmtpServer, TEST_CERT_FILE, type TestSmtpServer } from '../email/smtp-test-server';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * Signed visit → invoice for the patient's portion → emailed with its PDF to a real SMTP server
 * on loopback (the PDF read back with pdftotext) → the copay paid → nothing due, and off the
 * morning list of unpaid invoices.
 */

const config: Partial<Config> = { emailMode: 'auto', secretKey: 'invoice-test-key', smtpCaFile: TEST_CERT_FILE };

let t: TestApp;
let s: VisitScenario;
let doctor: ApiClient;
let billing: ApiClient;
let smtp: TestSmtpServer;
let providerId: string;

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await visitScenario(t, {
    payer: 'Blue Harbor Health',
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  ({ doctor, billing, providerId } = s);
  smtp = await startTestSmtpServer({ security: 'starttls' });
  const saved = await s.admin.put('/api/settings/email', {
    host: smtp.host,
    port: smtp.port,
    security: 'starttls',
    fromAddress: 'billing@clinic.test',
    fromName: 'Harbor Clinic Billing',
    enabled: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

async function signedVisitWithCopay(): Promise<{ patientId: string; encounterId: string; chargeId: string }> {
  const { patientId, encounterId, charge } = await s.signedVisit({ copayCents: 5_000 });
  return { patientId, encounterId, chargeId: charge.id };
}

describe('the copay invoice', () => {
  it('is issued for the patient’s portion, emailed with its PDF, paid, and then owes nothing', async () => {
    const { patientId, encounterId, chargeId } = await signedVisitWithCopay();
    const created = await billing.post('/api/invoices', { encounterId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ patientId, totalCents: 5_000, balanceCents: 5_000, creditedCents: 0 });
    expect(created.body.lines).toEqual([expect.objectContaining({ chargeId, code: '99213', amountCents: 5_000 })]);
    const again = await billing.post('/api/invoices', { encounterId });
    expect(again.status).toBe(409);
    expect(again.body.error.details.invoiceId).toBe(created.body.id);

    const sent = await billing.post(`/api/invoices/${created.body.id}/send`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.status).toBe('sent');
    expect(sent.body.invoice.sentAt).not.toBeNull();
    const [mail] = await smtp.waitFor(1);
    const patient = (await s.reception.get(`/api/patients/${patientId}`)).body;
    expect(mail.envelope.to).toEqual([patient.email]);
    expect(mail.parsed.subject).toBe(
      `Invoice ${created.body.number} from ${(await s.admin.get('/api/clinic')).body.name}`,
    );
    const [attachment] = mail.parsed.attachments;
    expect(attachment).toMatchObject({
      filename: `invoice-${created.body.number}.pdf`,
      contentType: 'application/pdf',
    });
    const text = pdfText(attachment.content);
    expect(text).toContain(`Invoice ${created.body.number}`);
    expect(text).toContain(`${patient.givenName} ${patient.familyName}`);
    expect(text).toMatch(/99213\s+Office visit\s+\$50\.00/);
    expect(text).toMatch(/Balance due\s+\$50\.00/);

    // Unpaid and issued today: on the list of unpaid invoices 0 days or older, not 30.
    const ids = async (days: number) =>
      (await billing.get(`/api/worklists/unpaid-invoices?olderThanDays=${days}`)).body.items.map(
        (i: { id: string }) => i.id,
      );
    expect(await ids(0)).toContain(created.body.id);
    expect(await ids(30)).not.toContain(created.body.id);

    const paid = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId,
      method: 'card',
      reference: `inv-${created.body.id}`,
      amountCents: 5_000,
      receivedOn: created.body.issuedOn,
      allocations: [{ chargeId, responsibility: 'patient', amountCents: 5_000 }],
    });
    expect(paid.status).toBe(201);
    const after = (await billing.get(`/api/invoices/${created.body.id}`)).body;
    expect(after).toMatchObject({ totalCents: 5_000, creditedCents: 5_000, balanceCents: 0 });
    expect(await ids(0)).not.toContain(created.body.id);
    const pdf = await t.app.inject({
      method: 'GET',
      url: `/api/invoices/${created.body.id}/pdf`,
      headers: { cookie: billing.cookie },
    });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdfText(pdf.rawPayload)).toMatch(/Balance due\s+\$0\.00/);
  });

  it('explains what cannot be invoiced, and keeps the front desk out', async () => {
    const patientId = await s.addPatient();
    const visit = (await doctor.post('/api/encounters', { patientId, providerId })).body;
    const unsigned = await billing.post('/api/invoices', { encounterId: visit.id });
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.error.message).toMatch(/Sign the visit first/);
    expect((await s.reception.post('/api/invoices', { encounterId: visit.id })).status).toBe(403);
  });
});
