import { newId, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { localDateIn, mondayOf, percent, plusDays, seeded } from '../test/generated';
import { type ApiClient, createTestApp, type TestApp, unique } from '../test/harness';

/**
 * The Reminders report against a generated, deterministic month of appointments and their
 * messages (reminders of three rules in every outcome — sent, captured, failed, withdrawn, still
 * queued, texts delivered or not — and booking notices that are not reminders), inserted with
 * chosen timestamps. The expected figures are computed here from the raw rows. The range holds the
 * end of DST (Sunday 2030-11-03) and appointments just after midnight reminded the day before.
 */

const TZ = 'America/New_York';
const localDateOf = localDateIn(TZ);
const FROM = '2030-10-21';
const TO = '2030-11-17';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Status = 'booked' | 'confirmed' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
type MessageStatus = 'sent' | 'captured' | 'failed' | 'withdrawn' | 'queued';
interface Appointment {
  id: string;
  patientId: string;
  providerId: string;
  startAt: Date;
  status: Status;
  confirmedAt: Date | null;
}
interface Message {
  id: string;
  appointmentId: string;
  ruleId: string | null;
  kind: 'reminder' | 'booked';
  channel: 'email' | 'sms';
  status: MessageStatus;
  deliveryStatus: string | null;
  sentAt: Date | null;
  lastAttemptAt: Date | null;
}

let t: TestApp;
let s: SchedulingScenario;
let manager: ApiClient;
let rules: { id: string; channel: 'email' | 'sms'; minutesBefore: number }[];
let appointments: Appointment[];
let messages: Message[];

const inDates = (from: string, to: string) => (r: Appointment) =>
  localDateOf(r.startAt) >= from && localDateOf(r.startAt) <= to;

/** Which figure each message counts in, from its fields alone. */
const counts = {
  sent: (x: Message) => x.status === 'sent' || x.status === 'captured',
  delivered: (x: Message) =>
    (x.status === 'sent' || x.status === 'captured') &&
    (x.channel === 'email' || x.deliveryStatus === 'delivered' || x.deliveryStatus === 'read'),
  failed: (x: Message) => x.status === 'failed' || x.deliveryStatus === 'failed' || x.deliveryStatus === 'undelivered',
};
const reminders = (a: Appointment, ruleId?: string) =>
  messages.filter(
    (x) => x.appointmentId === a.id && x.kind === 'reminder' && (ruleId === undefined || x.ruleId === ruleId),
  );
/** When the first reminder (of the rule) left the outbox, or null. */
function firstSent(a: Appointment, ruleId?: string): number | null {
  const times = reminders(a, ruleId)
    .filter(counts.sent)
    .map((x) => (x.sentAt ?? x.lastAttemptAt)?.getTime() as number);
  return times.length ? Math.min(...times) : null;
}
const due = (a: Appointment) => ['checked_in', 'completed', 'no_show'].includes(a.status);

/** Which appointment metric each appointment counts in (of one rule, or any). */
function appointmentIs(a: Appointment, ruleId?: string) {
  const first = firstSent(a, ruleId);
  const reminded = first !== null;
  const none = firstSent(a) === null;
  return {
    reminded,
    reminded_confirmed: reminded && a.confirmedAt !== null && a.confirmedAt.getTime() >= first,
    reminded_cancelled: reminded && a.status === 'cancelled',
    reminded_due: reminded && due(a),
    reminded_no_show: reminded && a.status === 'no_show',
    not_reminded: none,
    not_reminded_confirmed: none && a.confirmedAt !== null,
    not_reminded_cancelled: none && a.status === 'cancelled',
    not_reminded_due: none && due(a),
    not_reminded_no_show: none && a.status === 'no_show',
  };
}
type AppointmentMetric = keyof ReturnType<typeof appointmentIs>;

function expectedFigures(ofAppointments: Appointment[], ruleId?: string, without: Appointment[] = ofAppointments) {
  const ids = new Set(ofAppointments.map((a) => a.id));
  const ofMessages = messages.filter(
    (x) => ids.has(x.appointmentId) && x.kind === 'reminder' && (ruleId === undefined || x.ruleId === ruleId),
  );
  const n = (list: Appointment[], metric: AppointmentMetric) =>
    list.filter((a) => appointmentIs(a, ruleId)[metric]).length;
  return {
    sent: ofMessages.filter(counts.sent).length,
    delivered: ofMessages.filter(counts.delivered).length,
    failed: ofMessages.filter(counts.failed).length,
    reminded: n(ofAppointments, 'reminded'),
    remindedConfirmRate: percent(n(ofAppointments, 'reminded_confirmed'), n(ofAppointments, 'reminded')),
    remindedCancelRate: percent(n(ofAppointments, 'reminded_cancelled'), n(ofAppointments, 'reminded')),
    remindedNoShowRate: percent(n(ofAppointments, 'reminded_no_show'), n(ofAppointments, 'reminded_due')),
    notReminded: n(without, 'not_reminded'),
    notRemindedConfirmRate: percent(n(without, 'not_reminded_confirmed'), n(without, 'not_reminded')),
    notRemindedCancelRate: percent(n(without, 'not_reminded_cancelled'), n(without, 'not_reminded')),
    notRemindedNoShowRate: percent(n(without, 'not_reminded_no_show'), n(without, 'not_reminded_due')),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  manager = s.manager;
  const clinicId = s.clinic.clinicId;
  rules = [
    { id: newId(), channel: 'email', minutesBefore: 2 * 1440 },
    { id: newId(), channel: 'sms', minutesBefore: 120 },
    { id: newId(), channel: 'email', minutesBefore: 1440 },
  ];
  await t.database.db
    .insert(schema.reminderRules)
    .values(rules.map((rule, i) => ({ ...rule, clinicId, active: i < 2 })));
  const providerIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const created = await s.admin.post('/api/providers', { name: `Dr ${unique('Remind')}` });
    providerIds.push(created.body.id);
  }
  const type = await s.addType({ name: unique('Visit'), durationMinutes: 30 });
  const patientIds = await Promise.all(Array.from({ length: 5 }, () => s.addPatient()));

  const random = seeded(23);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const statuses: Status[] = ['completed', 'completed', 'completed', 'no_show', 'no_show', 'cancelled', 'booked'];
  const slots = ['00:15', '09:00', '11:00', '14:00', '23:30'];
  appointments = [];
  messages = [];
  const rows: (typeof schema.appointments.$inferInsert)[] = [];
  for (let date = plusDays(FROM, -3); date <= plusDays(TO, 3); date = plusDays(date, 1)) {
    for (const providerId of providerIds) {
      for (const time of slots) {
        if (random() < 0.4) continue;
        const startAt = new Date(zonedTimeToInstant(date, time, TZ));
        let status = pick(statuses);
        if (status === 'booked' && random() < 0.5) status = pick(['confirmed', 'checked_in'] as const);
        // Reminders of each rule, in every outcome; some appointments get none at all.
        const withReminders = random() < 0.7;
        const sentTimes: number[] = [];
        for (const rule of rules) {
          if (!withReminders || random() < 0.3) continue;
          const sendAt = startAt.getTime() - rule.minutesBefore * MINUTE;
          const outcome = pick(['sent', 'sent', 'captured', 'failed', 'withdrawn', 'queued'] as const);
          const attempted = outcome === 'sent' || outcome === 'captured' || outcome === 'failed';
          if (outcome === 'sent' || outcome === 'captured') sentTimes.push(sendAt);
          messages.push({
            id: newId(),
            appointmentId: '',
            ruleId: rule.id,
            kind: 'reminder',
            channel: rule.channel,
            status: outcome,
            deliveryStatus:
              rule.channel === 'sms' && outcome === 'sent'
                ? pick([null, 'sent', 'delivered', 'read', 'undelivered', 'failed'])
                : null,
            sentAt: outcome === 'sent' ? new Date(sendAt) : null,
            lastAttemptAt: attempted ? new Date(sendAt) : null,
          });
        }
        // A booking notice: a message about the appointment that is not a reminder.
        messages.push({
          id: newId(),
          appointmentId: '',
          ruleId: null,
          kind: 'booked',
          channel: 'email',
          status: 'sent',
          deliveryStatus: null,
          sentAt: new Date(startAt.getTime() - 10 * DAY),
          lastAttemptAt: new Date(startAt.getTime() - 10 * DAY),
        });
        // Confirmed before the first reminder, after it, or never.
        const first = sentTimes.length ? Math.min(...sentTimes) : startAt.getTime() - 3 * DAY;
        const confirm = random();
        const confirmedAt =
          confirm < 0.25
            ? new Date(first - 5 * HOUR)
            : confirm < 0.6
              ? new Date(first + (confirm < 0.3 ? 0 : 30 * MINUTE))
              : null;
        const one: Appointment = {
          id: newId(),
          patientId: pick(patientIds),
          providerId,
          startAt,
          status,
          confirmedAt,
        };
        for (const message of messages) if (message.appointmentId === '') message.appointmentId = one.id;
        appointments.push(one);
        rows.push({
          ...one,
          clinicId,
          locationId: s.locationId,
          appointmentTypeId: type.id,
          endAt: new Date(startAt.getTime() + 30 * MINUTE),
          bufferEndAt: new Date(startAt.getTime() + 30 * MINUTE),
          bookedAt: new Date(startAt.getTime() - 12 * DAY),
          cancelledAt: status === 'cancelled' ? new Date(startAt.getTime() - HOUR) : null,
          noShowAt: status === 'no_show' ? new Date(startAt.getTime() + 15 * MINUTE) : null,
        });
      }
    }
  }
  await t.database.db.insert(schema.appointments).values(rows);
  const patientOf = new Map(appointments.map((a) => [a.id, a.patientId]));
  await t.database.db.insert(schema.messages).values(
    messages.map((x) => ({
      id: x.id,
      clinicId,
      channel: x.channel,
      kind: x.kind,
      patientId: patientOf.get(x.appointmentId),
      toAddress: x.channel === 'email' ? 'patient@example.test' : '+15555550100',
      subject: 'Reminder',
      textBody: 'See you soon',
      status: x.status,
      relatedType: 'appointment',
      relatedId: x.appointmentId,
      ruleId: x.ruleId,
      deliveryStatus: x.deliveryStatus,
      sentAt: x.sentAt,
      lastAttemptAt: x.lastAttemptAt,
      sendAfter: x.lastAttemptAt ?? new Date(),
      withdrawnReason: x.status === 'withdrawn' ? 'The appointment moved.' : null,
    })),
  );
});
afterAll(() => t?.close());

const report = (query: string) => manager.get(`/api/reports/reminders?${query}`);
const rowsOf = (query: string) => manager.get(`/api/reports/reminders/rows?${query}`);

describe('the Reminders report', () => {
  it('has the expected figures per week and in total, with and without reminders side by side', async () => {
    const response = await report(`from=${FROM}&to=${TO}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ report: 'reminders', group: 'week', timezone: TZ });
    const inRange = appointments.filter(inDates(FROM, TO));
    expect(response.body.totals).toEqual(expectedFigures(inRange));
    expect(response.body.rows.map((row: { period: string }) => row.period)).toEqual([
      '2030-10-21',
      '2030-10-28',
      '2030-11-04',
      '2030-11-11',
    ]);
    for (const row of response.body.rows) {
      expect(row.values, row.period).toEqual(
        expectedFigures(inRange.filter((a) => mondayOf(localDateOf(a.startAt)) === row.period)),
      );
    }
    // Every outcome occurs, and both sides of the comparison have appointments.
    const totals = response.body.totals;
    for (const key of ['sent', 'delivered', 'failed', 'reminded', 'notReminded'])
      expect(totals[key], key).toBeGreaterThan(0);
    for (const key of ['remindedConfirmRate', 'remindedNoShowRate', 'notRemindedConfirmRate', 'notRemindedNoShowRate'])
      expect(totals[key], key).toBeGreaterThan(0);
    // Confirmations before the first reminder do not count as confirmed after one.
    const reminded = inRange.filter((a) => firstSent(a) !== null);
    const confirmedAtAll = reminded.filter((a) => a.confirmedAt !== null).length;
    expect(totals.remindedConfirmRate).toBeLessThan(percent(confirmedAtAll, reminded.length) as number);
  });

  it('counts messages on the day their appointment starts, across midnight and DST', async () => {
    const byDay = (await report(`from=2030-11-02&to=2030-11-04&group=day`)).body;
    expect(byDay.rows.map((row: { period: string }) => row.period)).toEqual(['2030-11-02', '2030-11-03', '2030-11-04']);
    for (const row of byDay.rows) {
      expect(row.values, row.period).toEqual(expectedFigures(appointments.filter(inDates(row.period, row.period))));
    }
    // A 00:15 appointment whose reminder went out the evening before counts on its own day.
    const early = appointments.find(
      (a) =>
        inDates(FROM, TO)(a) &&
        localDateOf(a.startAt) !== localDateOf(new Date(a.startAt.getTime() - 120 * MINUTE)) &&
        reminders(a, rules[1].id).some(counts.sent),
    );
    expect(early).toBeDefined();
    const day = localDateOf((early as Appointment).startAt);
    const sent = await rowsOf(`from=${day}&to=${day}&metric=sent&ruleId=${rules[1].id}`);
    const message = reminders(early as Appointment, rules[1].id).find(counts.sent) as Message;
    expect(sent.body.items.map((item: { id: string }) => item.id)).toContain(message.id);
    const before = await rowsOf(`from=${plusDays(day, -1)}&to=${plusDays(day, -1)}&metric=sent&ruleId=${rules[1].id}`);
    expect(before.body.items.map((item: { id: string }) => item.id)).not.toContain(message.id);
  });

  it('breaks the figures down per rule, each compared with the appointments no reminder reached', async () => {
    const response = await report(`from=${FROM}&to=${TO}&group=rule`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const inRange = appointments.filter(inDates(FROM, TO));
    expect(response.body.rows.map((row: { period: string }) => row.period).sort()).toEqual(
      rules.map((rule) => rule.id).sort(),
    );
    const labels = response.body.rows.map((row: { label: string }) => row.label).sort();
    expect(labels).toEqual(['Email, 1 day before', 'Email, 2 days before', 'Text message, 2 hours before']);
    for (const row of response.body.rows) {
      expect(row.filter).toEqual({ ruleId: row.period });
      expect(row.values, row.label).toEqual(expectedFigures(inRange, row.period, inRange));
      // The row's reminded appointments are the ones its drill-down lists, with its filter.
      const listed = await rowsOf(`from=${FROM}&to=${TO}&metric=reminded&ruleId=${row.period}`);
      expect(listed.body.total).toBe(row.values.reminded);
    }
    // The totals count each appointment once, however many rules reminded it.
    expect(response.body.totals).toEqual(expectedFigures(inRange));
    const sum = response.body.rows.reduce(
      (total: number, row: { values: { reminded: number } }) => total + row.values.reminded,
      0,
    );
    expect(sum).toBeGreaterThan(response.body.totals.reminded);
    // One rule, by week.
    const one = (await report(`from=${FROM}&to=${TO}&ruleId=${rules[0].id}`)).body;
    expect(one.totals).toEqual(expectedFigures(inRange, rules[0].id));
    expect((await report(`from=${FROM}&to=${TO}&ruleId=${newId()}`)).status).toBe(404);
    const csv = await manager.get(`/api/reports/reminders?from=${FROM}&to=${TO}&group=rule`, { accept: 'text/csv' });
    expect(String(csv.body).split('\r\n')[0]).toMatch(/^Reminder rule,Reminders sent,/);
  });

  it('lists the messages and appointments behind every figure of a week, as many as it counts', async () => {
    const week = (await report(`from=${FROM}&to=${TO}`)).body.rows[1];
    const ofWeek = appointments.filter(inDates(week.from, week.to));
    const weekIds = new Set(ofWeek.map((a) => a.id));
    for (const metric of Object.keys(counts) as Array<keyof typeof counts>) {
      const listed = await rowsOf(`from=${week.from}&to=${week.to}&metric=${metric}`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      const ids = messages
        .filter((x) => weekIds.has(x.appointmentId) && x.kind === 'reminder' && counts[metric](x))
        .map((x) => x.id);
      expect(listed.body.total, metric).toBe(ids.length);
      expect(listed.body.items.map((item: { id: string }) => item.id).sort(), metric).toEqual(ids.sort());
      expect(listed.body.total).toBe(week.values[metric]);
    }
    const metrics = Object.keys(appointmentIs(ofWeek[0])) as AppointmentMetric[];
    for (const metric of metrics) {
      const listed = await rowsOf(`from=${week.from}&to=${week.to}&metric=${metric}`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      const ids = ofWeek.filter((a) => appointmentIs(a)[metric]).map((a) => a.id);
      expect(listed.body.total, metric).toBe(ids.length);
      expect(listed.body.items.map((item: { id: string }) => item.id).sort(), metric).toEqual(ids.sort());
    }
    const noShow = (await rowsOf(`from=${week.from}&to=${week.to}&metric=reminded_no_show`)).body.items[0];
    expect(noShow.values).toMatchObject({ status: 'No-show', reminded: expect.any(String) });
  });

  it('tells cancelled appointments from no-shows on both sides', async () => {
    const inRange = appointments.filter(inDates(FROM, TO));
    const totals = (await report(`from=${FROM}&to=${TO}`)).body.totals;
    const without = inRange.filter((a) => firstSent(a) === null);
    expect(totals.notRemindedCancelRate).toBe(
      percent(without.filter((a) => a.status === 'cancelled').length, without.length),
    );
    expect(totals.notRemindedNoShowRate).toBe(
      percent(without.filter((a) => a.status === 'no_show').length, without.filter(due).length),
    );
    expect(without.some((a) => a.status === 'cancelled')).toBe(true);
  });

  it('stays exact when reminders are sent, fail or are delivered after a read', async () => {
    const weekly = async () => (await report(`from=${FROM}&to=${TO}&group=rule`)).body;
    const before = await weekly();
    const inRange = appointments.filter(inDates(FROM, TO));
    // A text the carrier now reports undelivered; a queued reminder that is sent; a reminder for
    // an appointment that had none (it moves from "not reminded" to "reminded").
    const m = schema.messages;
    const ids = new Set(inRange.map((a) => a.id));
    const ofRange = messages.filter((x) => ids.has(x.appointmentId) && x.kind === 'reminder');
    const text = ofRange.find((x) => x.channel === 'sms' && x.status === 'sent' && x.deliveryStatus === 'delivered');
    const queued = ofRange.find((x) => x.status === 'queued');
    const lonely = inRange.find((a) => reminders(a).length === 0 && a.status === 'confirmed');
    if (!text || !queued || !lonely) throw new Error('the generated month lacks the rows this test changes');
    await t.database.db.update(m).set({ deliveryStatus: 'undelivered' }).where(eq(m.id, text.id));
    text.deliveryStatus = 'undelivered';
    const sentAt = new Date();
    await t.database.db.update(m).set({ status: 'sent', sentAt }).where(eq(m.id, queued.id));
    Object.assign(queued, { status: 'sent', sentAt });
    const added: Message = {
      id: newId(),
      appointmentId: lonely.id,
      ruleId: rules[0].id,
      kind: 'reminder',
      channel: 'email',
      status: 'sent',
      deliveryStatus: null,
      sentAt: new Date(lonely.startAt.getTime() - 2 * DAY),
      lastAttemptAt: null,
    };
    await t.database.db.insert(m).values({
      id: added.id,
      clinicId: s.clinic.clinicId,
      channel: 'email',
      kind: 'reminder',
      patientId: lonely.patientId,
      toAddress: 'patient@example.test',
      subject: 'Reminder',
      textBody: 'See you soon',
      status: 'sent',
      relatedType: 'appointment',
      relatedId: lonely.id,
      ruleId: added.ruleId,
      sentAt: added.sentAt,
      sendAfter: added.sentAt as Date,
    });
    messages.push(added);

    const after = await weekly();
    expect(after.totals, 'the changes changed the figures').not.toEqual(before.totals);
    expect(after.totals).toEqual(expectedFigures(inRange));
    for (const row of after.rows) expect(row.values, row.label).toEqual(expectedFigures(inRange, row.period, inRange));
  });
});
