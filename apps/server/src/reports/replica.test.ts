import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openReadReplica, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthDetails } from '../health/service';
import { patientBody } from '../test/harness';
import { HttpClient, runTend, startTend, type TendProcess } from '../test/tend-process';
import { REPLICA_MAX_LAG_SECONDS, ReplicaReads } from './reads';

/**
 * The read replica (DATABASE_READ_URL), proven on a real streaming replica: the test makes its own
 * PostgreSQL primary (initdb) and a standby of it (pg_basebackup -R), runs the real `tend start`
 * with DATABASE_URL on the primary and DATABASE_READ_URL on the standby, and shows that reports
 * read the standby (its replay paused, a report keeps the old figures; resumed, the new ones),
 * that writes and the report's audit row go to the primary, and that with the standby stopped a
 * report still answers — from the primary — while admin health says the replica is unavailable;
 * with the standby frozen (nothing answers), health answers at once from its last check and then
 * says so too. A server that is not a standby serves no reports, even with `?options=` in the URL
 * its connections are read-only.
 * It runs whenever TEND_TEST_DATABASE_URL is set (the PostgreSQL run: Debian's PostgreSQL tools
 * are there); the embedded run proves the refusal of DATABASE_READ_URL without DATABASE_URL.
 */

const pgServer = process.env.TEND_TEST_DATABASE_URL;

if (!pgServer) {
  describe('DATABASE_READ_URL on the embedded database', () => {
    it('is refused when tend starts: a replica needs DATABASE_URL', () => {
      const folder = mkdtempSync(join(tmpdir(), 'tend-replica-'));
      try {
        const started = runTend(
          { TEND_DATA_DIR: folder, DATABASE_READ_URL: 'postgres://tend@127.0.0.1:5433/tend' },
          'start',
        );
        expect(started.status, `${started.error ?? ''}\n${started.stdout}\n${started.stderr}`).toBe(1);
        expect(started.stderr).toContain(
          'DATABASE_READ_URL is a read replica of a PostgreSQL server: set DATABASE_URL',
        );
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }, 120_000);
  });
}

/** PostgreSQL's own tools: /usr/lib/postgresql/<version>/bin, the one of TEND_TEST_DATABASE_URL's server. */
const PG_BIN = process.env.TEND_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** PostgreSQL refuses to run as root: as root its tools run as the postgres user. */
const asRoot = process.getuid?.() === 0;

function pgTool(tool: string, ...args: string[]): SpawnSyncReturns<string> {
  const [command, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]]
    : [join(PG_BIN, tool), args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${tool} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A cluster of the test's own in `folder/name`, listening on 127.0.0.1:`port`. */
function cluster(folder: string, name: string, port: number) {
  const dir = join(folder, name);
  return {
    dir,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/tend`,
    /** Settings after those copied by pg_basebackup, so a standby has its own port. */
    configure(settings: string) {
      writeFileSync(join(dir, 'postgresql.conf'), `${readFileSync(join(dir, 'postgresql.conf'), 'utf8')}\n${settings}`);
    },
    start: () => pgTool('pg_ctl', '-D', dir, '-l', join(folder, `${name}.log`), '-w', '-t', '60', 'start'),
    stop: () => pgTool('pg_ctl', '-D', dir, '-m', 'immediate', '-w', 'stop'),
    /**
     * Freezes (SIGSTOP) or thaws (SIGCONT) the server and all its processes: like a host that drops
     * packets, connections are accepted by the kernel and nothing answers.
     */
    signal(signal: 'SIGSTOP' | 'SIGCONT') {
      const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).stdout;
      for (const pid of [postmaster, ...children.split('\n').filter(Boolean).map(Number)]) process.kill(pid, signal);
    },
  };
}

async function sqlOn(url: string, text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  // A standby may end the connection after cancelling its query (a recovery conflict): the query's
  // own promise reports that.
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Resumes the standby's paused replay. The WAL replayed at once may remove row versions the
 * resuming statement's own snapshot could see: the standby then cancels it (40001, a recovery
 * conflict, immediate once the WAL has waited longer than max_standby_streaming_delay), though
 * replay did resume. Asked again until the standby says it is not paused.
 */
async function resumeReplay(url: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sqlOn(url, 'SELECT pg_wal_replay_resume()');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40001' || attempt === 5) throw error;
      const [{ paused }] = await sqlOn(url, 'SELECT pg_is_wal_replay_paused() AS paused');
      if (!paused) return;
    }
  }
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (pgServer) {
  describe('reports on a streaming read replica (DATABASE_READ_URL)', () => {
    let folder: string;
    let primary: ReturnType<typeof cluster>;
    let standby: ReturnType<typeof cluster>;
    let standbyRunning = false;
    let standbyFrozen = false;
    let primaryRunning = false;
    let server: TendProcess | undefined;

    beforeAll(async () => {
      folder = mkdtempSync(join(tmpdir(), 'tend-replica-'));
      if (asRoot) chownSync(folder, Number(spawnSync('id', ['-u', 'postgres']).stdout), 0);
      primary = cluster(folder, 'primary', await freePort());
      standby = cluster(folder, 'standby', await freePort());
      pgTool('initdb', '-D', primary.dir, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-instructions');
      // wal_level is `replica` by default; the standby streams over TCP from 127.0.0.1.
      primary.configure(
        `port = ${primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${folder}'\nfsync = off\nshared_buffers = 32MB\n`,
      );
      writeFileSync(
        join(primary.dir, 'pg_hba.conf'),
        `${readFileSync(join(primary.dir, 'pg_hba.conf'), 'utf8')}\nhost replication all 127.0.0.1/32 trust\n`,
      );
      primary.start();
      primaryRunning = true;
      await sqlOn(primary.url.replace(/\/tend$/, '/postgres'), 'CREATE DATABASE tend');
      // The standby: a copy of the primary that streams and replays its WAL (-R: standby.signal and
      // primary_conninfo), on its own port.
      pgTool(
        'pg_basebackup',
        ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', standby.dir],
        ...['-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'],
      );
      standby.configure(`port = ${standby.port}\n`);
      standby.start();
      standbyRunning = true;
      server = await startTend({
        TEND_DATA_DIR: join(folder, 'data'),
        TEND_BACKUP_DIR: join(folder, 'backups'),
        DATABASE_URL: primary.url,
        DATABASE_READ_URL: standby.url,
      });
    }, 120_000);

    afterAll(async () => {
      server?.child.kill('SIGKILL');
      await server?.exited;
      if (standbyFrozen) standby.signal('SIGCONT');
      for (const [running, c] of [
        [standbyRunning, standby],
        [primaryRunning, primary],
      ] as const) {
        if (running) {
          try {
            c.stop();
          } catch {
            // Already stopped.
          }
        }
      }
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    /** The standby has replayed everything the primary has written. */
    async function caughtUp() {
      await waitFor(
        'bytes of WAL the standby has not replayed',
        async () => {
          const [{ lsn }] = await sqlOn(primary.url, 'SELECT pg_current_wal_lsn()::text AS lsn');
          const [{ behind }] = await sqlOn(
            standby.url,
            `SELECT pg_wal_lsn_diff('${lsn}', pg_last_wal_replay_lsn())::bigint::text AS behind`,
          );
          return Number(behind);
        },
        (behind) => behind <= 0,
      );
    }

    /** A clinic with one provider working weekdays, and a way to book a patient into its i-th slot of 6 Jan 2031. */
    async function setUpClinic(url: string) {
      const admin = new HttpClient(url);
      const ok = (response: { status: number; body: unknown }, status = 201) => {
        expect(response.status, JSON.stringify(response.body)).toBe(status);
        return response.body as { id: string };
      };
      ok(
        await admin.post('/api/setup', {
          clinicName: 'Replica Clinic',
          timezone: 'America/New_York',
          adminName: 'Ada Admin',
          adminEmail: 'ada@replica-clinic.test',
          adminPassword: 'unbroken quartz lantern',
        }),
      );
      const location = ok(await admin.post('/api/locations', { name: 'Main', timezone: 'America/New_York' }));
      const provider = ok(await admin.post('/api/providers', { name: 'Dr Quinn' }));
      ok(
        await admin.put(`/api/providers/${provider.id}/working-hours`, {
          locationId: location.id,
          validFrom: '2030-12-01',
          blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '18:00' })),
        }),
        200,
      );
      const type = ok(
        await admin.post('/api/appointment-types', { name: 'Check-up', durationMinutes: 30, providerIds: [] }),
      );
      const book = async (slot: number) => {
        const patient = ok(await admin.post('/api/patients', patientBody()));
        // 6 Jan 2031 from 09:00 New York time (EST, UTC-5), every 30 minutes.
        const start = new Date(Date.UTC(2031, 0, 6, 14, 30 * slot)).toISOString();
        ok(
          await admin.post('/api/appointments', {
            providerId: provider.id,
            appointmentTypeId: type.id,
            patientId: patient.id,
            start,
          }),
        );
      };
      return { admin, book };
    }

    it('reads reports from the replica, writes to the primary, and reads the primary while the replica is down', async () => {
      if (!server) throw new Error('tend did not start');
      const { admin, book } = await setUpClinic(server.url);
      const range = 'from=2031-01-06&to=2031-01-10&group=day';
      const booked = async () => {
        const response = await admin.get(`/api/reports/appointments?${range}`);
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body.totals.total as number;
      };
      const auditedOnPrimary = async (action: string) =>
        (await sqlOn(primary.url, `SELECT count(*)::int AS n FROM audit_events WHERE action = '${action}'`))[0].n;
      const health = async () => {
        const response = await admin.get('/api/admin/health');
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body;
      };

      await book(0);
      await caughtUp();
      expect(await booked()).toBe(1);

      // Replay paused: the primary takes a booking the replica does not have, and reports do not show it.
      await sqlOn(standby.url, 'SELECT pg_wal_replay_pause()');
      await book(1);
      const reads = await auditedOnPrimary('report.read');
      const patientReads = await auditedOnPrimary('patient.read');
      expect(await booked(), server.output()).toBe(1);
      const rows = await admin.get(`/api/reports/appointments/rows?${range}&metric=all`);
      expect(rows.status, JSON.stringify(rows.body)).toBe(200);
      expect(rows.body.total).toBe(1);
      // …while the audit rows of those reads are written to the primary.
      expect(await auditedOnPrimary('report.read')).toBe(reads + 1);
      expect(await auditedOnPrimary('patient.read')).toBe(patientReads + 1);
      // Health goes by the replica's last check (every 5 s): the next one sees it behind, not too far.
      const paused = await waitFor(
        'the paused replica in admin health',
        async () => (await health()).details.replica,
        (replica) => replica.lagBytes > 0,
      );
      expect(paused).toMatchObject({ level: 'ok', available: true, standby: true, servesReports: true });

      // Replay resumed: once caught up, the report shows the new booking, and health no lag.
      await resumeReplay(standby.url);
      await caughtUp();
      expect(await booked()).toBe(2);
      await waitFor(
        'the replica lag in admin health',
        async () => (await health()).details.replica,
        (replica) => replica.lagBytes === 0 && replica.lagSeconds === 0,
      );

      expect(server.output()).not.toContain('the read replica is');

      // Replay paused for longer than REPLICA_MAX_LAG_SECONDS while the primary takes a booking: the
      // replica's figures are too old, so reports read the primary (and show it) until it catches up.
      await sqlOn(standby.url, 'SELECT pg_wal_replay_pause()');
      await book(2);
      const behind = await waitFor(
        'the replica too far behind in admin health',
        async () => (await health()).details.replica,
        (replica) => !replica.servesReports,
        (REPLICA_MAX_LAG_SECONDS + 20) * 1000,
      );
      expect(behind).toMatchObject({ level: 'warn', available: true, standby: true });
      expect(behind.lagSeconds).toBeGreaterThan(REPLICA_MAX_LAG_SECONDS);
      expect(await booked()).toBe(3);
      expect(server.output()).toContain('the read replica is too far behind: reports read the primary');
      await resumeReplay(standby.url);
      await caughtUp();
      await waitFor(
        'the caught-up replica in admin health',
        async () => (await health()).details.replica,
        (replica) => replica.servesReports && replica.lagSeconds === 0,
      );
      expect(await booked()).toBe(3);

      // Replica frozen (a host that drops packets): once a background check has timed out, health
      // says it is unavailable (health answers from the last check, never waiting on the replica),
      // and reports read the primary.
      standby.signal('SIGSTOP');
      standbyFrozen = true;
      const frozen = await waitFor(
        'the frozen replica in admin health',
        async () => (await health()).details.replica,
        (replica) => !replica.available,
      );
      expect(frozen).toMatchObject({ level: 'warn', servesReports: false });
      expect(frozen.error).toMatch(/timeout/i);
      await book(3);
      expect(await booked()).toBe(4);
      standby.signal('SIGCONT');
      standbyFrozen = false;
      await waitFor(
        'the thawed replica in admin health',
        async () => (await health()).details.replica,
        (replica) => replica.servesReports,
      );

      // Replica down: reports and the manager's dashboard still answer, from the primary (which has
      // the booking made since), and health says why.
      standby.stop();
      standbyRunning = false;
      await book(4);
      expect(await booked()).toBe(5);
      expect((await admin.get('/api/dashboard')).status).toBe(200);
      await waitFor(
        'the stopped replica in admin health',
        async () => (await health()).details.replica,
        (replica) => !replica.available,
      );
      const down = await health();
      expect(down.status).toBe('degraded');
      expect(down.checks.replica).toBe('warn');
      expect(down.details.replica).toMatchObject({
        level: 'warn',
        available: false,
        servesReports: false,
        lagSeconds: null,
      });
      expect(down.details.replica.error).toBeTruthy();
      expect(server.output()).toContain('the read replica is unavailable: reports read the primary');
    }, 120_000);

    it('does not read reports from a server that is not a standby, and its connections stay read-only with ?options= in the URL', async () => {
      // DATABASE_READ_URL naming the primary (as a promoted standby or a restored copy would be: not
      // in recovery, its data frozen), with options of its own in the URL.
      const database = await openDatabase({ databaseUrl: primary.url, poolSize: 1 });
      const notStandby = openReadReplica(`${primary.url}?options=-c%20work_mem%3D7MB`, database.db);
      const reads = new ReplicaReads(database.db, notStandby);
      const lines: string[] = [];
      const { log } = Fastify({ logger: { stream: { write: (line: string) => lines.push(line) } } });
      try {
        await reads.start(log);
        expect(await reads.run(log, async (db) => (db === notStandby.db ? 'replica' : 'primary'))).toBe('primary');
        const { details, checks } = await healthDetails(database, new Date(), reads);
        expect(checks.replica).toBe('warn');
        expect(details.replica).toMatchObject({ available: true, standby: false, servesReports: false });
        expect(lines.join('')).toContain(
          'the read replica is not a standby (DATABASE_READ_URL): reports read the primary',
        );

        // The URL's options apply, and still nothing can be written through the replica's pool.
        const [{ work_mem }] = await queryRows<{ work_mem: string }>(notStandby.db, sql`SHOW work_mem`);
        expect(work_mem).toBe('7MB');
        await expect(notStandby.db.execute(sql`CREATE TABLE written_on_replica (id int)`)).rejects.toMatchObject({
          cause: { message: 'cannot execute CREATE TABLE in a read-only transaction' },
        });
      } finally {
        await reads.stop();
        await notStandby.close();
        await database.close();
      }
    });
  });
}
