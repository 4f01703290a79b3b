import type { ScheduleEvent } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { buildApp } from '../http/app';
import { at, MONDAY, type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { createTestApp, type TestApp } from '../test/harness';

/** Live updates: every open schedule screen of a clinic hears of a change within a second. */

const HEARTBEAT_MS = 150;

let t: TestApp;
let s: SchedulingScenario;
let baseUrl: string;
let cleaning: { id: string };
let providerId: string;

beforeAll(async () => {
  t = await createTestApp({ config: { eventsHeartbeatMs: HEARTBEAT_MS } });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  s = await schedulingScenario(t);
  providerId = await s.addProvider();
  cleaning = await s.addType({ durationMinutes: 30, bufferAfterMinutes: 10 });
});
afterAll(() => t.close());

interface EventStream {
  status: number;
  /** The next event the predicate accepts, or a failure after `ms`. */
  next(predicate?: (event: ScheduleEvent) => boolean, ms?: number): Promise<ScheduleEvent>;
  /** Events seen so far. */
  seen: ScheduleEvent[];
  /** Resolves with the stream's named end (`signed-out`) or 'closed'. */
  ended: Promise<string>;
  close(): void;
}

/** Opens GET /api/events as a browser's EventSource would, and parses what arrives. */
async function openStream(url: string, cookie: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const seen: ScheduleEvent[] = [];
  const waiters = new Set<() => void>();
  let endedWith: (name: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    endedWith = resolve;
  });
  if (response.body && response.status === 200) {
    (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let boundary = buffer.indexOf('\n\n');
          while (boundary >= 0) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            const name = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (name) endedWith(name);
            else if (data) seen.push(JSON.parse(data));
            for (const wake of waiters) wake();
            boundary = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // Aborted by close().
      }
      endedWith('closed');
    })();
  }
  return {
    status: response.status,
    seen,
    ended,
    next(predicate = () => true, ms = 1000) {
      const from = 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = seen.slice(from).find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${ms} ms; seen: ${JSON.stringify(seen)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}

async function listening(app: FastifyInstance, count: number) {
  await expect.poll(() => app.events.listenerCount, { timeout: 2000 }).toBeGreaterThanOrEqual(count);
}

describe('GET /api/events', () => {
  it('tells every open screen of the clinic about a booking and a cancellation within a second, with the freed time', async () => {
    const front = await openStream(baseUrl, s.reception.cookie);
    const back = await openStream(baseUrl, s.provider.cookie);
    expect(front.status).toBe(200);
    await listening(t.app, 2);

    const patientId = await s.addPatient();
    const booked = await s.book({
      patientId,
      providerId,
      appointmentTypeId: cleaning.id,
      start: at(MONDAY, '09:00'),
    });
    expect(booked.status).toBe(201);
    const isBooking = (e: ScheduleEvent) => e.kind === 'appointment' && e.appointmentId === booked.body.id;
    for (const stream of [front, back]) {
      expect(await stream.next(isBooking)).toEqual({
        kind: 'appointment',
        action: 'book',
        appointmentId: booked.body.id,
        providerId,
        start: booked.body.start,
        end: booked.body.end,
        status: 'booked',
      });
    }
    // No patient data travels in events.
    expect(JSON.stringify(front.seen)).not.toContain(booked.body.patientName);

    const cancelled = await s.reception.post(`/api/appointments/${booked.body.id}/cancel`, { reason: 'Patient ill' });
    expect(cancelled.status).toBe(200);
    const cancel = await back.next((e) => e.kind === 'appointment' && e.action === 'cancel');
    // The freed time includes the 10-minute buffer the appointment held.
    expect(cancel).toMatchObject({
      freed: { providerId, start: booked.body.start, end: booked.body.bufferEnd },
    });
    front.close();
    back.close();
  });

  it('announces only changes that were made: of 5 clicks on one slot, one booking and one event', async () => {
    const stream = await openStream(baseUrl, s.reception.cookie);
    await listening(t.app, 1);
    const patients = await Promise.all([1, 2, 3, 4, 5].map(() => s.addPatient()));
    const results = await Promise.all(
      patients.map((patientId) =>
        s.book({ patientId, providerId, appointmentTypeId: cleaning.id, start: at(MONDAY, '10:00') }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    await stream.next((e) => e.kind === 'appointment' && e.action === 'book' && e.start.endsWith('15:00:00.000Z'));
    // A failed booking announces nothing: give stray events time to arrive, then count.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.seen.filter((e) => e.kind === 'appointment' && e.action === 'book')).toHaveLength(1);
    stream.close();
  });

  it('announces working-hours and time-off changes, and a moved appointment with the time it gave up', async () => {
    const stream = await openStream(baseUrl, s.reception.cookie);
    await listening(t.app, 1);
    const timeOff = await s.manager.post(`/api/providers/${providerId}/time-off`, {
      start: at('2030-01-09', '13:00'),
      end: at('2030-01-09', '17:00'),
      reason: 'Training',
    });
    expect(timeOff.status).toBe(201);
    expect(await stream.next((e) => e.kind === 'availability')).toEqual({ kind: 'availability', providerId });
    expect((await s.manager.delete(`/api/time-off/${timeOff.body.id}`)).status).toBe(204);
    await expect.poll(() => stream.seen.filter((e) => e.kind === 'availability').length).toBe(2);

    const patientId = await s.addPatient();
    const booked = await s.book({ patientId, providerId, appointmentTypeId: cleaning.id, start: at(MONDAY, '11:00') });
    const moved = await s.reception.post(`/api/appointments/${booked.body.id}/reschedule`, {
      start: at(MONDAY, '11:15'),
    });
    expect(moved.status).toBe(200);
    expect(await stream.next((e) => e.kind === 'appointment' && e.action === 'reschedule')).toMatchObject({
      start: moved.body.start,
      freed: { providerId, start: booked.body.start, end: booked.body.bufferEnd },
    });
    stream.close();
  });

  it('keeps clinics apart: another clinic’s screens hear nothing', async () => {
    const other = await t.createClinic();
    const otherAdmin = await t.signIn(other.admin);
    const stranger = await openStream(baseUrl, otherAdmin.cookie);
    const own = await openStream(baseUrl, s.reception.cookie);
    await listening(t.app, 2);
    const patientId = await s.addPatient();
    const booked = await s.book({ patientId, providerId, appointmentTypeId: cleaning.id, start: at(MONDAY, '13:00') });
    expect(booked.status).toBe(201);
    await own.next((e) => e.kind === 'appointment' && e.appointmentId === booked.body.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stranger.seen).toEqual([]);
    stranger.close();
    own.close();
  });

  it('needs a signed-in user, and ends the stream when the session ends', async () => {
    const anonymous = await openStream(baseUrl, '');
    expect(anonymous.status).toBe(401);

    const user = await s.clinic.addUser('receptionist');
    const session = await t.signIn(user);
    const stream = await openStream(baseUrl, session.cookie);
    expect(stream.status).toBe(200);
    expect((await session.post('/api/auth/sign-out')).status).toBe(204);
    expect(await stream.ended).toBe('signed-out');
  });

  it('does not keep an idle session alive: the stream is background traffic', async () => {
    const user = await s.clinic.addUser('receptionist');
    const session = await t.signIn(user);
    const [before] = await sessionsSeen(user.userId);
    const stream = await openStream(baseUrl, session.cookie);
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
    const [after] = await sessionsSeen(user.userId);
    expect(after).toEqual(before);
    stream.close();
  });
});

async function sessionsSeen(userId: string): Promise<string[]> {
  const { queryRows } = await import('@tend/db');
  const { sql } = await import('drizzle-orm');
  const rows = await queryRows<{ last_seen_at: Date }>(
    t.database.db,
    sql`SELECT last_seen_at FROM sessions WHERE user_id = ${userId}`,
  );
  return rows.map((r) => new Date(r.last_seen_at).toISOString());
}

// Two server processes on one PostgreSQL database (a clinic network behind a load balancer): a
// booking made through one reaches the screens connected to the other. The embedded database
// belongs to one process, so there is nothing to cross there.
if (process.env.TEND_TEST_DATABASE_URL) {
  describe('across server processes (PostgreSQL)', () => {
    it('a booking through one server reaches a screen connected to another within a second', async () => {
      const { openDatabase } = await import('@tend/db');
      const second = await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 2 });
      const otherApp = await buildApp(
        { database: second, config: { ...loadConfig({}), port: 0, eventsHeartbeatMs: HEARTBEAT_MS }, cliSecret: null },
        { logLevel: false },
      );
      try {
        const otherUrl = await otherApp.listen({ port: 0, host: '127.0.0.1' });
        const stream = await openStream(otherUrl, s.reception.cookie);
        expect(stream.status).toBe(200);
        await listening(otherApp, 1);
        const patientId = await s.addPatient();
        const booked = await s.book({
          patientId,
          providerId,
          appointmentTypeId: cleaning.id,
          start: at(MONDAY, '14:00'),
        });
        expect(booked.status).toBe(201);
        await stream.next((e) => e.kind === 'appointment' && e.appointmentId === booked.body.id);
        stream.close();
      } finally {
        await otherApp.close();
        await second.close();
      }
    });
  });
}
