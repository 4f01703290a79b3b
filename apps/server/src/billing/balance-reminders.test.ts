import { schema } from '@tend/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { startTestSmtpServer, TEST_CERT_FILE, type TestSmtpServer } from '../email/smtp-test-server';
import { type MessagingEnv, runOutbox } from '../messaging/outbox';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';
import { sweepBalanceReminders } from './balance-reminders';

/**
 * Balance reminders end to end: an invoice still unpaid more than 30 days after it was issued is
 * reminded by email with its PDF (the balance as it is now) to a real SMTP server on loopback,
 * once per reminder however often the sweep runs; then again after the repeat interval, up to the
 * limit. A paid invoice, a clinic with reminders off and an invoice not old enough get none; a
 * patient who cannot be reached is reported, not emailed; a payment withdraws a pending one.
 */

const secretKey = 'balance-reminder-test-key';
const config: Partial<Config> = { emailMode: 'auto', secretKey, smtpCaFile: TEST_CERT_FILE };
const env: MessagingEnv = {
  emailMode: 'auto',
  secretKey,
  dataDir: '/nonexistent',
  smtpCaFile: TEST_CERT_FILE,
  publicUrl: 'https://tend.test',
};
const DAY = 86_400_000;

let t: TestApp;
let s: VisitScenario;
let billing: ApiClient;
let smtp: TestSmtpServer;

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await visitScenario(t, {
    payer: 'Tideway Health',
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  billing = s.billing;
  smtp = await startTestSmtpServer({ security: 'starttls' });
  const saved = await s.admin.put('/api/settings/email', {
    host: smtp.host,
    port: smtp.port,
    security: 'starttls',
    fromAddress: 'billing@clinic.test',
    fromName: 'Tideway Clinic Billing',
    enabled: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

async function settings(values: Record<string, unknown>) {
  const saved = await billing.put('/api/settings/balance-reminders', {
    enabled: true,
    afterDays: 30,
    repeatDays: 30,
    maxReminders: 3,
    ...values,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return saved.body;
}

/** A new patient's invoice for a $50 copay (issued today). */
async function unpaidInvoice(): Promise<{
  id: string;
  number: number;
  issuedOn: string;
  patientId: string;
  encounterId: string;
  chargeId: string;
}> {
  const { encounterId, charge } = await s.signedVisit({ copayCents: 5_000 });
  const created = await billing.post('/api/invoices', { encounterId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { ...created.body, chargeId: charge.id };
}

/** Noon in New York (the clinic's zone) `days` after the invoice was issued. */
const daysAfter = (issuedOn: string, days: number) => new Date(Date.parse(`${issuedOn}T17:00:00Z`) + days * DAY);

/** The sweep as the worker runs it on a new day (the clinic's day unclaimed first). */
async function sweepOn(now: Date) {
  await t.database.db.update(schema.balanceReminderSettings).set({ sweptOn: null });
  await sweepBalanceReminders(t.database.db, env, now);
}

async function remindersOf(invoiceId: string) {
  return t.database.db
    .select()
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.relatedType, 'invoice'),
        eq(schema.messages.relatedId, invoiceId),
        eq(schema.messages.kind, 'balance'),
      ),
    );
}

async function deliver(now: Date) {
  return runOutbox(t.database.db, env, { workerId: 'balance-test', now });
}

describe('balance reminders', () => {
  it('are off by default and refuse settings that make no sense; only billing staff change them', async () => {
    const shown = await billing.get('/api/settings/balance-reminders');
    expect(shown.body).toMatchObject({ enabled: false, afterDays: 30, repeatDays: 30, maxReminders: 3 });
    const bad = await billing.put('/api/settings/balance-reminders', {
      enabled: true,
      afterDays: -1,
      repeatDays: 30,
      maxReminders: 0,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/Enter 0 days or more/);
    expect((await billing.get('/api/settings/balance-reminders')).body.enabled).toBe(false);
    expect((await s.reception.put('/api/settings/balance-reminders', { enabled: true })).status).toBe(403);

    const invoice = await unpaidInvoice();
    await sweepOn(daysAfter(invoice.issuedOn, 31));
    expect(await remindersOf(invoice.id)).toEqual([]);
  });

  it('email an invoice unpaid for 31 days once, with its PDF showing the balance now; none at 29 days', async () => {
    await settings({});
    const old = await unpaidInvoice();
    // $20 of the $50 paid: the reminder speaks of the $30 still open.
    const paid = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId: old.patientId,
      method: 'card',
      reference: `part-${old.id}`,
      amountCents: 2_000,
      receivedOn: old.issuedOn,
      allocations: [{ chargeId: old.chargeId, responsibility: 'patient', amountCents: 2_000 }],
    });
    expect(paid.status).toBe(201);
    await sweepOn(daysAfter(old.issuedOn, 29));
    await sweepOn(daysAfter(old.issuedOn, 30));
    expect(await remindersOf(old.id)).toEqual([]);

    // Before 09:00 in the clinic (07:00 or 08:00 in New York): the day's reminders wait for the morning.
    await sweepOn(new Date(daysAfter(old.issuedOn, 31).getTime() - 5 * 3_600_000));
    expect(await remindersOf(old.id)).toEqual([]);

    const now = daysAfter(old.issuedOn, 31);
    const sweeping = [sweepBalanceReminders(t.database.db, env, now), sweepBalanceReminders(t.database.db, env, now)];
    await Promise.all(sweeping);
    // A sweep of the same day again, and one that finds the day unclaimed: still one.
    await sweepBalanceReminders(t.database.db, env, now);
    await sweepOn(now);
    const [reminder, ...more] = await remindersOf(old.id);
    expect(more).toEqual([]);
    expect(reminder).toMatchObject({ channel: 'email', status: 'queued', patientId: old.patientId });

    const before = smtp.received.length;
    await deliver(now);
    const patient = (await s.reception.get(`/api/patients/${old.patientId}`)).body;
    const mails = (await smtp.waitFor(before + 1)).filter((mail) => mail.envelope.to.includes(patient.email));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const clinic = (await s.admin.get('/api/clinic')).body;
    expect(mail.envelope.to).toEqual([patient.email]);
    expect(mail.parsed.subject).toBe(`A friendly reminder from ${clinic.name}`);
    expect(mail.parsed.text).toContain(`Hello ${patient.preferredName || patient.givenName},`);
    expect(mail.parsed.text).toContain(`a balance of $30.00 on invoice ${old.number} (attached)`);
    const [attachment] = mail.parsed.attachments;
    expect(attachment).toMatchObject({ filename: `invoice-${old.number}.pdf`, contentType: 'application/pdf' });
    const text = pdfText(attachment.content);
    expect(text).toContain(`Invoice ${old.number}`);
    expect(text).toMatch(/Balance due\s+\$30\.00/);

    // Billing staff see it on the invoice and in the patient's messages.
    const shown = (await billing.get(`/api/invoices/${old.id}`)).body;
    expect(shown.reminders).toEqual([
      expect.objectContaining({ number: 1, status: 'sent', reason: null, messageId: reminder.id }),
    ]);
    const log = (await billing.get(`/api/messages?patientId=${old.patientId}`)).body.items;
    expect(log).toContainEqual(expect.objectContaining({ id: reminder.id, kind: 'balance', status: 'sent' }));
    expect((await billing.get('/api/settings/balance-reminders')).body.sentLast30Days).toBeGreaterThanOrEqual(1);
  });

  it('are not sent for a paid invoice, nor while the clinic has them off', async () => {
    await settings({});
    const paidOff = await unpaidInvoice();
    const paid = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId: paidOff.patientId,
      method: 'cash',
      reference: `full-${paidOff.id}`,
      amountCents: 5_000,
      receivedOn: paidOff.issuedOn,
      allocations: [{ chargeId: paidOff.chargeId, responsibility: 'patient', amountCents: 5_000 }],
    });
    expect(paid.status).toBe(201);
    const unpaid = await unpaidInvoice();
    await settings({ enabled: false });
    await sweepOn(daysAfter(unpaid.issuedOn, 40));
    expect(await remindersOf(unpaid.id)).toEqual([]);
    await settings({ enabled: true });
    await sweepOn(daysAfter(unpaid.issuedOn, 40));
    expect(await remindersOf(paidOff.id)).toEqual([]);
    expect(await remindersOf(unpaid.id)).toHaveLength(1);
  });

  it('repeat every N days while unpaid, up to the limit; with 0 days only once', async () => {
    await settings({ afterDays: 30, repeatDays: 10, maxReminders: 3 });
    const invoice = await unpaidInvoice();
    const count = async (day: number) => {
      const now = daysAfter(invoice.issuedOn, day);
      await sweepOn(now);
      await deliver(now);
      return (await remindersOf(invoice.id)).length;
    };
    expect(await count(31)).toBe(1);
    expect(await count(40)).toBe(1);
    expect(await count(41)).toBe(2);
    expect(await count(50)).toBe(2);
    expect(await count(51)).toBe(3);
    expect(await count(61)).toBe(3);
    expect(await count(200)).toBe(3);
    const shown = (await billing.get(`/api/invoices/${invoice.id}`)).body.reminders;
    expect(shown.map((r: { number: number; status: string }) => [r.number, r.status])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
      [3, 'sent'],
    ]);

    await settings({ repeatDays: 0 });
    const once = await unpaidInvoice();
    await sweepOn(daysAfter(once.issuedOn, 31));
    await sweepOn(daysAfter(once.issuedOn, 90));
    expect(await remindersOf(once.id)).toHaveLength(1);
  });

  it('skip a patient who opted out of email or has none, and say so to billing staff', async () => {
    await settings({});
    const optedOut = await unpaidInvoice();
    expect((await s.reception.patch(`/api/patients/${optedOut.patientId}`, { emailOptOut: true })).status).toBe(200);
    const address = (await s.reception.get(`/api/patients/${optedOut.patientId}`)).body.email;
    expect(address).toBeTruthy();
    const noEmail = await unpaidInvoice();
    expect((await s.reception.patch(`/api/patients/${noEmail.patientId}`, { email: null })).status).toBe(200);
    const now = daysAfter(optedOut.issuedOn, 31);
    await sweepOn(now);
    await deliver(now);
    expect(smtp.received.filter((mail) => mail.envelope.to.includes(address))).toEqual([]);
    const [skipped] = (await billing.get(`/api/invoices/${optedOut.id}`)).body.reminders;
    expect(skipped).toMatchObject({ number: 1, status: 'withdrawn', reason: 'The patient opted out of email.' });
    const [none] = (await billing.get(`/api/invoices/${noEmail.id}`)).body.reminders;
    expect(none).toMatchObject({ number: 1, status: 'withdrawn', reason: 'The patient has no email address.' });
    const log = (await billing.get(`/api/messages?patientId=${noEmail.patientId}`)).body.items;
    expect(log).toContainEqual(
      expect.objectContaining({
        kind: 'balance',
        status: 'withdrawn',
        withdrawnReason: 'The patient has no email address.',
      }),
    );
    expect((await billing.get('/api/settings/balance-reminders')).body.notReachableLast30Days).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('is withdrawn when a payment pays the invoice off before it is sent; a part payment leaves it', async () => {
    await settings({});
    const invoice = await unpaidInvoice();
    const now = daysAfter(invoice.issuedOn, 31);
    await sweepOn(now);
    const pay = (reference: string, amountCents: number) =>
      s.reception.post('/api/payments', {
        source: 'patient',
        patientId: invoice.patientId,
        method: 'card',
        reference,
        amountCents,
        receivedOn: invoice.issuedOn,
        allocations: [{ chargeId: invoice.chargeId, responsibility: 'patient', amountCents }],
      });
    expect((await pay(`a-${invoice.id}`, 1_000)).status).toBe(201);
    expect((await remindersOf(invoice.id)).map((r) => r.status)).toEqual(['queued']);
    expect((await pay(`b-${invoice.id}`, 4_000)).status).toBe(201);
    const [withdrawn] = await remindersOf(invoice.id);
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawnReason: 'The invoice is paid.' });
    await deliver(now);
    expect((await remindersOf(invoice.id)).map((r) => r.status)).toEqual(['withdrawn']);
    // Paid: no further reminder either.
    await sweepOn(daysAfter(invoice.issuedOn, 70));
    expect(await remindersOf(invoice.id)).toHaveLength(1);
  });

  it('is withdrawn when the visit’s charge is voided (an addendum removes the service)', async () => {
    await settings({});
    const invoice = await unpaidInvoice();
    await sweepOn(daysAfter(invoice.issuedOn, 31));
    expect((await remindersOf(invoice.id)).map((r) => r.status)).toEqual(['queued']);
    const [line] = (await billing.get(`/api/charges?encounterId=${invoice.encounterId}`)).body.items;
    const encounter = (await s.doctor.get(`/api/encounters/${invoice.encounterId}`)).body;
    const amended = await s.doctor.post(`/api/encounters/${invoice.encounterId}/addenda`, {
      version: encounter.version,
      reason: 'Billed in error',
      removeServiceLineIds: [line.serviceLineId],
    });
    expect(amended.status, JSON.stringify(amended.body)).toBeLessThan(300);
    const [withdrawn] = await remindersOf(invoice.id);
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawnReason: 'The invoice is paid.' });
  });
});
