import { queryRows, schema } from '@tend/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { type ApiClient, createTestApp, patientBody, type TestApp, type TestClinic } from '../test/harness';
import { enqueueMessage } from './outbox';
import { webhookSignature } from './sms-gateway';
import { startTestSmsServer, type TestSmsServer } from './sms-test-server';

/**
 * Texts through the API: the gateway settings (the token goes in, never out), a test text through
 * a local SMS server, the gateway's signed webhooks (STOP, START, delivery reports) and the
 * delivery log, per patient.
 */

const config: Partial<Config> = { emailMode: 'auto', secretKey: 'sms-api-test-key' };
let t: TestApp;
let sms: TestSmsServer;

beforeAll(async () => {
  t = await createTestApp({ config });
  sms = await startTestSmsServer();
});
afterAll(async () => {
  await sms?.close();
  await t?.close();
});

const HOST = 'tend.test';

async function clinicWithTexts(): Promise<{ clinic: TestClinic; admin: ApiClient }> {
  const clinic = await t.createClinic();
  const admin = await t.signIn(clinic.admin);
  const saved = await admin.put('/api/settings/sms', {
    baseUrl: sms.baseUrl,
    accountSid: sms.accountSid,
    authToken: sms.authToken,
    fromNumber: '+15550001111',
  });
  expect(saved.status).toBe(200);
  return { clinic, admin };
}

/** Posts a form as the gateway does, signed with `token` (the clinic's, unless forging). */
async function webhook(path: string, form: Record<string, string>, token: string | null) {
  const url = `http://${HOST}${path}`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', host: HOST };
  if (token) headers['x-twilio-signature'] = webhookSignature(token, url, form);
  const response = await t.app.inject({
    method: 'POST',
    url: path,
    headers,
    payload: new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, body: response.body, type: response.headers['content-type'] };
}

async function patientWithPhone(admin: ApiClient, phone: string) {
  const created = await admin.post('/api/patients', patientBody({ phone, allowDuplicate: true }));
  expect(created.status).toBe(201);
  return created.body as { id: string; phone: string };
}

async function queueText(clinicId: string, patientId: string, to: string, n: number) {
  const id = await enqueueMessage(t.database.db, {
    clinicId,
    channel: 'sms',
    to,
    subject: '',
    text: `Reminder ${n}`,
    kind: 'reminder',
    patientId,
    sendAfter: new Date(Date.now() + 3_600_000),
    idempotencyKey: `api-test:${patientId}:${n}`,
  });
  if (!id) throw new Error('not queued');
  return id;
}

async function messageRow(id: string) {
  const [row] = await t.database.db.select().from(schema.messages).where(eq(schema.messages.id, id));
  return row;
}

describe('SMS settings', () => {
  it('saves the gateway, never answers the auth token, and keeps it when omitted', async () => {
    const clinic = await t.createClinic();
    const admin = await t.signIn(clinic.admin);
    const empty = await admin.get('/api/settings/sms');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ settings: null, delivery: 'capture', mode: 'auto' });

    const firstWithoutToken = await admin.put('/api/settings/sms', {
      baseUrl: sms.baseUrl,
      accountSid: sms.accountSid,
      fromNumber: '+15550001111',
    });
    expect(firstWithoutToken.status).toBe(400);
    expect(firstWithoutToken.body.error.fields).toEqual([
      { path: 'authToken', message: expect.stringMatching(/auth token/) },
    ]);

    const saved = await admin.put('/api/settings/sms', {
      baseUrl: `${sms.baseUrl}/`,
      accountSid: sms.accountSid,
      authToken: sms.authToken,
      fromNumber: '+15550001111',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      settings: {
        baseUrl: sms.baseUrl,
        accountSid: sms.accountSid,
        fromNumber: '+15550001111',
        enabled: true,
        tokenSet: true,
      },
      delivery: 'send',
    });
    // Omitted: the stored token stays; turned off: texts are captured.
    const off = await admin.put('/api/settings/sms', {
      baseUrl: sms.baseUrl,
      accountSid: sms.accountSid,
      fromNumber: '+15550002222',
      enabled: false,
    });
    expect(off.body).toMatchObject({
      settings: { tokenSet: true, fromNumber: '+15550002222', enabled: false },
      delivery: 'capture',
    });

    const [stored] = await t.database.db
      .select()
      .from(schema.smsSettings)
      .where(eq(schema.smsSettings.clinicId, clinic.clinicId));
    expect(stored.authTokenEncrypted).toMatch(/^v1:/);
    expect(stored.authTokenEncrypted).not.toContain(sms.authToken);
    const audit = await queryRows<{ details: unknown }>(
      t.database.db,
      sql`SELECT details FROM audit_events WHERE clinic_id = ${clinic.clinicId} AND action = 'sms.settings_update' ORDER BY occurred_at`,
    );
    expect(audit.map((a) => (a.details as { tokenChanged: boolean }).tokenChanged)).toEqual([true, false]);
    for (const text of [
      JSON.stringify(saved.body),
      JSON.stringify(off.body),
      JSON.stringify(audit),
      JSON.stringify((await admin.get('/api/settings/sms')).body),
    ]) {
      expect(text).not.toContain(sms.authToken);
    }
  });

  it('explains what is wrong with each field', async () => {
    const clinic = await t.createClinic();
    const admin = await t.signIn(clinic.admin);
    const bad = await admin.put('/api/settings/sms', {
      baseUrl: 'http://gateway.example.com',
      accountSid: 'AC with spaces',
      authToken: 'x',
      fromNumber: '555-0100',
    });
    expect(bad.status).toBe(400);
    const fields = Object.fromEntries(
      bad.body.error.fields.map((f: { path: string; message: string }) => [f.path, f.message]),
    );
    expect(fields.baseUrl).toMatch(
      /https:\/\/.*http:\/\/ is allowed only for a gateway on this machine \(127\.0\.0\.1 or localhost\)/,
    );
    expect(fields.accountSid).toMatch(/without spaces/);
    expect(fields.fromNumber).toMatch(/international form \(E\.164\).*\+15551234567/);
    // Only an administrator.
    const manager = await t.signIn(await clinic.addUser('manager'));
    expect((await manager.get('/api/settings/sms')).status).toBe(403);
  });
});

describe('a test text', () => {
  it('goes through the local SMS server at once and is in the log; a refusal is explained', async () => {
    const { clinic, admin } = await clinicWithTexts();
    const before = sms.messages.length;
    const sent = await admin.post('/api/settings/sms/test', { to: '+15557654321' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ ok: true, status: 'sent', error: null });
    expect(sms.messages.length).toBe(before + 1);
    expect(sms.messages.at(-1)).toMatchObject({ to: '+15557654321', from: '+15550001111' });

    sms.rejectNumbers(['+15550009999']);
    const refused = await admin.post('/api/settings/sms/test', { to: '+15550009999' });
    sms.rejectNumbers([]);
    expect(refused.body).toMatchObject({ ok: false, status: 'failed' });
    expect(refused.body.error).toMatch(/refused the text to \+15550009999 \(HTTP 400\).*21211/);
    expect(refused.body.error).not.toContain(sms.authToken);

    const log = await admin.get('/api/messages?channel=sms');
    expect(log.body.items.map((m: { id: string }) => m.id)).toEqual([refused.body.messageId, sent.body.messageId]);
    expect(log.body.items[1]).toMatchObject({ channel: 'sms', status: 'sent', to: '+15557654321', relatedType: null });
    const audit = await queryRows<{ outcome: string }>(
      t.database.db,
      sql`SELECT outcome FROM audit_events WHERE clinic_id = ${clinic.clinicId} AND action = 'sms.send' ORDER BY occurred_at`,
    );
    expect(audit.map((a) => a.outcome)).toEqual(['success', 'failure']);
    expect((await admin.post('/api/settings/sms/test', { to: '5551234' })).status).toBe(400);
  });
});

describe('the gateway’s webhooks', () => {
  it('STOP with a valid signature opts every patient with that number out and withdraws their queued texts', async () => {
    const { clinic, admin } = await clinicWithTexts();
    const a = await patientWithPhone(admin, '617-555-0142');
    const b = await patientWithPhone(admin, '617-555-0142'); // a parent and child sharing a phone
    const other = await patientWithPhone(admin, '617-555-0199');
    const queuedA = await queueText(clinic.clinicId, a.id, a.phone, 1);
    const queuedB = await queueText(clinic.clinicId, b.id, b.phone, 1);
    const queuedOther = await queueText(clinic.clinicId, other.id, other.phone, 1);
    const path = `/api/webhooks/sms/${clinic.clinicId}/inbound`;
    const form = { From: a.phone, To: '+15550001111', Body: ' stop ', MessageSid: 'SM1', AccountSid: sms.accountSid };

    // Forged (another token), unsigned, or signed for another URL: refused, nothing changes.
    expect((await webhook(path, form, 'not-the-token')).status).toBe(403);
    expect((await webhook(path, form, null)).status).toBe(403);
    expect(
      (await webhook(`/api/webhooks/sms/${(await t.createClinic()).clinicId}/inbound`, form, sms.authToken)).status,
    ).toBe(403);
    expect((await admin.get(`/api/patients/${a.id}`)).body.smsOptOut).toBe(false);
    expect((await messageRow(queuedA)).status).toBe('queued');

    const stopped = await webhook(path, form, sms.authToken);
    expect(stopped.status).toBe(200);
    expect(stopped.type).toMatch(/^text\/xml/);
    expect(stopped.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    for (const p of [a, b]) {
      const read = await admin.get(`/api/patients/${p.id}`);
      expect(read.body).toMatchObject({ smsOptOut: true, smsOptOutAt: expect.any(String) });
    }
    expect((await admin.get(`/api/patients/${other.id}`)).body.smsOptOut).toBe(false);
    expect(await messageRow(queuedA)).toMatchObject({
      status: 'withdrawn',
      withdrawnReason: 'The patient opted out of texts.',
    });
    expect((await messageRow(queuedB)).status).toBe('withdrawn');
    expect((await messageRow(queuedOther)).status).toBe('queued');
    const audit = await queryRows<{ patient_id: string; details: Record<string, unknown> }>(
      t.database.db,
      sql`SELECT patient_id, details FROM audit_events WHERE clinic_id = ${clinic.clinicId} AND action = 'patient.sms_opt_out'`,
    );
    expect(audit.map((r) => r.patient_id).sort()).toEqual([a.id, b.id].sort());
    // What the patient wrote is not kept.
    expect(JSON.stringify(audit)).not.toMatch(/stop/i);

    // START opts back in; any other text changes nothing and is not kept.
    expect((await webhook(path, { ...form, Body: 'Hello, is the clinic open?' }, sms.authToken)).status).toBe(200);
    expect((await admin.get(`/api/patients/${a.id}`)).body.smsOptOut).toBe(true);
    expect((await webhook(path, { ...form, Body: 'START' }, sms.authToken)).status).toBe(200);
    expect((await admin.get(`/api/patients/${a.id}`)).body).toMatchObject({ smsOptOut: false, smsOptOutAt: null });
    expect((await admin.get(`/api/patients/${b.id}`)).body.smsOptOut).toBe(false);
  });

  it('a delivery report updates the text with that gateway id; a forged one changes nothing', async () => {
    const { clinic, admin } = await clinicWithTexts();
    const sent = await admin.post('/api/settings/sms/test', { to: '+15557654300' });
    const row = await messageRow(sent.body.messageId);
    expect(row.providerMessageId).toMatch(/^SM/);
    const path = `/api/webhooks/sms/${clinic.clinicId}/status`;
    const report = { MessageSid: row.providerMessageId as string, MessageStatus: 'undelivered', ErrorCode: '30003' };

    expect((await webhook(path, report, 'forged')).status).toBe(403);
    expect((await messageRow(row.id)).deliveryStatus).toBeNull();

    expect((await webhook(path, { ...report, MessageStatus: 'sent', ErrorCode: '' }, sms.authToken)).status).toBe(204);
    expect((await messageRow(row.id)).deliveryStatus).toBe('sent');
    expect((await webhook(path, report, sms.authToken)).status).toBe(204);
    expect(await messageRow(row.id)).toMatchObject({
      deliveryStatus: 'undelivered',
      error: 'The carrier reported the text undelivered (error 30003).',
      status: 'sent',
    });
    // A late "sent" does not overwrite the outcome.
    await webhook(path, { ...report, MessageStatus: 'sent', ErrorCode: '' }, sms.authToken);
    expect((await messageRow(row.id)).deliveryStatus).toBe('undelivered');
    const log = await admin.get('/api/messages?channel=sms');
    expect(log.body.items[0]).toMatchObject({ deliveryStatus: 'undelivered', error: expect.stringMatching(/30003/) });
    // Not a form a gateway sends.
    expect((await webhook(path, { MessageSid: 'SMx' }, sms.authToken)).status).toBe(400);
  });

  it('refuses oversized bodies', async () => {
    const clinic = await t.createClinic();
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/webhooks/sms/${clinic.clinicId}/inbound`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `Body=${'a'.repeat(70_000)}`,
    });
    expect(response.statusCode).toBe(413);
  });
});

describe('quiet hours and opt-outs', () => {
  it('quiet hours are clinic settings, checked as HH:MM', async () => {
    const clinic = await t.createClinic();
    const admin = await t.signIn(clinic.admin);
    expect((await admin.get('/api/clinic')).body).toMatchObject({ quietHoursStart: '21:00', quietHoursEnd: '08:00' });
    const saved = await admin.patch('/api/clinic', { quietHoursStart: '20:30', quietHoursEnd: '07:45' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ quietHoursStart: '20:30', quietHoursEnd: '07:45' });
    const bad = await admin.patch('/api/clinic', { quietHoursStart: '9pm' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([
      { path: 'quietHoursStart', message: 'Enter a time as HH:MM (24-hour), e.g. 21:00.' },
    ]);
  });

  it('staff set a patient’s text and email opt-out; opting out of texts withdraws queued ones', async () => {
    const { clinic, admin } = await clinicWithTexts();
    const receptionist = await t.signIn(await clinic.addUser('receptionist'));
    const patient = await patientWithPhone(admin, '617-555-0177');
    const queued = await queueText(clinic.clinicId, patient.id, patient.phone, 1);
    const out = await receptionist.patch(`/api/patients/${patient.id}`, { smsOptOut: true, emailOptOut: true });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ smsOptOut: true, emailOptOut: true });
    const since = out.body.smsOptOutAt;
    expect((await messageRow(queued)).status).toBe('withdrawn');
    // Saying it again keeps the first instant.
    expect((await receptionist.patch(`/api/patients/${patient.id}`, { smsOptOut: true })).body.smsOptOutAt).toBe(since);
    const back = await receptionist.patch(`/api/patients/${patient.id}`, { smsOptOut: false });
    expect(back.body).toMatchObject({ smsOptOut: false, smsOptOutAt: null, emailOptOut: true });
    const audit = await queryRows<{ details: { fields: string[] } }>(
      t.database.db,
      sql`SELECT details FROM audit_events WHERE patient_id = ${patient.id} AND action = 'patient.update' ORDER BY occurred_at`,
    );
    expect(audit[0].details.fields).toEqual(['smsOptOut', 'emailOptOut']);
  });
});

describe('the delivery log', () => {
  it('lists one patient’s messages for anyone who may read the patient; the whole log needs the outbox', async () => {
    const { clinic, admin } = await clinicWithTexts();
    const patient = await patientWithPhone(admin, '617-555-0160');
    const someoneElse = await patientWithPhone(admin, '617-555-0161');
    const mine = await queueText(clinic.clinicId, patient.id, patient.phone, 1);
    await queueText(clinic.clinicId, someoneElse.id, someoneElse.phone, 1);
    const receptionist = await t.signIn(await clinic.addUser('receptionist'));

    const log = await receptionist.get(`/api/messages?patientId=${patient.id}`);
    expect(log.status).toBe(200);
    expect(log.body.total).toBe(1);
    expect(log.body.items[0]).toMatchObject({
      id: mine,
      channel: 'sms',
      kind: 'reminder',
      patientId: patient.id,
      status: 'queued',
      deliveryStatus: null,
      withdrawnReason: null,
      sendAfter: expect.any(String),
    });
    expect((await receptionist.get('/api/messages')).status).toBe(403);
    expect((await admin.get('/api/messages?limit=100')).body.total).toBeGreaterThanOrEqual(2);
    expect((await admin.get(`/api/messages?patientId=${patient.id}&channel=email`)).body.total).toBe(0);
    expect((await admin.get(`/api/messages?patientId=${patient.id}&status=sent`)).body.total).toBe(0);
    // Another clinic's patient is not found; its messages are not shown.
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    expect((await otherAdmin.get(`/api/messages?patientId=${patient.id}`)).status).toBe(404);
    expect((await otherAdmin.get('/api/messages')).body.total).toBe(0);
    // Reading a patient's log is audited against the patient (three reads), and so is the whole
    // log that listed their message (one row per patient on the page).
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE patient_id = ${patient.id} AND action = 'message.read'`,
    );
    expect(row.n).toBe(4);
    // The email outbox lists the same rows.
    expect((await admin.get('/api/email/messages?limit=100')).body.total).toBe(
      (await admin.get('/api/messages?limit=100')).body.total,
    );
  });
});

describe('the URL a webhook signature is checked against', () => {
  it('is TEND_PUBLIC_URL or the request’s own (X-Forwarded-* only behind a trusted proxy)', async () => {
    const post = async (app: TestApp, path: string, url: string, headers: Record<string, string> = {}) => {
      const form = { From: '+16175550100', To: '+15550001111', Body: 'START' };
      const response = await app.app.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          host: 'internal:3000',
          'x-twilio-signature': webhookSignature(sms.authToken, url, form),
          ...headers,
        },
        payload: new URLSearchParams(form).toString(),
      });
      return response.statusCode;
    };
    const setUp = async (app: TestApp) => {
      const clinic = await app.createClinic();
      const admin = await app.signIn(clinic.admin);
      await admin.put('/api/settings/sms', {
        baseUrl: sms.baseUrl,
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        fromNumber: '+15550001111',
      });
      return `/api/webhooks/sms/${clinic.clinicId}/inbound`;
    };

    const publicApp = await createTestApp({ config: { ...config, publicUrl: 'https://tend.example.org' } });
    try {
      const path = await setUp(publicApp);
      expect(await post(publicApp, path, `https://tend.example.org${path}`)).toBe(200);
      // The request's own address is this server too; another one is not.
      expect(await post(publicApp, path, `http://internal:3000${path}`)).toBe(200);
      expect(await post(publicApp, path, `https://elsewhere.example.org${path}`)).toBe(403);
    } finally {
      await publicApp.close();
    }

    const proxied = await createTestApp({ config: { ...config, trustProxy: true } });
    try {
      const path = await setUp(proxied);
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'clinic.example.org' };
      expect(await post(proxied, path, `https://clinic.example.org${path}`, forwarded)).toBe(200);
    } finally {
      await proxied.close();
    }
    // Without a trusted proxy the forwarded headers are ignored: the gateway must sign this server's own address.
    const path = await setUp(t);
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'clinic.example.org' };
    expect(await post(t, path, `https://clinic.example.org${path}`, forwarded)).toBe(403);
    expect(await post(t, path, `http://internal:3000${path}`, forwarded)).toBe(200);
  });
});
