import { todayIn } from '@tend/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { startTestSmtpServer, TEST_CERT_FILE, type TestSmtpServer } from '../email/smtp-test-server';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * The month's statements: one per patient who still owes something, never two for a month,
 * each as a PDF with the clinic, the patient's address, the lines and the total due, emailed
 * with that PDF to a real SMTP server on loopback.
 */

const config: Partial<Config> = { emailMode: 'auto', secretKey: 'statement-test-key', smtpCaFile: TEST_CERT_FILE };

let t: TestApp;
let s: VisitScenario;
let billing: ApiClient;
let smtp: TestSmtpServer;
let month: string;

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await visitScenario(t, {
    payer: 'Northwind Health',
    service: { code: '99213', description: 'Office visit', feeCents: 12_000 },
  });
  ({ billing } = s);
  const address = { line1: '40 Elm Road', city: 'Salem', region: 'MA', postalCode: '01970', country: 'US' };
  expect((await s.admin.patch('/api/clinic', { name: 'Elm Road Clinic', address })).status).toBe(200);
  smtp = await startTestSmtpServer({ security: 'starttls' });
  const saved = await s.admin.put('/api/settings/email', {
    host: smtp.host,
    port: smtp.port,
    security: 'starttls',
    fromAddress: 'billing@clinic.test',
    fromName: 'Elm Road Billing',
    enabled: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  // The clinic's month (the test clinic keeps New York time).
  month = todayIn('America/New_York').slice(0, 7);
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

/** A self-pay visit ($120) of which the patient paid `paidCents` at the desk. */
async function visitOwing(paidCents: number) {
  const { patientId, charge } = await s.signedVisit();
  if (paidCents) {
    const paid = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId,
      method: 'cash',
      amountCents: paidCents,
      receivedOn: charge.serviceDate,
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: paidCents }],
    });
    expect(paid.status).toBe(201);
  }
  return { patientId, charge };
}

describe('monthly statements', () => {
  it('makes one per patient who owes something at the month’s end, and never a second one', async () => {
    const owing = await visitOwing(2_000);
    const settled = await visitOwing(12_000);
    const made = await billing.post('/api/statements', { month });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.items.map((x: { patientId: string }) => x.patientId)).toEqual([owing.patientId]);
    const [statement] = made.body.items;
    expect(statement).toMatchObject({
      number: 1001,
      month,
      previousBalanceCents: 0,
      chargesCents: 12_000,
      creditsCents: 2_000,
      totalDueCents: 10_000,
      sentAt: null,
      emailMessageId: null,
      lines: [
        { date: owing.charge.serviceDate, description: '99213 Office visit', chargeCents: 12_000, creditCents: 0 },
        { date: owing.charge.serviceDate, description: 'Payment by cash (99213)', chargeCents: 0, creditCents: 2_000 },
      ],
    });
    expect(statement.dueOn > statement.issuedOn).toBe(true);
    expect(made.body.items.some((x: { patientId: string }) => x.patientId === settled.patientId)).toBe(false);

    // Again after another visit: the new patient gets one, the first keeps theirs.
    const later = await visitOwing(0);
    const again = await billing.post('/api/statements', { month });
    expect(again.status).toBe(201);
    expect(again.body.items.map((x: { id: string; patientId: string }) => [x.patientId, x.id])).toEqual([
      [owing.patientId, statement.id],
      [later.patientId, expect.any(String)],
    ]);
    expect(again.body.items[1]).toMatchObject({ number: 1002, totalDueCents: 12_000 });
    const listed = await billing.get(`/api/statements?month=${month}`);
    expect(listed.body.items).toEqual(again.body.items);
  });

  it('refuses a month that has not begun, and keeps the front desk out', async () => {
    const [year, m] = month.split('-').map(Number);
    const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
    const future = await billing.post('/api/statements', { month: next });
    expect(future.status).toBe(400);
    expect(future.body.error.fields[0]).toMatchObject({ path: 'month' });
    expect(future.body.error.fields[0].message).toMatch(/has not begun/);
    expect((await billing.post('/api/statements', { month: '2026-13' })).status).toBe(400);
    // Before the clinic had any visit: nobody owed anything.
    expect((await billing.post('/api/statements', { month: '2020-01' })).body.items).toEqual([]);
    expect((await s.reception.post('/api/statements', { month })).status).toBe(403);
    expect((await s.reception.get('/api/statements')).status).toBe(403);
  });

  it('prints the clinic, the patient’s address, the lines and the total due, and emails it with the PDF', async () => {
    const { patientId } = await visitOwing(4_500);
    const patient = (await s.reception.get(`/api/patients/${patientId}`)).body;
    const address = { line1: '7 Orchard Lane', city: 'Salem', region: 'MA', postalCode: '01970', country: 'US' };
    const moved = await s.reception.patch(`/api/patients/${patientId}`, { address });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const made = await billing.post('/api/statements', { month });
    const statement = made.body.items.find((x: { patientId: string }) => x.patientId === patientId);
    expect(statement).toMatchObject({ totalDueCents: 7_500 });

    const pdf = await t.app.inject({
      method: 'GET',
      url: `/api/statements/${statement.id}/pdf`,
      headers: { cookie: billing.cookie },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Elm Road Clinic');
    expect(text).toContain('40 Elm Road');
    expect(text).toContain(`Statement ${statement.number}`);
    expect(text).toContain(`${patient.givenName} ${patient.familyName}`);
    expect(text).toContain('7 Orchard Lane');
    expect(text).toMatch(/99213 Office visit\s+\$120\.00/);
    expect(text).toMatch(/Payment by cash \(99213\)\s+\$45\.00/);
    expect(text).toMatch(/Total due\s+\$75\.00/);
    expect(text).toContain(`Please pay $75.00 by ${statement.dueOn}`);

    const sent = await billing.post(`/api/statements/${statement.id}/send`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.status).toBe('sent');
    expect(sent.body.statement.sentAt).not.toBeNull();
    expect(sent.body.statement.emailMessageId).toEqual(expect.any(String));
    const mail = (await smtp.waitFor(1)).at(-1);
    expect(mail?.envelope.to).toEqual([patient.email]);
    expect(mail?.parsed.subject).toMatch(new RegExp(`^Statement ${statement.number} from Elm Road Clinic`));
    const [attachment] = mail?.parsed.attachments ?? [];
    expect(attachment).toMatchObject({ filename: `statement-${statement.number}.pdf`, contentType: 'application/pdf' });
    expect(pdfText(attachment.content)).toMatch(/Total due\s+\$75\.00/);
    const outbox = await billing.get(`/api/email/messages?relatedType=statement&relatedId=${statement.id}`);
    expect(outbox.body.items).toEqual([expect.objectContaining({ id: sent.body.statement.emailMessageId })]);
  });
});
