import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@tend/db';
import { todayIn } from '@tend/domain';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulingScenario } from '../scheduling/scenario';
import { type ApiClient, createTestApp, patientBody, type TestApp, unique } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';
import { sweepDowntimePrint } from './evening';

/**
 * The downtime kit, printed: the JSON sheet, the schedule and contact sheet PDFs read back with
 * pdftotext, and the evening's files in the backup folder. The clinic is in New York and the days
 * are 2030-03-10 (the spring-forward Sunday: 23 hours, EDT from 03:00) and 2030-03-11, so a time
 * read in the wrong zone or a day cut at UTC midnight shows.
 */

const DAY1 = '2030-03-10';
const DAY2 = '2030-03-11';
const ALL_HOURS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

let t: TestApp;
let s: VisitScenario;
let backupDir: string;
let typeId: string;
/** A type that takes an exam room (the only one: booked once, at 14:00). */
let roomTypeId: string;
let roomName: string;
let otherProviderId: string;
let otherProviderName: string;
let providerName: string;
let nurse: ApiClient;
/** Self-pay patient who owes the $125 visit less $25 paid: $100. */
let owes: { id: string; name: string; phone: string };
/** Copay patient: owes the $40 copay, and paid $15 at the desk not applied yet. */
let copay: { id: string; name: string };
/** No charges at all. */
let clear: { id: string; name: string };
/** Another clinic's patient, booked the same day. */
let foreignName: string;

const display = (p: { givenName: string; familyName: string }) => `${p.familyName}, ${p.givenName}`;

async function newPatient(overrides: Record<string, unknown> = {}) {
  const body = patientBody(overrides);
  const created = await s.reception.post('/api/patients', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, name: display(body), phone: body.phone as string };
}

async function book(patientId: string, providerId: string, start: string, extra: Record<string, unknown> = {}) {
  const booked = await s.book({ patientId, providerId, appointmentTypeId: typeId, start, ...extra });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  return booked.body.id as string;
}

beforeAll(async () => {
  backupDir = mkdtempSync(join(tmpdir(), 'tend-downtime-'));
  t = await createTestApp({ config: { backupDir } });
  s = await visitScenario(t, {
    payer: 'Harbor Mutual',
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  nurse = await t.signIn(await s.clinic.addUser('nurse'));
  roomName = unique('Exam');
  const room = await s.manager.post('/api/rooms', {
    locationId: s.locationId,
    name: roomName,
    roomType: 'exam',
  });
  expect(room.status).toBe(201);
  typeId = (await s.addType({ name: unique('Checkup') })).id;
  roomTypeId = (await s.addType({ name: unique('Exam visit'), roomType: 'exam' })).id;
  otherProviderId = await s.addProvider({ validFrom: '2020-01-01', blocks: ALL_HOURS });
  const providers = (await s.admin.get('/api/providers')).body;
  const list = Array.isArray(providers) ? providers : providers.items;
  const nameOf = (id: string) => {
    const p = list.find((x: { id: string }) => x.id === id);
    return [p.title, p.name].filter(Boolean).join(' ');
  };
  providerName = nameOf(s.providerId);
  otherProviderName = nameOf(otherProviderId);

  // Balances from the ledger: a signed self-pay visit with $25 paid; a $40 copay visit with $15 unapplied.
  const selfPay = await s.signedVisit();
  owes = { id: selfPay.patientId, name: '', phone: '' };
  const pay = await s.billing.post('/api/payments', {
    source: 'patient',
    patientId: owes.id,
    method: 'cash',
    amountCents: 2_500,
    receivedOn: todayIn('America/New_York'),
    allocations: [{ chargeId: selfPay.charge.id, responsibility: 'patient', amountCents: 2_500 }],
  });
  expect(pay.status, JSON.stringify(pay.body)).toBe(201);
  const withCopay = await s.signedVisit({ copayCents: 4_000 });
  copay = { id: withCopay.patientId, name: '' };
  const credit = await s.billing.post('/api/payments', {
    source: 'patient',
    patientId: copay.id,
    method: 'card',
    amountCents: 1_500,
    receivedOn: todayIn('America/New_York'),
    allocations: [],
  });
  expect(credit.status, JSON.stringify(credit.body)).toBe(201);
  for (const patient of [owes, copay]) {
    const body = (await s.reception.get(`/api/patients/${patient.id}`)).body;
    patient.name = display(body);
  }
  owes.phone = (await s.reception.get(`/api/patients/${owes.id}`)).body.phones[0].number;
  clear = await newPatient();

  // Sunday 2030-03-10 (clocks go forward at 02:00) and Monday, in New York.
  await book(owes.id, s.providerId, '2030-03-10T09:00:00-04:00');
  await book(clear.id, s.providerId, '2030-03-10T01:30:00-05:00'); // before the change: 01:30 EST
  await book(copay.id, otherProviderId, '2030-03-10T14:00:00-04:00', {
    appointmentTypeId: roomTypeId,
    roomId: room.body.id,
  });
  await book(owes.id, otherProviderId, '2030-03-11T08:30:00-04:00');
  // Just outside the two days: the Saturday evening and the Tuesday just after midnight.
  const early = await newPatient();
  await book(early.id, s.providerId, '2030-03-09T23:30:00-05:00');
  await book(early.id, s.providerId, '2030-03-12T00:15:00-04:00');
  // Cancelled: nobody comes, so not on paper.
  const gone = await newPatient();
  const cancelled = await book(gone.id, s.providerId, '2030-03-10T10:00:00-04:00');
  expect((await s.reception.post(`/api/appointments/${cancelled}/cancel`, { reason: 'Patient called' })).status).toBe(
    200,
  );

  // Another clinic, same day.
  const other = await schedulingScenario(t);
  const foreignProvider = await other.addProvider({ validFrom: '2020-01-01', blocks: ALL_HOURS });
  const foreignType = await other.addType();
  const foreignBody = patientBody();
  foreignName = display(foreignBody);
  const foreignPatient = (await other.reception.post('/api/patients', foreignBody)).body.id;
  const foreignBooked = await other.book({
    patientId: foreignPatient,
    providerId: foreignProvider,
    appointmentTypeId: foreignType.id,
    start: '2030-03-10T11:00:00-04:00',
  });
  expect(foreignBooked.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await t?.close();
  rmSync(backupDir, { recursive: true, force: true });
});

async function pdf(client: ApiClient, url: string): Promise<{ status: number; text: string; raw: Buffer }> {
  const response = await t.app.inject({ method: 'GET', url, headers: { cookie: client.cookie } });
  const raw = response.rawPayload;
  if (response.statusCode === 200) {
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['cache-control']).toBe('no-store');
  }
  return { status: response.statusCode, text: response.statusCode === 200 ? pdfText(raw) : '', raw };
}

describe('the downtime sheet', () => {
  it('lists each day’s appointments per provider in the clinic’s time, across the clock change, without cancelled ones', async () => {
    const sheet = await s.reception.get(`/api/downtime/sheet?date=${DAY1}&days=2`);
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(200);
    expect(sheet.body.dates).toEqual([DAY1, DAY2]);
    const [sunday, monday] = sheet.body.days;
    const times = (day: typeof sunday, providerId: string) =>
      day.providers
        .find((p: { providerId: string }) => p.providerId === providerId)
        ?.appointments.map((a: { start: string; patientName: string }) => `${a.start} ${a.patientName}`);
    expect(times(sunday, s.providerId)).toEqual([`01:30 ${clear.name}`, `09:00 ${owes.name}`]);
    expect(times(sunday, otherProviderId)).toEqual([`14:00 ${copay.name}`]);
    expect(times(monday, otherProviderId)).toEqual([`08:30 ${owes.name}`]);
    expect(times(monday, s.providerId)).toBeUndefined();
    const nine =
      sunday.providers[0].appointments.find((a: { start: string }) => a.start === '09:00') ??
      sunday.providers[1].appointments.find((a: { start: string }) => a.start === '09:00');
    expect(nine).toMatchObject({ startAt: '2030-03-10T09:00:00-04:00', end: '09:30', status: 'booked' });
    expect(nine).not.toHaveProperty('notes');
    const two = sunday.providers
      .flatMap((p: { appointments: unknown[] }) => p.appointments)
      .find((a: { start: string }) => a.start === '14:00');
    expect(two.room).toBe(roomName);
    expect(JSON.stringify(sheet.body)).not.toContain(foreignName);
  });

  it('gives each patient once, by name, with their times and what they owe from the ledger', async () => {
    const sheet = (await s.reception.get(`/api/downtime/sheet?date=${DAY1}&days=2`)).body;
    const names = sheet.contacts.map((c: { patientName: string }) => c.patientName);
    expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y, 'en', { sensitivity: 'base' })));
    expect(names).toHaveLength(3);
    const byId = new Map(sheet.contacts.map((c: { patientId: string }) => [c.patientId, c]));
    expect(byId.get(owes.id)).toMatchObject({
      balanceDueCents: 10_000,
      creditCents: 0,
      appointments: [
        { date: DAY1, start: '09:00', providerName },
        { date: DAY2, start: '08:30', providerName: otherProviderName },
      ],
    });
    expect(byId.get(copay.id)).toMatchObject({ balanceDueCents: 4_000, creditCents: 1_500 });
    expect(byId.get(clear.id)).toMatchObject({ balanceDueCents: 0, creditCents: 0 });
  });

  it('leaves balances out for roles that do not see them, and audits every patient shown', async () => {
    const before = new Date();
    const sheet = await nurse.get(`/api/downtime/sheet?date=${DAY1}&days=2`);
    expect(sheet.status).toBe(200);
    expect(sheet.body.contacts.every((c: { balanceDueCents: null }) => c.balanceDueCents === null)).toBe(true);
    const rows = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.clinicId, s.clinic.clinicId), eq(schema.auditEvents.action, 'downtime.read')));
    const recent = rows.filter(
      (row) => row.occurredAt >= new Date(before.getTime() - 1000) && row.actorRole === 'nurse',
    );
    expect(new Set(recent.map((row) => row.patientId))).toEqual(new Set([owes.id, copay.id, clear.id]));
  });

  it('refuses billing (no downtime.print), nonsense days and another clinic’s provider, saying what to fix', async () => {
    expect((await s.billing.get(`/api/downtime/sheet?date=${DAY1}`)).status).toBe(403);
    expect((await pdf(s.billing, `/api/downtime/schedule.pdf?date=${DAY1}`)).status).toBe(403);
    const tooMany = await s.reception.get(`/api/downtime/sheet?date=${DAY1}&days=9`);
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('Choose 1 to 7 days.');
    expect((await s.reception.get('/api/downtime/sheet?date=2030-02-30')).status).toBe(400);
    const other = await schedulingScenario(t);
    const foreign = await other.addProvider();
    expect((await s.reception.get(`/api/downtime/sheet?date=${DAY1}&providerId=${foreign}`)).status).toBe(404);
  });
});

describe('the PDFs', () => {
  it('print the schedule per provider per day, each from a new page, with the clinic, the day and when printed', async () => {
    const { status, text } = await pdf(s.reception, `/api/downtime/schedule.pdf?date=${DAY1}&days=2`);
    expect(status).toBe(200);
    const pages = text.split('\f').filter((page) => page.trim());
    // Sunday: two providers; Monday: one.
    expect(pages).toHaveLength(3);
    const clinicName = (await s.admin.get('/api/clinic')).body.name;
    for (const page of pages) {
      expect(page).toContain(clinicName);
      expect(page).toMatch(/Printed \d{4}-\d{2}-\d{2} at \d{2}:\d{2} \(America\/New_York\)/);
    }
    const sundayFirst = pages.find((page) => page.includes(providerName) && page.includes('Sunday, March 10, 2030'));
    expect(sundayFirst).toBeDefined();
    // 01:30 EST for half an hour ends at 03:00 EDT: the clocks went forward in between.
    expect(sundayFirst).toContain('01:30–03:00');
    expect(sundayFirst).toContain('09:00–09:30'); // EDT, after it
    expect(sundayFirst).toContain(owes.name);
    expect(sundayFirst).toContain(clear.name);
    expect(sundayFirst).not.toContain(copay.name);
    const sundaySecond = pages.find((page) => page.includes(otherProviderName) && page.includes('March 10'));
    expect(sundaySecond).toContain(copay.name);
    expect(sundaySecond).toContain(roomName);
    expect(pages.find((page) => page.includes('Monday, March 11, 2030'))).toContain('08:30–09:00');
    expect(text).not.toContain(foreignName);
    expect(text).toContain('Page 3 of 3');
  });

  it('prints one provider when asked, and on A4 or Letter', async () => {
    const one = await pdf(s.reception, `/api/downtime/schedule.pdf?date=${DAY1}&days=2&providerId=${otherProviderId}`);
    expect(one.text).toContain(copay.name);
    expect(one.text).not.toContain(clear.name);
    expect(one.text).not.toContain(providerName);
    // The clinic is in the US: Letter unless A4 is asked for.
    expect(one.raw.toString('latin1')).toMatch(/\/MediaBox \[0 0 612 792\]/);
    const a4 = await pdf(s.reception, `/api/downtime/schedule.pdf?date=${DAY1}&paper=a4`);
    expect(a4.raw.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    expect((await s.reception.get(`/api/downtime/schedule.pdf?date=${DAY1}&paper=legal`)).status).toBe(400);
  });

  it('print the contact sheet by name with phones, times and balance due (no balances for a nurse)', async () => {
    const { text } = await pdf(s.reception, `/api/downtime/contacts.pdf?date=${DAY1}&days=2`);
    const lines = text.split('\n');
    const row = (name: string) => lines.find((line) => line.includes(name)) ?? '';
    expect(row(owes.name)).toContain('$100.00');
    expect(row(copay.name)).toContain('$40.00');
    expect(text).toContain('credit $15.00');
    expect(row(clear.name)).toContain('$0.00');
    const order = [owes, copay, clear]
      .map((p) => ({ name: p.name, at: text.indexOf(p.name) }))
      .sort((x, y) => x.at - y.at)
      .map((p) => p.name);
    expect(order).toEqual(
      [owes.name, copay.name, clear.name].sort((x, y) => x.localeCompare(y, 'en', { sensitivity: 'base' })),
    );
    expect(text).toContain('Sun, Mar 10 09:00');
    expect(text).toContain('Mon, Mar 11 08:30');
    expect(text.replace(/\s+/g, ' ')).toContain(owes.phone.replace(/^\+1 /, '').slice(-4));
    expect(text).not.toContain(foreignName);

    const forNurse = await pdf(nurse, `/api/downtime/contacts.pdf?date=${DAY1}&days=2`);
    expect(forNurse.text).toContain(owes.name);
    expect(forNurse.text).not.toContain('$100.00');
    expect(forNurse.text).toContain('Balances are shown to the front desk');
  });

  it('flow a long day onto more pages with the heading and column titles repeated', async () => {
    const day = '2030-03-13';
    const patients = await Promise.all([1, 2, 3].map(() => newPatient()));
    for (let slot = 0; slot < 30; slot++) {
      const minutes = 6 * 60 + slot * 30;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      await book(patients[slot % 3].id, s.providerId, `${day}T${time}:00-04:00`);
    }
    const { text } = await pdf(s.reception, `/api/downtime/schedule.pdf?date=${day}&days=1`);
    const pages = text.split('\f').filter((page) => page.trim());
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(page).toContain('Wednesday, March 13, 2030');
      expect(page).toContain('TIME');
      expect(page).toContain(providerName);
    }
    expect(text).toContain(`Page ${pages.length} of ${pages.length}`);
    expect(text).toContain('06:00–06:30');
    expect(text).toContain('20:30–21:00');
  }, 60_000);

  it('audit every patient on the paper as printed', async () => {
    const before = new Date(Date.now() - 1000);
    await pdf(s.provider, `/api/downtime/contacts.pdf?date=${DAY1}&days=1`);
    const rows = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.clinicId, s.clinic.clinicId), eq(schema.auditEvents.action, 'downtime.print')));
    const recent = rows.filter((row) => row.occurredAt >= before && row.actorRole === 'provider');
    expect(new Set(recent.map((row) => row.patientId))).toEqual(new Set([owes.id, copay.id, clear.id]));
    expect(recent[0].details).toMatchObject({ pdf: 'contacts', dates: [DAY1] });
  });
});

describe('the evening kit', () => {
  const env = () => ({ backupDir });
  const folder = () => join(backupDir, s.clinic.clinicId, 'downtime');
  // Saturday 2030-03-09 in New York (EST, UTC−5).
  const saturday = (time: string) => new Date(`2030-03-09T${time}:00-05:00`);

  it('is off by default; a manager turns it on, the front desk may not', async () => {
    const shown = await s.manager.get('/api/settings/downtime-print');
    expect(shown.body).toMatchObject({ enabled: false, time: '18:00', lastPrintedOn: null });
    expect((await s.reception.put('/api/settings/downtime-print', { enabled: true, time: '18:00' })).status).toBe(403);
    const bad = await s.manager.put('/api/settings/downtime-print', { enabled: true, time: '25:00' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('HH:MM');
    // Off: the sweep writes nothing.
    expect(await sweepDowntimePrint(t.database.db, env(), saturday('19:00'))).toBe(0);
    const saved = await s.manager.put('/api/settings/downtime-print', { enabled: true, time: '18:00' });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.folder).toBe(folder());
  });

  it('writes the next two days’ PDFs once, after the set time, readable only by the server', async () => {
    expect(await sweepDowntimePrint(t.database.db, env(), saturday('17:59'))).toBe(0);
    expect(() => readdirSync(folder())).toThrow();
    // Two server processes at once: one writes.
    const runs = await Promise.all([
      sweepDowntimePrint(t.database.db, env(), saturday('18:05')),
      sweepDowntimePrint(t.database.db, env(), saturday('18:05')),
    ]);
    expect(runs.sort()).toEqual([0, 1]);
    const kit = join(folder(), DAY1);
    expect(readdirSync(kit).sort()).toEqual([`contacts-${DAY1}.pdf`, `schedule-${DAY1}.pdf`]);
    for (const dir of [join(backupDir, s.clinic.clinicId), folder(), kit]) {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    for (const name of readdirSync(kit)) expect(statSync(join(kit, name)).mode & 0o777).toBe(0o600);
    const schedule = pdfText(readFileSync(join(kit, `schedule-${DAY1}.pdf`)));
    expect(schedule).toContain('Sunday, March 10, 2030');
    expect(schedule).toContain('Monday, March 11, 2030');
    expect(schedule).toContain('09:00–09:30');
    expect(schedule).not.toContain(foreignName);
    const contacts = pdfText(readFileSync(join(kit, `contacts-${DAY1}.pdf`)));
    expect(contacts).toContain(owes.name);
    expect(contacts).toContain('$100.00');

    const written = statSync(join(kit, `schedule-${DAY1}.pdf`)).mtimeMs;
    expect(await sweepDowntimePrint(t.database.db, env(), saturday('21:00'))).toBe(0);
    expect(statSync(join(kit, `schedule-${DAY1}.pdf`)).mtimeMs).toBe(written);
    expect((await s.manager.get('/api/settings/downtime-print')).body.lastPrintedOn).toBe('2030-03-09');

    const audit = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.clinicId, s.clinic.clinicId),
          eq(schema.auditEvents.action, 'downtime.print'),
          eq(schema.auditEvents.actorRole, 'system'),
        ),
      );
    expect(new Set(audit.map((row) => row.patientId))).toEqual(new Set([owes.id, copay.id, clear.id]));
    expect(audit.every((row) => row.actorUserId === null)).toBe(true);
  });

  it('keeps the last 14 days of kits and leaves anything else in the folder alone', async () => {
    for (const name of ['2030-02-20', '2030-02-26', 'notes']) mkdirSync(join(folder(), name));
    // Sunday evening (EDT now): Monday's kit, and the folders older than 14 days before Sunday go.
    expect(await sweepDowntimePrint(t.database.db, env(), new Date('2030-03-10T18:30:00-04:00'))).toBe(1);
    expect(readdirSync(folder()).sort()).toEqual(['2030-02-26', DAY1, DAY2, 'notes']);
  });

  it('gives the day back when the folder cannot be written, and tries again', async () => {
    const blocked = join(backupDir, 'blocked-file');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(blocked, 'not a folder');
    const monday = new Date('2030-03-11T18:30:00-04:00');
    await expect(sweepDowntimePrint(t.database.db, { backupDir: blocked }, monday)).rejects.toThrow();
    const [row] = await t.database.db
      .select()
      .from(schema.downtimePrintSettings)
      .where(inArray(schema.downtimePrintSettings.clinicId, [s.clinic.clinicId]));
    expect(row.printedOn).toBe(DAY1);
    expect(await sweepDowntimePrint(t.database.db, env(), monday)).toBe(1);
    expect(readdirSync(folder())).toContain('2030-03-12');
  });
});

describe('a clinic with several locations', () => {
  it('prints one location’s kit when asked, and the evening kit per location', async () => {
    const g = await schedulingScenario(t);
    const type = await g.addType();
    const mainProvider = await g.addProvider({ validFrom: '2020-01-01', blocks: ALL_HOURS });
    const annex = await g.admin.post('/api/locations', {
      name: 'Westside Annex — Suite 2',
      timezone: 'America/New_York',
    });
    expect(annex.status).toBe(201);
    const annexProvider = (await g.admin.post('/api/providers', { name: `Dr ${unique('Annex')}` })).body.id;
    const hours = await g.manager.put(`/api/providers/${annexProvider}/working-hours`, {
      locationId: annex.body.id,
      validFrom: '2020-01-01',
      blocks: ALL_HOURS,
    });
    expect(hours.status, JSON.stringify(hours.body)).toBe(200);
    const [atMain, atAnnex] = [patientBody(), patientBody()];
    for (const [body, providerId, start] of [
      [atMain, mainProvider, '2030-03-10T10:00:00-04:00'],
      [atAnnex, annexProvider, '2030-03-11T11:00:00-04:00'],
    ] as const) {
      const patientId = (await g.reception.post('/api/patients', body)).body.id;
      const booked = await g.book({ patientId, providerId, appointmentTypeId: type.id, start });
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    }

    // The sheet and the PDFs of one location: its appointments only, named on the paper and the file.
    const sheet = await g.reception.get(`/api/downtime/sheet?date=${DAY1}&days=2&locationId=${annex.body.id}`);
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(200);
    expect(sheet.body.locationName).toBe('Westside Annex — Suite 2');
    expect(sheet.body.contacts.map((c: { patientName: string }) => c.patientName)).toEqual([display(atAnnex)]);
    expect((await g.reception.get(`/api/downtime/sheet?date=${DAY1}&days=2`)).body).toMatchObject({
      locationName: null,
      contacts: expect.arrayContaining([expect.objectContaining({ patientName: display(atMain) })]),
    });
    const url = `/api/downtime/schedule.pdf?date=${DAY1}&days=2&locationId=${annex.body.id}`;
    const printed = await t.app.inject({ method: 'GET', url, headers: { cookie: g.reception.cookie } });
    expect(printed.statusCode).toBe(200);
    expect(printed.headers['content-disposition']).toBe(
      `inline; filename="schedule-${DAY1}-westside-annex-suite-2.pdf"`,
    );
    const text = pdfText(printed.rawPayload);
    expect(text).toContain('Westside Annex — Suite 2');
    expect(text).toContain(display(atAnnex));
    expect(text).not.toContain(display(atMain));

    // Another clinic's location: a 400 that says which field, and nothing printed.
    const elsewhere = (await schedulingScenario(t)).locationId;
    const refused = await g.reception.get(`/api/downtime/sheet?date=${DAY1}&locationId=${elsewhere}`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('querystring.locationId');

    // The evening kit: a schedule and a contact sheet per location with appointments those days.
    expect((await g.manager.put('/api/settings/downtime-print', { enabled: true, time: '18:00' })).status).toBe(200);
    expect(
      await sweepDowntimePrint(t.database.db, { backupDir }, new Date('2030-03-09T18:05:00-05:00')),
    ).toBeGreaterThan(0);
    const kit = join(backupDir, g.clinic.clinicId, 'downtime', DAY1);
    const locations = (await g.admin.get('/api/locations')).body;
    const main = (locations.items ?? locations).find((l: { id: string }) => l.id === g.locationId).name;
    const mainSlug = main.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    expect(readdirSync(kit).sort()).toEqual([
      `contacts-${DAY1}-${mainSlug}.pdf`,
      `contacts-${DAY1}-westside-annex-suite-2.pdf`,
      `schedule-${DAY1}-${mainSlug}.pdf`,
      `schedule-${DAY1}-westside-annex-suite-2.pdf`,
    ]);
    const annexSchedule = pdfText(readFileSync(join(kit, `schedule-${DAY1}-westside-annex-suite-2.pdf`)));
    expect(annexSchedule).toContain(display(atAnnex));
    expect(annexSchedule).not.toContain(display(atMain));
    const mainContacts = pdfText(readFileSync(join(kit, `contacts-${DAY1}-${mainSlug}.pdf`)));
    expect(mainContacts).toContain(display(atMain));
    expect(mainContacts).not.toContain(display(atAnnex));
  });
});
