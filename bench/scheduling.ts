import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Database, migrate, openDatabase, queryRows } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/http/app';
import { busySql } from '../apps/server/src/scheduling/repository';
import { withCsrf } from '../apps/server/src/test/harness';
import { addDays, type GeneratedClinic, generateClinic, prng, todayIn } from './generate';
import { type LatencyStats, latencyStats } from './stats';

/**
 * Scheduling benchmark (issue 3): open slots for one provider over 30 days, "next available"
 * across all providers, and booking throughput with concurrent clients, on PostgreSQL (a fresh
 * database, dropped afterwards) or, with --embedded, on PGlite in memory.
 *
 * Latencies are server time: the wall time of `app.inject`, i.e. the whole Fastify request
 * (routing, validation, session check, queries, serialisation) without the network.
 *
 *   npm run bench                      # PostgreSQL at TEND_BENCH_DATABASE_URL
 *   npm run bench -- --embedded        # PGlite in memory
 */

const { values: args } = parseArgs({
  options: {
    embedded: { type: 'boolean', default: false },
    seed: { type: 'string', default: '20300107' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    clients: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
  },
});
const SEED = Number(args.seed);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const CLIENTS = Number(args.clients);
const BOOKING_MS = Number(args.seconds) * 1000;
const SERVER_URL = process.env.TEND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DAY = 86_400_000;
const MINUTE = 60_000;
const TARGET_P95_MS = 25;
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

interface BookingStats {
  clients: number;
  seconds: number;
  attempted: number;
  booked: number;
  refused: number;
  failed: number;
  perSecond: number;
  latency: LatencyStats;
  doubleBookings: number;
  bookedRowsMatch: boolean;
}

interface ExplainResult {
  query: string;
  plan: string[];
  indexes: string[];
  executionMs: number | null;
}

async function timedInject(
  app: FastifyInstance,
  options: { method: 'GET' | 'POST'; url: string; cookie: string; payload?: object },
): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const response = await app.inject({
    method: options.method,
    url: options.url,
    headers: withCsrf(options.method, { cookie: options.cookie }),
    ...(options.payload ? { payload: options.payload } : {}),
  });
  return { ms: performance.now() - started, status: response.statusCode, body: response.body };
}

/** Sequential requests: `warmup` unmeasured, then `requests` measured. */
async function measure(
  app: FastifyInstance,
  cookie: string,
  urlOf: (i: number) => string,
  check: (body: string) => void,
): Promise<LatencyStats> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const { ms, status, body } = await timedInject(app, { method: 'GET', url: urlOf(i), cookie });
    if (status !== 200) throw new Error(`GET ${urlOf(i)} → ${status} ${body}`);
    if (i === WARMUP) check(body);
    if (i >= WARMUP) samples.push(ms);
  }
  return latencyStats(samples);
}

/** Distinct, non-overlapping free slots of `minutes` in the free gaps, then on the free days after the data. */
function freeSlots(clinic: GeneratedClinic, minutes: number, timezone: string, wanted: number): Slot[] {
  const notBefore = Date.now() + 60 * MINUTE;
  const slots: Slot[] = [];
  const length = minutes * MINUTE;
  for (const gap of clinic.freeGaps) {
    for (let start = Math.max(gap.start, notBefore); start + length <= gap.end; start += length) {
      slots.push({ providerId: gap.providerId, start });
    }
  }
  // Days after the generated data are empty: enough room for any run.
  for (let date = addDays(clinic.lastDate, 1); slots.length < wanted; date = addDays(date, 1)) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const providerId of clinic.providerIds) {
      for (const block of clinic.workingBlocks) {
        const from = zonedTimeToInstant(date, block.start, timezone);
        const to = zonedTimeToInstant(date, block.end, timezone);
        for (let start = from; start + length <= to; start += length) slots.push({ providerId, start });
      }
    }
  }
  return slots;
}

interface Slot {
  providerId: string;
  start: number;
}

async function bookingThroughput(
  app: FastifyInstance,
  database: Database,
  clinic: GeneratedClinic,
  cookie: string,
  timezone: string,
): Promise<BookingStats> {
  const type = clinic.types.find((t) => t.name === 'Cleaning') ?? clinic.types[0];
  const random = prng(SEED + 1);
  const slots = freeSlots(clinic, type.durationMinutes + type.bufferAfterMinutes, timezone, 40_000);
  // Shuffle (seeded), then deal round robin: each client owns distinct slots, spread over providers.
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  const before = await activeCount(database, clinic.clinicId);
  const latencies: number[] = [];
  let booked = 0;
  let refused = 0;
  let failed = 0;
  let firstFailure = '';
  const started = performance.now();
  const deadline = started + BOOKING_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let k = client; k < slots.length && performance.now() < deadline; k += CLIENTS) {
        const slot = slots[k];
        const { ms, status, body } = await timedInject(app, {
          method: 'POST',
          url: '/api/appointments',
          cookie,
          payload: {
            patientId: clinic.patientIds[Math.floor(random() * clinic.patientIds.length)],
            providerId: slot.providerId,
            appointmentTypeId: type.id,
            start: new Date(slot.start).toISOString(),
            allowPatientOverlap: true,
          },
        });
        latencies.push(ms);
        if (status === 201) booked++;
        else if (status === 409) refused++;
        else {
          failed++;
          firstFailure ||= `${status} ${body}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (firstFailure) console.warn(`booking failures, first: ${firstFailure}`);
  const after = await activeCount(database, clinic.clinicId);
  return {
    clients: CLIENTS,
    seconds: Math.round(seconds * 100) / 100,
    attempted: latencies.length,
    booked,
    refused,
    failed,
    perSecond: Math.round((booked / seconds) * 10) / 10,
    latency: latencyStats(latencies),
    doubleBookings: await doubleBookings(database, clinic.clinicId),
    bookedRowsMatch: after - before === booked,
  };
}

async function activeCount(database: Database, clinicId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM appointments
        WHERE clinic_id = ${clinicId} AND status NOT IN ('cancelled', 'no_show')`,
  );
  return row.n;
}

/**
 * Active appointments of one provider whose held time ([start, buffer end)) overlaps an earlier
 * one's: each provider's appointments in start order, compared with the latest end before them.
 */
async function doubleBookings(database: Database, clinicId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM (
          SELECT start_at, max(buffer_end_at) OVER (
            PARTITION BY provider_id ORDER BY start_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
          ) AS previous_end
          FROM appointments
          WHERE clinic_id = ${clinicId} AND status NOT IN ('cancelled', 'no_show')
        ) held
        WHERE start_at < previous_end`,
  );
  return row.n;
}

/** EXPLAIN ANALYZE of the queries the slot search runs (the busy-time query is the server's own). */
async function explainSlotQueries(database: Database, clinic: GeneratedClinic): Promise<ExplainResult[]> {
  const from = new Date(Date.now() - DAY);
  const to30 = new Date(Date.now() + 31 * DAY);
  const to7 = new Date(Date.now() + 8 * DAY);
  const one = clinic.providerIds[0];
  const all = sql.join(
    clinic.providerIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const queries: { name: string; query: ReturnType<typeof sql> }[] = [
    {
      name: 'busy of 1 provider, 30 days (GET /api/slots)',
      query: busySql(clinic.clinicId, [one], from, to30),
    },
    {
      name: 'busy of 20 providers, 7 days (GET /api/slots/next, per week searched)',
      query: busySql(clinic.clinicId, clinic.providerIds, from, to7),
    },
    {
      name: 'schedule versions of 20 providers',
      query: sql`SELECT * FROM provider_schedules WHERE clinic_id = ${clinic.clinicId} AND provider_id IN (${all})`,
    },
    {
      name: 'time off of 20 providers and the clinic',
      query: sql`SELECT * FROM time_off WHERE clinic_id = ${clinic.clinicId}
          AND (provider_id IN (${all}) OR provider_id IS NULL)
          AND start_at < ${to7.toISOString()}::timestamptz AND end_at > ${from.toISOString()}::timestamptz`,
    },
    {
      name: 'extra hours of 20 providers',
      query: sql`SELECT * FROM provider_extra_hours WHERE clinic_id = ${clinic.clinicId} AND provider_id IN (${all})
          AND start_at < ${to7.toISOString()}::timestamptz AND end_at > ${from.toISOString()}::timestamptz`,
    },
  ];
  const results: ExplainResult[] = [];
  for (const { name, query } of queries) {
    const rows = await queryRows<{ 'QUERY PLAN': string }>(
      database.db,
      sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query}`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']);
    const indexes = [
      ...new Set(
        plan.flatMap((line) => [...line.matchAll(/Index (?:Only )?Scan (?:using|on) (\w+)/g)].map((m) => m[1])),
      ),
    ];
    const execution = plan.find((line) => line.startsWith('Execution Time'));
    results.push({
      query: name,
      plan,
      indexes,
      executionMs: execution ? Number(execution.replace(/[^\d.]/g, '')) : null,
    });
  }
  return results;
}

async function openBenchDatabase(): Promise<{ database: Database; label: string; drop: () => Promise<void> }> {
  if (args.embedded) {
    const database = await openDatabase({});
    await migrate(database);
    return { database, label: 'embedded (PGlite, in memory)', drop: () => database.close() };
  }
  const { default: pg } = await import('pg');
  const name = `tend_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const [{ server_version: version }] = (await admin.query<{ server_version: string }>('SHOW server_version')).rows;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  // The server's own default pool size (openDatabase without poolSize), as `tend start` uses.
  const database = await openDatabase({ databaseUrl: url.toString() });
  const drop = async () => {
    await database.close();
    const dropper = new pg.Client({ connectionString: SERVER_URL });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  };
  try {
    await migrate(database);
  } catch (error) {
    await drop();
    throw error;
  }
  return { database, label: `PostgreSQL ${version}`, drop };
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '—';
}

async function main() {
  const { database, label, drop } = await openBenchDatabase();
  const timezone = 'America/New_York';
  try {
    console.log(`Database: ${label}`);
    const clinic = await generateClinic(database, { seed: SEED, timezone });
    console.log(
      `Generated ${clinic.providerIds.length} providers, ${clinic.types.length} appointment types, ` +
        `${clinic.patientIds.length} patients, ${clinic.appointments} appointments ` +
        `(${clinic.firstDate} … ${clinic.lastDate}) in ${(clinic.millis / 1000).toFixed(1)} s`,
    );
    if (database.kind === 'postgres') await database.db.execute(sql`ANALYZE`);

    const config = { ...loadConfig({}), port: 0 };
    const app = await buildApp({ database, config, cliSecret: null }, { logLevel: false });
    await app.ready();
    try {
      const signIn = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: clinic.admin });
      const session = signIn.cookies.find((c) => c.name === 'tend_session');
      if (signIn.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${signIn.statusCode}`);
      const cookie = `tend_session=${session.value}`;
      const cleaning = clinic.types.find((t) => t.name === 'Cleaning') ?? clinic.types[0];

      // Open slots of one provider over the next 30 days (providers in turn).
      const tomorrow = addDays(todayIn(timezone), 1);
      const from = new Date(zonedTimeToInstant(tomorrow, '00:00', timezone)).toISOString();
      const to = new Date(zonedTimeToInstant(addDays(tomorrow, 30), '00:00', timezone)).toISOString();
      let slotCount = 0;
      const slots = await measure(
        app,
        cookie,
        (i) =>
          `/api/slots?appointmentTypeId=${cleaning.id}&providerId=${clinic.providerIds[i % clinic.providerIds.length]}` +
          `&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
        (body) => {
          slotCount = (JSON.parse(body) as { items: unknown[] }).items.length;
        },
      );
      console.log(`GET /api/slots (1 provider, 30 days): ${slotCount} slots in the first measured answer`);

      // Next available across all providers who offer the type (types in turn).
      let firstNext = '';
      const next = await measure(
        app,
        cookie,
        (i) => `/api/slots/next?appointmentTypeId=${clinic.types[i % clinic.types.length].id}`,
        (body) => {
          firstNext = body;
        },
      );
      console.log(`GET /api/slots/next: first measured answer ${firstNext}`);

      const explain = database.kind === 'postgres' ? await explainSlotQueries(database, clinic) : [];
      const booking = await bookingThroughput(app, database, clinic, cookie, timezone);

      const result = {
        benchmark: 'scheduling',
        date: new Date().toISOString(),
        database: label,
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? 'unknown',
          memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
          node: process.version,
        },
        data: {
          seed: SEED,
          providers: clinic.providerIds.length,
          appointmentTypes: clinic.types.map((t) => `${t.name} ${t.durationMinutes}+${t.bufferAfterMinutes} min`),
          patients: clinic.patientIds.length,
          appointments: clinic.appointments,
          from: clinic.firstDate,
          to: clinic.lastDate,
          generateSeconds: Math.round(clinic.millis / 100) / 10,
        },
        targetP95Ms: TARGET_P95_MS,
        slots30Days: { ...slots, slotsReturned: slotCount },
        nextAvailable: next,
        booking,
        explain,
      };
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = `${RESULTS_DIR}scheduling-${args.embedded ? 'embedded' : 'postgres'}-${result.date.replace(/[:.]/g, '-')}.json`;
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

      const met = (p95: number) => (p95 < TARGET_P95_MS ? 'yes' : '**no**');
      console.log(`
### Scheduling — ${label}

| Scenario | Requests | p50 ms | p95 ms | p99 ms | mean ms | p95 < ${TARGET_P95_MS} ms |
| --- | ---: | ---: | ---: | ---: | ---: | :---: |
| \`GET /api/slots\` 1 provider, 30 days | ${slots.requests} | ${fmt(slots.p50)} | ${fmt(slots.p95)} | ${fmt(slots.p99)} | ${fmt(slots.mean)} | ${met(slots.p95)} |
| \`GET /api/slots/next\` across ${clinic.providerIds.length} providers | ${next.requests} | ${fmt(next.p50)} | ${fmt(next.p95)} | ${fmt(next.p99)} | ${fmt(next.mean)} | ${met(next.p95)} |
| \`POST /api/appointments\`, ${booking.clients} clients | ${booking.attempted} | ${fmt(booking.latency.p50)} | ${fmt(booking.latency.p95)} | ${fmt(booking.latency.p99)} | ${fmt(booking.latency.mean)} | — |

Booking: **${booking.perSecond} bookings/s** (${booking.booked} booked, ${booking.refused} refused, ${booking.failed} failed in ${booking.seconds} s); double bookings found by SQL: **${booking.doubleBookings}**; new active rows = bookings: ${booking.bookedRowsMatch ? 'yes' : '**no**'}.
Data: ${clinic.providerIds.length} providers, ${clinic.patientIds.length} patients, ${clinic.appointments} appointments, generated in ${(clinic.millis / 1000).toFixed(1)} s.
${explain.map((e) => `- ${e.query}: ${e.indexes.join(', ') || 'no index'} (${e.executionMs ?? '?'} ms)`).join('\n')}
Results: ${file}`);
      if (booking.doubleBookings > 0 || booking.failed > 0 || !booking.bookedRowsMatch) process.exitCode = 1;
    } finally {
      await app.close();
    }
  } finally {
    await drop();
  }
}

await main();
