import { type Database, openDatabase, schema } from '@tend/db';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { sealSecret } from '../email/secret-box';
import { startTestSmtpServer, TEST_CERT_FILE } from '../email/smtp-test-server';
import { createTestApp, patientBody, type TestApp, type TestClinic } from '../test/harness';
import { claimDueMessages, deliverMessage, enqueueMessage, MAX_ATTEMPTS, runOutbox, withdrawMessages } from './outbox';
import { startTestSmsServer, type TestSmsServer } from './sms-test-server';

/**
 * The outbox worker against real peers: a local SMS API and an SMTP server on loopback. Every
 * message is delivered exactly once — also by two workers at the same time on one database —
 * survives an outage by retrying, and never goes to a patient who said STOP or at night.
 */

const config: Partial<Config> = { emailMode: 'auto', secretKey: 'outbox-test-key', smtpCaFile: TEST_CERT_FILE };
const env = {
  emailMode: 'auto' as const,
  secretKey: 'outbox-test-key',
  smtpCaFile: TEST_CERT_FILE,
  dataDir: '/nonexistent',
  publicUrl: 'https://tend.test',
};

let t: TestApp;
let sms: TestSmsServer;

beforeAll(async () => {
  t = await createTestApp({ config, poolSize: 10 });
  sms = await startTestSmsServer();
});
afterAll(async () => {
  await sms?.close();
  await t?.close();
});

async function clinicWithTexts(): Promise<{ clinic: TestClinic; patientId: string }> {
  const clinic = await t.createClinic({ timezone: 'America/New_York' });
  await t.database.db.insert(schema.smsSettings).values({
    clinicId: clinic.clinicId,
    baseUrl: sms.baseUrl,
    accountSid: sms.accountSid,
    authTokenEncrypted: sealSecret(env, sms.authToken),
    fromNumber: '+15550001111',
  });
  const admin = await t.signIn(clinic.admin);
  const patient = await admin.post('/api/patients', patientBody());
  expect(patient.status).toBe(201);
  return { clinic, patientId: patient.body.id };
}

const text = (clinicId: string, patientId: string, n: number, sendAfter = new Date('2026-06-10T15:00:00Z')) => ({
  clinicId,
  channel: 'sms' as const,
  to: `+1555${String(2_000_000 + n).padStart(7, '0')}`,
  subject: '',
  text: `Reminder ${n}`,
  kind: 'reminder',
  patientId,
  sendAfter,
  idempotencyKey: `test:${clinicId}:${n}`,
});

async function statuses(ids: string[]) {
  const rows = await t.database.db
    .select({ id: schema.messages.id, status: schema.messages.status, attempts: schema.messages.attempts })
    .from(schema.messages)
    .where(inArray(schema.messages.id, ids));
  return rows;
}

describe('the outbox worker', () => {
  it('sends a due text once, not before it is due, and not twice when enqueued twice', async () => {
    const { clinic, patientId } = await clinicWithTexts();
    const message = text(clinic.clinicId, patientId, 1);
    const id = await enqueueMessage(t.database.db, message);
    expect(id).not.toBeNull();
    expect(await enqueueMessage(t.database.db, message)).toBeNull();
    const before = sms.messages.length;
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-10T14:59:00Z') }),
    ).toMatchObject({
      sent: 0,
    });
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-10T15:00:00Z') }),
    ).toMatchObject({
      sent: 1,
    });
    expect(sms.messages.slice(before)).toEqual([expect.objectContaining({ to: message.to, body: 'Reminder 1' })]);
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-10T16:00:00Z') }),
    ).toMatchObject({
      sent: 0,
    });
    const [row] = await t.database.db
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.id, id ?? ''));
    expect(row).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: sms.messages.at(-1)?.sid });
  });

  it('defers a text due in quiet hours to their end, and withdraws texts to a patient who said STOP', async () => {
    const { clinic, patientId } = await clinicWithTexts();
    // 22:30 in New York: quiet until 08:00.
    const night = await enqueueMessage(
      t.database.db,
      text(clinic.clinicId, patientId, 2, new Date('2026-06-11T02:30:00Z')),
    );
    const run = await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-11T02:30:00Z') });
    expect(run).toMatchObject({ sent: 0, deferred: 1 });
    const [deferred] = await t.database.db
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.id, night ?? ''));
    expect(deferred).toMatchObject({ status: 'queued', sendAfter: new Date('2026-06-11T12:00:00Z'), attempts: 0 });
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-11T12:00:00Z') }),
    ).toMatchObject({
      sent: 1,
    });

    await t.database.db
      .update(schema.patients)
      .set({ smsOptOutAt: new Date() })
      .where(eq(schema.patients.id, patientId));
    const stopped = await enqueueMessage(
      t.database.db,
      text(clinic.clinicId, patientId, 3, new Date('2026-06-11T15:00:00Z')),
    );
    const count = sms.messages.length;
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-11T15:00:00Z') }),
    ).toMatchObject({
      withdrawn: 1,
    });
    expect(sms.messages.length).toBe(count);
    expect(await statuses([stopped ?? ''])).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
  });

  it('retries through a gateway outage with backoff, then fails with the reason after the last attempt', async () => {
    const { clinic, patientId } = await clinicWithTexts();
    const start = new Date('2026-06-12T15:00:00Z');
    const id = (await enqueueMessage(t.database.db, text(clinic.clinicId, patientId, 4, start))) ?? '';
    sms.failNext(2, 503);
    expect(await runOutbox(t.database.db, env, { workerId: 'w1', now: start })).toMatchObject({ retried: 1 });
    // Not again before the backoff is over (1 minute, then 5).
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date(start.getTime() + 30_000) }),
    ).toMatchObject({ retried: 0, sent: 0 });
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date(start.getTime() + 60_000) }),
    ).toMatchObject({ retried: 1 });
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date(start.getTime() + 6 * 60_000) }),
    ).toMatchObject({ sent: 1 });
    expect(await statuses([id])).toEqual([expect.objectContaining({ status: 'sent', attempts: 3 })]);

    const doomed = (await enqueueMessage(t.database.db, text(clinic.clinicId, patientId, 5, start))) ?? '';
    sms.failNext(MAX_ATTEMPTS, 503);
    let now = start.getTime();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date(now) });
      now += 2 * 60 * 60_000;
    }
    const [row] = await t.database.db.select().from(schema.messages).where(eq(schema.messages.id, doomed));
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(row.error).toMatch(/try again|unavailable|503/i);
  });

  it('after a worker dies between sending and recording, the next one finishes it without a second text', async () => {
    const { clinic, patientId } = await clinicWithTexts();
    const due = new Date('2026-06-13T15:00:00Z');
    const id = (await enqueueMessage(t.database.db, text(clinic.clinicId, patientId, 8, due))) ?? '';
    const [claimed] = await claimDueMessages(t.database.db, 'doomed-worker', due, 10);
    expect(claimed?.id).toBe(id);
    // The gateway takes the text; the worker dies before writing that down.
    expect(await deliverMessage(t.database.db, env, claimed)).toMatchObject({ status: 'sent' });
    const stored = sms.messages.length;
    // Another worker leaves it alone while the lease lasts, then sends it again with the same key.
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w2', now: new Date(due.getTime() + 60_000) }),
    ).toMatchObject({
      sent: 0,
    });
    expect(
      await runOutbox(t.database.db, env, { workerId: 'w2', now: new Date(due.getTime() + 3 * 60_000) }),
    ).toMatchObject({ sent: 1 });
    expect(sms.messages.length).toBe(stored);
    expect(await statuses([id])).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('withdraws what has not gone yet (an appointment moved), and leaves what was sent', async () => {
    const { clinic, patientId } = await clinicWithTexts();
    const related = { type: 'appointment', id: patientId };
    const sent = await enqueueMessage(t.database.db, { ...text(clinic.clinicId, patientId, 6), related });
    await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date('2026-06-10T15:00:00Z') });
    const later = await enqueueMessage(t.database.db, {
      ...text(clinic.clinicId, patientId, 7, new Date('2026-06-20T15:00:00Z')),
      related,
    });
    expect(
      await withdrawMessages(t.database.db, clinic.clinicId, related, ['reminder'], 'The appointment moved.'),
    ).toBe(1);
    expect(await statuses([sent ?? '', later ?? ''])).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: sent, status: 'sent' }),
        expect.objectContaining({ id: later, status: 'withdrawn' }),
      ]),
    );
  });

  it('two workers on one database send each of 1,000 due texts exactly once', async () => {
    const { clinic, patientId } = await clinicWithTexts();
    const due = new Date('2026-06-15T15:00:00Z');
    const ids: string[] = [];
    await t.database.db.transaction(async (tx) => {
      for (let n = 0; n < 1000; n++) {
        ids.push((await enqueueMessage(tx, text(clinic.clinicId, patientId, 10_000 + n, due))) ?? '');
      }
    });
    const requestsBefore = sms.requestCount;
    // On PostgreSQL the second worker has its own connections, as another server process would.
    const second: Database = t.databaseUrl
      ? await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 4 })
      : t.database;
    const work = async (db: Database['db'], workerId: string) => {
      let handled = 0;
      for (;;) {
        const run = await runOutbox(db, env, { workerId, now: due, limit: 25 });
        const count = run.sent + run.retried + run.failed;
        if (!count) return handled;
        handled += count;
      }
    };
    try {
      const [a, b] = await Promise.all([work(t.database.db, 'worker-a'), work(second.db, 'worker-b')]);
      expect(a + b).toBe(1000);
      if (t.databaseUrl) expect(Math.min(a, b)).toBeGreaterThan(0);
    } finally {
      if (second !== t.database) await second.close();
    }
    expect(sms.requestCount - requestsBefore).toBe(1000);
    const rows = await statuses(ids);
    expect(rows.filter((r) => r.status === 'sent' && r.attempts === 1)).toHaveLength(1000);
  }, 120_000);
});

describe('email through the outbox', () => {
  it('survives an SMTP outage: retried until the server is back, then delivered once', async () => {
    const clinic = await t.createClinic();
    const admin = await t.signIn(clinic.admin);
    // A port where nothing listens yet: the server is "down".
    const probe = await startTestSmtpServer({ security: 'starttls' });
    const port = probe.port;
    await probe.close();
    expect(
      (
        await admin.put('/api/settings/email', {
          host: '127.0.0.1',
          port,
          security: 'starttls',
          fromAddress: 'front@clinic.test',
          enabled: true,
        })
      ).status,
    ).toBe(200);
    const start = new Date('2026-06-10T15:00:00Z');
    const id =
      (await enqueueMessage(t.database.db, {
        clinicId: clinic.clinicId,
        channel: 'email',
        to: 'patient@example.com',
        subject: 'Your appointment',
        text: 'See you soon.',
        kind: 'booked',
        sendAfter: start,
      })) ?? '';
    expect(await runOutbox(t.database.db, env, { workerId: 'w1', now: start })).toMatchObject({ retried: 1 });
    const [waiting] = await t.database.db.select().from(schema.messages).where(eq(schema.messages.id, id));
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(waiting.error).toMatch(/could not talk to the SMTP server/);

    const smtp = await startTestSmtpServer({ security: 'starttls', port });
    try {
      expect(
        await runOutbox(t.database.db, env, { workerId: 'w1', now: new Date(start.getTime() + 60_000) }),
      ).toMatchObject({ sent: 1 });
      const [mail] = await smtp.waitFor(1);
      expect(mail.parsed.subject).toBe('Your appointment');
      expect(await statuses([id])).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
    } finally {
      await smtp.close();
    }
  });
});
