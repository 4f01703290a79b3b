import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Database, migrate, openDatabase, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createClinic } from '../apps/server/src/clinic/service';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/http/app';
import { withCsrf } from '../apps/server/src/test/harness';
import { chartPatient, chartRequests } from './chart';
import { FAMILY, GIVEN, pick, prng } from './generate';
import { insertPatients, patientCount } from './patients';
import { type LatencyStats, latencyStats } from './stats';

/**
 * Patient search and the patient chart at scale (issue 10): one clinic with `--patients`
 * generated patients (default 1,000,000), searched through the real Fastify app (`app.inject`:
 * routing, session, validation, queries, the audit rows each result writes, serialisation; no
 * network) by name fragment, full name, misspelt name, phone fragment (last 4 and last 7 digits), full phone, birth date
 * and MRN, each query text varied so no answer is cached.
 *
 *   npx tsx bench/search.ts [--patients 1000000] [--keep]   # new PostgreSQL database (kept with --keep)
 *   npx tsx bench/search.ts --reuse tend_search_1a2b3c      # a kept database: migrates it, measures
 *   npx tsx bench/search.ts --embedded --patients 100000    # PGlite in memory
 *   npx tsx bench/search.ts --reuse tend_search_1a2b3c --chart-only --visits 500
 *
 * Making 1M patients takes a few minutes; --keep then --reuse measures again in seconds.
 */

const { values: args } = parseArgs({
  options: {
    embedded: { type: 'boolean', default: false },
    patients: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '20301010' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    visits: { type: 'string', default: '500' },
    'chart-only': { type: 'boolean', default: false },
  },
});
const SEED = Number(args.seed);
const PATIENTS = Number(args.patients);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const SERVER_URL = process.env.TEND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const ADMIN = { email: 'search-bench-admin@clinic.test', password: 'search-bench-password-123' };
const SEARCH_TARGET_P95_MS = 30;
const CHART_TARGET_MS = 150;
const VISITS = Number(args.visits);

async function openBenchDatabase(): Promise<{ database: Database; label: string; close: () => Promise<void> }> {
  if (args.embedded) {
    const database = await openDatabase({});
    await migrate(database);
    return { database, label: 'embedded (PGlite, in memory)', close: () => database.close() };
  }
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const [{ server_version: version }] = (await admin.query<{ server_version: string }>('SHOW server_version')).rows;
  const name = args.reuse ?? `tend_search_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`--reuse takes a database name (letters, digits, _): ${name}`);
  if (!args.reuse) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  const close = async () => {
    await database.close();
    if (args.keep || args.reuse) {
      console.log(`Kept database ${name}: measure again with --reuse ${name}`);
      return;
    }
    const dropper = new pg.Client({ connectionString: SERVER_URL });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  };
  const started = performance.now();
  const applied = await migrate(database);
  if (applied.length)
    console.log(`Migrated (${applied.join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { database, label: `PostgreSQL ${version} (database ${name})`, close };
}

/** The bench clinic (made on first use) and its patient count. */
async function benchClinic(database: Database): Promise<{ clinicId: string; patients: number }> {
  const [existing] = await queryRows<{ clinic_id: string }>(
    database.db,
    sql`SELECT clinic_id FROM users WHERE lower(email) = ${ADMIN.email}`,
  );
  if (existing) return { clinicId: existing.clinic_id, patients: await patientCount(database, existing.clinic_id) };
  const { clinicId, adminUserId } = await createClinic(
    database.db,
    {
      clinicName: 'Search bench clinic',
      timezone: 'America/New_York',
      currency: 'USD',
      country: 'US',
      address: null,
      adminName: 'Bench Admin',
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
    },
    { ip: '127.0.0.1', userAgent: 'bench' },
    { onlyIfEmpty: false },
  );
  const started = performance.now();
  let last = 0;
  await insertPatients(database, clinicId, adminUserId, PATIENTS, SEED, (n) => {
    if (n - last >= 100_000 || n === PATIENTS) {
      last = n;
      console.log(`  ${n} patients, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  });
  console.log(`Inserted ${PATIENTS} patients in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (database.kind === 'postgres') await database.db.execute(sql`VACUUM ANALYZE`);
  return { clinicId, patients: PATIENTS };
}

async function timedGet(app: FastifyInstance, url: string, cookie: string) {
  const started = performance.now();
  const response = await app.inject({ method: 'GET', url, headers: withCsrf('GET', { cookie }) });
  return { ms: performance.now() - started, status: response.statusCode, body: response.body };
}

/** `warmup` unmeasured requests, then `requests` measured, each with the next query text. */
async function measure(app: FastifyInstance, cookie: string, urlOf: (i: number) => string) {
  const samples: number[] = [];
  let results = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const { ms, status, body } = await timedGet(app, urlOf(i), cookie);
    if (status !== 200) throw new Error(`GET ${urlOf(i)} → ${status} ${body}`);
    if (i >= WARMUP) {
      samples.push(ms);
      results += (JSON.parse(body) as { items: unknown[] }).items.length;
    }
  }
  return { ...latencyStats(samples), meanResults: Math.round((results / REQUESTS) * 10) / 10 };
}

/** A plausible misspelling: two neighbouring letters swapped, or one dropped. */
function misspell(random: () => number, word: string): string {
  const i = 1 + Math.floor(random() * (word.length - 2));
  return random() < 0.5
    ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
    : word.slice(0, i) + word.slice(i + 1);
}

async function main() {
  const { database, label, close } = await openBenchDatabase();
  try {
    console.log(`Database: ${label}`);
    const { clinicId, patients } = await benchClinic(database);
    console.log(`Clinic ${clinicId}: ${patients} patients`);
    const sample = await queryRows<{ mrn: string; search_phones: string; birth_date: string }>(
      database.db,
      sql`SELECT mrn, search_phones, birth_date::text AS birth_date FROM patients
          WHERE clinic_id = ${clinicId} ORDER BY mrn LIMIT 500`,
    );

    const config = { ...loadConfig({}), port: 0 };
    const app = await buildApp({ database, config, cliSecret: null }, { logLevel: false });
    await app.ready();
    try {
      const signIn = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: ADMIN });
      const session = signIn.cookies.find((c) => c.name === 'tend_session');
      if (signIn.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${signIn.statusCode} ${signIn.body}`);
      const cookie = `tend_session=${session.value}`;
      const random = prng(SEED + 1);
      const search = (q: (i: number) => string) => (i: number) =>
        `/api/patients?q=${encodeURIComponent(q(i))}&limit=25`;
      const names = Array.from({ length: 64 }, () => ({ given: pick(random, GIVEN), family: pick(random, FAMILY) }));
      const typos = names.map((n) => `${misspell(random, n.given)} ${misspell(random, n.family)}`);
      const scenarios: { name: string; url: (i: number) => string }[] = [
        { name: 'name fragment ("smi", 3 letters of a surname)', url: search((i) => names[i % 64].family.slice(0, 3)) },
        { name: 'surname ("Smith")', url: search((i) => names[i % 64].family) },
        { name: 'full name ("Maya Smith")', url: search((i) => `${names[i % 64].given} ${names[i % 64].family}`) },
        { name: 'misspelt full name ("Mya Smtih")', url: search((i) => typos[i % 64]) },
        { name: 'phone, last 4 digits', url: search((i) => sample[i % 500].search_phones.slice(-4)) },
        { name: 'phone, last 7 digits', url: search((i) => sample[i % 500].search_phones.slice(-7)) },
        { name: 'phone, 10 digits', url: search((i) => sample[i % 500].search_phones.slice(-10)) },
        { name: 'birth date', url: search((i) => sample[i % 500].birth_date) },
        { name: 'MRN', url: search((i) => sample[i % 500].mrn) },
      ];
      const results: Record<string, LatencyStats & { meanResults: number }> = {};
      for (const scenario of args['chart-only'] ? [] : scenarios) {
        results[scenario.name] = await measure(app, cookie, scenario.url);
        const r = results[scenario.name];
        console.log(`${scenario.name}: p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms, ${r.meanResults} results`);
      }

      // The chart: every request the clinical tab makes on open, each timed, and their sum per open.
      const started = performance.now();
      const chart = await chartPatient(app, database, { ...ADMIN, cookie }, VISITS, (n) =>
        console.log(`  ${n} signed visits, ${((performance.now() - started) / 1000).toFixed(0)} s`),
      );
      console.log(`Chart patient ${chart.patientId}: ${chart.visits} signed visits`);
      const requests = chartRequests(chart.patientId);
      const perRequest = requests.map(() => [] as number[]);
      const opens: number[] = [];
      let visitsListed = 0;
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        let total = 0;
        for (const [k, { url }] of requests.entries()) {
          const { ms, status, body } = await timedGet(app, url, chart.doctorCookie);
          if (status !== 200) throw new Error(`GET ${url} → ${status} ${body}`);
          if (k === 2) visitsListed = (JSON.parse(body) as { items: unknown[] }).items.length;
          total += ms;
          if (i >= WARMUP) perRequest[k].push(ms);
        }
        if (i >= WARMUP) opens.push(total);
      }
      const chartResults = {
        visits: chart.visits,
        visitsListed,
        open: latencyStats(opens),
        requests: Object.fromEntries(
          requests.map((r, k) => [`GET ${r.url.replace(chart.patientId, ':id')}`, latencyStats(perRequest[k])]),
        ),
      };

      const result = {
        benchmark: 'search',
        date: new Date().toISOString(),
        database: label,
        loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model ?? 'unknown',
          memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
          node: process.version,
        },
        data: { seed: SEED, patients },
        targetP95Ms: { search: SEARCH_TARGET_P95_MS },
        search: results,
        chart: chartResults,
      };
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = `${RESULTS_DIR}search-${args.embedded ? 'embedded' : 'postgres'}-${result.date.replace(/[:.]/g, '-')}.json`;
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
      const met = (p95: number) => (p95 < SEARCH_TARGET_P95_MS ? 'yes' : '**no**');
      console.log(`
### Patient search — ${label}, ${patients} patients, load average ${result.loadAverage.join(' ')}

| \`GET /api/patients?q=…&limit=25\` | Requests | p50 ms | p95 ms | p99 ms | results | p95 < ${SEARCH_TARGET_P95_MS} ms |
| --- | ---: | ---: | ---: | ---: | ---: | :---: |
${Object.entries(results)
  .map(
    ([name, r]) =>
      `| ${name} | ${r.requests} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.meanResults} | ${met(r.p95)} |`,
  )
  .join('\n')}


### Chart with ${chart.visits} signed visits (${visitsListed} listed) — the requests of the clinical tab

| Request | p50 ms | p95 ms | p99 ms |
| --- | ---: | ---: | ---: |
${Object.entries(chartResults.requests)
  .map(([name, r]) => `| \`${name}\` | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} |`)
  .join('\n')}
| **all of them, one after another** | ${fmt(chartResults.open.p50)} | ${fmt(chartResults.open.p95)} | ${fmt(chartResults.open.p99)} |

Chart open p95 < ${CHART_TARGET_MS} ms: ${chartResults.open.p95 < CHART_TARGET_MS ? 'yes' : '**no**'}.
Results: ${file}`);
    } finally {
      await app.close();
    }
  } finally {
    await close();
  }
}

await main();
