import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Database, migrate, openDatabase, queryRows } from '@tend/db';
import { type Role, zonedTimeToInstant } from '@tend/domain';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { HttpClient, startTend, type TendProcess } from '../apps/server/src/test/tend-process';
import { addDays, isoWeekday, todayIn } from './generate';
import { generateNetwork, NETWORK_OPTIONS, type NetworkOptions } from './network';
import { type BenchContext, contextOf, ENDPOINTS } from './report-endpoints';
import { percentile } from './stats';

/**
 * The benchmark harness (issue 10): one command generates (or reuses) a seeded data set, starts the
 * real server (`tend start`, a child process) on it, drives load over loopback HTTP with keep-alive
 * from this process (the load generator shares the machine with the server and the database), and
 * reports each scenario's throughput and p50/p95/p99 latency as seen by the client, then the
 * physical limit in the same run (pgbench on the same PostgreSQL), the server's memory and, on the
 * embedded database, the time from start to ready.
 *
 *   npm run bench -- --size solo|clinic|network [--embedded] [--keep] [--reuse <database or data folder>]
 */

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'clinic' },
    embedded: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    seed: { type: 'string', default: String(NETWORK_OPTIONS.seed) },
    requests: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    'report-requests': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    visits: { type: 'string', default: '30' },
  },
});

/** Sizes: generator options on top of the network profile (5 working days a week, 10 hours a day). */
const SIZES: Record<string, Partial<NetworkOptions>> = {
  solo: { locations: 1, providersPerLocation: 1, daysBack: 3 * 365, daysAhead: 28, patients: 3_000 },
  clinic: { locations: 2, providersPerLocation: 10, daysBack: 2 * 365, daysAhead: 28, patients: 20_000 },
  // ≈32 appointment rows a provider-day (≈26 visits and the cancelled bookings before some of them)
  // × 250 providers × ~1,250 working days (4.8 years) ≈ 10M appointments (docs/performance.md, "Sizes").
  network: { locations: 50, providersPerLocation: 5, daysBack: 1_720, daysAhead: 28, patients: 1_000_000 },
};
const CHART_VISITS = 500;
const size = args.size ?? 'clinic';
if (!SIZES[size]) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, not "${size}".`);
if (size === 'network' && args.embedded) {
  throw new Error('The network size is PostgreSQL-only: the embedded database is a laptop database.');
}
const SEED = Number(args.seed);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const REPORT_REQUESTS = Number(args['report-requests']);
const BOOKING_MS = Number(args.seconds) * 1000;
const VISITS = Number(args.visits);
const CONTENDED_CLIENTS = 200;
const SERVER_URL = process.env.TEND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const TIMEZONE = NETWORK_OPTIONS.timezone;
const ADMIN = { email: `bench-network-${SEED}@clinic.test`, password: 'bench-admin-password-123' };
const STAFF_PASSWORD = 'bench-staff-password-123';
const MINUTE = 60_000;
/** The network profile's working blocks (bench/network.ts). */
const BLOCKS = [
  { start: '07:30', end: '12:30' },
  { start: '13:00', end: '18:00' },
];

// ---------------------------------------------------------------------------------------------
// Measurement

interface Scenario {
  name: string;
  clients: number;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The server process's CPU time (user + system) per request: its cost, whatever the machine's load. */
  cpuMsPerRequest?: number;
  /** This load generator's own CPU time per request (it shares the machine's cores with the server). */
  clientCpuMsPerRequest?: number;
  /** Anything else worth knowing (statuses, rows checked). */
  note?: string;
}

/** The server child's pid, once started. */
let serverPid = 0;

/** CPU time (user + system, ms) the server process has used so far, from /proc/<pid>/stat. */
function serverCpuMs(): number {
  if (!serverPid) return 0;
  const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the name), in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time (ms) used so far by the server process and by this load generator. */
function cpuNow(): { server: number; client: number } {
  const { user, system } = process.cpuUsage();
  return { server: serverCpuMs(), client: (user + system) / 1000 };
}

function withCpu(result: Scenario, before: { server: number; client: number }): Scenario {
  const now = cpuNow();
  result.cpuMsPerRequest = round((now.server - before.server) / (result.requests || 1));
  result.clientCpuMsPerRequest = round((now.client - before.client) / (result.requests || 1), 2);
  return result;
}

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

function summarise(name: string, clients: number, samples: number[], errors: number, ms: number): Scenario {
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    name,
    clients,
    requests: samples.length,
    errors,
    seconds: round(ms / 1000, 2),
    perSecond: round((samples.length - errors) / (ms / 1000)),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** One request timed from the client: loopback HTTP, keep-alive (HttpClient's agent). */
async function timed(client: HttpClient, method: string, path: string, body?: unknown) {
  const started = performance.now();
  const response = await client.call(method, path, body);
  return { ...response, ms: performance.now() - started };
}

/** `warmup` unmeasured then `requests` measured, one at a time; a non-200 is an error. */
async function sequential(
  name: string,
  client: HttpClient,
  requests: number,
  request: (i: number) => { method?: string; path: string; body?: unknown },
  ok: (status: number) => boolean = (status) => status === 200,
): Promise<Scenario> {
  const samples: number[] = [];
  let errors = 0;
  let first = '';
  let spent = 0;
  let cpu = cpuNow();
  for (let i = 0; i < WARMUP + requests; i++) {
    if (i === WARMUP) cpu = cpuNow();
    const { method = 'GET', path, body } = request(i);
    const response = await timed(client, method, path, body);
    if (i < WARMUP) continue;
    samples.push(response.ms);
    spent += response.ms;
    if (!ok(response.status)) {
      errors++;
      first ||= `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
    }
  }
  const result = withCpu(summarise(name, 1, samples, errors, spent), cpu);
  if (first) result.note = `first error: ${first}`;
  log(result);
  return result;
}

/** The server's own count of its memory (Admin → System health), polled every 2 s while it runs. */
interface HeapSample {
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}
let heapNow: HeapSample | null = null;
let heapTotalMaxMb = 0;

function pollHeap(admin: HttpClient): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const res = await admin.get('/api/admin/health').catch(() => null);
      if (res?.status === 200) {
        heapNow = res.body.details.server as HeapSample;
        heapTotalMaxMb = Math.max(heapTotalMaxMb, heapNow.heapTotalMb);
      }
      // Unref'd: a run that fails before it stops polling still exits.
      await new Promise((resolve) => setTimeout(resolve, 2000).unref());
    }
  })();
  return () => {
    stopped = true;
  };
}

/**
 * The server's resident set now (anonymous memory and mapped files, such as node's own code) and
 * its peak so far (MB), with V8's heap as last polled: to tell which scenario raised the peak, and
 * whether the heap or memory outside it did.
 */
function serverMemory(): string {
  if (!serverPid) return '';
  const status = readFileSync(`/proc/${serverPid}/status`, 'utf8');
  const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  const heap = heapNow
    ? `; heap ${heapNow.heapUsedMb} MB in use of ${heapNow.heapTotalMb}, external ${heapNow.externalMb}`
    : '';
  return `; server RSS ${mb('VmRSS')} MB (anonymous ${mb('RssAnon')}, files ${mb('RssFile')}), peak ${mb('VmHWM')} MB${heap}`;
}

function log(s: Scenario) {
  console.log(
    `${s.name}: ${s.requests} requests, ${s.errors} errors, ${s.perSecond}/s, p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, server CPU ${s.cpuMsPerRequest ?? '?'} ms/request, bench ${s.clientCpuMsPerRequest ?? '?'} ms/request${s.note ? ` — ${s.note}` : ''}${serverMemory()}`,
  );
}

/** The server child's memory (kB → MB) from /proc, sampled while it runs. */
function memorySampler(pid: number) {
  let maxRss = 0;
  const read = (field: string) => {
    try {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${field}:`));
      return line ? Math.round(Number(line.replace(/\D/g, '')) / 1024) : 0;
    } catch {
      return 0;
    }
  };
  const timer = setInterval(() => {
    maxRss = Math.max(maxRss, read('VmRSS'));
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return { maxRssMB: Math.max(maxRss, read('VmRSS')), hwmMB: read('VmHWM') };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Data

interface Target {
  label: string;
  /** The PostgreSQL database's name, or the embedded data folder. */
  name: string;
  url: string | null;
  dataDir: string;
  reused: boolean;
  open: () => Promise<Database>;
  cleanup: () => Promise<void>;
}

async function target(): Promise<Target> {
  const scratch = mkdtempSync(join(tmpdir(), 'tend-bench-'));
  if (args.embedded) {
    // A new data folder of its own (not in the scratch folder): --keep keeps it for --reuse.
    const dataDir = args.reuse ?? mkdtempSync(join(tmpdir(), `tend-bench-${size}-`));
    return {
      label: 'embedded (PGlite)',
      name: dataDir,
      url: null,
      dataDir,
      reused: Boolean(args.reuse),
      open: () => openDatabase({ dataDir }),
      async cleanup() {
        if (!args.keep && !args.reuse) rmSync(dataDir, { recursive: true, force: true });
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const [{ server_version: version }] = (await admin.query<{ server_version: string }>('SHOW server_version')).rows;
  const name = args.reuse ?? `tend_bench_${randomBytes(6).toString('hex')}`;
  if (!args.reuse) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    label: `PostgreSQL ${version}`,
    name,
    url: url.toString(),
    dataDir: join(scratch, 'data'),
    reused: Boolean(args.reuse),
    open: () => openDatabase({ databaseUrl: url.toString(), poolSize: 4 }),
    async cleanup() {
      rmSync(scratch, { recursive: true, force: true });
      if (args.keep || args.reuse) return;
      const dropper = new pg.Client({ connectionString: SERVER_URL });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

interface Prepared {
  clinicId: string;
  today: string;
  counts: Record<string, number>;
  ctx: BenchContext;
  chart: { patientId: string; signedVisits: number };
  providers: { id: string; locationId: string }[];
  typeId: string;
  typeMinutes: number;
  serviceIds: string[];
  search: { fragment: string; phone: string; birthDate: string }[];
  /** Local date after the last appointment: bookings go on the working days from here. */
  firstFreeDate: string;
  activeBefore: number;
  generateSeconds: number | null;
}

async function prepare(database: Database, reused: boolean): Promise<Prepared> {
  let generateSeconds: number | null = null;
  if (!reused) {
    const network = await generateNetwork(database, {
      ...SIZES[size],
      seed: SEED,
      chartVisits: CHART_VISITS,
      // Locations at once, each on its own connection (PostgreSQL); the embedded database has one.
      connections: database.kind === 'postgres' ? 3 : 1,
      progress: (line) => console.log(line),
    });
    generateSeconds = round(network.millis / 1000);
    console.log(`Generated in ${generateSeconds} s: ${JSON.stringify(network.counts)}`);
    await database.db.execute(sql`ANALYZE`);
  }
  const [clinic] = await queryRows<{ clinic_id: string }>(
    database.db,
    sql`SELECT clinic_id FROM users WHERE lower(email) = ${ADMIN.email}`,
  );
  if (!clinic) throw new Error(`No bench data of seed ${SEED} here (${ADMIN.email} not found).`);
  const clinicId = clinic.clinic_id;
  const today = todayIn(TIMEZONE);
  const counts: Record<string, number> = {};
  for (const table of ['providers', 'patients', 'appointments', 'encounters', 'charges', 'payments']) {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE clinic_id = ${clinicId}`,
    );
    counts[table] = row.n;
  }
  const [chart] = await queryRows<{ id: string; n: number }>(
    database.db,
    sql`SELECT p.id, (SELECT count(*)::int FROM encounters e WHERE e.patient_id = p.id AND e.status = 'signed') AS n
        FROM patients p WHERE p.clinic_id = ${clinicId} AND p.mrn = '100001'`,
  );
  const providers = await queryRows<{ id: string; locationId: string }>(
    database.db,
    sql`SELECT provider_id AS id, location_id AS "locationId" FROM provider_schedules
        WHERE clinic_id = ${clinicId} ORDER BY provider_id`,
  );
  const [type] = await queryRows<{ id: string; minutes: number }>(
    database.db,
    sql`SELECT id, duration_minutes AS minutes FROM appointment_types WHERE clinic_id = ${clinicId} AND name = 'Treatment'`,
  );
  const services = await queryRows<{ id: string }>(
    database.db,
    sql`SELECT id FROM services WHERE clinic_id = ${clinicId} ORDER BY code LIMIT 3`,
  );
  const people = await queryRows<{ family_name: string; search_phones: string; birth_date: string }>(
    database.db,
    sql`SELECT family_name, search_phones, birth_date::text FROM patients
        WHERE clinic_id = ${clinicId} AND mrn > '100001' ORDER BY mrn LIMIT 50`,
  );
  const [last] = await queryRows<{ last: string; active: number }>(
    database.db,
    sql`SELECT (max(start_at) AT TIME ZONE ${TIMEZONE})::date::text AS last,
          count(*) FILTER (WHERE status NOT IN ('cancelled', 'no_show'))::int AS active
        FROM appointments WHERE clinic_id = ${clinicId}`,
  );
  return {
    clinicId,
    today,
    counts,
    ctx: await contextOf(database, clinicId, today),
    chart: { patientId: chart.id, signedVisits: chart.n },
    providers,
    typeId: type.id,
    typeMinutes: type.minutes,
    serviceIds: services.map((s) => s.id),
    search: people.map((p, i) => ({
      fragment: p.family_name.slice(0, 3 + (i % 3)),
      phone: p.search_phones.slice(-7),
      birthDate: p.birth_date,
    })),
    // After the last appointment, and never in the past (a partly generated data set ends there).
    firstFreeDate: [addDays(last.last, 1), addDays(today, 1)].sort()[1],
    activeBefore: last.active,
    generateSeconds,
  };
}

/** Distinct free slots of the booking type on the working days from `from`, providers interleaved. */
function slotsFrom(data: Prepared, from: string, wanted: number): { providerId: string; start: number }[] {
  const slots: { providerId: string; start: number }[] = [];
  for (let date = from; slots.length < wanted; date = addDays(date, 1)) {
    if (isoWeekday(date) > 5) continue;
    for (const block of BLOCKS) {
      const end = zonedTimeToInstant(date, block.end, TIMEZONE);
      for (let start = zonedTimeToInstant(date, block.start, TIMEZONE); start + data.typeMinutes * MINUTE <= end; ) {
        for (const provider of data.providers) slots.push({ providerId: provider.id, start });
        start += data.typeMinutes * MINUTE;
      }
    }
  }
  return slots;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function signedIn(url: string, email: string, password: string): Promise<HttpClient> {
  const client = new HttpClient(url);
  const response = await client.post('/api/auth/sign-in', { email, password });
  if (response.status !== 200)
    throw new Error(`sign-in as ${email}: ${response.status} ${JSON.stringify(response.body)}`);
  return client;
}

/** A bench account of this role (made by the administrator the first time; 409 when reused). */
async function staff(url: string, admin: HttpClient, role: Role): Promise<{ client: HttpClient; userId: string }> {
  const email = `bench-${role}-${SEED}@clinic.test`;
  await admin.post('/api/users', { email, name: `Bench ${role}`, role, password: STAFF_PASSWORD });
  const client = await signedIn(url, email, STAFF_PASSWORD);
  const me = await client.get('/api/auth/session');
  return { client, userId: (me.body as { user: { id: string } }).user.id };
}

/**
 * Many clients at once (one session: the keep-alive agent opens a connection per request in
 * flight), until the deadline or the work runs out.
 */
async function concurrent(
  name: string,
  clients: number,
  work: number,
  deadlineMs: number,
  request: (k: number) => Promise<{ status: number; ms: number; body: unknown }>,
  ok: (status: number) => boolean,
) {
  const samples: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let first = '';
  const cpu = cpuNow();
  const started = performance.now();
  const deadline = started + deadlineMs;
  // The monotonic clock V8's CPU profiles use: bench/cpu-profile.ts --window picks this run out.
  const window = [process.hrtime.bigint() / 1000n];
  // Each request takes the next k, so the ks used are exactly 0 … issued − 1 whatever each
  // client's pace (a fixed stride per client left gaps and reached past them).
  let issued = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < work && performance.now() < deadline) {
        const response = await request(issued++);
        samples.push(response.ms);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (!ok(response.status)) {
          errors++;
          first ||= `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
        }
      }
    }),
  );
  const result = withCpu(summarise(name, clients, samples, errors, performance.now() - started), cpu);
  window.push(process.hrtime.bigint() / 1000n);
  console.log(`${name}: monotonic µs window ${window.join(' ')}`);
  return { result, statuses, first, issued };
}

async function scenarios(url: string, data: Prepared) {
  const results: Scenario[] = [];
  const checks: string[] = [];
  const failures: string[] = [];
  const admin = await signedIn(url, ADMIN.email, ADMIN.password);
  const stopPolling = pollHeap(admin);

  // Register patient: random letters for names (names refuse digits), unlike each other and every
  // generated patient, so the duplicate check (name trigrams, birth date, phone) finds no candidate.
  const phoneStart = randomBytes(3).readUIntBE(0, 3);
  const word = (length: number) =>
    [...randomBytes(length)].map((byte, k) => String.fromCharCode((k ? 97 : 65) + (byte % 26))).join('');
  results.push(
    await sequential(
      'POST /api/patients (register)',
      admin,
      REQUESTS,
      (i) => ({
        method: 'POST',
        path: '/api/patients',
        body: {
          givenName: word(7),
          familyName: word(9),
          birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
          sex: i % 2 ? 'female' : 'male',
          // Generated phones are +1 617 …: another area code never matches one (a possible duplicate);
          // numbers from a random start, so a run on reused data does not meet an earlier run's.
          phone: `+1212${2_000_000 + ((phoneStart + i) % 8_000_000)}`,
        },
      }),
      (status) => status === 201,
    ),
  );

  // Search by name fragment, phone digits, date of birth.
  const s = data.search;
  for (const [kind, q] of [
    ['name fragment', (i: number) => s[i % s.length].fragment],
    ['phone', (i: number) => s[i % s.length].phone],
    ['date of birth', (i: number) => s[i % s.length].birthDate],
  ] as const) {
    results.push(
      await sequential(`GET /api/patients?q=<${kind}>`, admin, REQUESTS, (i) => ({
        path: `/api/patients?q=${encodeURIComponent(q(i))}`,
      })),
    );
  }

  // The provider's own account (signs visits; opens the chart's clinical tab).
  const doctor = await staff(url, admin, 'provider');
  const doctorProvider = data.providers[0].id;
  await admin.call('PATCH', `/api/providers/${doctorProvider}`, { userId: doctor.userId });

  // Open the chart with 500 visits: the requests the web app's chart page (clinical tab) makes.
  const p = data.chart.patientId;
  const chartRequests = [
    `/api/patients/${p}`,
    `/api/patients/${p}/clinical-access`,
    `/api/encounters?patientId=${p}`,
    '/api/providers',
    `/api/patients/${p}/chart`,
    `/api/patients/${p}/vitals`,
  ];
  const eachChart = new Map<string, number[]>(chartRequests.map((path) => [path, []]));
  const wholeChart: number[] = [];
  let chartErrors = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    // As the browser: the patient and the access check first, then the tab's four in parallel.
    const started = performance.now();
    const first = await Promise.all(chartRequests.slice(0, 2).map((path) => timed(doctor.client, 'GET', path)));
    const rest = await Promise.all(chartRequests.slice(2).map((path) => timed(doctor.client, 'GET', path)));
    const whole = performance.now() - started;
    if (i < WARMUP) continue;
    wholeChart.push(whole);
    for (const [k, response] of [...first, ...rest].entries()) {
      eachChart.get(chartRequests[k])?.push(response.ms);
      if (response.status !== 200) chartErrors++;
    }
  }
  const listed = await doctor.client.get(`/api/encounters?patientId=${p}`);
  const visitsShown = (listed.body as { items: unknown[] }).items?.length ?? 0;
  const chartWhole = summarise(
    `Chart page, ${data.chart.signedVisits} signed visits (all ${chartRequests.length} requests)`,
    1,
    wholeChart,
    chartErrors,
    wholeChart.reduce((a, b) => a + b, 0),
  );
  chartWhole.note = `${visitsShown} visits listed`;
  log(chartWhole);
  results.push(chartWhole);
  for (const [path, samples] of eachChart) {
    const one = summarise(
      `  GET ${path.replace(p, ':id')}`,
      1,
      samples,
      0,
      samples.reduce((a, b) => a + b, 0),
    );
    log(one);
    results.push(one);
  }

  // Open slots: one provider, 30 days; "next available" across 50 providers (all when fewer).
  const tomorrow = addDays(data.today, 1);
  const from = new Date(zonedTimeToInstant(tomorrow, '00:00', TIMEZONE)).toISOString();
  const to = new Date(zonedTimeToInstant(addDays(tomorrow, 30), '00:00', TIMEZONE)).toISOString();
  results.push(
    await sequential('GET /api/slots, 1 provider, 30 days', admin, REQUESTS, (i) => ({
      path: `/api/slots?appointmentTypeId=${data.typeId}&providerId=${data.providers[i % data.providers.length].id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    })),
  );
  // "Next available" across every provider who offers the type (the issue's 50; all of them when fewer).
  results.push(
    await sequential(`GET /api/slots/next, all ${data.providers.length} providers`, admin, REQUESTS, () => ({
      path: `/api/slots/next?appointmentTypeId=${data.typeId}`,
    })),
  );

  // Booking: distinct slots (32, then 128 clients), then 200 clients on one slot.
  const wanted = 60_000;
  const slots = slotsFrom(data, data.firstFreeDate, wanted);
  const contendedSlot = slots.shift();
  let next = 0;
  let booked = 0;
  const patientIds = data.ctx.patientIds;
  const book = (client: HttpClient, slot: { providerId: string; start: number }, k: number) =>
    timed(client, 'POST', '/api/appointments', {
      patientId: patientIds[k % patientIds.length],
      providerId: slot.providerId,
      appointmentTypeId: data.typeId,
      start: new Date(slot.start).toISOString(),
      allowPatientOverlap: true,
    });
  for (const clients of [32, 128]) {
    const offset = next;
    const { result, statuses, first, issued } = await concurrent(
      `POST /api/appointments, ${clients} clients, distinct slots`,
      clients,
      slots.length - offset,
      BOOKING_MS,
      (k) => book(admin, slots[offset + k], k),
      (status) => status === 201,
    );
    next = offset + issued;
    booked += statuses[201] ?? 0;
    result.note = `statuses ${JSON.stringify(statuses)}${first ? `; first error: ${first}` : ''}`;
    log(result);
    results.push(result);
    if (result.errors) failures.push(`${result.name}: ${result.errors} not booked (${first})`);
  }
  if (!contendedSlot) throw new Error('no slot');
  const contended = await concurrent(
    `POST /api/appointments, ${CONTENDED_CLIENTS} clients, one slot`,
    CONTENDED_CLIENTS,
    CONTENDED_CLIENTS,
    60_000,
    (k) => book(admin, contendedSlot, k),
    (status) => status === 201 || status === 409,
  );
  const won = contended.statuses[201] ?? 0;
  const refused = contended.statuses[409] ?? 0;
  contended.result.note = `${won} booked, ${refused} refused with 409`;
  contended.result.perSecond = round(contended.result.requests / contended.result.seconds);
  log(contended.result);
  results.push(contended.result);
  booked += won;
  checks.push(`contended booking: ${won} × 201, ${refused} × 409 of ${CONTENDED_CLIENTS}`);
  if (won !== 1 || refused !== CONTENDED_CLIENTS - 1) {
    failures.push(
      `contended booking: expected exactly one 201 and ${CONTENDED_CLIENTS - 1} × 409, got ${JSON.stringify(contended.statuses)}`,
    );
  }
  const conflict = await admin.call('POST', '/api/appointments', {
    patientId: patientIds[1],
    providerId: contendedSlot.providerId,
    appointmentTypeId: data.typeId,
    start: new Date(contendedSlot.start).toISOString(),
    allowPatientOverlap: true,
  });
  checks.push(`a 409's message: ${JSON.stringify((conflict.body as { message?: string })?.message ?? conflict.body)}`);

  // Sign a visit with 3 services (walk-in opened and coded first, not measured), then post payments.
  const signSamples: number[] = [];
  const charges: { id: string; patientId: string; patientCents: number }[] = [];
  let signErrors = 0;
  let signFirst = '';
  const signStarted = performance.now();
  let signSpent = 0;
  for (let i = 0; i < WARMUP + VISITS; i++) {
    const patientId = patientIds[(i * 7919 + 11) % patientIds.length];
    const opened = await doctor.client.post('/api/encounters', { patientId, providerId: doctorProvider });
    const visit = opened.body as { id: string; version: number };
    const coded = await doctor.client.call('PATCH', `/api/encounters/${visit.id}`, {
      version: visit.version,
      diagnoses: [{ code: 'J06.9' }],
      services: data.serviceIds.map((serviceId) => ({ serviceId, diagnosisPointers: [1] })),
    });
    if (coded.status !== 200) throw new Error(`coding a visit: ${coded.status} ${JSON.stringify(coded.body)}`);
    const signed = await timed(doctor.client, 'POST', `/api/encounters/${visit.id}/sign`);
    if (i >= WARMUP) {
      signSamples.push(signed.ms);
      signSpent += signed.ms;
    }
    if (signed.status !== 200) {
      signErrors++;
      signFirst ||= `${signed.status} ${JSON.stringify(signed.body).slice(0, 300)}`;
      continue;
    }
    const lines = await admin.get(`/api/charges?encounterId=${visit.id}`);
    for (const charge of (lines.body as { items: { id: string; patientCents: number }[] }).items) {
      charges.push({ id: charge.id, patientId, patientCents: charge.patientCents });
    }
  }
  const sign = summarise('POST /api/encounters/:id/sign (3 services)', 1, signSamples, signErrors, signSpent);
  sign.note = `${((performance.now() - signStarted) / 1000).toFixed(1)} s with opening and coding${signFirst ? `; first error: ${signFirst}` : ''}`;
  log(sign);
  results.push(sign);
  const payable = charges.filter((c) => c.patientCents > 0);
  results.push(
    await sequential(
      'POST /api/payments (patient, allocated to a charge)',
      admin,
      Math.min(REQUESTS, payable.length - WARMUP),
      (i) => {
        const charge = payable[i];
        const amount = Math.min(charge.patientCents, 500);
        return {
          method: 'POST',
          path: '/api/payments',
          body: {
            source: 'patient',
            patientId: charge.patientId,
            method: 'card',
            amountCents: amount,
            receivedOn: data.today,
            allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: amount }],
          },
        };
      },
      (status) => status === 201,
    ),
  );

  // Each report (the report benchmark's endpoints).
  const roles = new Map<Role, HttpClient>();
  for (const endpoint of ENDPOINTS) {
    let client = admin;
    if (endpoint.as && endpoint.as !== 'admin') {
      const known = roles.get(endpoint.as) ?? (await staff(url, admin, endpoint.as)).client;
      roles.set(endpoint.as, known);
      client = known;
    }
    const result = await sequential(endpoint.name, client, REPORT_REQUESTS, (i) => ({
      path: endpoint.url(data.ctx, i),
    }));
    results.push(result);
    if (result.errors) failures.push(`${endpoint.name}: ${result.note}`);
  }
  stopPolling();
  return { results, checks, failures, booked, slotsUsed: next };
}

// ---------------------------------------------------------------------------------------------
// The physical limit: pgbench on the same PostgreSQL

/**
 * One Tend booking's statements as the server sends them (captured with log_statement = all for one
 * POST /api/appointments, in order; the full-row selects as SELECT *), against the bench database's
 * own tables. The slot comes from a helper table by a sequence (one extra statement Tend does not
 * run), so every transaction books a distinct slot.
 */
const BOOKING_SCRIPT = `
SELECT id AS a_id, provider_id, location_id, start_at, end_at FROM bench_pgbench_slots WHERE n = (SELECT nextval('bench_pgbench_seq')) \\gset
SELECT s.*, u.*, c.idle_timeout_minutes, c.mfa_required_roles, c.is_training, s.parent_session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sessions p JOIN users pu ON pu.id = p.user_id WHERE p.id = s.parent_session_id AND p.revoked_at IS NULL AND p.expires_at > now() AND pu.active) FROM sessions s JOIN users u ON u.id = s.user_id JOIN clinics c ON c.id = s.clinic_id WHERE s.id = :session;
SELECT * FROM patients WHERE id = :patient AND clinic_id = :clinic;
SELECT t.*, array(SELECT provider_id::text FROM appointment_type_providers WHERE appointment_type_id = t.id) FROM appointment_types t WHERE id = :type AND clinic_id = :clinic;
SELECT * FROM providers WHERE id = :provider_id AND clinic_id = :clinic;
SELECT * FROM provider_schedules WHERE clinic_id = :clinic AND provider_id IN (:provider_id);
SELECT * FROM provider_extra_hours WHERE clinic_id = :clinic AND provider_id IN (:provider_id) AND start_at < :end_at::timestamptz + interval '1 day' AND end_at > :start_at::timestamptz - interval '1 day';
SELECT * FROM time_off WHERE clinic_id = :clinic AND (provider_id IN (:provider_id) OR provider_id IS NULL) AND start_at < :end_at::timestamptz + interval '1 day' AND end_at > :start_at::timestamptz - interval '1 day';
SELECT id, timezone FROM locations WHERE clinic_id = :clinic;
BEGIN;
SELECT p.*, c.*, l.*, pr.*, t.*, now() FROM patients p JOIN clinics c ON c.id = p.clinic_id JOIN locations l ON l.id = :location_id JOIN providers pr ON pr.id = :provider_id JOIN appointment_types t ON t.id = :type WHERE p.id = :patient;
SELECT * FROM reminder_rules WHERE clinic_id = :clinic AND active = true;
SELECT clinic_id, kind, channel, language, subject, body, updated_at, updated_by FROM message_templates WHERE clinic_id = :clinic AND kind IN ('booked') AND language IN ('en');
INSERT INTO audit_events (clinic_id, actor_user_id, actor_role, action, outcome, patient_id, entity_type, entity_id, ip, user_agent, details) VALUES (:clinic, :user, 'admin', 'appointment.book', 'success', :patient, 'appointment', :a_id, '127.0.0.1', 'pgbench', json_build_object('start', :start_at::text, 'roomId', NULL, 'override', false, 'providerId', :provider_id::text, 'appointmentTypeId', :type::text, 'patientOverlapConfirmed', true)::jsonb);
SELECT pg_notify('tend_events', json_build_object('clinicId', :clinic::text, 'event', json_build_object('kind', 'appointment', 'action', 'book', 'appointmentId', :a_id::text, 'providerId', :provider_id::text, 'start', :start_at::text, 'end', :end_at::text, 'status', 'booked'))::text);
INSERT INTO messages (id, clinic_id, channel, kind, patient_id, to_address, subject, text_body, html_body, related_type, related_id, created_by, send_after, idempotency_key, rule_id) VALUES (gen_random_uuid(), :clinic, 'email', 'booked', :patient, 'patient@example.test', 'Your appointment', repeat('Hello, see you then. ', 30), NULL, 'appointment', :a_id, NULL, now(), 'booked:' || :a_id, NULL) ON CONFLICT DO NOTHING RETURNING id \\gset m_
INSERT INTO message_attachments (message_id, position, clinic_id, filename, content_type, size_bytes, content) VALUES (:m_id, 0, :clinic, 'appointment.ics', 'text/calendar; method=REQUEST', 443, convert_to(repeat('x', 443), 'UTF8'));
SELECT pg_advisory_xact_lock(hashtextextended('calendar:' || :provider_id, 0));
SELECT o.*, l.timezone FROM waitlist_offers o JOIN locations l ON l.id = o.location_id WHERE o.clinic_id = :clinic AND o.provider_id = :provider_id AND o.status = 'offered' AND o.hold_until > now() AND o.start_at < :end_at AND o.buffer_end_at > :start_at LIMIT 1;
INSERT INTO appointments (id, clinic_id, patient_id, provider_id, location_id, appointment_type_id, room_id, start_at, end_at, buffer_end_at, notes, override_reason, created_by, series_id) VALUES (:a_id, :clinic, :patient, :provider_id, :location_id, :type, NULL, :start_at, :end_at, :end_at, NULL, NULL, :user, NULL) RETURNING *;
COMMIT;
`;

interface PgbenchResult {
  script: string;
  clients: number;
  seconds: number;
  tps: number;
  latencyMs: number | null;
  failed: number;
}

function pgbench(url: string, options: string[], label: string): PgbenchResult {
  const out = spawnSync('pgbench', [...options, url], { encoding: 'utf8', timeout: 600_000 });
  const text = `${out.stdout}\n${out.stderr}`;
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(text);
  if (out.status !== 0 || !tps) throw new Error(`pgbench ${label} failed:\n${text.slice(-2000)}`);
  const clients = Number(options[options.indexOf('-c') + 1]);
  const seconds = Number(options[options.indexOf('-T') + 1]);
  const failed = /number of failed transactions: (\d+)/.exec(text);
  const latency = /latency average = ([\d.]+) ms/.exec(text);
  return {
    script: label,
    clients,
    seconds,
    tps: round(Number(tps[1])),
    latencyMs: latency ? Number(latency[1]) : null,
    failed: failed ? Number(failed[1]) : 0,
  };
}

async function physicalLimit(t: Target, data: Prepared, clients: number): Promise<PgbenchResult[]> {
  if (!t.url) return [];
  const seconds = String(BOOKING_MS / 1000);
  const results: PgbenchResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'tend-pgbench-'));
  const database = await t.open();
  try {
    // The booking-shaped script on the bench database: slots after everything booked so far.
    const [last] = await queryRows<{ last: string }>(
      database.db,
      sql`SELECT (max(start_at) AT TIME ZONE ${TIMEZONE})::date::text AS last FROM appointments WHERE clinic_id = ${data.clinicId}`,
    );
    const slots = slotsFrom(data, [addDays(last.last, 1), addDays(data.today, 1)].sort()[1], 100_000);
    const where = new Map(data.providers.map((p) => [p.id, p.locationId]));
    await database.db.execute(sql`DROP TABLE IF EXISTS bench_pgbench_slots`);
    await database.db.execute(sql`DROP SEQUENCE IF EXISTS bench_pgbench_seq`);
    await database.db.execute(
      sql`CREATE TABLE bench_pgbench_slots (n bigint PRIMARY KEY, provider_id uuid, location_id uuid, start_at timestamptz, end_at timestamptz, id uuid)`,
    );
    await database.db.execute(sql`CREATE SEQUENCE bench_pgbench_seq`);
    for (let i = 0; i < slots.length; i += 5_000) {
      const batch = slots.slice(i, i + 5_000).map((slot, k) => ({
        n: i + k + 1,
        provider_id: slot.providerId,
        location_id: where.get(slot.providerId),
        start_at: new Date(slot.start).toISOString(),
        end_at: new Date(slot.start + data.typeMinutes * MINUTE).toISOString(),
        // The appointment's id, made before the insert as Tend does (its audit event and messages come first).
        id: randomUUID(),
      }));
      await database.db.execute(
        sql`INSERT INTO bench_pgbench_slots SELECT * FROM json_populate_recordset(NULL::bench_pgbench_slots, ${JSON.stringify(batch)}::json)`,
      );
    }
    const [session] = await queryRows<{ id: string; user_id: string }>(
      database.db,
      sql`SELECT s.id, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE lower(u.email) = ${ADMIN.email} AND s.revoked_at IS NULL ORDER BY s.created_at DESC LIMIT 1`,
    );
    const script = join(scratch, 'booking.sql');
    writeFileSync(script, BOOKING_SCRIPT);
    const vars = {
      session: session.id,
      user: session.user_id,
      clinic: data.clinicId,
      patient: data.ctx.patientIds[3],
      type: data.typeId,
    };
    const defines = Object.entries(vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
    const threads = String(Math.min(clients, cpus().length));
    results.push(
      pgbench(
        t.url,
        ['-n', '-M', 'extended', '-c', String(clients), '-j', threads, '-T', seconds, ...defines, '-f', script],
        'booking-shaped (the statements of one Tend booking)',
      ),
    );
    const [{ n }] = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM appointments a JOIN bench_pgbench_slots s ON s.provider_id = a.provider_id AND s.start_at = a.start_at`,
    );
    console.log(`pgbench booked ${n} appointments`);
    await database.db.execute(sql`DROP TABLE bench_pgbench_slots`);
    await database.db.execute(sql`DROP SEQUENCE bench_pgbench_seq`);
  } finally {
    await database.close();
  }
  // The built-in simple-update and a one-line INSERT, on a scratch pgbench database on the same server.
  const name = `tend_pgbench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  try {
    const init = spawnSync('pgbench', ['-i', '-q', '-s', '10', url.toString()], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`pgbench -i: ${init.stderr}`);
    const threads = String(Math.min(clients, cpus().length));
    results.push(
      pgbench(
        url.toString(),
        ['-n', '-M', 'extended', '-c', String(clients), '-j', threads, '-T', seconds, '-b', 'simple-update'],
        'built-in simple-update (scale 10)',
      ),
    );
    const insert = join(scratch, 'insert.sql');
    writeFileSync(
      insert,
      '\\set aid random(1, 1000000)\nINSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 1, CURRENT_TIMESTAMP);\n',
    );
    results.push(
      pgbench(
        url.toString(),
        ['-n', '-M', 'extended', '-c', String(clients), '-j', threads, '-T', seconds, '-f', insert],
        'one-line INSERT',
      ),
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------

async function verify(database: Database, data: Prepared, booked: number) {
  const [row] = await queryRows<{ active: number; overlaps: number }>(
    database.db,
    sql`SELECT count(*)::int AS active,
          (SELECT count(*)::int FROM (
            SELECT start_at, max(buffer_end_at) OVER (
              PARTITION BY provider_id ORDER BY start_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end
            FROM appointments WHERE clinic_id = ${data.clinicId} AND status NOT IN ('cancelled', 'no_show')) held
           WHERE start_at < previous_end) AS overlaps
        FROM appointments WHERE clinic_id = ${data.clinicId} AND status NOT IN ('cancelled', 'no_show')`,
  );
  return { doubleBookings: row.overlaps, newRows: row.active - data.activeBefore, booked };
}

function fmt(n: number): string {
  return Number.isFinite(n) ? String(n) : '—';
}

async function main() {
  const t = await target();
  let tend: TendProcess | null = null;
  try {
    console.log(`Size ${size}, ${t.label}, ${t.reused ? `reusing ${t.name}` : `new ${t.name}`}`);
    let database = await t.open();
    let data: Prepared;
    try {
      await migrate(database);
      data = await prepare(database, t.reused);
    } finally {
      await database.close();
    }
    console.log(`Data: ${JSON.stringify(data.counts)}; chart patient has ${data.chart.signedVisits} signed visits`);
    const loadBefore = loadavg();

    // Start the real server on the data; time from spawn until /api/health answers.
    const env: Record<string, string> = {
      TEND_DATA_DIR: t.dataDir,
      TEND_BACKUP_DIR: `${t.dataDir}-backups`,
      TEND_BACKUP_INTERVAL_MINUTES: '0',
      // On PostgreSQL the data folder is a new scratch one each run: a fixed key lets --reuse start
      // on a database an earlier run's server recorded its key in.
      // DATABASE_POOL_SIZE of this environment goes to a PostgreSQL server; the embedded one refuses it.
      ...(t.url ? { DATABASE_URL: t.url, TEND_SECRET_KEY: `tend-bench-${SEED}` } : { DATABASE_POOL_SIZE: '' }),
    };
    const spawned = performance.now();
    // e.g. TEND_BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof': profile the server
    // (bench/cpu-profile.ts reads the profile).
    tend = await startTend(env, undefined, process.env.TEND_BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean));
    for (;;) {
      const health = await fetch(`${tend.url}/api/health`).catch(() => null);
      if (health?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const startToReadyMs = Math.round(performance.now() - spawned);
    console.log(`tend start → /api/health answers: ${startToReadyMs} ms`);
    const pid = tend.child.pid;
    if (!pid) throw new Error('no server pid');
    serverPid = pid;
    const memory = memorySampler(pid);
    const measuredAt = new Date().toISOString();
    const run = await scenarios(tend.url, data);
    const loadAfter = loadavg();
    const mem = memory.stop();
    console.log(
      `Server memory: max RSS ${mem.maxRssMB} MB sampled, VmHWM ${mem.hwmMB} MB, V8 heap reserved at most ${heapTotalMaxMb} MB`,
    );
    tend.child.kill('SIGTERM');
    serverPid = 0;
    await tend.exited;
    tend = null;

    database = await t.open();
    let checks: Awaited<ReturnType<typeof verify>>;
    try {
      checks = await verify(database, data, run.booked);
    } finally {
      await database.close();
    }
    console.log(`Checks: ${JSON.stringify(checks)}`);
    if (checks.doubleBookings > 0) run.failures.push(`${checks.doubleBookings} double bookings found by SQL`);
    if (checks.newRows !== checks.booked) {
      run.failures.push(`new active appointments ${checks.newRows} ≠ 201s ${checks.booked}`);
    }

    const limits = await physicalLimit(t, data, 32);
    for (const l of limits) console.log(`pgbench ${l.script}: ${l.tps} tps (${l.clients} clients, ${l.seconds} s)`);
    const booking32 = run.results.find((r) => r.name.startsWith('POST /api/appointments, 32'));
    const shaped = limits.find((l) => l.script.startsWith('booking-shaped'));
    const ratio = booking32 && shaped ? round((100 * booking32.perSecond) / shaped.tps) : null;

    const result = {
      benchmark: 'harness',
      date: measuredAt,
      size,
      database: t.label,
      name: t.name,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverageBefore: loadBefore.map((n) => round(n, 2)),
        loadAverageAfter: loadAfter.map((n) => round(n, 2)),
        loadGenerator: 'this process, on the same machine (loopback HTTP, keep-alive)',
      },
      seed: SEED,
      generateSeconds: data.generateSeconds,
      data: { ...data.counts, chartPatientSignedVisits: data.chart.signedVisits },
      startToReadyMs,
      /** DATABASE_POOL_SIZE the server ran with (from this process's environment; Tend's default 10). */
      serverPoolSize: t.url ? Number(process.env.DATABASE_POOL_SIZE || 10) : 1,
      memory: { ...mem, heapTotalMaxMB: heapTotalMaxMb },
      scenarios: run.results,
      checks: { ...checks, notes: run.checks },
      pgbench: limits,
      bookingVsPgbenchPercent: ratio,
      failures: run.failures,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = `${RESULTS_DIR}${size}-${t.url ? 'postgres' : 'embedded'}-${measuredAt.replace(/[:.]/g, '-')}`;
    writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    const markdown = `### ${size} on ${t.label} — ${measuredAt.slice(0, 16)} UTC

Data: ${Object.entries(data.counts)
      .map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`)
      .join(', ')}; chart patient: ${data.chart.signedVisits} signed visits.
Machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node.js ${process.version}; load average ${loadBefore.map((n) => n.toFixed(2)).join(' ')} before, ${loadAfter.map((n) => n.toFixed(2)).join(' ')} after. Load generator on the same machine (loopback HTTP, keep-alive); latency is client-side.

| Scenario | Clients | Requests | Errors | Req/s | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/req | bench CPU ms/req |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${run.results.map((r) => `| ${r.name.startsWith('  ') ? `&nbsp;&nbsp;${r.name.trim()}` : r.name} | ${r.clients} | ${r.requests} | ${r.errors} | ${fmt(r.perSecond)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.cpuMsPerRequest ?? '—'} | ${r.clientCpuMsPerRequest ?? '—'} |`).join('\n')}

${limits.length ? `pgbench on the same PostgreSQL, same run, 32 clients, ${BOOKING_MS / 1000} s each: ${limits.map((l) => `${l.script} **${l.tps} tps**${l.failed ? ` (${l.failed} failed)` : ''}`).join('; ')}. Tend booking (32 clients) ÷ booking-shaped pgbench: **${ratio} %**.\n` : ''}
Server: ${result.serverPoolSize} database connection(s) (DATABASE_POOL_SIZE); start to ready (spawn → /api/health answers) **${startToReadyMs} ms**; memory max RSS sampled ${mem.maxRssMB} MB, VmHWM ${mem.hwmMB} MB, V8 heap reserved at most ${heapTotalMaxMb} MB (polled every 2 s).
Checks: ${checks.doubleBookings} double bookings (SQL); new active appointments ${checks.newRows} = 201s ${checks.booked}: ${checks.newRows === checks.booked ? 'yes' : '**no**'}; ${run.checks.join('; ')}.
${run.failures.length ? `\n**Failures:**\n${run.failures.map((f) => `- ${f}`).join('\n')}\n` : ''}`;
    writeFileSync(`${base}.md`, markdown);
    console.log(`\n${markdown}\nResults: ${base}.json, ${base}.md`);
    if (args.keep && !t.reused) {
      console.log(
        `Kept: measure again with npm run bench -- --size ${size}${args.embedded ? ' --embedded' : ''} --reuse ${t.name}`,
      );
    }
    if (run.failures.length) process.exitCode = 1;
  } finally {
    if (tend) {
      tend.child.kill('SIGKILL');
      await tend.exited;
    }
    await t.cleanup();
  }
}

await main();
