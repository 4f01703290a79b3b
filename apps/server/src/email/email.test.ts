import { randomBytes } from 'node:crypto';
import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../config';
import { type ApiClient, createTestApp, type TestApp, type TestClinic } from '../test/harness';
import { sendEmail } from './send-email';
import { startTestSmtpServer, TEST_CERT_FILE, type TestSmtpServer } from './smtp-test-server';

/**
 * Email end to end against a real SMTP server on loopback (smtp-server), parsed back with
 * mailparser: STARTTLS, TLS and plain connections, authentication, failures kept and retried,
 * capture mode without any network, and the password that never comes back out.
 */

const SMTP_USER = 'tend-relay';
const SMTP_PASS = `pw-${randomBytes(6).toString('hex')}`;
const config: Partial<Config> = {
  emailMode: 'auto',
  secretKey: 'email-test-secret-key',
  // The loopback server's self-signed certificate is the one authority trusted: TLS is verified.
  smtpCaFile: TEST_CERT_FILE,
};

/** A few bytes that look like a PDF, with every byte value so nothing is mangled in transit. */
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\n%%EOF\n'),
]);

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;
let billing: ApiClient;
let starttls: TestSmtpServer;
const servers: TestSmtpServer[] = [];

const settings = (server: TestSmtpServer, overrides: Record<string, unknown> = {}) => ({
  host: server.host,
  port: server.port,
  security: 'starttls',
  username: SMTP_USER,
  password: SMTP_PASS,
  fromAddress: 'front-desk@clinic.test',
  fromName: 'Sunrise Family Clinic',
  enabled: true,
  ...overrides,
});

beforeAll(async () => {
  t = await createTestApp({ config });
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
  billing = await t.signIn(await clinic.addUser('billing'));
  starttls = await startTestSmtpServer({ security: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS } });
  servers.push(starttls);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await t?.close();
});

describe('email settings', () => {
  it('start empty: mail would be captured', async () => {
    const other = await t.createClinic();
    const res = await (await t.signIn(other.admin)).get('/api/settings/email');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ settings: null, delivery: 'capture', mode: 'auto' });
  });

  it('are saved with the password encrypted, and the password is never returned', async () => {
    const saved = await admin.put('/api/settings/email', settings(starttls));
    expect(saved.status).toBe(200);
    expect(saved.body.delivery).toBe('smtp');
    expect(saved.body.settings).toMatchObject({ host: '127.0.0.1', security: 'starttls', passwordSet: true });
    expect(JSON.stringify(saved.body)).not.toContain(SMTP_PASS);
    const read = await admin.get('/api/settings/email');
    expect(read.body.settings.passwordSet).toBe(true);
    expect(JSON.stringify(read.body)).not.toContain(SMTP_PASS);

    const [row] = await queryRows<{ password_encrypted: string }>(
      t.database.db,
      sql`SELECT password_encrypted FROM email_settings WHERE clinic_id = ${clinic.clinicId}`,
    );
    expect(row.password_encrypted).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row.password_encrypted).not.toContain(SMTP_PASS);
    const audit = await queryRows<{ details: unknown }>(
      t.database.db,
      sql`SELECT details FROM audit_events WHERE clinic_id = ${clinic.clinicId} AND action = 'email.settings_update'`,
    );
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(SMTP_PASS);

    // Saving again without a password keeps the stored one.
    const { password: _omitted, ...withoutPassword } = settings(starttls);
    const kept = await admin.put('/api/settings/email', withoutPassword);
    expect(kept.body.settings.passwordSet).toBe(true);
  });

  it('refuse a bad host, port or sender with a message per field', async () => {
    const res = await admin.put(
      '/api/settings/email',
      settings(starttls, { host: 'smtp example', port: 70000, fromAddress: 'nope' }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['fromAddress', 'host', 'port']);
  });

  it('are the administrator’s only', async () => {
    expect((await billing.get('/api/settings/email')).status).toBe(403);
    expect((await billing.put('/api/settings/email', settings(starttls))).status).toBe(403);
  });
});

describe('sending over STARTTLS', () => {
  it('delivers a message with a PDF attachment: headers, sender, recipient, subject, text and file arrive intact', async () => {
    const invoiceId = '0190f0f0-0000-7000-8000-000000000001';
    const sent = await sendEmail(
      t.database.db,
      await clinic.adminCtx(),
      {
        to: 'Patient@Example.com',
        subject: 'Your invoice INV-100001',
        text: 'Dear patient,\nyour invoice is attached.\nBalance due: $50.00',
        html: '<p>Dear patient,<br>your invoice is attached.</p>',
        attachments: [{ filename: 'invoice-100001.pdf', contentType: 'application/pdf', content: PDF }],
        related: { type: 'invoice', id: invoiceId },
      },
      { ...loadConfig({}), ...config },
    );
    expect(sent.status).toBe('sent');
    expect(sent.error).toBeNull();

    const [mail] = await starttls.waitFor(1);
    expect(mail.secure).toBe(true); // upgraded with STARTTLS
    expect(mail.user).toBe(SMTP_USER);
    expect(mail.envelope).toEqual({ from: 'front-desk@clinic.test', to: ['patient@example.com'] });
    const parsed = mail.parsed;
    expect(parsed.from?.value).toEqual([{ address: 'front-desk@clinic.test', name: 'Sunrise Family Clinic' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0].address : null).toBe('patient@example.com');
    expect(parsed.subject).toBe('Your invoice INV-100001');
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.date).toBeInstanceOf(Date);
    expect(parsed.text?.trim()).toBe('Dear patient,\nyour invoice is attached.\nBalance due: $50.00');
    expect(parsed.html).toContain('your invoice is attached');
    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment.filename).toBe('invoice-100001.pdf');
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.contentDisposition).toBe('attachment');
    expect(Buffer.compare(attachment.content, PDF)).toBe(0);

    // The outbox keeps it, sent, with the attachment to download.
    const list = await billing.get(`/api/email/messages?relatedType=invoice&relatedId=${invoiceId}`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      id: sent.id,
      to: 'patient@example.com',
      status: 'sent',
      attachmentCount: 1,
      createdByName: 'Ada Admin',
      attempts: 1,
    });
    expect(list.body.items[0].sentAt).not.toBeNull();
    const detail = await billing.get(`/api/email/messages/${sent.id}`);
    expect(detail.body).toMatchObject({
      text: 'Dear patient,\nyour invoice is attached.\nBalance due: $50.00',
      attachments: [{ index: 0, filename: 'invoice-100001.pdf', contentType: 'application/pdf', size: PDF.length }],
    });
    const download = await t.app.inject({
      method: 'GET',
      url: `/api/email/messages/${sent.id}/attachments/0`,
      headers: { cookie: billing.cookie },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain('attachment; filename="invoice-100001.pdf"');
    expect(Buffer.compare(download.rawPayload, PDF)).toBe(0);
    expect((await billing.get(`/api/email/messages/${sent.id}/attachments/1`)).status).toBe(404);

    // Audited: recipient, subject, related record — never the text.
    const [audit] = await queryRows<{ details: Record<string, unknown>; outcome: string }>(
      t.database.db,
      sql`SELECT details, outcome FROM audit_events WHERE entity_id = ${sent.id}`,
    );
    expect(audit.outcome).toBe('success');
    expect(audit.details).toMatchObject({
      to: 'patient@example.com',
      subject: 'Your invoice INV-100001',
      relatedType: 'invoice',
      relatedId: invoiceId,
      status: 'sent',
    });
    expect(JSON.stringify(audit.details)).not.toContain('Balance due');
  });

  it('sends a test email and says so', async () => {
    const before = starttls.received.length;
    const res = await admin.post('/api/settings/email/test', { to: 'admin@clinic.test' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 'sent', error: null });
    const received = await starttls.waitFor(before + 1);
    expect(received[before].parsed.subject).toMatch(/^Test email from Clinic-/);
  });
});

describe('other connection kinds', () => {
  it('sends over TLS from the first byte', async () => {
    const tls = await startTestSmtpServer({ security: 'tls', auth: { user: SMTP_USER, pass: SMTP_PASS } });
    servers.push(tls);
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    expect((await otherAdmin.put('/api/settings/email', settings(tls, { security: 'tls' }))).status).toBe(200);
    const res = await otherAdmin.post('/api/settings/email/test', { to: 'someone@example.com' });
    expect(res.body).toMatchObject({ ok: true, status: 'sent' });
    const [mail] = await tls.waitFor(1);
    expect(mail.secure).toBe(true);
  });

  it('sends in plain text to a relay without TLS or authentication (security none)', async () => {
    const plain = await startTestSmtpServer({ security: 'none' });
    servers.push(plain);
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    const saved = await otherAdmin.put(
      '/api/settings/email',
      settings(plain, { security: 'none', username: null, password: null }),
    );
    expect(saved.body.settings).toMatchObject({ username: null, passwordSet: false });
    const res = await otherAdmin.post('/api/settings/email/test', { to: 'someone@example.com' });
    expect(res.body).toMatchObject({ ok: true, status: 'sent' });
    const [mail] = await plain.waitFor(1);
    expect(mail.secure).toBe(false);
    expect(mail.user).toBeUndefined();
  });

  it('refuses to fall back to plain text when STARTTLS is required but not offered', async () => {
    const plain = await startTestSmtpServer({ security: 'none' });
    servers.push(plain);
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    await otherAdmin.put('/api/settings/email', settings(plain, { username: null, password: null }));
    const res = await otherAdmin.post('/api/settings/email/test', { to: 'someone@example.com' });
    expect(res.body).toMatchObject({ ok: false, status: 'failed' });
    expect(res.body.error).toMatch(/does not offer STARTTLS/);
    expect(plain.received).toHaveLength(0);
  });

  it('reports a server that is not there, with host and port', async () => {
    const gone = await startTestSmtpServer({ security: 'none' });
    await gone.close();
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    await otherAdmin.put('/api/settings/email', settings(gone, { security: 'none', username: null, password: null }));
    const res = await otherAdmin.post('/api/settings/email/test', { to: 'someone@example.com' });
    expect(res.body.ok).toBe(false);
    expect(res.body.error).toContain(`127.0.0.1:${gone.port}`);
    expect(res.body.error).toMatch(/ECONNREFUSED/);
  });
});

describe('a failure', () => {
  it('is reported clearly, kept as failed, and sent once the settings are fixed', async () => {
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    const otherBilling = await t.signIn(await other.addUser('billing'));
    const server = await startTestSmtpServer({ security: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS } });
    servers.push(server);
    await otherAdmin.put('/api/settings/email', settings(server, { password: 'the-wrong-password' }));

    const sent = await sendEmail(
      t.database.db,
      await other.adminCtx(),
      {
        to: 'patient@example.com',
        subject: 'Your statement',
        text: 'Statement attached.',
        attachments: [{ filename: 'statement.pdf', contentType: 'application/pdf', content: PDF }],
      },
      { ...loadConfig({}), ...config },
    );
    expect(sent.status).toBe('failed');
    expect(sent.error).toMatch(/refused the user name or password/);
    expect(sent.error).toMatch(/535/);
    expect(sent.error).toMatch(/Authentication credentials invalid/);
    expect(server.received).toHaveLength(0);

    const failed = await otherBilling.get(`/api/email/messages/${sent.id}`);
    expect(failed.body).toMatchObject({ status: 'failed', attempts: 1, text: 'Statement attached.' });
    expect(failed.body.error).toMatch(/535/);
    const [audit] = await queryRows<{ outcome: string }>(
      t.database.db,
      sql`SELECT outcome FROM audit_events WHERE entity_id = ${sent.id}`,
    );
    expect(audit.outcome).toBe('failure');

    await otherAdmin.put('/api/settings/email', settings(server));
    const retried = await otherBilling.post(`/api/email/messages/${sent.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: sent.id, status: 'sent', error: null });
    const [mail] = await server.waitFor(1);
    expect(mail.parsed.subject).toBe('Your statement');
    expect(mail.parsed.messageId).toBe(sent.messageId);
    expect(Buffer.compare(mail.parsed.attachments[0].content, PDF)).toBe(0);
    const after = await otherBilling.get(`/api/email/messages/${sent.id}`);
    expect(after.body).toMatchObject({ status: 'sent', attempts: 2, error: null });

    // Sent is final: another retry is refused and nothing is sent twice.
    const again = await otherBilling.post(`/api/email/messages/${sent.id}/retry`);
    expect(again.status).toBe(409);
    expect(server.received).toHaveLength(1);
  });

  it('of another clinic is not found', async () => {
    const [message] = (await billing.get('/api/email/messages')).body.items;
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    expect((await otherAdmin.get(`/api/email/messages/${message.id}`)).status).toBe(404);
    expect((await otherAdmin.get(`/api/email/messages/${message.id}/attachments/0`)).status).toBe(404);
    expect((await otherAdmin.post(`/api/email/messages/${message.id}/retry`)).status).toBe(404);
  });
});

describe('capture mode', () => {
  let captureApp: TestApp;
  afterAll(() => captureApp?.close());

  it('stores and shows the message, and nothing goes over the network', async () => {
    captureApp = await createTestApp({ config: { ...config, emailMode: 'capture' } });
    const c = await captureApp.createClinic();
    const a = await captureApp.signIn(c.admin);
    const server = await startTestSmtpServer({ security: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS } });
    servers.push(server);
    // Even with working settings, capture mode sends nothing.
    await a.put('/api/settings/email', settings(server));
    expect((await a.get('/api/settings/email')).body).toMatchObject({ delivery: 'capture', mode: 'capture' });

    const test = await a.post('/api/settings/email/test', { to: 'trainee@example.com' });
    expect(test.body).toMatchObject({ ok: true, status: 'captured', error: null });
    const sent = await sendEmail(
      captureApp.database.db,
      await c.adminCtx(),
      {
        to: 'patient@example.com',
        subject: 'Training invoice',
        text: 'A practice invoice.',
        attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', content: PDF }],
      },
      { ...loadConfig({}), ...config, emailMode: 'capture' },
    );
    expect(sent).toMatchObject({ status: 'captured', error: null, sentAt: null });

    const list = await a.get('/api/email/messages?status=captured');
    expect(list.body.items.map((m: { subject: string }) => m.subject)).toEqual([
      'Training invoice',
      expect.stringMatching(/^Test email from/),
    ]);
    const detail = await a.get(`/api/email/messages/${sent.id}`);
    expect(detail.body).toMatchObject({
      status: 'captured',
      text: 'A practice invoice.',
      attachments: [{ filename: 'invoice.pdf' }],
    });
    const download = await captureApp.app.inject({
      method: 'GET',
      url: `/api/email/messages/${sent.id}/attachments/0`,
      headers: { cookie: a.cookie },
    });
    expect(Buffer.compare(download.rawPayload, PDF)).toBe(0);
    // A captured message is not a failure to retry.
    expect((await a.post(`/api/email/messages/${sent.id}/retry`)).status).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.received).toHaveLength(0);
  });

  it('is what a clinic without settings gets by default', async () => {
    const other = await t.createClinic();
    const sent = await sendEmail(
      t.database.db,
      await other.adminCtx(),
      { to: 'patient@example.com', subject: 'Hello', text: 'Hi' },
      { ...loadConfig({}), ...config },
    );
    expect(sent.status).toBe('captured');
  });

  it('searches the outbox by recipient or subject', async () => {
    const res = await billing.get('/api/email/messages?q=INV-100001');
    expect(res.body.items.map((m: { subject: string }) => m.subject)).toEqual(['Your invoice INV-100001']);
    expect((await billing.get('/api/email/messages?q=%25')).body.total).toBe(0);
  });
});
