/**
 * Server CPU per request for the patient searches and the chart's visit list, a measure that depends
 * far less on the machine's load than latency: this Node.js process (`process.cpuUsage()`) plus the
 * PostgreSQL client backends of the database (`/proc/<pid>/stat`, same machine only), on a database
 * kept by bench/search.ts (`--keep`/`--reuse`):
 *
 *   npx tsx bench/search-cpu.ts tend_search_1a2b3c [requests per row, default 60]
 */
import { readFileSync } from 'node:fs';
import { openDatabase, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/http/app';
import { withCsrf } from '../apps/server/src/test/harness';
import { chartPatient } from './chart';
import { FAMILY, GIVEN, pick, prng } from './generate';

const name = process.argv[2] ?? '';
if (!/^[a-z0-9_]+$/.test(name))
  throw new Error('usage: npx tsx bench/search-cpu.ts <database kept by bench/search.ts> [requests]');
const server = new URL(process.env.TEND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
server.pathname = `/${name}`;
const URL_ = server.toString();
const database = await openDatabase({ databaseUrl: URL_ });
const app = await buildApp({ database, config: { ...loadConfig({}), port: 0 }, cliSecret: null }, { logLevel: false });
await app.ready();
const admin = { email: 'search-bench-admin@clinic.test', password: 'search-bench-password-123' };
const signIn = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: admin });
const session = signIn.cookies.find((c) => c.name === 'tend_session');
if (!session) throw new Error(`sign-in failed: ${signIn.statusCode}`);
const cookie = `tend_session=${session.value}`;
const { default: pg } = await import('pg');
const mon = new pg.Client({ connectionString: URL_ });
await mon.connect();
const ticks = async () => {
  const pids = (
    await mon.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [name],
    )
  ).rows;
  let t = 0;
  for (const { pid } of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch {
      // The backend ended between the two reads: its time is lost, a little low.
    }
  }
  return t * 10; // ms (USER_HZ 100)
};
const sample = await queryRows<{ mrn: string; search_phones: string; birth_date: string }>(
  database.db,
  sql`SELECT mrn, search_phones, birth_date::text AS birth_date FROM patients ORDER BY mrn LIMIT 500`,
);
const random = prng(7);
const names = Array.from({ length: 64 }, () => ({ given: pick(random, GIVEN), family: pick(random, FAMILY) }));
const scenarios: [string, (i: number) => string][] = [
  ['smi', (i) => names[i % 64].family.slice(0, 3)],
  ['surname', (i) => names[i % 64].family],
  ['given + family', (i) => `${names[i % 64].given} ${names[i % 64].family}`],
  ['family + given', (i) => `${names[i % 64].family} ${names[i % 64].given}`],
  ['phone last 4', (i) => sample[i % 500].search_phones.slice(-4)],
  ['phone last 7', (i) => sample[i % 500].search_phones.slice(-7)],
  [
    'phone 10 formatted',
    (i) => {
      const d = sample[i % 500].search_phones.slice(-10);
      return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
    },
  ],
  ['birth date', (i) => sample[i % 500].birth_date],
  ['MRN', (i) => sample[i % 500].mrn],
];
const N = Number(process.argv[3] ?? 60);
const chart = await chartPatient(app, database, { ...admin, cookie }, 500);
const rows: [string, (i: number) => string, string][] = [
  ...scenarios.map(([label, q]): [string, (i: number) => string, string] => [
    label,
    (i) => `/api/patients?q=${encodeURIComponent(q(i))}&limit=25`,
    cookie,
  ]),
  [`visit list (${chart.visits} visits)`, () => `/api/encounters?patientId=${chart.patientId}`, chart.doctorCookie],
];
for (const [label, url, as] of rows) {
  for (let i = 0; i < 5; i++)
    await app.inject({ method: 'GET', url: url(i + 100), headers: withCsrf('GET', { cookie: as }) });
  const [c0, p0, t0] = [process.cpuUsage(), await ticks(), performance.now()];
  for (let i = 0; i < N; i++) {
    const r = await app.inject({ method: 'GET', url: url(i), headers: withCsrf('GET', { cookie: as }) });
    if (r.statusCode !== 200) throw new Error(r.body);
  }
  const wall = (performance.now() - t0) / N;
  const c = process.cpuUsage(c0);
  const p1 = await ticks();
  console.log(
    `${label}\tnode ${((c.user + c.system) / 1000 / N).toFixed(1)} ms\tpg ${((p1 - p0) / N).toFixed(1)} ms\twall ${wall.toFixed(1)} ms`,
  );
}
await mon.end();
await app.close();
await database.close();
