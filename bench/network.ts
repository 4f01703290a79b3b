import { type Database, type Db, newId, queryRows, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { eq, sql } from 'drizzle-orm';
import { createClinic } from '../apps/server/src/clinic/service';
import { addDays, FAMILY, GIVEN, isoWeekday, makePatient, pick, prng, todayIn } from './generate';

/**
 * The `network` profile for the report benchmarks (issue 7): a clinic network of 5 locations and
 * 50 providers with 2 years of history and a few weeks ahead — about 1M appointments, 0.7M signed
 * visits with 2–3 service lines each (≈2M charges), insurer remittances and patient payments with
 * their allocations, a few refunds and write-offs. The clinic and its administrator come from the
 * server's `createClinic`; everything else is generated day by day and bulk-inserted as JSON
 * (`json_populate_recordset`, one parameter per batch), which works on PostgreSQL and PGlite alike.
 * Each location's calendar comes from its own random sequence, so locations are generated on
 * `connections` connections at once, in any order: the same seed and `today` give the same network.
 * With `deferDerived` (the default) the rows the insert triggers would derive (rollups, report-day
 * versions, first visits, charges' paid and adjusted cents, allocations' report keys) are written
 * by the generator or rebuilt set-based at the end (`rebuildDerived`), with those triggers paused.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface NetworkOptions {
  seed: number;
  locations: number;
  providersPerLocation: number;
  daysBack: number;
  daysAhead: number;
  patients: number;
  /** Share of each working block's time that is booked (the rest stays free). */
  fillRate: number;
  timezone: string;
  /** Local date the data is centred on; defaults to today. */
  today?: string;
  /**
   * Signed visits to give the first patient (MRN 100001), the chart benchmark's patient: the first
   * visit of each morning and afternoon of the first provider goes to them until they have this many
   * (random picks may add a few). 0: none.
   */
  chartVisits: number;
  /** Called with a line of progress now and then. */
  progress?: (line: string) => void;
  /**
   * Locations generated at once, each inserting on its own pooled connection (PostgreSQL; the
   * embedded database runs one statement at a time, so more than 1 only interleaves them).
   */
  connections?: number;
  /**
   * Pause the insert triggers that maintain derived rows while loading, and write those rows once at
   * the end instead (`rebuildDerived`). false: every row goes through the triggers, as the server's do.
   */
  deferDerived?: boolean;
}

export const NETWORK_OPTIONS: NetworkOptions = {
  seed: 20_300_107,
  locations: 5,
  providersPerLocation: 10,
  daysBack: 730,
  daysAhead: 28,
  patients: 60_000,
  fillRate: 0.92,
  timezone: 'America/New_York',
  chartVisits: 0,
};

/** Mon–Fri 07:30–12:30 and 13:00–18:00 (a staggered lunch is not modelled). */
const WORKING_BLOCKS = [
  { start: '07:30', end: '12:30' },
  { start: '13:00', end: '18:00' },
];

const TYPES = [
  { name: 'Follow-up', durationMinutes: 15, color: '#40c057', weight: 5 },
  { name: 'Check-up', durationMinutes: 20, color: '#228be6', weight: 3 },
  { name: 'Treatment', durationMinutes: 30, color: '#fa5252', weight: 2 },
  { name: 'New patient', durationMinutes: 40, color: '#fab005', weight: 1 },
];
const NEW_PATIENT_TYPE = 3;

const SERVICES = [
  { code: '99211', description: 'Office visit, established, minimal', feeCents: 4_500 },
  { code: '99212', description: 'Office visit, established, straightforward', feeCents: 7_500 },
  { code: '99213', description: 'Office visit, established, low complexity', feeCents: 11_000 },
  { code: '99214', description: 'Office visit, established, moderate complexity', feeCents: 16_500 },
  { code: '99203', description: 'Office visit, new patient, low complexity', feeCents: 17_000 },
  { code: '36415', description: 'Routine venipuncture', feeCents: 1_500 },
  { code: '81002', description: 'Urinalysis, non-automated', feeCents: 1_200 },
  { code: '85025', description: 'Complete blood count', feeCents: 2_800 },
  { code: '93000', description: 'Electrocardiogram, complete', feeCents: 6_000 },
  { code: '90471', description: 'Immunization administration', feeCents: 2_500 },
  { code: '97110', description: 'Therapeutic exercises, 15 min', feeCents: 5_500 },
  { code: '20610', description: 'Arthrocentesis, major joint', feeCents: 19_000 },
];
const PAYERS = ['Aetna', 'Blue Cross', 'Cigna', 'Medicare', 'UnitedHealthcare'];
const DIAGNOSES = ['Z00.00', 'I10', 'E11.9', 'M54.50', 'J06.9', 'E78.5'];

export interface GeneratedNetwork {
  clinicId: string;
  adminUserId: string;
  admin: { email: string; password: string };
  locationIds: string[];
  providerIds: string[];
  patientIds: string[];
  firstDate: string;
  lastDate: string;
  today: string;
  counts: Record<string, number>;
  millis: number;
}

type Row = Record<string, unknown>;

/**
 * Inserts rows (snake_case keys) in one statement with one JSON parameter. A key missing from a row
 * that another row has is NULL, not the column's default. `replica`: in a transaction of its own with
 * `session_replication_role = replica`, which skips the table's triggers, the foreign keys' checks
 * among them (`generateNetwork` checks those once, set-based, at the end).
 */
export async function bulkInsert(db: Db, table: string, rows: Row[], replica = false): Promise<void> {
  if (!rows.length) return;
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  const columns = [...names].map((name) => `"${name}"`).join(', ');
  const statement = sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns)}) SELECT ${sql.raw(columns)} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(rows)}::json)`;
  // One statement, its own transaction: with the triggers running, locations loaded at once can
  // deadlock on the patients and rollups they share; PostgreSQL rolls the loser back whole, so retry.
  for (let attempt = 1; ; attempt++) {
    try {
      if (replica) {
        await db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL session_replication_role = replica`);
          await tx.execute(statement);
        });
      } else {
        await db.execute(statement);
      }
      return;
    } catch (error) {
      const code =
        (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}

/** Buffers rows per table and inserts them in foreign-key order (parents first), in batches. */
class Loader {
  private readonly buffers = new Map<string, Row[]>();
  private buffered = 0;

  /** `counts` (rows per table) and `millis` (time inserting, per table) may be shared by loaders. */
  constructor(
    private readonly db: Db,
    tables: string[],
    private readonly batch: number,
    readonly counts: Record<string, number> = {},
    readonly millis: Record<string, number> = {},
    private readonly replica = false,
  ) {
    for (const table of tables) {
      this.buffers.set(table, []);
      this.counts[table] ??= 0;
    }
  }

  push(table: string, row: Row) {
    this.buffers.get(table)?.push(row);
    this.counts[table]++;
    this.buffered++;
  }

  /** Flushes when enough rows are waiting; call only where every pushed row's parents are pushed. */
  async maybeFlush() {
    if (this.buffered >= this.batch * 4) await this.flush();
  }

  async flush() {
    for (const [table, rows] of this.buffers) {
      const started = performance.now();
      for (let i = 0; i < rows.length; i += this.batch)
        await bulkInsert(this.db, table, rows.slice(i, i + this.batch), this.replica);
      rows.length = 0;
      this.millis[table] = (this.millis[table] ?? 0) + performance.now() - started;
    }
    this.buffered = 0;
  }
}

/** A whole number of minutes in [min, max]. */
function minutes(random: () => number, min: number, max: number): number {
  return (min + Math.floor(random() * (max - min + 1))) * MINUTE;
}

function pickWeighted(random: () => number, room: number): number | null {
  const fitting = TYPES.map((type, index) => ({ type, index })).filter(({ type }) => type.durationMinutes <= room);
  if (!fitting.length) return null;
  let roll = random() * fitting.reduce((sum, f) => sum + f.type.weight, 0);
  for (const f of fitting) {
    roll -= f.type.weight;
    if (roll < 0) return f.index;
  }
  return fitting[fitting.length - 1].index;
}

/** The calendar's tables, whose plain indexes `deferDerived` builds after the load. */
const CALENDAR_TABLES = [
  'appointments',
  'messages',
  'encounters',
  'encounter_diagnoses',
  'encounter_services',
  'charges',
  'payments',
  'allocations',
  'adjustments',
  'recalls',
];

/** Parents before children (foreign keys). */
const TABLES = [
  'locations',
  'providers',
  'provider_schedules',
  'appointment_types',
  'appointment_type_providers',
  'services',
  'payers',
  'patients',
  'coverages',
  'reminder_rules',
  ...CALENDAR_TABLES,
];

/**
 * The insert triggers of the calendar's tables (table → triggers), skipped while `deferDerived`
 * loads: each one's result is written by the generator (charges' allocated and adjusted cents,
 * allocations' report keys) or by `rebuildDerived`. `checkInsertTriggers` refuses to load past a
 * trigger missing from this list (a new one would be skipped silently) or a listed one gone.
 */
const DERIVING_TRIGGERS: Record<string, string[]> = {
  appointments: ['appointments_touch_report_days_insert', 'appointments_set_first_visits_insert'],
  messages: ['messages_touch_report_days_insert'],
  charges: [
    'charges_ar_open_insert',
    'charges_touch_revenue_days_insert',
    'charges_touch_report_days_insert',
    'charges_count_open_insert',
  ],
  payments: ['payments_touch_revenue_days_insert'],
  allocations: [
    'allocations_report_keys',
    'allocations_add_to_charges',
    'allocations_touch_revenue_days_insert',
    'allocations_touch_report_days',
  ],
  adjustments: ['adjustments_add_to_charges', 'adjustments_touch_report_days'],
};

async function checkInsertTriggers(db: Db): Promise<void> {
  const found = await queryRows<{ table: string; trigger: string }>(
    db,
    sql`SELECT c.relname AS table, t.tgname AS trigger FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal AND t.tgtype & 4 <> 0
          AND c.relname IN (${sql.raw(CALENDAR_TABLES.map((table) => `'${table}'`).join(', '))})`,
  );
  const listed = Object.entries(DERIVING_TRIGGERS).flatMap(([table, triggers]) => triggers.map((t) => `${table}.${t}`));
  const present = found.map((f) => `${f.table}.${f.trigger}`);
  const unknown = present.filter((name) => !listed.includes(name));
  const gone = listed.filter((name) => !present.includes(name));
  if (unknown.length || gone.length) {
    throw new Error(
      `bench/network.ts DERIVING_TRIGGERS is out of date: not listed ${unknown.join(', ') || 'none'}; gone ${gone.join(', ') || 'none'}`,
    );
  }
}

/**
 * Checks the calendar tables' foreign keys, skipped row by row while `deferDerived` loads, the way
 * PostgreSQL checks a new one: each is dropped and added back `NOT VALID` (all in one short
 * transaction: no rows are read), then validated, which reads every row with one query and fails on
 * a dangling reference. Validation locks only the table checked against other validations (the
 * referenced table in a mode that conflicts with none of them), so tables are validated in
 * parallel, `connections` at a time, without the deadlock that re-adding keys in parallel met
 * (40P01: two tables that reference each other, each adding its key while the other held it).
 */
export async function checkForeignKeys(db: Db, connections: number): Promise<void> {
  const keys = await queryRows<{ table: string; name: string; definition: string }>(
    db,
    sql`SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace
          AND c.relname IN (${sql.raw(CALENDAR_TABLES.map((table) => `'${table}'`).join(', '))})
        ORDER BY c.relname, k.conname`,
  );
  const tables = [...new Set(keys.map((k) => k.table))];
  const keysOf = (table: string) => keys.filter((k) => k.table === table);
  await db.transaction(async (tx) => {
    for (const table of tables) {
      const steps = keysOf(table).map(
        (k) =>
          `DROP CONSTRAINT "${k.name}", ADD CONSTRAINT "${k.name}" ${k.definition.replace(/ NOT VALID$/, '')} NOT VALID`,
      );
      await tx.execute(sql.raw(`ALTER TABLE ${table} ${steps.join(', ')}`));
    }
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(connections, tables.length) }, async () => {
      while (next < tables.length) {
        const table = tables[next++];
        await db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
          for (const k of keysOf(table))
            await tx.execute(sql.raw(`ALTER TABLE ${table} VALIDATE CONSTRAINT "${k.name}"`));
        });
      }
    }),
  );
}

/**
 * Drops the calendar tables' plain indexes (not unique, not behind a constraint: the primary keys,
 * unique keys and exclusion constraints stay and check every row as it comes) and answers their
 * definitions, for `createIndexes` after the load: one sorted build instead of 10M random inserts.
 */
export async function dropPlainIndexes(db: Db): Promise<string[]> {
  const indexes = await queryRows<{ name: string; definition: string }>(
    db,
    sql`SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND t.relname IN (${sql.raw(CALENDAR_TABLES.map((table) => `'${table}'`).join(', '))})
          AND NOT x.indisunique AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY t.relname, i.relname`,
  );
  for (const index of indexes) await db.execute(sql.raw(`DROP INDEX "${index.name}"`));
  return indexes.map((index) => index.definition);
}

/** Creates indexes from their definitions, `connections` at a time. */
export async function createIndexes(db: Db, definitions: string[], connections: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(connections, definitions.length) }, async () => {
      while (next < definitions.length) {
        const definition = definitions[next++];
        await db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL maintenance_work_mem = '256MB'`);
          await tx.execute(sql.raw(definition));
        });
      }
    }),
  );
}

/**
 * Writes, for one clinic whose rows were loaded with `DERIVING_TRIGGERS` paused, what those triggers
 * would have written: each patient's first completed visit, each visit's open charges and whether
 * its appointment is charged, the open-balance rollups and a version for every report day the rows
 * touch (the triggers count up from 1 per transaction; a version only has to exist and change, so 1
 * is enough for a new clinic). bench/network.test.ts checks the result against the triggers' on the
 * same rows.
 */
export async function rebuildDerived(db: Db, clinicId: string): Promise<void> {
  // Without the update triggers: they would pass each visit's count on to its appointment row by
  // row (and mark every day of the history for the reports), which the second statement does at once.
  // The generator writes both columns as it loads (writing them here afterwards took most of the
  // 1,461 s this step took on the full network), so these read and find nothing to change; they are
  // kept for rows loaded without them.
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    await tx.execute(sql`
      UPDATE encounters e SET open_charges = s.n
      FROM (SELECT c.encounter_id, count(*)::int AS n FROM charges c
            WHERE c.clinic_id = ${clinicId} AND c.status = 'open' GROUP BY c.encounter_id) s
      WHERE e.id = s.encounter_id AND e.open_charges <> s.n`);
    await tx.execute(sql`
      UPDATE appointments a SET charged = true FROM encounters e
      WHERE e.clinic_id = ${clinicId} AND e.open_charges > 0 AND a.id = e.appointment_id AND NOT a.charged`);
  });
  await db.execute(sql`
    UPDATE patients p SET first_visit_id = f.id, first_visit_at = f.start_at
    FROM (SELECT DISTINCT ON (a.patient_id) a.patient_id, a.id, a.start_at
          FROM appointments a WHERE a.clinic_id = ${clinicId} AND a.status = 'completed'
          ORDER BY a.patient_id, a.start_at, a.id) f
    WHERE p.id = f.patient_id`);
  await db.execute(sql`
    INSERT INTO ar_open_by_date AS r (clinic_id, service_date, payer_id, insurer_cents, patient_cents)
    SELECT c.clinic_id, c.service_date, c.payer_id,
      sum(charge_open_cents(c.status, c.insurer_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents)),
      sum(charge_open_cents(c.status, c.patient_cents, c.patient_allocated_cents, c.patient_adjusted_cents))
    FROM charges c WHERE c.clinic_id = ${clinicId} GROUP BY c.clinic_id, c.service_date, c.payer_id
    ON CONFLICT (clinic_id, service_date, payer_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents`);
  await db.execute(sql`
    INSERT INTO ar_open_by_patient AS r (patient_id, clinic_id, insurer_cents, patient_cents)
    SELECT c.patient_id, c.clinic_id,
      sum(charge_open_cents(c.status, c.insurer_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents)),
      sum(charge_open_cents(c.status, c.patient_cents, c.patient_allocated_cents, c.patient_adjusted_cents))
    FROM charges c WHERE c.clinic_id = ${clinicId} GROUP BY c.patient_id, c.clinic_id
    ON CONFLICT (patient_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents`);
  await db.execute(sql`
    INSERT INTO report_day_versions (clinic_id, local_date, version)
    SELECT ${clinicId}::uuid, d.local_date, 1 FROM (
      SELECT (a.start_at AT TIME ZONE c.timezone)::date AS local_date
        FROM appointments a JOIN clinics c ON c.id = a.clinic_id WHERE a.clinic_id = ${clinicId}
      UNION SELECT (a.start_at AT TIME ZONE c.timezone)::date
        FROM messages m JOIN appointments a ON a.id = m.related_id AND a.clinic_id = m.clinic_id
        JOIN clinics c ON c.id = a.clinic_id
        WHERE m.clinic_id = ${clinicId} AND m.related_type = 'appointment' AND m.kind = 'reminder'
      UNION SELECT service_date FROM charges WHERE clinic_id = ${clinicId}
      UNION SELECT (h.created_at AT TIME ZONE c.timezone)::date
        FROM charges h JOIN clinics c ON c.id = h.clinic_id WHERE h.clinic_id = ${clinicId}
      UNION SELECT received_on FROM payments WHERE clinic_id = ${clinicId}
      UNION SELECT received_on FROM allocations WHERE clinic_id = ${clinicId}
      UNION SELECT (l.created_at AT TIME ZONE c.timezone)::date
        FROM allocations l JOIN clinics c ON c.id = l.clinic_id WHERE l.clinic_id = ${clinicId}
      UNION SELECT (j.posted_at AT TIME ZONE c.timezone)::date
        FROM adjustments j JOIN clinics c ON c.id = j.clinic_id WHERE j.clinic_id = ${clinicId}) d
    WHERE d.local_date IS NOT NULL
    ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1`);
}

interface Charge {
  id: string;
  code: string;
  insurer: number;
  patient: number;
  /** The row as pushed (not inserted before the visit's payments are made). */
  row: Row;
}

/** Seeds of a location's two random sequences (calendar; reminders and recalls). */
function locationSeeds(seed: number, location: number): [number, number] {
  return [seed + 104_729 * (location + 1), seed + 7_919 + 104_729 * (location + 1)];
}

export async function generateNetwork(
  database: Database,
  overrides: Partial<NetworkOptions> = {},
): Promise<GeneratedNetwork> {
  const started = performance.now();
  const options = { ...NETWORK_OPTIONS, ...overrides };
  const connections = Math.max(1, options.connections ?? 1);
  const deferDerived = options.deferDerived ?? true;
  const log = options.progress ?? (() => {});
  const random = prng(options.seed);
  const { db } = database;
  // With a fixed `today`, "now" is its noon: the same seed and day give the same data.
  const now = options.today ? zonedTimeToInstant(options.today, '12:00', options.timezone) : Date.now();
  const today = options.today ?? todayIn(options.timezone, now);
  const firstDate = addDays(today, -options.daysBack);
  const lastDate = addDays(today, options.daysAhead);
  const tz = options.timezone;

  const admin = { email: `bench-network-${options.seed}@clinic.test`, password: 'bench-admin-password-123' };
  const { clinicId, adminUserId } = await createClinic(
    db,
    {
      clinicName: `Bench network ${options.seed}`,
      timezone: tz,
      currency: 'USD',
      country: 'US',
      address: null,
      adminName: 'Bench Admin',
      adminEmail: admin.email,
      adminPassword: admin.password,
    },
    { ip: '127.0.0.1', userAgent: 'bench' },
    { onlyIfEmpty: false },
  );
  const counts: Record<string, number> = {};
  const millis: Record<string, number> = {};
  const loader = new Loader(db, TABLES, 5_000, counts, millis);
  const created = await db
    .select({ id: schema.locations.id })
    .from(schema.locations)
    .where(eq(schema.locations.clinicId, clinicId));
  const locationIds = [created[0].id];
  // The first location comes with the clinic: counted here, so that `counts` is what was generated.
  counts.locations++;
  for (let i = 1; i < options.locations; i++) {
    const id = newId();
    locationIds.push(id);
    loader.push('locations', { id, clinic_id: clinicId, name: `Branch ${i + 1}`, timezone: tz });
  }

  // Providers (spread evenly over the locations), their hours and the types they all offer.
  const providers: { id: string; locationId: string }[] = [];
  for (const locationId of locationIds) {
    for (let i = 0; i < options.providersPerLocation; i++) {
      const id = newId();
      providers.push({ id, locationId });
      loader.push('providers', {
        id,
        clinic_id: clinicId,
        name: `Dr ${pick(random, GIVEN)} ${pick(random, FAMILY)} ${providers.length}`,
        color: '#228be6',
      });
    }
  }
  const blocks = [1, 2, 3, 4, 5].flatMap((weekday) => WORKING_BLOCKS.map((b) => ({ weekday, ...b })));
  for (const provider of providers) {
    loader.push('provider_schedules', {
      id: newId(),
      clinic_id: clinicId,
      provider_id: provider.id,
      location_id: provider.locationId,
      valid_from: addDays(firstDate, -7),
      valid_to: null,
      blocks,
      created_by: adminUserId,
    });
  }
  const typeIds = TYPES.map((type) => {
    const id = newId();
    loader.push('appointment_types', {
      id,
      clinic_id: clinicId,
      name: type.name,
      duration_minutes: type.durationMinutes,
      buffer_after_minutes: 0,
      color: type.color,
    });
    return id;
  });
  for (const typeId of typeIds) {
    for (const provider of providers) {
      loader.push('appointment_type_providers', {
        clinic_id: clinicId,
        appointment_type_id: typeId,
        provider_id: provider.id,
      });
    }
  }
  const serviceIds = SERVICES.map((service) => {
    const id = newId();
    loader.push('services', {
      id,
      clinic_id: clinicId,
      code: service.code,
      code_system: 'CPT',
      description: service.description,
      fee_cents: service.feeCents,
    });
    return id;
  });
  // Reminders and recalls come from their own random sequence (per location), so the rest of the
  // data set is the same as before they were added: an email the day before to one appointment in
  // five (the Reminders report reads them), a recall for 3 % of visits, due 180 days later (the
  // Patients report).
  const reminderRuleId = newId();
  loader.push('reminder_rules', {
    id: reminderRuleId,
    clinic_id: clinicId,
    channel: 'email',
    minutes_before: 1_440,
    active: true,
  });
  const payerIds = PAYERS.map((name) => {
    const id = newId();
    loader.push('payers', { id, clinic_id: clinicId, name });
    return id;
  });

  // Patients: 40 % were patients before the data starts, the rest join evenly over the period
  // (a new patient's first visit is a "New patient" one). 80 % have a primary coverage.
  const totalDays = options.daysBack + options.daysAhead + 1;
  const established = Math.round(options.patients * 0.4);
  // Streamed: a chunk of rows is built, then inserted while the next ones are built (up to
  // `connections` chunks at once); only the ids and coverages stay in memory.
  await loader.flush();
  const patientIds: string[] = [];
  const coverageOf: ({ id: string; payerId: string } | null)[] = [];
  const inserting = new Set<Promise<void>>();
  let chunk = new Loader(db, ['patients', 'coverages'], 5_000, counts, millis);
  const insertChunk = async () => {
    const full = chunk;
    chunk = new Loader(db, ['patients', 'coverages'], 5_000, counts, millis);
    const done: Promise<void> = full.flush().finally(() => inserting.delete(done));
    inserting.add(done);
    if (inserting.size >= connections) await Promise.race(inserting);
  };
  for (let i = 0; i < options.patients; i++) {
    if (i > 0 && i % 5_000 === 0) await insertChunk();
    const patient = makePatient(random, i, clinicId, adminUserId);
    const joinDay =
      i < established
        ? -1 - Math.floor(random() * 1_800)
        : Math.floor(((i - established) / (options.patients - established)) * totalDays);
    const createdAt = new Date(zonedTimeToInstant(addDays(firstDate, joinDay), '09:00', tz) - 30 * DAY);
    patientIds.push(patient.id ?? '');
    chunk.push('patients', {
      id: patient.id,
      clinic_id: clinicId,
      mrn: patient.mrn,
      given_name: patient.givenName,
      family_name: patient.familyName,
      birth_date: patient.birthDate,
      sex: patient.sex,
      phones: patient.phones,
      email: patient.email,
      search_name: patient.searchName,
      search_phonetic: patient.searchPhonetic,
      search_phones: patient.searchPhones,
      created_at: createdAt,
      updated_at: createdAt,
      created_by: adminUserId,
      updated_by: adminUserId,
    });
    if (random() < 0.8) {
      const coverage = { id: newId(), payerId: pick(random, payerIds) };
      coverageOf.push(coverage);
      chunk.push('coverages', {
        id: coverage.id,
        clinic_id: clinicId,
        patient_id: patient.id,
        payer_id: coverage.payerId,
        rank: 'primary',
        member_id: `M${String(10_000_000 + i)}`,
        coinsurance_bps: 2_000,
        valid_from: '2000-01-01',
        created_at: createdAt,
        updated_at: createdAt,
      });
    } else {
      coverageOf.push(null);
    }
  }
  await insertChunk();
  await Promise.all(inserting);
  await db.execute(
    sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${clinicId}, 'mrn', ${100_001 + options.patients})`,
  );
  log(`network: ${providers.length} providers at ${locationIds.length} locations, ${options.patients} patients`);

  // Each location's calendar, visits and payments: its own random sequences and loader, so locations
  // can be generated at once (on their own connections) and in any order.
  const generateLocation = async (location: number) => {
    const [calendarSeed, extraSeed] = locationSeeds(options.seed, location);
    const random = prng(calendarSeed);
    const extra = prng(extraSeed);
    const loader = new Loader(db, TABLES, 5_000, counts, millis, deferDerived);
    const locationProviders = providers.filter((p) => p.locationId === locationIds[location]);
    const allocate = (
      payment: { id: string; receivedOn: string; payerId: string | null },
      charge: Charge,
      responsibility: 'insurer' | 'patient',
      amount: number,
      createdAt: Date,
    ) => {
      if (deferDerived) {
        const column = `${responsibility}_allocated_cents`;
        charge.row[column] = (charge.row[column] as number) + amount;
      }
      loader.push('allocations', {
        id: newId(),
        clinic_id: clinicId,
        payment_id: payment.id,
        charge_id: charge.id,
        responsibility,
        amount_cents: amount,
        created_at: createdAt,
        // What the allocations_report_keys trigger copies from the payment and the charge.
        received_on: payment.receivedOn,
        payer_id: payment.payerId,
        provider_id: charge.row.provider_id,
        location_id: charge.row.location_id,
        service_code: charge.code,
      });
    };
    const remind = (appointmentId: string, patientId: string, start: number) => {
      if (extra() >= 0.2) return;
      const due = start - DAY;
      const done = due <= now;
      const status = !done ? 'queued' : extra() < 0.95 ? 'sent' : 'failed';
      loader.push('messages', {
        id: newId(),
        clinic_id: clinicId,
        channel: 'email',
        kind: 'reminder',
        patient_id: patientId,
        to_address: 'patient@example.test',
        subject: 'Reminder',
        text_body: 'See you tomorrow.',
        status,
        attempts: done ? 1 : 0,
        related_type: 'appointment',
        related_id: appointmentId,
        rule_id: reminderRuleId,
        created_at: new Date(Math.min(due - 7 * DAY, now)),
        send_after: new Date(due),
        sent_at: status === 'sent' ? new Date(due) : null,
        last_attempt_at: done ? new Date(due) : null,
        error: status === 'failed' ? 'Mailbox unavailable' : null,
      });
    };
    // New patients of this location: established + L, + L + locations, … (joined evenly over time).
    let newSeen = 0;
    const newIndex = (k: number) => established + location + k * options.locations;
    let reference = 0;
    let chartVisitsLeft = location === 0 ? options.chartVisits : 0;
    let dayIndex = 0;
    for (let date = firstDate; date <= lastDate; date = addDays(date, 1), dayIndex++) {
      if (isoWeekday(date) > 5) continue;
      const joined = Math.min(
        options.patients,
        established + Math.floor(((options.patients - established) * (dayIndex + 1)) / totalDays),
      );
      // Everyone who has joined the network by now, about (the other locations' new patients too).
      const known = Math.max(1, Math.min(joined, established + newSeen * options.locations));
      // One remittance per payer for the insured visits of this day, received 14–35 days later.
      const remittances = new Map<string, { id: string; amount: number; receivedOn: string }>();
      for (const provider of locationProviders) {
        for (const block of WORKING_BLOCKS) {
          let cursor = zonedTimeToInstant(date, block.start, tz);
          const end = zonedTimeToInstant(date, block.end, tz);
          let firstOfBlock = provider === locationProviders[0];
          for (;;) {
            let typeIndex = pickWeighted(random, (end - cursor) / MINUTE);
            if (typeIndex === null) break;
            let patientIndex: number;
            if (newIndex(newSeen) < joined && random() < 0.15) {
              patientIndex = newIndex(newSeen++);
              typeIndex = NEW_PATIENT_TYPE;
              if (cursor + TYPES[typeIndex].durationMinutes * MINUTE > end) break;
            } else {
              patientIndex = Math.floor(random() * known);
              if (typeIndex === NEW_PATIENT_TYPE) typeIndex = 0;
              if (firstOfBlock && chartVisitsLeft > 0 && cursor < now - DAY) patientIndex = 0;
            }
            firstOfBlock = false;
            const start = cursor;
            const stop = start + TYPES[typeIndex].durationMinutes * MINUTE;
            cursor = stop;
            if (random() >= options.fillRate) continue;
            const base = {
              clinic_id: clinicId,
              patient_id: patientIds[patientIndex],
              provider_id: provider.id,
              location_id: provider.locationId,
              appointment_type_id: typeIds[typeIndex],
              start_at: new Date(start),
              end_at: new Date(stop),
              buffer_end_at: new Date(stop),
              created_by: adminUserId,
              // Whether its visit has an open charge (0050's trigger): only a completed one's does.
              ...(deferDerived ? { charged: false } : {}),
            };
            const bookedAt =
              start - Math.min(90, Math.floor(-Math.log(1 - random()) * 14) + 1) * DAY - minutes(random, 0, 600);
            // A quarter of the slots had an earlier booking that was cancelled (30 % of those within
            // 24 h: late cancels) and was rebooked: cancelled rows do not hold time.
            if (random() < 0.25) {
              const otherBooked = bookedAt - 7 * DAY;
              const late = random() < 0.3;
              const cancelledAt = late ? start - minutes(random, 60, 1_380) : start - minutes(random, 1_500, 10_000);
              loader.push('appointments', {
                ...base,
                id: newId(),
                patient_id: patientIds[Math.floor(random() * known)],
                status: 'cancelled',
                booked_at: new Date(Math.min(otherBooked, cancelledAt - MINUTE)),
                cancelled_at: new Date(Math.min(cancelledAt, now)),
                cancel_reason: late ? 'Sick' : 'Patient',
                updated_at: new Date(Math.min(cancelledAt, now)),
              });
            }
            const confirmedAt =
              random() < 0.85 ? Math.max(bookedAt + MINUTE, start - minutes(random, 1_440, 2_880)) : null;
            const id = newId();
            if (stop > now) {
              // Today's later visits and the weeks ahead: booked or confirmed.
              const confirmed = confirmedAt !== null && confirmedAt <= now;
              loader.push('appointments', {
                ...base,
                id,
                status: confirmed ? 'confirmed' : 'booked',
                booked_at: new Date(Math.min(bookedAt, now)),
                confirmed_at: confirmed ? new Date(confirmedAt) : null,
                updated_at: new Date(now),
              });
              remind(id, base.patient_id, start);
              continue;
            }
            if (random() < 0.05) {
              loader.push('appointments', {
                ...base,
                id,
                status: 'no_show',
                booked_at: new Date(bookedAt),
                confirmed_at: confirmedAt === null ? null : new Date(confirmedAt),
                no_show_at: new Date(start + 15 * MINUTE),
                updated_at: new Date(start + 15 * MINUTE),
              });
              remind(id, base.patient_id, start);
              continue;
            }
            // Most arrive early; one in five arrives late, and some visits start late.
            const checkedInAt = random() < 0.8 ? start - minutes(random, 1, 15) : start + minutes(random, 1, 20);
            const startedAt = Math.max(
              checkedInAt + 2 * MINUTE,
              random() < 0.7 ? start + minutes(random, 0, 4) : start + minutes(random, 5, 25),
            );
            const completedAt = startedAt + TYPES[typeIndex].durationMinutes * MINUTE + minutes(random, -3, 5);
            loader.push('appointments', {
              ...base,
              id,
              ...(deferDerived ? { charged: true } : {}),
              status: 'completed',
              booked_at: new Date(bookedAt),
              confirmed_at: confirmedAt === null ? null : new Date(confirmedAt),
              checked_in_at: new Date(checkedInAt),
              started_at: new Date(startedAt),
              completed_at: new Date(completedAt),
              updated_at: new Date(completedAt),
            });
            remind(id, base.patient_id, start);

            // The visit's note, signed, with 2–3 service lines and their charges.
            const encounterId = newId();
            if (patientIndex === 0) chartVisitsLeft--;
            const signedAt = new Date(completedAt + minutes(random, 2, 120));
            const diagnosis = pick(random, DIAGNOSES);
            // Drawn here (the stream's order unchanged): the encounter row carries its open charges.
            const lines = random() < 0.6 ? 3 : 2;
            loader.push('encounters', {
              id: encounterId,
              clinic_id: clinicId,
              patient_id: base.patient_id,
              provider_id: provider.id,
              location_id: provider.locationId,
              appointment_id: id,
              service_date: date,
              status: 'signed',
              chief_complaint: 'Visit',
              created_at: new Date(startedAt),
              created_by: adminUserId,
              updated_at: signedAt,
              signed_at: signedAt,
              signed_by: adminUserId,
              ...(deferDerived ? { open_charges: lines } : {}),
            });
            if (extra() < 0.03) {
              const dueDate = addDays(date, 180);
              const roll = extra();
              const status =
                dueDate > today
                  ? 'open'
                  : roll < 0.5
                    ? 'booked'
                    : roll < 0.7
                      ? 'closed'
                      : roll < 0.9
                        ? 'open'
                        : 'contacted';
              loader.push('recalls', {
                id: newId(),
                clinic_id: clinicId,
                patient_id: base.patient_id,
                encounter_id: encounterId,
                provider_id: provider.id,
                due_date: dueDate,
                reason: '6-month check-up',
                status,
                created_at: signedAt,
                created_by: adminUserId,
                resolved_at:
                  status === 'booked' || status === 'closed'
                    ? new Date(Math.min(now, zonedTimeToInstant(dueDate, '12:00', tz)))
                    : null,
                close_reason: status === 'closed' ? 'Not needed' : null,
              });
            }
            loader.push('encounter_diagnoses', {
              id: newId(),
              clinic_id: clinicId,
              encounter_id: encounterId,
              position: 1,
              code: diagnosis,
              description: diagnosis,
            });
            const coverage = coverageOf[patientIndex];
            const first = typeIndex === NEW_PATIENT_TYPE ? 4 : Math.floor(random() * 4);
            const chosen = [first];
            while (chosen.length < lines) {
              const next = 5 + Math.floor(random() * (SERVICES.length - 5));
              if (!chosen.includes(next)) chosen.push(next);
            }
            const charges: Charge[] = [];
            for (const serviceIndex of chosen) {
              const service = SERVICES[serviceIndex];
              const lineId = newId();
              loader.push('encounter_services', {
                id: lineId,
                clinic_id: clinicId,
                encounter_id: encounterId,
                service_id: serviceIds[serviceIndex],
                code: service.code,
                code_system: 'CPT',
                description: service.description,
                units: 1,
                fee_cents: service.feeCents,
                diagnosis_pointers: [1],
                created_at: new Date(startedAt),
              });
              const patientCents = coverage ? Math.round(service.feeCents * 0.2) : service.feeCents;
              const charge: Charge = {
                id: newId(),
                code: service.code,
                insurer: service.feeCents - patientCents,
                patient: patientCents,
                row: {},
              };
              charges.push(charge);
              charge.row = {
                id: charge.id,
                clinic_id: clinicId,
                encounter_id: encounterId,
                service_line_id: lineId,
                patient_id: base.patient_id,
                provider_id: provider.id,
                location_id: provider.locationId,
                service_date: date,
                code: service.code,
                code_system: 'CPT',
                description: service.description,
                units: 1,
                unit_fee_cents: service.feeCents,
                amount_cents: service.feeCents,
                diagnosis_codes: [diagnosis],
                status: 'open',
                created_at: signedAt,
                created_by: adminUserId,
                coverage_id: coverage?.id ?? null,
                payer_id: coverage?.payerId ?? null,
                insurer_cents: charge.insurer,
                patient_cents: charge.patient,
              };
              if (deferDerived) {
                // What the allocations' and adjustments' triggers would add up (a missing key is NULL).
                Object.assign(charge.row, {
                  insurer_allocated_cents: 0,
                  patient_allocated_cents: 0,
                  insurer_adjusted_cents: 0,
                  patient_adjusted_cents: 0,
                });
              }
              loader.push('charges', charge.row);
            }

            // The insurer pays 95 % of visits in the day's remittance (if it has arrived by today).
            if (coverage && random() < 0.95) {
              let remittance = remittances.get(coverage.payerId);
              if (!remittance) {
                remittance = { id: newId(), amount: 0, receivedOn: addDays(date, 14 + Math.floor(random() * 22)) };
                remittances.set(coverage.payerId, remittance);
              }
              if (remittance.receivedOn <= today) {
                for (const charge of charges) {
                  remittance.amount += charge.insurer;
                  allocate(
                    { id: remittance.id, receivedOn: remittance.receivedOn, payerId: coverage.payerId },
                    charge,
                    'insurer',
                    charge.insurer,
                    new Date(zonedTimeToInstant(remittance.receivedOn, '10:00', tz)),
                  );
                }
              }
            }

            // The patient pays their part at the desk (70 %), later by check (15 %), or not at all.
            const owed = charges.reduce((sum, charge) => sum + charge.patient, 0);
            const roll = random();
            const paidOn = roll < 0.7 ? date : roll < 0.85 ? addDays(date, 14 + Math.floor(random() * 31)) : null;
            if (paidOn && paidOn <= today) {
              const paymentId = newId();
              const postedAt =
                paidOn === date
                  ? new Date(completedAt + 5 * MINUTE)
                  : new Date(zonedTimeToInstant(paidOn, '11:00', tz));
              loader.push('payments', {
                id: paymentId,
                clinic_id: clinicId,
                source: 'patient',
                patient_id: base.patient_id,
                method: paidOn === date ? 'card' : 'check',
                reference: paidOn === date ? null : `CHK-${location + 1}-${++reference}`,
                amount_cents: owed,
                received_on: paidOn,
                posted_by: adminUserId,
                posted_at: postedAt,
              });
              for (const charge of charges) {
                allocate(
                  { id: paymentId, receivedOn: paidOn, payerId: null },
                  charge,
                  'patient',
                  charge.patient,
                  postedAt,
                );
              }
              // A few are refunded a week later (the payment reversed with its allocations).
              const refundOn = addDays(paidOn, 7);
              if (random() < 0.005 && refundOn <= today) {
                const reversalId = newId();
                const refundedAt = new Date(zonedTimeToInstant(refundOn, '12:00', tz));
                loader.push('payments', {
                  id: reversalId,
                  clinic_id: clinicId,
                  source: 'patient',
                  patient_id: base.patient_id,
                  method: paidOn === date ? 'card' : 'check',
                  reference: paidOn === date ? null : `CHK-${location + 1}-${reference}`,
                  amount_cents: -owed,
                  received_on: refundOn,
                  note: 'Refund',
                  reverses_id: paymentId,
                  posted_by: adminUserId,
                  posted_at: refundedAt,
                });
                for (const charge of charges) {
                  allocate(
                    { id: reversalId, receivedOn: refundOn, payerId: null },
                    charge,
                    'patient',
                    -charge.patient,
                    refundedAt,
                  );
                }
              }
            } else if (!paidOn && random() < 0.1) {
              // Some unpaid balances are discounted (hardship) after 60 days.
              const on = addDays(date, 60);
              if (on <= today) {
                if (deferDerived) charges[0].row.patient_adjusted_cents = charges[0].patient;
                loader.push('adjustments', {
                  id: newId(),
                  clinic_id: clinicId,
                  charge_id: charges[0].id,
                  responsibility: 'patient',
                  kind: 'discount',
                  amount_cents: charges[0].patient,
                  reason: 'Hardship discount',
                  posted_by: adminUserId,
                  posted_at: new Date(zonedTimeToInstant(on, '12:00', tz)),
                });
              }
            }
          }
        }
      }
      for (const [payerId, remittance] of remittances) {
        if (remittance.receivedOn > today || remittance.amount === 0) continue;
        loader.push('payments', {
          id: remittance.id,
          clinic_id: clinicId,
          source: 'insurer',
          payer_id: payerId,
          method: 'eft',
          reference: `EFT-${date}-${location + 1}-${payerIds.indexOf(payerId) + 1}`,
          amount_cents: remittance.amount,
          received_on: remittance.receivedOn,
          posted_by: adminUserId,
          posted_at: new Date(zonedTimeToInstant(remittance.receivedOn, '10:00', tz)),
        });
      }
      await loader.maybeFlush();
    }
    await loader.flush();
    log(
      `network: location ${location + 1} of ${locationIds.length} done — ${counts.appointments} appointments so far, ${Math.round(
        counts.appointments / ((performance.now() - started) / 1000),
      )}/s overall`,
    );
  };

  let dropped: string[] = [];
  try {
    if (deferDerived) {
      await checkInsertTriggers(db);
      dropped = await dropPlainIndexes(db);
    }
    let next = 0;
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(connections, locationIds.length) }, async () => {
        while (next < locationIds.length) await generateLocation(next++);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    if (deferDerived) {
      const indexesStarted = performance.now();
      await createIndexes(db, dropped, connections);
      millis.indexes = performance.now() - indexesStarted;
    }
  }
  if (deferDerived) {
    const keysStarted = performance.now();
    await checkForeignKeys(db, connections);
    millis.foreignKeys = performance.now() - keysStarted;
  }
  if (deferDerived) {
    const rebuildStarted = performance.now();
    await rebuildDerived(db, clinicId);
    millis.rebuild = performance.now() - rebuildStarted;
  }
  const insertSeconds = Object.entries(millis)
    .filter(([, ms]) => ms > 1_000)
    .map(([table, ms]) => `${table} ${(ms / 1000).toFixed(0)} s`);
  log(
    `network: done in ${((performance.now() - started) / 1000).toFixed(1)} s (time per table or step, summed over connections: ${insertSeconds.join(', ')})`,
  );

  return {
    clinicId,
    adminUserId,
    admin,
    locationIds,
    providerIds: providers.map((p) => p.id),
    patientIds,
    firstDate,
    lastDate,
    today,
    counts: { ...counts },
    millis: performance.now() - started,
  };
}
