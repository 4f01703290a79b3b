import { type Database, openDatabase, queryRows, schema } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupScheduler } from '../backup/scheduler';
import { runCommand } from '../cli/commands';
import { loadConfig } from '../config';
import { checkSecretKey, secretKeyCheckValue } from '../email/secret-box';
import { startTestSmtpServer, type TestSmtpServer } from '../email/smtp-test-server';
import { patientBody } from '../test/harness';
import { HttpClient, setUpClinic, slot, startTend, type TendProcess, tendData, waitFor } from '../test/tend-process';

/**
 * Scale-out, the issue's proof: two real `tend start` processes against one PostgreSQL database
 * (started at once, so their migrations race too), used as a round-robin load balancer would use
 * them. Sessions, live updates, bookings, reminders and the scheduled jobs are shared through the
 * database: one session works on both, an event made on one reaches the screens of the other, a
 * slot is never booked twice, each reminder is delivered once, each daily job runs once. A server
 * with another secret key is refused. On the embedded database a second server on the same data
 * folder is refused instead (one process owns it).
 */

const pgServer = process.env.TEND_TEST_DATABASE_URL;
const DOMAIN = 'scale-clinic.test';
const PASSWORD = 'unbroken quartz lantern';
const KEY = 'scale-out-shared-key';

let data: Awaited<ReturnType<typeof tendData>>;
const servers: TendProcess[] = [];

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.exited));
  await data?.cleanup();
});

if (!pgServer) {
  describe('two tend start on one embedded data folder', () => {
    it('refuses the second with who holds the folder, and the first keeps serving', async () => {
      data = await tendData('scale');
      const first = await startTend({ ...data.env, TEND_SECRET_KEY: KEY });
      servers.push(first);
      const port = new URL(first.url).port;
      await expect(startTend({ ...data.env, TEND_SECRET_KEY: KEY })).rejects.toThrow(
        `Another Tend server (process ${first.child.pid}, port ${port}) is using the data folder ${data.dataDir}. Stop it first, or use another TEND_DATA_DIR.`,
      );
      expect((await new HttpClient(first.url).get('/api/health')).status).toBe(200);
    }, 900_000);
  });
} else {
  describe('two tend start on one PostgreSQL database', () => {
    let smtp: TestSmtpServer;
    let env: Record<string, string>;
    let one: TendProcess;
    let two: TendProcess;
    let ids: { providerId: string; appointmentTypeId: string };
    let database: Database;
    const patients: string[] = [];

    beforeAll(async () => {
      smtp = await startTestSmtpServer({ security: 'none' });
      data = await tendData('scale');
      env = { ...data.env, TEND_SECRET_KEY: KEY, TEND_EMAIL_MODE: 'auto', TEND_OUTBOX_INTERVAL_MS: '200' };
      // Both at once on the empty database: the migrations take turns.
      [one, two] = await Promise.all([startTend(env), startTend(env)]);
      servers.push(one, two);
      const { admin, ...rest } = await setUpClinic(one.url, smtp, DOMAIN);
      ids = rest;
      // An email reminder a day before each appointment (made due below), and the evening downtime kit.
      const rules = await admin.put('/api/reminder-rules', { rules: [{ channel: 'email', minutesBefore: 1440 }] });
      expect(rules.status, JSON.stringify(rules.body)).toBe(200);
      for (let i = 0; i < 26; i++) {
        const created = await admin.post('/api/patients', patientBody());
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        patients.push(created.body.id);
      }
      database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    }, 900_000);
    afterAll(async () => {
      await database?.close();
      await smtp?.close();
    });

    async function signIn(url: string): Promise<HttpClient> {
      const client = new HttpClient(url);
      const signedIn = await client.post('/api/auth/sign-in', { email: `ada@${DOMAIN}`, password: PASSWORD });
      expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
      return client;
    }

    it('shares sessions: signed in on one, the cookie works on the other; signed out on the other, it ends on both', async () => {
      const onOne = await signIn(one.url);
      const onTwo = onOne.at(two.url);
      expect((await onTwo.get('/api/auth/session')).body).toMatchObject({ user: { email: `ada@${DOMAIN}` } });
      // A change on the second server carries the CSRF token issued by the first.
      expect((await onTwo.post('/api/patients', patientBody())).status).toBe(201);
      expect((await onTwo.post('/api/auth/sign-out')).status).toBe(204);
      expect((await onOne.get('/api/auth/session')).status).toBe(401);
    });

    /** The live-update stream of a server, collecting the appointment ids it announces. */
    async function openEvents(client: HttpClient) {
      const abort = new AbortController();
      const response = await fetch(`${client.base}/api/events`, {
        headers: client.cookieHeader(),
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      const seen: string[] = [];
      const reading = (async () => {
        const decoder = new TextDecoder();
        let text = '';
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            text += decoder.decode(chunk, { stream: true });
            for (const [, json] of text.matchAll(/^data: (.+)$/gm)) {
              const event = JSON.parse(json);
              if (event.kind === 'appointment' && !seen.includes(event.appointmentId)) seen.push(event.appointmentId);
            }
          }
        } catch {
          // Aborted at the end of the test.
        }
      })();
      return {
        seen,
        async close() {
          abort.abort();
          await reading;
        },
      };
    }

    it('passes live updates across servers, books each slot once under concurrency, and one of a contended slot', async () => {
      const a = await signIn(one.url);
      const b = a.at(two.url);
      const streams = [await openEvents(a), await openEvents(b)];
      const book = (client: HttpClient, patientId: string, at: number) =>
        client.post('/api/appointments', { ...ids, patientId, start: slot(at) });

      // One booked through each server: each event reaches both servers' screens.
      const first = await book(a, patients[0], 0);
      const second = await book(b, patients[1], 1);
      expect([first.status, second.status]).toEqual([201, 201]);
      for (const stream of streams) {
        await waitFor(
          'both events on both streams',
          async () => stream.seen,
          (seen) => seen.length >= 2,
          30_000,
        );
        expect(stream.seen).toEqual(expect.arrayContaining([first.body.id, second.body.id]));
      }
      await Promise.all(streams.map((stream) => stream.close()));

      // Sixteen distinct slots, alternately through the two servers, and eight patients after one slot from both.
      const results = await Promise.all([
        ...patients.slice(2, 18).map((patientId, i) => book(i % 2 ? b : a, patientId, 10 + i)),
        ...patients.slice(18, 26).map((patientId, i) => book(i % 2 ? b : a, patientId, 40)),
      ]);
      const distinct = results.slice(0, 16);
      const contended = results.slice(16);
      expect(distinct.map((r) => r.status)).toEqual(Array(16).fill(201));
      expect(contended.filter((r) => r.status === 201)).toHaveLength(1);
      expect(contended.filter((r) => r.status !== 201).map((r) => r.status)).toEqual(Array(7).fill(409));

      const overlaps = await queryRows<{ n: number }>(
        database.db,
        sql`SELECT count(*)::int AS n FROM appointments x JOIN appointments y
              ON x.provider_id = y.provider_id AND x.id < y.id
             AND tstzrange(x.start_at, x.end_at) && tstzrange(y.start_at, y.end_at)
           WHERE x.status NOT IN ('cancelled', 'no_show') AND y.status NOT IN ('cancelled', 'no_show')`,
      );
      expect(overlaps[0].n).toBe(0);
      const [{ n: booked }] = await queryRows<{ n: number }>(
        database.db,
        sql`SELECT count(*)::int AS n FROM appointments`,
      );
      expect(booked).toBe(19);
    }, 900_000);

    it('delivers every booking notice and reminder exactly once, both outbox workers delivering', async () => {
      type Message = { id: string; kind: string; status: string; claimed_by: string | null };
      const messages = () =>
        queryRows<Message>(database.db, sql`SELECT id, kind, status, claimed_by FROM messages ORDER BY id`);
      const sent = (rows: Message[]) => rows.every((row) => row.status === 'sent');
      // The booking notices go as the appointments are booked; the reminders wait for 2031.
      const queued = await waitFor(
        'every notice sent',
        messages,
        (rows) => sent(rows.filter((row) => row.kind !== 'reminder')),
        120_000,
      );
      const reminders = queued.filter((row) => row.kind === 'reminder');
      expect(reminders.map((row) => row.status)).toEqual(Array(19).fill('queued'));
      // Time passes: the reminders become due now — half of them while only the second server runs
      // (the first stopped: SIGSTOP), the rest while only the first does, so that each worker
      // delivers some whichever polls faster. Nothing is due or claimed when a server is stopped, and
      // the workers' statements hold no lock between round trips, so the other is never kept waiting.
      const workers: string[] = [];
      for (const [stopped, ids] of [
        [one, reminders.slice(0, 10).map((row) => row.id)],
        [two, reminders.slice(10).map((row) => row.id)],
      ] as const) {
        stopped.child.kill('SIGSTOP');
        try {
          await queryRows(
            database.db,
            sql`UPDATE messages SET send_after = now() WHERE id = ANY(${`{${ids.join(',')}}`}::uuid[])`,
          );
          const delivered = await waitFor(
            'the reminders made due sent',
            async () => (await messages()).filter((row) => ids.includes(row.id)),
            sent,
            120_000,
          );
          const by = [...new Set(delivered.map((row) => row.claimed_by))];
          expect(by).toHaveLength(1);
          workers.push(by[0] as string);
        } finally {
          stopped.child.kill('SIGCONT');
        }
      }
      // Two workers, one per server: each delivered its half.
      expect(new Set(workers).size).toBe(2);
      const all = await messages();
      expect(all).toHaveLength(2 * 19); // a notice and a reminder per appointment
      expect(sent(all)).toBe(true);
      // A few more passes of both workers: nothing is sent again.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const counts = new Map<string, number>();
      for (const mail of smtp.received) {
        const id = String(mail.parsed.messageId);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
      expect(counts.size).toBe(all.length);
      expect(smtp.received).toHaveLength(all.length);
      const claimedBy = new Set(all.map((row) => row.claimed_by)).size;
      console.log(`[scale-out] ${all.length} messages delivered once each by ${claimedBy} outbox worker(s)`);
    }, 900_000);

    it('runs the daily downtime kit once across the two servers', async () => {
      const manager = await signIn(two.url);
      const saved = await manager.put('/api/settings/downtime-print', { enabled: true, time: '00:00' });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      // The day is claimed (lastPrintedOn) before the PDFs are made, the audit row written after
      // them (over a second under load): wait for the row.
      const printed = async () =>
        (
          await queryRows<{ n: number }>(
            database.db,
            sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'downtime.print'`,
          )
        )[0].n;
      await waitFor('the evening kit written', printed, (n) => n > 0, 60_000);
      expect((await manager.get('/api/settings/downtime-print')).body.lastPrintedOn).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // No appointment in the coming days: the kit names no patient and writes one audit row.
      expect(await printed()).toBe(1);
    }, 120_000);

    it('takes scheduled backups in turns: two schedulers due at once write one backup', async () => {
      const other = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
      const config = {
        backupDir: `${data.dataDir}-backups`,
        databaseUrl: env.DATABASE_URL,
        backupIntervalMinutes: 60,
        backupKeep: 5,
      };
      const written: string[] = [];
      const onError = (error: unknown) => written.push(`error: ${(error as Error).message}`);
      const schedulers = [database, other].map((db) =>
        startBackupScheduler(db, config, { checkEveryMs: 50, onError, onBackup: ({ file }) => written.push(file) }),
      );
      try {
        await waitFor(
          'a backup',
          async () => written.length,
          (n) => n > 0,
          60_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
        await other.close();
      }
      expect(written).toHaveLength(1);
      const runs = await queryRows<{ status: string }>(
        database.db,
        sql`SELECT status FROM backup_runs WHERE kind = 'scheduled'`,
      );
      expect(runs.map((run) => run.status)).toEqual(['ok']);
    }, 120_000);

    it('lets one server at a time warm the report rollups (the others skip it)', async () => {
      let release: (value?: undefined) => void = () => undefined;
      const held = new Promise<undefined>((resolve) => {
        release = resolve;
      });
      let taken: (value?: undefined) => void = () => undefined;
      const lockTaken = new Promise<undefined>((resolve) => {
        taken = resolve;
      });
      const other = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
      try {
        const first = database.withLockOrSkip('tend:warm-report-rollups', async () => {
          taken();
          await held;
          return 'warmed';
        });
        await lockTaken;
        expect(await other.withLockOrSkip('tend:warm-report-rollups', async () => 'warmed twice')).toBeUndefined();
        release();
        expect(await first).toBe('warmed');
        expect(await other.withLockOrSkip('tend:warm-report-rollups', async () => 'warmed later')).toBe('warmed later');
      } finally {
        await other.close();
      }
    });

    it('refuses a server with another secret key, until the database is told to adopt it', async () => {
      const wrong = { ...env, TEND_SECRET_KEY: 'another-key-entirely' };
      await expect(startTend(wrong)).rejects.toThrow(
        /This server's secret key, from TEND_SECRET_KEY, is not the key this database was first used with .* set the same TEND_SECRET_KEY/,
      );
      // `tend secret-key adopt` (in this process: starting one more costs seconds) makes the new key the database's.
      const source = { secretKey: wrong.TEND_SECRET_KEY, dataDir: data.dataDir };
      expect(await runCommand(database, ['secret-key', 'adopt'], { ...loadConfig(wrong), ...source })).toContain(
        'The database now takes this server’s secret key',
      );
      const [stored] = await database.db.select().from(schema.secretKeyCheck);
      expect(stored.checkValue).toBe(secretKeyCheckValue(source));
      // Now the two running servers' key is the stranger: a server started with it would be refused.
      await expect(checkSecretKey(database.db, { secretKey: KEY, dataDir: data.dataDir })).rejects.toThrow(
        /is not the key this database was first used with/,
      );
    }, 900_000);
  });
}
