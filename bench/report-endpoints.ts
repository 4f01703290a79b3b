import { type Database, queryRows } from '@tend/db';
import { type Role, zonedTimeToInstant } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { addDays, isoWeekday } from './generate';
import { NETWORK_OPTIONS } from './network';

/**
 * The report endpoints measured by `npm run bench:reports` and by the harness (`npm run bench`),
 * with the context their URLs are built from (real ids, dates and name fragments of the data).
 */

const TIMEZONE = NETWORK_OPTIONS.timezone;

/** What an endpoint's URL can be built from. */
export interface BenchContext {
  clinicId: string;
  today: string;
  /** Working days of the last 8 weeks, most recent first. */
  recentDays: string[];
  providerIds: string[];
  locationIds: string[];
  patientIds: string[];
  /** Name fragments and MRNs of real patients, for search. */
  names: string[];
  mrns: string[];
}

export interface Endpoint {
  name: string;
  /** Issue 7: reports under 1 s p95, dashboards under 300 ms. */
  targetMs: number;
  url: (ctx: BenchContext, i: number) => string;
  /** Who asks (the network's administrator when left out): the dashboard answers by role. */
  as?: Role;
}

const instant = (date: string, time = '00:00') =>
  encodeURIComponent(new Date(zonedTimeToInstant(date, time, TIMEZONE)).toISOString());

/** A report over one of the recent weeks (a different one per request), by day. */
function weekByDay(report: string): Endpoint {
  return {
    name: `GET /api/reports/${report}, one week by day`,
    targetMs: 1_000,
    url: (ctx, i) => {
      const day = ctx.recentDays[(i * 5) % ctx.recentDays.length];
      return `/api/reports/${report}?from=${day}&to=${addDays(day, 6)}&group=day`;
    },
  };
}

/** A report over the last `days` days up to today, grouped as given. */
function lastDays(report: string, days: number, group: string, span: string): Endpoint {
  return {
    name: `GET /api/reports/${report}, last ${span} by ${group}`,
    targetMs: 1_000,
    url: (ctx) => `/api/reports/${report}?from=${addDays(ctx.today, -days)}&to=${ctx.today}&group=${group}`,
  };
}

/** The endpoints measured, in order. Add a report here when it lands. */
export const ENDPOINTS: Endpoint[] = [
  { name: 'GET /api/dashboard, manager', targetMs: 300, as: 'manager', url: () => '/api/dashboard' },
  { name: 'GET /api/dashboard, receptionist', targetMs: 300, as: 'receptionist', url: () => '/api/dashboard' },
  // The billing dashboard's A/R tile is the aging's totals (0022: from the date × payer rollup).
  { name: 'GET /api/dashboard, billing', targetMs: 300, as: 'billing', url: () => '/api/dashboard' },
  { name: 'GET /api/reports/ar-aging', targetMs: 1_000, url: () => '/api/reports/ar-aging' },
  {
    name: 'GET /api/reports/ar-aging, patients 1,001–1,050',
    targetMs: 1_000,
    url: () => '/api/reports/ar-aging?patientOffset=1000',
  },
  {
    // A past date: the owing charges dated after it are taken off each patient's rolled-up balance.
    name: 'GET /api/reports/ar-aging, as of 30 days ago',
    targetMs: 1_000,
    url: (ctx) => `/api/reports/ar-aging?asOf=${addDays(ctx.today, -30)}`,
  },
  ...['appointments', 'utilisation', 'reminders', 'patients', 'revenue'].flatMap((report) => [
    weekByDay(report),
    lastDays(report, 364, 'month', 'year'),
  ]),
  lastDays('revenue', 364, 'provider', 'year'),
  // Per provider its own histograms (the days' whole ones do not split by provider).
  lastDays('appointments', 364, 'provider', 'year'),
  weekByDay('day-sheet'),
  lastDays('day-sheet', 30, 'provider', 'month'),
  lastDays('reconciliation', 90, 'week', 'quarter'),
  // The day view of one location: its appointments and its providers' working time. A network's
  // day of every location (≈8,300 appointments) is more than one list answers (5,000): a 400 asks
  // for a shorter range, one location or one provider, so it is not measured.
  {
    name: 'GET /api/appointments, one day, one location',
    targetMs: 1_000,
    url: (ctx, i) => {
      const day = ctx.recentDays[i % ctx.recentDays.length];
      const location = ctx.locationIds[i % ctx.locationIds.length];
      return `/api/appointments?from=${instant(day)}&to=${instant(addDays(day, 1))}&locationId=${location}`;
    },
  },
  {
    name: 'GET /api/working-time, one day, one location',
    targetMs: 1_000,
    url: (ctx, i) => {
      const day = ctx.recentDays[i % ctx.recentDays.length];
      const location = ctx.locationIds[i % ctx.locationIds.length];
      return `/api/working-time?from=${instant(day)}&to=${instant(addDays(day, 1))}&locationId=${location}`;
    },
  },
  {
    name: 'GET /api/appointments, one week, one provider',
    targetMs: 1_000,
    url: (ctx, i) => {
      const day = ctx.recentDays[(i * 5) % ctx.recentDays.length];
      const provider = ctx.providerIds[i % ctx.providerIds.length];
      return `/api/appointments?from=${instant(day)}&to=${instant(addDays(day, 7))}&providerId=${provider}`;
    },
  },
  {
    name: 'GET /api/patients?q=<name fragment>',
    targetMs: 1_000,
    url: (ctx, i) => `/api/patients?q=${encodeURIComponent(ctx.names[i % ctx.names.length])}`,
  },
  {
    name: 'GET /api/patients?q=<MRN>',
    targetMs: 1_000,
    url: (ctx, i) => `/api/patients?q=${ctx.mrns[i % ctx.mrns.length]}`,
  },
  {
    name: 'GET /api/patients/:id/balance',
    targetMs: 1_000,
    url: (ctx, i) => `/api/patients/${ctx.patientIds[(i * 7919) % ctx.patientIds.length]}/balance`,
  },
];

export async function contextOf(database: Database, clinicId: string, today: string): Promise<BenchContext> {
  const providers = await queryRows<{ id: string }>(
    database.db,
    sql`SELECT id FROM providers WHERE clinic_id = ${clinicId} ORDER BY id`,
  );
  const locations = await queryRows<{ id: string }>(
    database.db,
    sql`SELECT id FROM locations WHERE clinic_id = ${clinicId} ORDER BY id`,
  );
  const patients = await queryRows<{ id: string; mrn: string; family_name: string; given_name: string }>(
    database.db,
    sql`SELECT id, mrn, family_name, given_name FROM patients WHERE clinic_id = ${clinicId} ORDER BY mrn LIMIT 5000`,
  );
  const recentDays: string[] = [];
  for (let date = addDays(today, -1); recentDays.length < 40; date = addDays(date, -1)) {
    if (isoWeekday(date) <= 5) recentDays.push(date);
  }
  return {
    clinicId,
    today,
    recentDays,
    providerIds: providers.map((p) => p.id),
    locationIds: locations.map((l) => l.id),
    patientIds: patients.map((p) => p.id),
    // Name fragments as typed at the desk: "Ch", "Garc", "Maya Ngu".
    names: patients
      .slice(0, 50)
      .map((p, i) =>
        i % 3 === 0
          ? p.family_name.slice(0, 4)
          : i % 3 === 1
            ? p.family_name.slice(0, 2)
            : `${p.given_name} ${p.family_name.slice(0, 3)}`,
      ),
    mrns: patients.slice(0, 50).map((p) => p.mrn),
  };
}
