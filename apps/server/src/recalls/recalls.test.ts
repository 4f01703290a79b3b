import { schema } from '@tend/db';
import { todayIn, zonedTimeToInstant } from '@tend/domain';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { startTestSmtpServer, TEST_CERT_FILE, type TestSmtpServer } from '../email/smtp-test-server';
import { signLink } from '../messaging/links';
import { runOutbox } from '../messaging/outbox';
import { runSweeps } from '../messaging/sweeps';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { addDays, DAY } from '../scheduling/shared';
import { type ApiClient, createTestApp, patientBody, type TestApp } from '../test/harness';
import { sweepRecalls } from './sweep';

/**
 * Recalls end to end: the follow-up a provider orders becomes a recall; the sweep messages the
 * patient when it comes due (once, even with two sweeps at a time; a second notice later; nothing
 * once booked or closed), the message goes through a real SMTP server with a signed booking link,
 * the link books one of the open times exactly once, and the front desk's list shows all of it.
 */

const keys = { secretKey: 'recalls-test-key', dataDir: '/nonexistent' };
const config: Partial<Config> = {
  emailMode: 'auto',
  secretKey: keys.secretKey,
  publicUrl: 'https://tend.test',
  smtpCaFile: TEST_CERT_FILE,
};
const env = { emailMode: 'auto' as const, smtpCaFile: TEST_CERT_FILE, publicUrl: 'https://tend.test', ...keys };
const TZ = 'America/New_York';

let t: TestApp;
let s: SchedulingScenario;
let smtp: TestSmtpServer;
let doctor: ApiClient;
let billing: ApiClient;
let providerId: string;
let typeId: string;
let today: string;

beforeAll(async () => {
  t = await createTestApp({ config, poolSize: 4 });
  smtp = await startTestSmtpServer({ security: 'starttls' });
  s = await schedulingScenario(t);
  const doctorUser = await s.clinic.addUser('provider');
  doctor = await t.signIn(doctorUser);
  billing = await t.signIn(await s.clinic.addUser('billing'));
  providerId = await s.addProvider({
    validFrom: '2020-01-01',
    blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '12:00' })),
  });
  expect((await s.admin.patch(`/api/providers/${providerId}`, { userId: doctorUser.userId })).status).toBe(200);
  typeId = (await s.addType({ name: 'Recheck', durationMinutes: 30 })).id;
  expect((await s.admin.patch('/api/clinic', { phone: '(617) 555-0100' })).status).toBe(200);
  const saved = await s.admin.put('/api/settings/email', {
    host: smtp.host,
    port: smtp.port,
    security: 'starttls',
    fromAddress: 'front@clinic.test',
    enabled: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  today = todayIn(TZ);
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

/** A new patient (with email and a mobile number unless told otherwise) and a follow-up their provider ordered. */
async function orderRecall(
  options: { dueDate?: string; typeId?: string | null; patient?: Record<string, unknown> } = {},
): Promise<{ id: string; patientId: string; dueDate: string }> {
  const patient = await s.reception.post('/api/patients', patientBody(options.patient));
  expect(patient.status, JSON.stringify(patient.body)).toBe(201);
  const visit = await doctor.post('/api/encounters', { patientId: patient.body.id, providerId });
  expect(visit.status, JSON.stringify(visit.body)).toBe(201);
  const dueDate = options.dueDate ?? addDays(today, 30);
  const recall = await doctor.post(`/api/encounters/${visit.body.id}/follow-ups`, {
    dueDate,
    reason: 'Recheck blood pressure',
    appointmentTypeId: options.typeId === undefined ? typeId : options.typeId,
  });
  expect(recall.status, JSON.stringify(recall.body)).toBe(201);
  expect(recall.body).toMatchObject({ status: 'open', dueDate, lastContact: null });
  return { id: recall.body.id, patientId: patient.body.id, dueDate };
}

async function messagesOf(recallId: string) {
  return t.database.db
    .select()
    .from(schema.messages)
    .where(and(eq(schema.messages.relatedType, 'recall'), eq(schema.messages.relatedId, recallId)))
    .orderBy(asc(schema.messages.createdAt));
}

/** 09:00 clinic time, `days` before the due date: when the first message is due (lead 7 days by default). */
const noticeAt = (dueDate: string, days = 7) => new Date(zonedTimeToInstant(addDays(dueDate, -days), '09:00', TZ));
const sweep = (now: Date) => runSweeps(t.database.db, env, now);

async function listed(view: string, as: ApiClient = s.reception) {
  const response = await as.get(`/api/recalls?view=${view}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items as Array<{ id: string; status: string } & Record<string, unknown>>;
}

describe('the recall sweep', () => {
  it('messages the patient when the recall comes due, once across two sweeps, then a second notice, never a third', async () => {
    const recall = await orderRecall();
    const due = noticeAt(recall.dueDate);
    expect(await sweep(new Date(due.getTime() - 60_000))).toEqual([]);
    expect(await messagesOf(recall.id)).toEqual([]);

    // Two servers sweeping at the same instant write one message.
    const [a, b] = await Promise.all([sweepRecalls(t.database.db, env, due), sweepRecalls(t.database.db, env, due)]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    await sweep(due);
    const first = await messagesOf(recall.id);
    expect(first.map((m) => [m.kind, m.channel, m.status, m.idempotencyKey])).toEqual([
      ['recall', 'email', 'queued', `recall:${recall.id}:1`],
    ]);
    expect(first[0].subject).toMatch(/^Time to book your next visit at /);
    // Nothing clinical in a message.
    expect(first[0].textBody).not.toContain('blood pressure');
    expect(first[0].textBody).toContain('{bookLink}');

    // It goes out (the SMTP server on loopback) with a signed link; the recall is contacted.
    const before = smtp.received.length;
    expect(await runOutbox(t.database.db, env, { workerId: 'w', now: due })).toMatchObject({ sent: 1 });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    const token = /\/r\/([A-Za-z0-9_-]{56})/.exec(mail.parsed.text ?? '')?.[1] ?? '';
    expect(token).toHaveLength(56);
    const view = await t.app.inject({ method: 'GET', url: `/api/public/links/${token}` });
    expect(view.json()).toMatchObject({ action: 'book', booking: { clinicPhone: '(617) 555-0100' } });
    const contacted = (await listed('contacted')).find((r) => r.id === recall.id);
    expect(contacted).toMatchObject({
      status: 'contacted',
      lastContact: { channel: 'email', at: due.toISOString() },
      lastMessage: { channel: 'email', status: 'sent' },
    });

    // The second notice 14 days later (not a minute earlier), and then nothing more.
    const second = new Date(due.getTime() + 14 * DAY);
    await sweep(new Date(second.getTime() - 60_000));
    expect(await messagesOf(recall.id)).toHaveLength(1);
    await sweep(second);
    await sweep(new Date(second.getTime() + 100 * DAY));
    expect((await messagesOf(recall.id)).map((m) => m.idempotencyKey)).toEqual([
      `recall:${recall.id}:1`,
      `recall:${recall.id}:2`,
    ]);
  });

  it('sends nothing for a booked recall, and booking or closing withdraws the message not yet sent', async () => {
    const booked = await orderRecall({ dueDate: addDays(today, 40) });
    const closed = await orderRecall({ dueDate: addDays(today, 40) });
    const bookedEarly = await orderRecall({ dueDate: addDays(today, 40) });
    // Booked before its message was due: none is written.
    const early = await s.book({
      patientId: bookedEarly.patientId,
      providerId,
      appointmentTypeId: typeId,
      start: new Date(zonedTimeToInstant(nextWeekday(addDays(today, 35)), '09:00', TZ)).toISOString(),
      followUpId: bookedEarly.id,
    });
    expect(early.status, JSON.stringify(early.body)).toBe(201);

    const due = noticeAt(addDays(today, 40));
    await sweep(due);
    expect((await messagesOf(booked.id)).map((m) => m.status)).toEqual(['queued']);
    expect((await messagesOf(closed.id)).map((m) => m.status)).toEqual(['queued']);
    expect(await messagesOf(bookedEarly.id)).toEqual([]);

    const appointment = await s.book({
      patientId: booked.patientId,
      providerId,
      appointmentTypeId: typeId,
      // 10:00, not the first booking's 09:00: days 35 and 36 both move to the same Monday when day 35
      // is a Saturday.
      start: new Date(zonedTimeToInstant(nextWeekday(addDays(today, 36)), '10:00', TZ)).toISOString(),
      followUpId: booked.id,
    });
    expect(appointment.status, JSON.stringify(appointment.body)).toBe(201);
    expect((await messagesOf(booked.id)).map((m) => [m.status, m.withdrawnReason])).toEqual([
      ['withdrawn', 'The recall was booked.'],
    ]);
    const close = await s.reception.post(`/api/recalls/${closed.id}/close`, { reason: 'Moved away' });
    expect(close.status, JSON.stringify(close.body)).toBe(200);
    expect(close.body).toMatchObject({ status: 'closed', closeReason: 'Moved away' });
    expect((await messagesOf(closed.id)).map((m) => [m.status, m.withdrawnReason])).toEqual([
      ['withdrawn', 'The recall was closed.'],
    ]);
    // Neither gets a second notice.
    await sweep(new Date(due.getTime() + 30 * DAY));
    expect(await messagesOf(booked.id)).toHaveLength(1);
    expect(await messagesOf(closed.id)).toHaveLength(1);
  });

  it('follows the clinic’s settings (no second notice with 0), and leaves a patient it cannot reach on the list as due', async () => {
    const settings = await s.manager.put('/api/reminder-rules', {
      rules: [],
      recall: { leadDays: 3, secondNoticeAfterDays: 0 },
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    expect(settings.body.recall).toEqual({ leadDays: 3, secondNoticeAfterDays: 0 });
    const bad = await s.manager.put('/api/reminder-rules', {
      rules: [],
      recall: { leadDays: 400, secondNoticeAfterDays: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]).toMatchObject({ path: 'recall.leadDays', message: 'Enter 0 to 90 days.' });
    try {
      const texts = await orderRecall({
        dueDate: addDays(today, 50),
        patient: { email: null, phone: '+16175550123', preferredContactMethod: 'sms' },
      });
      const nobody = await orderRecall({ dueDate: addDays(today, 50), patient: { email: null, phone: null } });
      expect(
        (await s.reception.get(`/api/recalls?encounterId=${await encounterOf(texts.id)}`)).body.items[0],
      ).toMatchObject({ reachable: true });
      const due = noticeAt(addDays(today, 50), 3);
      await sweep(new Date(due.getTime() - 60_000));
      expect(await messagesOf(texts.id)).toEqual([]);
      await sweep(due);
      await sweep(new Date(due.getTime() + 60 * DAY));
      expect((await messagesOf(texts.id)).map((m) => [m.channel, m.toAddress])).toEqual([['sms', '+16175550123']]);
      expect(await messagesOf(nobody.id)).toEqual([]);
      const row = (await s.reception.get(`/api/recalls?encounterId=${await encounterOf(nobody.id)}`)).body.items[0];
      expect(row).toMatchObject({ status: 'open', reachable: false, lastContact: null });
    } finally {
      await s.manager.put('/api/reminder-rules', { rules: [], recall: { leadDays: 7, secondNoticeAfterDays: 14 } });
    }
  });
});

async function encounterOf(recallId: string): Promise<string> {
  const [row] = await t.database.db.select().from(schema.recalls).where(eq(schema.recalls.id, recallId));
  return row.encounterId;
}

/** The date, or the Monday after when it falls on a weekend (the provider works weekdays). */
function nextWeekday(date: string): string {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday === 6 ? addDays(date, 2) : weekday === 0 ? addDays(date, 1) : date;
}

describe('the recall list', () => {
  it('filters by view, logs calls and closes with a reason, for the roles allowed', async () => {
    const dueNow = await orderRecall({ dueDate: addDays(today, 2) });
    const later = await orderRecall({ dueDate: addDays(today, 60) });
    expect((await listed('due')).map((r) => r.id)).toContain(dueNow.id);
    expect((await listed('due')).map((r) => r.id)).not.toContain(later.id);
    expect((await listed('upcoming')).map((r) => r.id)).toContain(later.id);
    expect((await listed('upcoming')).map((r) => r.id)).not.toContain(dueNow.id);

    const call = await s.reception.post(`/api/recalls/${dueNow.id}/contact`, { note: 'Left a voicemail' });
    expect(call.status, JSON.stringify(call.body)).toBe(200);
    expect(call.body).toMatchObject({
      status: 'contacted',
      lastContact: { channel: 'phone', note: 'Left a voicemail' },
    });
    expect((await listed('contacted')).map((r) => r.id)).toContain(dueNow.id);
    expect((await listed('due')).map((r) => r.id)).not.toContain(dueNow.id);

    const noReason = await s.reception.post(`/api/recalls/${dueNow.id}/close`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields[0].path).toBe('reason');
    expect((await s.reception.post(`/api/recalls/${dueNow.id}/close`, { reason: 'Declined' })).status).toBe(200);
    const again = await s.reception.post(`/api/recalls/${dueNow.id}/close`, { reason: 'Declined' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/closed already/);
    expect((await s.reception.post(`/api/recalls/${dueNow.id}/contact`, {})).status).toBe(409);
    expect((await listed('closed')).find((r) => r.id === dueNow.id)).toMatchObject({ closeReason: 'Declined' });

    // Billing sees no recalls; another clinic's recall is not found.
    expect((await billing.get('/api/recalls')).status).toBe(403);
    expect((await billing.post(`/api/recalls/${later.id}/close`, { reason: 'x' })).status).toBe(403);
    const other = await t.signIn((await t.createClinic()).admin);
    expect((await other.post(`/api/recalls/${later.id}/close`, { reason: 'x' })).status).toBe(404);
    expect((await other.get('/api/recalls?view=upcoming')).body.items).toEqual([]);
    expect((await s.reception.get('/api/recalls?view=soon')).status).toBe(400);

    // Reads and changes are audited.
    const audit = (await s.admin.get(`/api/audit-events?patientId=${dueNow.patientId}&limit=50`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['recall.contact', 'recall.close', 'patient.read']));
  });
});

describe('the booking link', () => {
  const link = (recallId: string, expires = Math.floor(Date.now() / 1000) + 30 * 86_400) =>
    signLink(keys, { action: 'book', id: recallId, start: 0, expires });
  const open = (token: string) => t.app.inject({ method: 'GET', url: `/api/public/links/${token}` });
  const book = (token: string, start?: string) =>
    t.app.inject({ method: 'POST', url: `/api/public/links/${token}`, payload: start ? { start } : {} });

  it('shows the open times, books one exactly once, and refuses a taken time', async () => {
    const recall = await orderRecall({ dueDate: addDays(today, 3) });
    const token = link(recall.id);
    const view = (await open(token)).json();
    expect(view).toMatchObject({ state: 'ready', action: 'book', appointment: null });
    expect(view.message).toMatch(/time to book your follow-up visit/);
    expect(JSON.stringify(view)).not.toContain('blood pressure');
    const slots: Array<{ start: string; date: string; time: string }> = view.booking.slots;
    expect(slots.length).toBeGreaterThan(3);
    // Two weeks from the first message's day (or today), within working hours.
    expect(Date.parse(slots[0].start)).toBeGreaterThanOrEqual(Date.now());
    expect(Date.parse(slots[slots.length - 1].start)).toBeLessThan(Date.now() + 15 * DAY);
    // Opening it changed nothing.
    expect((await listed('due')).map((r) => r.id)).toContain(recall.id);

    // Someone else takes the first time meanwhile.
    const other = await s.book({
      patientId: await s.addPatient(),
      providerId,
      appointmentTypeId: typeId,
      start: slots[0].start,
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const taken = await book(token, slots[0].start);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toBe('Sorry, this time is no longer free. Please choose another time.');
    // A time that was never offered (a Sunday at 3 am).
    expect((await book(token, '2031-01-05T08:00:00.000Z')).statusCode).toBe(409);
    expect((await book(token)).statusCode).toBe(400);

    // A time clear of the one taken (slots start every 15 minutes; a visit takes 30).
    const free = slots.find((slot) => Date.parse(slot.start) >= Date.parse(slots[0].start) + 60 * 60_000);
    const done = await book(token, free?.start);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ state: 'done', action: 'book', appointment: { status: 'booked' } });
    const [row] = await t.database.db.select().from(schema.recalls).where(eq(schema.recalls.id, recall.id));
    expect(row.status).toBe('booked');
    const [appointment] = await t.database.db
      .select()
      .from(schema.appointments)
      .where(eq(schema.appointments.id, row.appointmentId ?? ''));
    expect(appointment).toMatchObject({ patientId: recall.patientId, providerId, createdBy: null });
    expect(appointment.startAt.toISOString()).toBe(free?.start);
    // The booking notice, as for any booking; the audit names the patient as the actor.
    const notices = await t.database.db
      .select({ kind: schema.messages.kind })
      .from(schema.messages)
      .where(and(eq(schema.messages.relatedType, 'appointment'), eq(schema.messages.relatedId, appointment.id)));
    expect(notices.map((n) => n.kind)).toContain('booked');
    const [audit] = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(eq(schema.auditEvents.entityId, appointment.id), eq(schema.auditEvents.action, 'appointment.patient_book')),
      );
    expect(audit).toMatchObject({ actorRole: 'patient', actorUserId: null, patientId: recall.patientId });

    // Once: the link now shows the booked visit and books nothing more.
    const again = await book(token, slots[2].start);
    expect(again.statusCode).toBe(409);
    expect((await open(token)).json()).toMatchObject({ state: 'used', appointment: { status: 'booked' } });
    expect((await listed('booked')).find((r) => r.id === recall.id)).toMatchObject({ appointmentId: appointment.id });
  });

  it('refuses expired and forged links, and gives the phone number when there is nothing to choose', async () => {
    const recall = await orderRecall({ dueDate: addDays(today, 3) });
    const expired = link(recall.id, 1_600_000_000);
    expect((await open(expired)).json()).toMatchObject({ state: 'expired', message: /expired/ });
    expect((await book(expired, new Date().toISOString())).statusCode).toBe(409);
    const forged = `${link(recall.id).slice(0, 40)}${'A'.repeat(16)}`;
    expect((await open(forged)).json()).toMatchObject({ state: 'invalid' });
    expect((await book(forged, new Date().toISOString())).statusCode).toBe(409);

    const untyped = await orderRecall({ dueDate: addDays(today, 3), typeId: null });
    const view = (await open(link(untyped.id))).json();
    expect(view).toMatchObject({ state: 'closed', action: 'book', booking: { slots: [] } });
    expect(view.message).toMatch(/call us at \(617\) 555-0100/);
    expect((await book(link(untyped.id), new Date().toISOString())).statusCode).toBe(409);
    expect((await listed('due')).map((r) => r.id)).toContain(untyped.id);
  });
});
