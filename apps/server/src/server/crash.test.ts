import { existsSync, readFileSync } from 'node:fs';
import { type Database, listMigrations, openDatabase, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtpServer, type TestSmtpServer } from '../email/smtp-test-server';
import { lockPath } from '../server';
import { patientBody } from '../test/harness';
import {
  HttpClient,
  runTend,
  setUpClinic,
  slot,
  startTend,
  type TendProcess,
  tendData,
  waitFor,
} from '../test/tend-process';

/**
 * Crash safety, the proof: the real `tend start` under a write load of concurrent clients
 * (register a patient, book them an appointment — whose notice email goes out over a loopback SMTP
 * server at once) is killed with SIGKILL; restarted on the same data, every write the server
 * acknowledged is there, whole (audit row, notice), the audit chain verifies, the migrations are
 * intact, and every notice reaches the SMTP server once — but the one the worker (which sends one
 * at a time) may have been handing over at the kill: accepted by the SMTP server before Tend
 * recorded it, it goes again with the same Message-ID (at-least-once for that instant,
 * docs/operations.md).
 * Embedded: a temporary data folder (its lock left by the dead process); PostgreSQL: a fresh database.
 */

const CLIENTS = 6;
const LOAD_MS = 1500;
const MIN_APPOINTMENTS = 12;
const pgServer = process.env.TEND_TEST_DATABASE_URL;

let smtp: TestSmtpServer;
let data: Awaited<ReturnType<typeof tendData>>;
let env: Record<string, string>;
let server: TendProcess | undefined;

beforeAll(async () => {
  smtp = await startTestSmtpServer({ security: 'none' });
  data = await tendData('crash');
  env = { ...data.env, TEND_SECRET_KEY: 'crash-test-key', TEND_EMAIL_MODE: 'auto', TEND_OUTBOX_INTERVAL_MS: '200' };
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await smtp?.close();
  await data?.cleanup();
});

interface Load {
  patients: string[];
  appointments: string[];
  refused: string[];
  unanswered: number;
}

/** One client: register a patient, book them; again, until the server stops answering. */
async function client(
  admin: HttpClient,
  ids: { providerId: string; appointmentTypeId: string },
  nextSlot: () => number,
  load: Load,
) {
  for (;;) {
    try {
      const patient = await admin.post('/api/patients', patientBody());
      if (patient.status !== 201) {
        load.refused.push(`patient ${patient.status} ${patient.body?.error?.code}`);
        continue;
      }
      load.patients.push(patient.body.id);
      const booked = await admin.post('/api/appointments', {
        ...ids,
        patientId: patient.body.id,
        start: slot(nextSlot()),
      });
      if (booked.status !== 201) load.refused.push(`appointment ${booked.status} ${booked.body?.error?.code}`);
      else load.appointments.push(booked.body.id);
    } catch {
      // The server is gone: a request in flight has no answer (its write may or may not be there).
      load.unanswered++;
      return;
    }
  }
}

describe('tend start killed with SIGKILL during a write load', () => {
  it('keeps every acknowledged write whole, and sends every notice once after the restart', async () => {
    server = await startTend(env);
    const { admin, ...ids } = await setUpClinic(server.url, smtp, 'crash-clinic.test');

    const load: Load = { patients: [], appointments: [], refused: [], unanswered: 0 };
    let slots = 0;
    const started = Date.now();
    const clients = Array.from({ length: CLIENTS }, () => client(admin, ids, () => slots++, load));
    // The kill lands after LOAD_MS, and once some appointments were acknowledged (a slow machine).
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    await waitFor(
      'appointments acknowledged',
      async () => load.appointments.length,
      (n) => n >= MIN_APPOINTMENTS,
      300_000,
    );
    const killedPid = server.child.pid;
    const killedAfter = Date.now() - started;
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    await Promise.all(clients);
    const deliveredBeforeKill = smtp.received.length;
    expect(load.refused).toEqual([]);
    expect(load.appointments.length).toBeGreaterThanOrEqual(MIN_APPOINTMENTS);

    // The dead process's lock is still in the embedded data folder; the restart takes it over.
    if (!pgServer) expect(JSON.parse(readFileSync(lockPath(data.dataDir), 'utf8')).pid).toBe(killedPid);
    const restartAt = Date.now();
    server = await startTend(env);
    const restartMs = Date.now() - restartAt;
    if (!pgServer) expect(JSON.parse(readFileSync(lockPath(data.dataDir), 'utf8')).pid).toBe(server.child.pid);

    const again = new HttpClient(server.url);
    const signIn = await again.post('/api/auth/sign-in', {
      email: 'ada@crash-clinic.test',
      password: 'unbroken quartz lantern',
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    const health = await again.get('/api/admin/health');
    expect(health.body.checks).toMatchObject({ database: 'ok', migrations: 'ok' });
    expect(health.body.details.migrations.applied).toBe(listMigrations().length);
    // Whatever the killed worker held is sent by the new one: on PostgreSQL when its lease ends.
    await waitFor(
      'the outbox drained',
      async () => (await again.get('/api/admin/health')).body.details.outbox,
      (outbox) => outbox.due === 0 && outbox.inDelivery === 0,
      pgServer ? 180_000 : 60_000,
    );

    // A graceful stop, then the database as it is on disk.
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    server = undefined;
    if (!pgServer) expect(existsSync(lockPath(data.dataDir))).toBe(false);
    const database: Database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: data.dataDir });
    try {
      const patients = new Set(
        (await queryRows<{ id: string }>(database.db, sql`SELECT id FROM patients`)).map((r) => r.id),
      );
      const appointments = await queryRows<{ id: string; booked: number; notices: number }>(
        database.db,
        sql`SELECT a.id,
                   (SELECT count(*)::int FROM audit_events e WHERE e.action = 'appointment.book' AND e.entity_id = a.id::text) AS booked,
                   (SELECT count(*)::int FROM messages m WHERE m.related_id = a.id AND m.kind = 'booked') AS notices
              FROM appointments a`,
      );
      const patientAudits = await queryRows<{ id: string }>(
        database.db,
        sql`SELECT p.id FROM patients p
             WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'patient.create' AND e.patient_id = p.id)`,
      );
      const notices = await queryRows<{ id: string; status: string; message_id: string | null }>(
        database.db,
        sql`SELECT id, status, message_id FROM messages WHERE kind = 'booked'`,
      );
      const applied = await queryRows<{ name: string }>(database.db, sql`SELECT name FROM tend_migrations`);

      // Every acknowledged write is there.
      const lostPatients = load.patients.filter((id) => !patients.has(id));
      const found = new Set(appointments.map((a) => a.id));
      const lostAppointments = load.appointments.filter((id) => !found.has(id));
      expect(lostPatients).toEqual([]);
      expect(lostAppointments).toEqual([]);
      // Nothing half-written: each appointment with its audit row and its notice, each patient with theirs.
      expect(appointments.filter((a) => a.booked !== 1 || a.notices !== 1)).toEqual([]);
      expect(patientAudits).toEqual([]);
      expect(applied.map((m) => m.name).sort()).toEqual(listMigrations().map((m) => m.name));

      // Every notice went out, each Message-ID received once but at most one: handed over before
      // the kill (its first copy) and sent again after it.
      expect(notices.filter((n) => n.status !== 'sent')).toEqual([]);
      const received = smtp.received.map((m) => String(m.parsed.messageId));
      const counts = new Map<string, number>();
      for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1);
      console.log(
        `[crash ${database.kind}] ${CLIENTS} clients killed after ${killedAfter} ms of load: ` +
          `acknowledged ${load.patients.length} patients + ${load.appointments.length} appointments, ` +
          `found ${patients.size} + ${appointments.length} (lost 0; ${load.unanswered} requests unanswered at the kill); ` +
          `notices: ${deliveredBeforeKill} delivered before the kill, ${received.length} in all, ` +
          `${counts.size} distinct, ${twice.length} twice; restart took ${restartMs} ms`,
      );
      expect(twice.length).toBeLessThanOrEqual(1);
      for (const [id] of twice) {
        expect(received.indexOf(id), 'the first copy came before the kill').toBeLessThan(deliveredBeforeKill);
        expect(received.lastIndexOf(id), 'the second after the restart').toBeGreaterThanOrEqual(deliveredBeforeKill);
        expect(counts.get(id)).toBe(2);
      }
      expect(counts.size).toBe(notices.length);
    } finally {
      await database.close();
    }

    // The audit chain verifies (the command opens the database itself).
    const verify = runTend(env, 'audit', 'verify');
    expect(verify.status, `${verify.stdout}\n${verify.stderr}`).toBe(0);
  }, 1_200_000);
});
