import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Database, migrate, openDatabase, openReadReplica, queryRows } from '@tend/db';
import type { Role } from '@tend/domain';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/http/app';
import { ReplicaReads } from '../apps/server/src/reports/reads';
import { withCsrf } from '../apps/server/src/test/harness';
import { generateNetwork, NETWORK_OPTIONS } from './network';
import { type BenchContext, contextOf, ENDPOINTS, type Endpoint } from './report-endpoints';

/**
 * Report benchmark (issue 7): a clinic network's history (`network` profile of `bench/network.ts`:
 * 5 locations, 50 providers, 2 years) on PostgreSQL, then the server time of each endpoint in
 * ENDPOINTS of `report-endpoints.ts` (warm-up, then N requests one at a time with `app.inject`; p50/p95/max).
 *
 *   npm run bench:reports                    # new database tend_bench_<random>, dropped at the end
 *   npm run bench:reports -- --keep          # keep it (its name is printed) to measure again later
 *   npm run bench:reports -- --reuse <db>    # measure a kept database again, without generating
 *   npm run bench:reports -- --reuse <db> --read-url <replica's URL of db>   # reports read a replica
 */

const { values: args } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    seed: { type: 'string', default: String(NETWORK_OPTIONS.seed) },
    requests: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
    /** Stop measuring an endpoint after this many seconds (slow ones), with at least 3 requests. */
    'max-seconds': { type: 'string', default: '60' },
    /** Smaller networks for a quick try: days of history and patients. */
    'days-back': { type: 'string', default: String(NETWORK_OPTIONS.daysBack) },
    patients: { type: 'string', default: String(NETWORK_OPTIONS.patients) },
    only: { type: 'string' },
    /** DATABASE_READ_URL: a streaming replica of the bench database, which the reports read. */
    'read-url': { type: 'string' },
  },
});
const SEED = Number(args.seed);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const MAX_MS = Number(args['max-seconds']) * 1000;
const SERVER_URL = process.env.TEND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

interface LatencyStats {
  requests: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: samples.length,
    p50: round(at(50)),
    p95: round(at(95)),
    max: round(sorted[sorted.length - 1]),
    mean: round(samples.reduce((sum, n) => sum + n, 0) / samples.length),
  };
}

async function measure(app: FastifyInstance, cookie: string, endpoint: Endpoint, ctx: BenchContext) {
  const samples: number[] = [];
  let bytes = 0;
  let spent = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const url = endpoint.url(ctx, i);
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url, headers: { cookie } });
    const ms = performance.now() - started;
    if (response.statusCode !== 200)
      throw new Error(`GET ${url} → ${response.statusCode} ${response.body.slice(0, 500)}`);
    if (i < WARMUP) {
      // A slow endpoint is warm after one request.
      if (ms > 5_000) i = WARMUP - 1;
      continue;
    }
    samples.push(ms);
    bytes += response.body.length;
    spent += ms;
    if (spent > MAX_MS && samples.length >= 3) break;
  }
  return { ...stats(samples), meanKiB: Math.round(bytes / samples.length / 1024) };
}

interface BenchDatabase {
  database: Database;
  name: string;
  serverVersion: string;
  drop: () => Promise<void>;
}

async function openBenchDatabase(): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const [{ server_version: serverVersion }] = (await admin.query<{ server_version: string }>('SHOW server_version'))
    .rows;
  const name = args.reuse ?? `tend_bench_${randomBytes(6).toString('hex')}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`--reuse takes a database name (letters, digits, _): ${name}`);
  if (!args.reuse) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  await migrate(database);
  const drop = async () => {
    await database.close();
    if (args.keep || args.reuse) return;
    const dropper = new pg.Client({ connectionString: SERVER_URL });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  };
  return { database, name, serverVersion, drop };
}

const COUNTED = [
  'locations',
  'providers',
  'patients',
  'coverages',
  'appointments',
  'encounters',
  'encounter_services',
  'charges',
  'payments',
  'allocations',
  'adjustments',
];

/** The data set as it is in the database: row counts, statuses, money. */
async function describeData(database: Database, clinicId: string) {
  const counts: Record<string, number> = {};
  for (const table of COUNTED) {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE clinic_id = ${clinicId}`,
    );
    counts[table] = row.n;
  }
  const statuses = await queryRows<{ status: string; n: number }>(
    database.db,
    sql`SELECT status, count(*)::int AS n FROM appointments WHERE clinic_id = ${clinicId} GROUP BY status ORDER BY n DESC`,
  );
  const [timing] = await queryRows<Record<string, number | string>>(
    database.db,
    sql`SELECT min(start_at)::date::text AS first, max(start_at)::date::text AS last,
          count(*) FILTER (WHERE status = 'cancelled' AND cancelled_at > start_at - interval '24 hours')::int AS late_cancels,
          round(100.0 * count(*) FILTER (WHERE started_at <= start_at + interval '5 minutes')
            / nullif(count(*) FILTER (WHERE started_at IS NOT NULL), 0), 1)::float AS on_time_pct
        FROM appointments WHERE clinic_id = ${clinicId}`,
  );
  const [money] = await queryRows<Record<string, number>>(
    database.db,
    sql`SELECT (SELECT sum(amount_cents) FROM charges WHERE clinic_id = ${clinicId})::float AS charged_cents,
          (SELECT sum(amount_cents) FROM payments WHERE clinic_id = ${clinicId})::float AS paid_cents,
          (SELECT count(*) FROM payments WHERE clinic_id = ${clinicId} AND reverses_id IS NOT NULL)::int AS refunds`,
  );
  return { counts, statuses: Object.fromEntries(statuses.map((s) => [s.status, s.n])), ...timing, ...money };
}

async function main() {
  const bench = await openBenchDatabase();
  const { database } = bench;
  const adminEmail = `bench-network-${SEED}@clinic.test`;
  let generateSeconds: number | null = null;
  try {
    console.log(`Database: ${bench.name} on PostgreSQL ${bench.serverVersion}${args.reuse ? ' (reused)' : ''}`);
    if (!args.reuse) {
      const network = await generateNetwork(database, {
        seed: SEED,
        daysBack: Number(args['days-back']),
        patients: Number(args.patients),
        connections: 3,
        progress: (line) => console.log(line),
      });
      generateSeconds = Math.round(network.millis / 100) / 10;
      const analyzeStarted = performance.now();
      await database.db.execute(sql`ANALYZE`);
      console.log(`ANALYZE in ${((performance.now() - analyzeStarted) / 1000).toFixed(1)} s`);
    }
    const [clinic] = await queryRows<{ clinic_id: string; today: string; timezone: string }>(
      database.db,
      sql`SELECT u.clinic_id, (now() AT TIME ZONE c.timezone)::date::text AS today, c.timezone
          FROM users u JOIN clinics c ON c.id = u.clinic_id WHERE lower(u.email) = ${adminEmail}`,
    );
    if (!clinic) throw new Error(`No network of seed ${SEED} in ${bench.name} (${adminEmail} not found)`);
    const data = await describeData(database, clinic.clinic_id);
    console.log(JSON.stringify(data));
    const ctx = await contextOf(database, clinic.clinic_id, clinic.today);

    const config = { ...loadConfig({}), port: 0 };
    const readReplica = args['read-url'] ? openReadReplica(args['read-url'], database.db) : undefined;
    const replica = readReplica ? new ReplicaReads(database.db, readReplica) : undefined;
    let replicaStatus: ReturnType<ReplicaReads['status']> | null = null;
    const app = await buildApp(
      { database, config, cliSecret: null, ...(replica ? { replica } : {}) },
      { logLevel: false },
    );
    await app.ready();
    // Reports go by the replica's last check (every 5 s in the background): the first one first.
    await replica?.start(app.log);
    const results: (Awaited<ReturnType<typeof measure>> & { name: string; targetMs: number; met: boolean })[] = [];
    const failures: { name: string; error: string }[] = [];
    try {
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email: adminEmail, password: 'bench-admin-password-123' },
      });
      const session = signIn.cookies.find((c) => c.name === 'tend_session');
      if (signIn.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${signIn.statusCode}`);
      const adminCookie = `tend_session=${session.value}`;
      /** A session of a bench account with this role (created by the administrator the first time). */
      const cookies = new Map<Role, string>();
      const cookieAs = async (role: Role | undefined): Promise<string> => {
        if (!role || role === 'admin') return adminCookie;
        const known = cookies.get(role);
        if (known) return known;
        const email = `bench-${role}-${SEED}@clinic.test`;
        const password = 'bench-staff-password-123';
        await app.inject({
          method: 'POST',
          url: '/api/users',
          headers: withCsrf('POST', { cookie: adminCookie }),
          payload: { email, name: `Bench ${role}`, role, password },
        }); // 409 when a reused database has it already
        const signedIn = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password } });
        const own = signedIn.cookies.find((c) => c.name === 'tend_session');
        if (signedIn.statusCode !== 200 || !own) throw new Error(`sign-in as ${role} failed: ${signedIn.statusCode}`);
        cookies.set(role, `tend_session=${own.value}`);
        return `tend_session=${own.value}`;
      };
      for (const endpoint of ENDPOINTS) {
        if (args.only && !endpoint.name.includes(args.only)) continue;
        try {
          const measured = await measure(app, await cookieAs(endpoint.as), endpoint, ctx);
          const row = {
            name: endpoint.name,
            targetMs: endpoint.targetMs,
            ...measured,
            met: measured.p95 < endpoint.targetMs,
          };
          results.push(row);
          console.log(
            `${endpoint.name}: p50 ${row.p50} ms, p95 ${row.p95} ms, max ${row.max} ms (${row.requests} requests, ${row.meanKiB} KiB) ${row.met ? 'ok' : 'SLOW'}`,
          );
        } catch (error) {
          // An endpoint that fails on this data is a result too; the others are still measured.
          const message = error instanceof Error ? error.message : String(error);
          failures.push({ name: endpoint.name, error: message });
          console.log(`${endpoint.name}: FAILED ${message.slice(0, 300)}`);
        }
      }
    } finally {
      await app.close();
      // Where the reports read (lag, or why the primary answered instead), for the result.
      replicaStatus = replica?.status() ?? null;
      await replica?.stop();
      await readReplica?.close();
    }

    const result = {
      benchmark: 'reports',
      date: new Date().toISOString(),
      database: `PostgreSQL ${bench.serverVersion}`,
      readReplica: replicaStatus,
      databaseName: bench.name,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
      },
      seed: SEED,
      generateSeconds,
      data,
      warmup: WARMUP,
      requests: REQUESTS,
      results,
      failures,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = `${RESULTS_DIR}reports-${result.date.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`
| Endpoint | Requests | p50 ms | p95 ms | max ms | target | met |
| --- | ---: | ---: | ---: | ---: | ---: | :---: |
${results.map((r) => `| \`${r.name}\` | ${r.requests} | ${r.p50} | ${r.p95} | ${r.max} | < ${r.targetMs} ms | ${r.met ? 'yes' : '**no**'} |`).join('\n')}
${failures.map((f) => `| \`${f.name}\` | failed: ${f.error.slice(0, 120).replace(/\|/g, '/')} | | | | | **no** |`).join('\n')}

Results: ${file}`);
    if (args.keep) console.log(`Kept: measure again with npm run bench:reports -- --reuse ${bench.name}`);
  } finally {
    await bench.drop();
  }
}

await main();
