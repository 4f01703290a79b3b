import { type Db, schema } from '@tend/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { signLink } from '../messaging/links';
import { runOutbox } from '../messaging/outbox';
import { runSweeps, SWEEPS } from '../messaging/sweeps';
import { at, MONDAY, type SchedulingScenario, schedulingScenario, utc } from '../scheduling/scenario';
import { createTestApp, type TestApp } from '../test/harness';
import { offerFreedTime } from './offers';

/**
 * Waitlist offers end to end: a cancellation offers the freed time to the first waiting patient
 * (a message with a link), holds it from other bookings, and the patient takes it or says no
 * thanks; a hold that runs out (the sweep) or is released goes to the next patient.
 */

const keys = { secretKey: 'waitlist-offers-key', dataDir: '/nonexistent' };
const config: Partial<Config> = { emailMode: 'auto', secretKey: keys.secretKey, publicUrl: 'https://tend.test' };
const env = { emailMode: 'auto' as const, smtpCaFile: undefined, publicUrl: 'https://tend.test', ...keys };

let t: TestApp;
let s: SchedulingScenario;
let cleaning: { id: string };
let db: Db;

beforeAll(async () => {
  t = await createTestApp({ config });
  db = t.database.db;
  s = await schedulingScenario(t);
  cleaning = await s.addType({ name: 'Cleaning', durationMinutes: 30 });
  // No quiet hours: the tests run at any time of day.
  const on = await s.admin.patch('/api/clinic', {
    waitlistOffersEnabled: true,
    quietHoursStart: '00:00',
    quietHoursEnd: '00:00',
  });
  expect(on.status, JSON.stringify(on.body)).toBe(200);
  expect(on.body).toMatchObject({
    waitlistOffersEnabled: true,
    waitlistHoldMinutes: 60,
    waitlistOfferLeadMinutes: 120,
  });
});
afterAll(() => t.close());

async function waiting(providerId?: string): Promise<{ patientId: string; entryId: string }> {
  const patientId = await s.addPatient();
  const added = await s.reception.post('/api/waitlist', {
    patientId,
    appointmentTypeId: cleaning.id,
    ...(providerId ? { providerId } : {}),
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return { patientId, entryId: added.body.id };
}

/** Books someone else at `start` with the provider and cancels it: the time frees up. */
async function freeUp(providerId: string, start: string): Promise<void> {
  const booked = await s.book({ patientId: await s.addPatient(), providerId, appointmentTypeId: cleaning.id, start });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const cancelled = await s.reception.post(`/api/appointments/${booked.body.id}/cancel`, { reason: 'Ill' });
  expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
}

async function offersOf(entryId: string) {
  return db
    .select()
    .from(schema.waitlistOffers)
    .where(eq(schema.waitlistOffers.entryId, entryId))
    .orderBy(asc(schema.waitlistOffers.createdAt));
}

async function openOffer(entryId: string) {
  const open = (await offersOf(entryId)).filter((o) => o.status === 'offered');
  expect(open).toHaveLength(1);
  return open[0];
}

async function offerMessages(patientId: string) {
  return db
    .select()
    .from(schema.messages)
    .where(and(eq(schema.messages.patientId, patientId), eq(schema.messages.kind, 'waitlist_offer')));
}

/** The offer's link as the worker signs it. */
const linkOf = (offer: { id: string; startAt: Date; holdUntil: Date }) =>
  signLink(keys, {
    action: 'offer',
    id: offer.id,
    start: Math.floor(offer.startAt.getTime() / 1000),
    expires: Math.floor(offer.holdUntil.getTime() / 1000),
  });

const open = (token: string) => t.app.inject({ method: 'GET', url: `/api/public/links/${token}` });
const answer = (token: string, payload: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/public/links/${token}`, payload });

async function activeAt(providerId: string, date: string) {
  const listed = await s.reception.get(
    `/api/appointments?providerId=${providerId}&from=${utc(date, '00:00')}&to=${utc(date, '23:59')}`,
  );
  return listed.body.items.filter((a: { status: string }) => ['booked', 'confirmed'].includes(a.status));
}

describe('a freed time', () => {
  it('is offered to the first waiting patient only, by a message with a link that shows the time and changes nothing', async () => {
    const providerId = await s.addProvider();
    const first = await waiting();
    const second = await waiting(providerId);
    const before = Date.now();
    await freeUp(providerId, at(MONDAY, '10:00'));

    const offer = await openOffer(first.entryId);
    expect(offer).toMatchObject({ providerId, startAt: new Date(utc(MONDAY, '10:00')) });
    expect(offer.endAt).toEqual(new Date(utc(MONDAY, '10:30')));
    // Held for the clinic's hold time (60 minutes) from now.
    expect(offer.holdUntil.getTime() - before).toBeGreaterThanOrEqual(60 * 60_000);
    expect(offer.holdUntil.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    expect(await offersOf(second.entryId)).toEqual([]);
    expect(await offerMessages(second.patientId)).toEqual([]);

    const [message] = await offerMessages(first.patientId);
    expect(message).toMatchObject({ channel: 'email', status: 'queued', relatedType: 'waitlist_offer' });
    expect(offer.messageId).toBe(message.id);
    expect(message.subject).toBe('An earlier appointment is free: Monday, January 7, 2030 at 10:00 AM');
    expect(message.textBody).toContain('{acceptLink}');
    await runOutbox(db, env, { workerId: 'w', now: new Date() });
    const [sent] = await offerMessages(first.patientId);
    expect(sent.status).toBe('captured');
    const token = /Take it: https:\/\/tend\.test\/r\/([A-Za-z0-9_-]{56})/.exec(sent.textBody)?.[1] ?? '';
    expect(token).toHaveLength(56);

    const view = await open(token);
    expect(view.json()).toMatchObject({
      state: 'ready',
      action: 'offer',
      appointment: { date: 'Monday, January 7, 2030', time: '10:00 AM', status: 'offered' },
    });
    expect(view.json().appointment.holdUntil).toMatch(/^\d{1,2}:\d{2} [AP]M$/);
    expect((await openOffer(first.entryId)).status).toBe('offered');

    // The waitlist shows the offer, and the schedule the held time.
    const list = await s.reception.get('/api/waitlist');
    const entry = list.body.items.find((e: { id: string }) => e.id === first.entryId);
    expect(entry.offers).toMatchObject([{ id: offer.id, status: 'offered', start: utc(MONDAY, '10:00') }]);
    const held = await s.reception.get(`/api/waitlist/offers?from=${utc(MONDAY, '00:00')}&to=${utc(MONDAY, '23:59')}`);
    expect(held.body.items.map((o: { id: string }) => o.id)).toContain(offer.id);
    const audit = await db.select().from(schema.auditEvents).where(eq(schema.auditEvents.entityId, offer.id));
    expect(audit.map((a) => [a.action, a.actorRole])).toEqual([['waitlist.offer', 'system']]);
  });

  it('is held from other bookings until released; releasing offers it to the next patient', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    const second = await waiting(providerId);
    await freeUp(providerId, at(MONDAY, '11:00'));
    const offer = await openOffer(first.entryId);

    const other = await s.addPatient();
    const refused = await s.book({
      patientId: other,
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '11:00'),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('slot_held');
    expect(refused.body.error.message).toMatch(/held for a waitlist patient .* until \d{1,2}:\d{2} [AP]M/);
    expect(refused.body.error.message).toMatch(/release the hold/);
    // Overlapping the held time is refused too, and so is moving another appointment into it.
    const later = await s.book({
      patientId: other,
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '14:00'),
    });
    expect(later.status).toBe(201);
    const moved = await s.reception.post(`/api/appointments/${later.body.id}/reschedule`, {
      start: at(MONDAY, '10:45'),
    });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('slot_held');
    // The held time is not an open slot either.
    const slots = await s.reception.get(
      `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${providerId}&from=${utc(MONDAY, '10:00')}&to=${utc(MONDAY, '12:00')}`,
    );
    expect(slots.body.items.map((x: { start: string }) => x.start)).not.toContain(utc(MONDAY, '11:00'));

    const billing = await t.signIn(await s.clinic.addUser('billing'));
    expect((await billing.post(`/api/waitlist/offers/${offer.id}/release`, {})).status).toBe(403);
    const released = await s.reception.post(`/api/waitlist/offers/${offer.id}/release`, {});
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.status).toBe('released');
    const again = await s.reception.post(`/api/waitlist/offers/${offer.id}/release`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/released already/);
    // The next patient is offered the time, and the first one's message (not sent yet) is withdrawn.
    const next = await openOffer(second.entryId);
    expect(next.startAt).toEqual(new Date(utc(MONDAY, '11:00')));
    await runOutbox(db, env, { workerId: 'w', now: new Date() });
    expect((await offerMessages(first.patientId)).map((m) => [m.status, m.withdrawnReason])).toEqual([
      ['withdrawn', 'The waitlist offer is no longer open.'],
    ]);
    // Nobody is left: after this release the time can be booked.
    await s.reception.post(`/api/waitlist/offers/${next.id}/release`, {});
    const booked = await s.book({
      patientId: other,
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '11:00'),
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  });
});

describe('the patient', () => {
  it('takes the time from the link: booked with the waitlist entry, the hold gone; a second use is refused', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    await freeUp(providerId, at(MONDAY, '13:00'));
    const offer = await openOffer(first.entryId);
    const token = linkOf(offer);

    const taken = await answer(token);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json()).toMatchObject({ state: 'done', action: 'offer', message: expect.stringMatching(/booked/) });
    const [appointment] = await activeAt(providerId, MONDAY);
    expect(appointment).toMatchObject({ patientId: first.patientId, start: utc(MONDAY, '13:00'), status: 'booked' });
    const [after] = await offersOf(first.entryId);
    expect(after).toMatchObject({ status: 'accepted', appointmentId: appointment.id });
    const entries = await s.reception.get('/api/waitlist?status=booked');
    expect(entries.body.items.find((e: { id: string }) => e.id === first.entryId)).toMatchObject({
      status: 'booked',
      appointmentId: appointment.id,
    });
    const held = await s.reception.get(`/api/waitlist/offers?from=${utc(MONDAY, '00:00')}&to=${utc(MONDAY, '23:59')}`);
    expect(held.body.items.map((o: { id: string }) => o.id)).not.toContain(offer.id);
    // The booking notice goes to the patient, as for any booking.
    const notices = await db
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.relatedId, appointment.id), eq(schema.messages.kind, 'booked')));
    expect(notices).toHaveLength(1);
    const audit = await db.select().from(schema.auditEvents).where(eq(schema.auditEvents.entityId, offer.id));
    expect(audit.map((a) => [a.action, a.actorRole])).toContainEqual(['waitlist.offer_accept', 'patient']);

    const twice = await answer(token);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toMatch(/taken this time already/);
    expect(await activeAt(providerId, MONDAY)).toHaveLength(1);
  });

  it('says no thanks: the next patient is offered the time, and the first stays on the waitlist', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    const second = await waiting(providerId);
    await freeUp(providerId, at(MONDAY, '15:00'));
    const token = linkOf(await openOffer(first.entryId));

    const declined = await answer(token, { decline: true });
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json()).toMatchObject({ state: 'done', message: expect.stringMatching(/stay on the waitlist/) });
    expect((await offersOf(first.entryId)).map((o) => o.status)).toEqual(['declined']);
    expect((await openOffer(second.entryId)).startAt).toEqual(new Date(utc(MONDAY, '15:00')));
    expect((await open(token)).json()).toMatchObject({ state: 'used' });
    expect((await answer(token)).statusCode).toBe(409);
    expect(await activeAt(providerId, MONDAY)).toHaveLength(0);
  });
});

describe('a hold that runs out', () => {
  it('expires in the sweep and goes to the next patient; taking it afterwards is refused', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    const second = await waiting(providerId);
    await freeUp(providerId, at(MONDAY, '16:00'));
    const offer = await openOffer(first.entryId);

    // Just before the end of the hold, nothing happens.
    await runSweeps(db, env, new Date(offer.holdUntil.getTime() - 1000), SWEEPS);
    expect((await openOffer(first.entryId)).id).toBe(offer.id);
    expect(await offersOf(second.entryId)).toEqual([]);

    const ended = new Date(offer.holdUntil.getTime() + 60_000);
    expect(await runSweeps(db, env, ended, SWEEPS)).toEqual([]);
    expect((await offersOf(first.entryId)).map((o) => o.status)).toEqual(['expired']);
    const next = await openOffer(second.entryId);
    expect(next.startAt).toEqual(new Date(utc(MONDAY, '16:00')));
    // A second server's sweep at the same moment finds nothing more to do.
    await runSweeps(db, env, ended, SWEEPS);
    expect((await offersOf(second.entryId)).map((o) => o.status)).toEqual(['offered']);

    const late = await answer(linkOf(offer));
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/offered to someone else/);
    expect(await activeAt(providerId, MONDAY)).toHaveLength(0);
    const audit = await db.select().from(schema.auditEvents).where(eq(schema.auditEvents.entityId, offer.id));
    expect(audit.map((a) => a.action)).toContain('waitlist.offer_expire');
  });

  it('is refused when the link is used after the hold ended even before the sweep ran', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    await freeUp(providerId, at('2030-01-08', '10:00'));
    const offer = await openOffer(first.entryId);
    await db
      .update(schema.waitlistOffers)
      .set({ holdUntil: new Date(Date.now() + 1500) })
      .where(eq(schema.waitlistOffers.id, offer.id));
    // Signed to expire later than the hold: the offer's own hold is what counts.
    const token = signLink(keys, {
      action: 'offer',
      id: offer.id,
      start: Math.floor(offer.startAt.getTime() / 1000),
      expires: Math.floor(offer.holdUntil.getTime() / 1000),
    });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const late = await answer(token);
    expect(late.statusCode).toBe(409);
    expect(await activeAt(providerId, '2030-01-08')).toHaveLength(0);
  });
});

describe('at the same moment', () => {
  it('the patient taking the time and the front desk booking it never double-book', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    await freeUp(providerId, at('2030-01-09', '10:00'));
    const offer = await openOffer(first.entryId);
    const other = await s.addPatient();
    const [taken, desk] = await Promise.all([
      answer(linkOf(offer)),
      s.book({ patientId: other, providerId, appointmentTypeId: cleaning.id, start: at('2030-01-09', '10:00') }),
    ]);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(desk.status).toBe(409);
    expect(['slot_held', 'slot_taken']).toContain(desk.body.error.code);
    const active = await activeAt(providerId, '2030-01-09');
    expect(active.map((a: { patientId: string }) => a.patientId)).toEqual([first.patientId]);
  });
});

describe('when to offer', () => {
  it('not time starting sooner than the lead time, nor to a patient who cannot be reached', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    await db
      .update(schema.patients)
      .set({ emailOptOutAt: new Date(), smsOptOutAt: new Date() })
      .where(eq(schema.patients.id, first.patientId));
    const second = await waiting(providerId);
    const freed = {
      providerId,
      start: new Date(utc('2030-01-10', '10:00')),
      end: new Date(utc('2030-01-10', '10:30')),
    };
    // 08:30 that morning: 90 minutes ahead, less than the 120-minute lead.
    const soon = await db.transaction((tx) =>
      offerFreedTime(tx, s.clinic.clinicId, freed, new Date(utc('2030-01-10', '08:30'))),
    );
    expect(soon).toBeNull();
    const early = await db.transaction((tx) =>
      offerFreedTime(tx, s.clinic.clinicId, freed, new Date(utc('2030-01-10', '07:00'))),
    );
    // The first patient opted out of email and texts: the second one is offered.
    expect(early).toMatchObject({ entryId: second.entryId, holdUntil: new Date(utc('2030-01-10', '08:00')) });
    expect(await offersOf(first.entryId)).toEqual([]);
  });

  it('nothing at all when the clinic has offers turned off', async () => {
    const providerId = await s.addProvider();
    const first = await waiting(providerId);
    expect((await s.admin.patch('/api/clinic', { waitlistOffersEnabled: false })).status).toBe(200);
    try {
      await freeUp(providerId, at('2030-01-11', '10:00'));
      expect(await offersOf(first.entryId)).toEqual([]);
      expect(await offerMessages(first.patientId)).toEqual([]);
    } finally {
      await s.admin.patch('/api/clinic', { waitlistOffersEnabled: true });
    }
    const bad = await s.admin.patch('/api/clinic', { waitlistHoldMinutes: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].message).toMatch(/5 to 1440 minutes/);
    expect((await s.manager.patch('/api/clinic', { waitlistHoldMinutes: 30 })).status).toBe(403);
  });
});
