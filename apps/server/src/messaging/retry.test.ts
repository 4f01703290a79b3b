import { queryRows, schema } from '@tend/db';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { startTestSmtpServer, TEST_CERT_FILE } from '../email/smtp-test-server';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { createTestApp, patientBody, type TestApp } from '../test/harness';
import { verifyLink } from './links';
import { MAX_ATTEMPTS, runOutbox } from './outbox';

/**
 * Sending a failed message again: back to the queue, delivered by the worker through the real
 * SMTP server once it is up, its links signed afresh; only a failed one, only by those who may.
 */

const keys = { secretKey: 'retry-test-key', dataDir: '/nonexistent' };
const config: Partial<Config> = {
  emailMode: 'auto',
  secretKey: keys.secretKey,
  smtpCaFile: TEST_CERT_FILE,
  publicUrl: 'https://tend.test',
};
const env = { emailMode: 'auto' as const, smtpCaFile: TEST_CERT_FILE, publicUrl: 'https://tend.test', ...keys };

let t: TestApp;
let s: SchedulingScenario;
let smtpPort: number;
let providerId: string;
let typeId: string;

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await schedulingScenario(t);
  // A port where nothing listens yet: the SMTP server is "down".
  const probe = await startTestSmtpServer({ security: 'starttls' });
  smtpPort = probe.port;
  await probe.close();
  const settings = await s.admin.put('/api/settings/email', {
    host: '127.0.0.1',
    port: smtpPort,
    security: 'starttls',
    fromAddress: 'front@clinic.test',
    enabled: true,
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  providerId = await s.addProvider({ validFrom: '2020-01-01' });
  typeId = (await s.addType({ name: 'Check-up', durationMinutes: 30 })).id;
});
afterAll(async () => {
  await t?.close();
});

/** Books an appointment and runs the worker until its booking notice has failed for good. */
async function failedNotice(start: string): Promise<{ appointmentId: string; messageId: string }> {
  const patient = await s.reception.post('/api/patients', patientBody({ givenName: 'Maria' }));
  expect(patient.status).toBe(201);
  const booked = await s.book({ patientId: patient.body.id, providerId, appointmentTypeId: typeId, start });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const [notice] = await noticesOf(booked.body.id);
  let now = Date.now();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await runOutbox(t.database.db, env, { workerId: 'w', now: new Date(now) });
    now += 2 * 60 * 60_000;
  }
  const [failed] = await noticesOf(booked.body.id);
  expect(failed).toMatchObject({ id: notice.id, status: 'failed', attempts: MAX_ATTEMPTS });
  expect(failed.error).toMatch(/could not talk to the SMTP server/);
  return { appointmentId: booked.body.id, messageId: notice.id };
}

async function noticesOf(appointmentId: string) {
  return t.database.db
    .select()
    .from(schema.messages)
    .where(and(eq(schema.messages.relatedId, appointmentId), eq(schema.messages.kind, 'booked')))
    .orderBy(asc(schema.messages.createdAt));
}

describe('retrying a failed message', () => {
  it('queues it again, and once the SMTP server is back the worker sends it with freshly signed links', async () => {
    const { appointmentId, messageId } = await failedNotice('2027-05-04T14:00:00Z');
    const [failed] = await noticesOf(appointmentId);
    const key = failed.idempotencyKey;
    // The failed attempt signed its link into the text; the text as written is kept.
    expect(failed.textBody).toMatch(/https:\/\/tend\.test\/r\/[A-Za-z0-9_-]{56}/);
    expect(failed.unsignedText).toContain('{cancelLink}');

    const retried = await s.manager.post(`/api/messages/${messageId}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ id: messageId, status: 'queued', attempts: 0, error: null });
    // Queued already: a second click is refused, and says why.
    const twice = await s.manager.post(`/api/messages/${messageId}/retry`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe('Only a failed message can be sent again; it is waiting to be sent.');

    const smtp = await startTestSmtpServer({ security: 'starttls', port: smtpPort });
    try {
      expect(await runOutbox(t.database.db, env, { workerId: 'w' })).toMatchObject({ sent: 1 });
      const [mail] = await smtp.waitFor(1);
      expect(mail.parsed.subject).toMatch(/^Your appointment on Tuesday, May 4, 2027 at 10:00 AM$/);
      const token = /https:\/\/tend\.test\/r\/([A-Za-z0-9_-]{56})/.exec(mail.parsed.text ?? '')?.[1] ?? '';
      expect(verifyLink(keys, token)).toMatchObject({ ok: true, claims: { action: 'cancel', id: appointmentId } });
      const [sent] = await noticesOf(appointmentId);
      expect(sent).toMatchObject({ status: 'sent', attempts: 1, idempotencyKey: key, error: null });
    } finally {
      await smtp.close();
    }

    const again = await s.manager.post(`/api/messages/${messageId}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('Only a failed message can be sent again; it was sent.');
    const [audit] = await queryRows<{ action: string; patient_id: string; details: Record<string, unknown> }>(
      t.database.db,
      sql`SELECT action, patient_id, details FROM audit_events WHERE entity_id = ${messageId} AND action = 'message.retry'`,
    );
    expect(audit).toMatchObject({ patient_id: failed.patientId, details: { channel: 'email', kind: 'booked' } });
  });

  it('withdraws it at send time when its appointment is no longer booked, and with the appointment when it moves', async () => {
    const first = await failedNotice('2027-05-05T14:00:00Z');
    expect((await s.manager.post(`/api/messages/${first.messageId}/retry`)).status).toBe(200);
    // Cancelled behind Tend's back (say, by an import): the worker still notices.
    await t.database.db
      .update(schema.appointments)
      .set({ status: 'cancelled' })
      .where(eq(schema.appointments.id, first.appointmentId));
    expect(await runOutbox(t.database.db, env, { workerId: 'w' })).toMatchObject({ withdrawn: 1 });
    expect((await noticesOf(first.appointmentId))[0]).toMatchObject({
      status: 'withdrawn',
      withdrawnReason: 'The appointment is no longer booked.',
    });

    // A failed notice speaks of the appointment as it was: moving it withdraws the notice too.
    const second = await failedNotice('2027-05-06T14:00:00Z');
    const moved = await s.reception.post(`/api/appointments/${second.appointmentId}/reschedule`, {
      start: '2027-05-06T15:00:00Z',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const [old] = await noticesOf(second.appointmentId);
    expect(old).toMatchObject({ id: second.messageId, status: 'withdrawn', withdrawnReason: 'The appointment moved.' });
    const refused = await s.manager.post(`/api/messages/${second.messageId}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/it was withdrawn/);
  });

  it('is for those who may send messages, in their own clinic', async () => {
    const { messageId } = await failedNotice('2027-05-07T14:00:00Z');
    expect((await s.reception.post(`/api/messages/${messageId}/retry`)).status).toBe(403);
    expect((await s.provider.post(`/api/messages/${messageId}/retry`)).status).toBe(403);
    const other = await t.createClinic();
    const stranger = await t.signIn(other.admin);
    expect((await stranger.post(`/api/messages/${messageId}/retry`)).status).toBe(404);
    const billing = await t.signIn(await s.clinic.addUser('billing'));
    expect((await billing.post(`/api/messages/${messageId}/retry`)).status).toBe(200);
  });
});
