import { schema } from '@tend/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { sealSecret } from '../email/secret-box';
import { signLink } from '../messaging/links';
import { runOutbox } from '../messaging/outbox';
import { startTestSmsServer, type TestSmsServer } from '../messaging/sms-test-server';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { createTestApp, patientBody, type TestApp } from '../test/harness';

/**
 * Appointment messages end to end: booking writes the notice and the clinic's reminders (at the
 * right instants across a daylight-saving change), a move rewrites them, a cancellation withdraws
 * them, and the link in a reminder confirms the appointment — once.
 */

const keys = { secretKey: 'reminders-test-key', dataDir: '/nonexistent' };
const config: Partial<Config> = { emailMode: 'auto', secretKey: keys.secretKey, publicUrl: 'https://tend.test' };
const env = { emailMode: 'auto' as const, smtpCaFile: undefined, publicUrl: 'https://tend.test', ...keys };

let t: TestApp;
let s: SchedulingScenario;
let sms: TestSmsServer;
let providerId: string;
let typeId: string;

beforeAll(async () => {
  t = await createTestApp({ config });
  s = await schedulingScenario(t);
  sms = await startTestSmsServer();
  providerId = await s.addProvider({
    validFrom: '2020-01-01',
    blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '18:00' })),
  });
  typeId = (await s.addType({ name: 'Check-up', durationMinutes: 30 })).id;
  await t.database.db.insert(schema.smsSettings).values({
    clinicId: s.clinic.clinicId,
    baseUrl: sms.baseUrl,
    accountSid: sms.accountSid,
    authTokenEncrypted: sealSecret(keys, sms.authToken),
    fromNumber: '+15550001111',
  });
  // Email 3 days before, a text 2 hours before.
  const rules = await s.manager.put('/api/reminder-rules', {
    rules: [
      { channel: 'email', minutesBefore: 3 * 1440 },
      { channel: 'sms', minutesBefore: 120 },
    ],
  });
  expect(rules.status, JSON.stringify(rules.body)).toBe(200);
});
afterAll(async () => {
  await sms?.close();
  await t?.close();
});

async function patient(): Promise<string> {
  const created = await s.reception.post('/api/patients', patientBody({ givenName: 'Maria' }));
  expect(created.status).toBe(201);
  return created.body.id;
}

async function messagesOf(appointmentId: string) {
  return t.database.db
    .select()
    .from(schema.messages)
    .where(and(eq(schema.messages.relatedType, 'appointment'), eq(schema.messages.relatedId, appointmentId)))
    .orderBy(asc(schema.messages.createdAt), asc(schema.messages.sendAfter));
}

const summary = (rows: Awaited<ReturnType<typeof messagesOf>>) =>
  rows.map((m) => [m.kind, m.channel, m.status, m.sendAfter.toISOString()]);

describe('reminder rules', () => {
  it('are listed, turned off when left out, and refused when they make no sense', async () => {
    const listed = (await s.reception.get('/api/reminder-rules')).body.items;
    expect(listed.map((r: { channel: string; minutesBefore: number }) => [r.channel, r.minutesBefore])).toEqual([
      ['email', 4320],
      ['sms', 120],
    ]);
    const bad = await s.manager.put('/api/reminder-rules', { rules: [{ channel: 'sms', minutesBefore: 5 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].message).toMatch(/at least 15 minutes/);
    expect((await s.reception.put('/api/reminder-rules', { rules: [] })).status).toBe(403);
  });
});

describe('an appointment’s messages', () => {
  it('are written at booking at the right instants across a DST change, and sent then — not earlier', async () => {
    const patientId = await patient();
    // Monday 15 March 2027, 10:00 in New York (daylight time began on the 14th).
    const booked = await s.book({ patientId, providerId, appointmentTypeId: typeId, start: '2027-03-15T14:00:00Z' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const rows = await messagesOf(booked.body.id);
    expect(summary(rows)).toEqual([
      ['booked', 'email', 'queued', expect.any(String)],
      // Friday 12 March, 10:00 EST = 15:00Z (not 14:00Z: the same wall-clock time).
      ['reminder', 'email', 'queued', '2027-03-12T15:00:00.000Z'],
      ['reminder', 'sms', 'queued', '2027-03-15T12:00:00.000Z'],
    ]);
    const emailReminder = rows[1];
    expect(emailReminder.subject).toBe('Reminder: your appointment on Monday, March 15, 2027 at 10:00 AM');
    expect(emailReminder.textBody).toContain('{confirmLink}');
    const [ics] = await t.database.db
      .select()
      .from(schema.messageAttachments)
      .where(eq(schema.messageAttachments.messageId, emailReminder.id));
    expect(ics.content.toString()).toContain('DTSTART:20270315T140000Z');

    // The booking notice goes at once; the reminder not a minute early.
    await runOutbox(t.database.db, env, { workerId: 'w', now: new Date('2027-03-12T14:59:00Z') });
    expect(summary(await messagesOf(booked.body.id)).map((m) => m[2])).toEqual(['captured', 'queued', 'queued']);
    await runOutbox(t.database.db, env, { workerId: 'w', now: new Date('2027-03-12T15:00:00Z') });
    const sent = await messagesOf(booked.body.id);
    expect(sent[1].status).toBe('captured');
    expect(sent[1].textBody).toMatch(/Confirm: https:\/\/tend\.test\/r\/[A-Za-z0-9_-]{56}/);
    expect(sent[1].textBody).not.toContain('{');
  });

  it('skip the reminders of a type that has them turned off (the notice still goes)', async () => {
    const phone = await s.addType({ name: 'Phone consultation', durationMinutes: 15, reminders: false });
    expect(
      (await s.reception.get('/api/appointment-types')).body.items.find((x: { id: string }) => x.id === phone.id),
    ).toMatchObject({ reminders: false });
    const booked = await s.book({
      patientId: await patient(),
      providerId,
      appointmentTypeId: phone.id,
      start: '2027-03-16T14:00:00Z',
    });
    expect(booked.status).toBe(201);
    expect((await messagesOf(booked.body.id)).map((m) => m.kind)).toEqual(['booked']);
  });

  it('are rewritten when the appointment moves and withdrawn when it is cancelled', async () => {
    const patientId = await patient();
    const booked = await s.book({ patientId, providerId, appointmentTypeId: typeId, start: '2027-04-06T14:00:00Z' });
    expect(booked.status).toBe(201);
    const moved = await s.reception.post(`/api/appointments/${booked.body.id}/reschedule`, {
      start: '2027-04-08T18:00:00Z',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    let rows = await messagesOf(booked.body.id);
    expect(summary(rows.filter((m) => m.status !== 'withdrawn'))).toEqual([
      ['rescheduled', 'email', 'queued', expect.any(String)],
      ['reminder', 'email', 'queued', '2027-04-05T18:00:00.000Z'],
      ['reminder', 'sms', 'queued', '2027-04-08T16:00:00.000Z'],
    ]);
    expect(rows.filter((m) => m.status === 'withdrawn').map((m) => [m.kind, m.withdrawnReason])).toEqual([
      ['booked', 'The appointment moved.'],
      ['reminder', 'The appointment moved.'],
      ['reminder', 'The appointment moved.'],
    ]);
    expect(rows.find((m) => m.kind === 'reminder' && m.status === 'queued')?.subject).toContain(
      'Thursday, April 8, 2027 at 2:00 PM',
    );

    const cancelled = await s.reception.post(`/api/appointments/${booked.body.id}/cancel`, {
      reason: 'Feeling better',
    });
    expect(cancelled.status).toBe(200);
    rows = await messagesOf(booked.body.id);
    expect(rows.filter((m) => m.status === 'queued').map((m) => m.kind)).toEqual(['cancelled']);
    // Nothing about the old times goes out afterwards.
    await runOutbox(t.database.db, env, { workerId: 'w', now: new Date('2027-04-08T17:00:00Z') });
    const after = await messagesOf(booked.body.id);
    expect(after.filter((m) => m.kind === 'reminder').every((m) => m.status === 'withdrawn')).toBe(true);
  });

  it('sends texts through the gateway, and a confirm link confirms once; expired and forged links are refused', async () => {
    const patientId = await patient();
    const booked = await s.book({ patientId, providerId, appointmentTypeId: typeId, start: '2027-05-04T17:00:00Z' });
    const before = sms.messages.length;
    await runOutbox(t.database.db, env, { workerId: 'w', now: new Date('2027-05-04T15:00:00Z') });
    const text = sms.messages.slice(before).find((m) => m.body.includes('reminder of your appointment'));
    expect(text?.body).toMatch(/on Tue, May 4 at 1:00 PM/);
    const token = /Confirm: https:\/\/tend\.test\/r\/([A-Za-z0-9_-]{56})/.exec(text?.body ?? '')?.[1] ?? '';
    expect(token).toHaveLength(56);

    const view = await t.app.inject({ method: 'GET', url: `/api/public/links/${token}` });
    expect(view.json()).toMatchObject({ state: 'ready', action: 'confirm', appointment: { status: 'booked' } });
    // Opening it did not confirm anything.
    expect((await s.reception.get(`/api/appointments/${booked.body.id}`)).body.status).toBe('booked');
    const used = await t.app.inject({ method: 'POST', url: `/api/public/links/${token}`, payload: {} });
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json()).toMatchObject({ state: 'done', message: 'Thank you — your appointment is confirmed.' });
    expect((await s.reception.get(`/api/appointments/${booked.body.id}`)).body.status).toBe('confirmed');
    const again = await t.app.inject({ method: 'POST', url: `/api/public/links/${token}`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/used already/);

    const expired = signLink(keys, {
      action: 'cancel',
      id: booked.body.id,
      start: 1_809_450_000,
      expires: 1_600_000_000,
    });
    expect((await t.app.inject({ method: 'GET', url: `/api/public/links/${expired}` })).json().state).toBe('expired');
    const forged = `${token.slice(0, 40)}${'A'.repeat(16)}`;
    const refused = await t.app.inject({ method: 'POST', url: `/api/public/links/${forged}`, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect((await s.reception.get(`/api/appointments/${booked.body.id}`)).body.status).toBe('confirmed');
  });

  it('a cancel link from before a move is refused and says when the appointment is now', async () => {
    const patientId = await patient();
    const booked = await s.book({ patientId, providerId, appointmentTypeId: typeId, start: '2027-06-01T14:00:00Z' });
    const start = Date.parse('2027-06-01T14:00:00Z') / 1000;
    const old = signLink(keys, { action: 'cancel', id: booked.body.id, start, expires: start });
    await s.reception.post(`/api/appointments/${booked.body.id}/reschedule`, { start: '2027-06-02T14:00:00Z' });
    const view = (await t.app.inject({ method: 'GET', url: `/api/public/links/${old}` })).json();
    expect(view).toMatchObject({ state: 'moved' });
    expect(view.message).toMatch(/moved to Wednesday, June 2, 2027 at 10:00 AM/);
    expect((await t.app.inject({ method: 'POST', url: `/api/public/links/${old}`, payload: {} })).statusCode).toBe(409);

    const fresh = signLink(keys, {
      action: 'cancel',
      id: booked.body.id,
      start: start + 86_400,
      expires: start + 86_400,
    });
    const cancelled = await t.app.inject({
      method: 'POST',
      url: `/api/public/links/${fresh}`,
      payload: { anotherTime: true },
    });
    expect(cancelled.json()).toMatchObject({ state: 'done' });
    const appointment = (await s.reception.get(`/api/appointments/${booked.body.id}`)).body;
    expect(appointment).toMatchObject({ status: 'cancelled' });
    expect(appointment.cancelReason).toMatch(/asks for another time/);
  });
});

describe('message templates', () => {
  it('show Tend’s wording until the clinic writes its own, refuse unknown variables, and are used for new messages', async () => {
    const listed = (await s.reception.get('/api/message-templates')).body.items;
    const smsReminder = listed.find(
      (x: { kind: string; channel: string }) => x.kind === 'reminder' && x.channel === 'sms',
    );
    expect(smsReminder).toMatchObject({ custom: false, variables: expect.arrayContaining(['confirmLink']) });

    const bad = await s.manager.put('/api/message-templates', {
      kind: 'reminder',
      channel: 'sms',
      body: 'See you {date} for your {diagnosis}',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].message).toMatch(/\{diagnosis\} is not a variable of this message/);

    const own = await s.manager.put('/api/message-templates', {
      kind: 'reminder',
      channel: 'sms',
      body: 'Hi {firstName}, see you {date} at {time}. Yes: {confirmLink}',
    });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    const booked = await s.book({
      patientId: await patient(),
      providerId,
      appointmentTypeId: typeId,
      start: '2027-07-06T14:00:00Z',
    });
    const text = (await messagesOf(booked.body.id)).find((m) => m.kind === 'reminder' && m.channel === 'sms');
    expect(text?.textBody).toBe('Hi Maria, see you Tue, Jul 6 at 10:00 AM. Yes: {confirmLink}');

    const reset = await s.manager.put('/api/message-templates', {
      kind: 'reminder',
      channel: 'sms',
      body: '',
      reset: true,
    });
    expect(
      reset.body.items.find((x: { kind: string; channel: string }) => x.kind === 'reminder' && x.channel === 'sms'),
    ).toMatchObject({ custom: false });
    expect(
      (await s.reception.put('/api/message-templates', { kind: 'reminder', channel: 'sms', body: 'x' })).status,
    ).toBe(403);
  });

  it('per language: a patient gets the wording of their language, else the clinic’s English one', async () => {
    const english = await s.manager.put('/api/message-templates', {
      kind: 'booked',
      channel: 'email',
      subject: 'Booked: {date} at {time}',
      body: 'Hello {firstName}, see you {date} at {time}. {cancelLink}',
    });
    expect(english.status, JSON.stringify(english.body)).toBe(200);
    // Spanish has no wording of its own yet: the list shows what Spanish speakers get.
    const spanishList = (await s.manager.get('/api/message-templates?language=es')).body.items;
    expect(
      spanishList.find((x: { kind: string; channel: string }) => x.kind === 'booked' && x.channel === 'email'),
    ).toMatchObject({ language: 'es', subject: 'Booked: {date} at {time}', custom: false, fallback: true });
    const spanish = await s.manager.put('/api/message-templates', {
      kind: 'booked',
      channel: 'email',
      language: 'es',
      subject: 'Cita: {date} a las {time}',
      body: 'Hola {firstName}, le esperamos el {date} a las {time}. Cancelar: {cancelLink}',
    });
    expect(spanish.status, JSON.stringify(spanish.body)).toBe(200);
    expect(
      spanish.body.items.find((x: { kind: string; channel: string }) => x.kind === 'booked' && x.channel === 'email'),
    ).toMatchObject({ custom: true, fallback: false });
    // Three-letter codes are languages patients have too (Hmong).
    const hmong = await s.manager.put('/api/message-templates', {
      kind: 'booked',
      channel: 'email',
      language: 'hmn',
      subject: '{date} {time}',
      body: 'Nyob zoo {firstName}: {date} {time}.',
    });
    expect(hmong.status, JSON.stringify(hmong.body)).toBe(200);
    expect((await s.manager.get('/api/message-templates?language=hmn')).body.items[2]).toMatchObject({
      kind: 'booked',
      channel: 'email',
      custom: true,
    });
    expect((await s.manager.get('/api/message-templates?language=english')).status).toBe(400);
    // A required variable left out is refused like an unknown one.
    const missing = await s.manager.put('/api/message-templates', {
      kind: 'booked',
      channel: 'email',
      subject: 'Your appointment',
      body: 'See you soon.',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields.map((f: { message: string }) => f.message)).toEqual([
      'Add {date}: the message is of no use without it.',
      'Add {time}: the message is of no use without it.',
    ]);

    const book = async (preferredLanguage: string | null, start: string) => {
      const patient = await s.reception.post('/api/patients', patientBody({ givenName: 'Lucía', preferredLanguage }));
      expect(patient.status).toBe(201);
      const booked = await s.book({ patientId: patient.body.id, providerId, appointmentTypeId: typeId, start });
      expect(booked.status).toBe(201);
      return (await messagesOf(booked.body.id)).find((m) => m.kind === 'booked');
    };
    expect(await book('es', '2027-07-07T14:00:00Z')).toMatchObject({
      subject: 'Cita: Wednesday, July 7, 2027 a las 10:00 AM',
      textBody: 'Hola Lucía, le esperamos el Wednesday, July 7, 2027 a las 10:00 AM. Cancelar: {cancelLink}',
    });
    expect(await book('fr', '2027-07-08T14:00:00Z')).toMatchObject({
      subject: 'Booked: Thursday, July 8, 2027 at 10:00 AM',
    });
    for (const language of ['en', 'es', 'hmn']) {
      expect(
        (
          await s.manager.put('/api/message-templates', {
            kind: 'booked',
            channel: 'email',
            language,
            body: '',
            reset: true,
          })
        ).status,
      ).toBe(200);
    }
  });
});
