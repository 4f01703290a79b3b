import { type Database, type Db, newId, schema } from '@tend/db';
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
 * The same seed and `today` give the same network.
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
 * that another row has is NULL, not the column's default.
 */
export async function bulkInsert(db: Db, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  const columns = [...names].map((name) => `"${name}"`).join(', ');
  await db.execute(
    sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns)}) SELECT ${sql.raw(columns)} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(rows)}::json)`,
  );
}

/** Buffers rows per table and inserts them in foreign-key order (parents first), in batches. */
class Loader {
  private readonly buffers = new Map<string, Row[]>();
  readonly counts: Record<string, number> = {};
  /** Time spent inserting, per table. */
  readonly millis: Record<string, number> = {};
  private buffered = 0;

  constructor(
    private readonly db: Db,
    tables: string[],
    private readonly batch: number,
  ) {
    for (const table of tables) {
      this.buffers.set(table, []);
      this.counts[table] = 0;
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
      for (let i = 0; i < rows.length; i += this.batch) await bulkInsert(this.db, table, rows.slice(i, i + this.batch));
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

export async function generateNetwork(
  database: Database,
  overrides: Partial<NetworkOptions> = {},
): Promise<GeneratedNetwork> {
  const started = performance.now();
  const options = { ...NETWORK_OPTIONS, ...overrides };
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
  const loader = new Loader(
    db,
    [
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
    ],
    5_000,
  );
  const created = await db
    .select({ id: schema.locations.id })
    .from(schema.locations)
    .where(eq(schema.locations.clinicId, clinicId));
  const locationIds = [created[0].id];
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
  // Reminders and recalls come from their own random sequence, so the rest of the data set is the
  // same as before they were added: an email the day before to one appointment in five (the
  // Reminders report reads them), a recall for 3 % of visits, due 180 days later (the Patients report).
  const extra = prng(options.seed + 7_919);
  const reminderRuleId = newId();
  loader.push('reminder_rules', {
    id: reminderRuleId,
    clinic_id: clinicId,
    channel: 'email',
    minutes_before: 1_440,
    active: true,
  });
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
  const payerIds = PAYERS.map((name) => {
    const id = newId();
    loader.push('payers', { id, clinic_id: clinicId, name });
    return id;
  });

  // Patients: 40 % were patients before the data starts, the rest join evenly over the period
  // (a new patient's first visit is a "New patient" one). 80 % have a primary coverage.
  const totalDays = options.daysBack + options.daysAhead + 1;
  const established = Math.round(options.patients * 0.4);
  const patientIds: string[] = [];
  const coverageOf: ({ id: string; payerId: string } | null)[] = [];
  for (let i = 0; i < options.patients; i++) {
    const patient = makePatient(random, i, clinicId, adminUserId);
    const joinDay =
      i < established
        ? -1 - Math.floor(random() * 1_800)
        : Math.floor(((i - established) / (options.patients - established)) * totalDays);
    const createdAt = new Date(zonedTimeToInstant(addDays(firstDate, joinDay), '09:00', tz) - 30 * DAY);
    patientIds.push(patient.id ?? '');
    loader.push('patients', {
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
      loader.push('coverages', {
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
  await loader.flush();
  await db.execute(
    sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${clinicId}, 'mrn', ${100_001 + options.patients})`,
  );
  log(`network: ${providers.length} providers at ${locationIds.length} locations, ${options.patients} patients`);

  let nextNew = established;
  let reference = 0;
  let chartVisitsLeft = options.chartVisits;
  let dayIndex = 0;
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1), dayIndex++) {
    if (dayIndex % 60 === 0) {
      log(`network: ${date} — ${loader.counts.appointments} appointments, ${loader.counts.charges} charges so far`);
    }
    if (isoWeekday(date) > 5) continue;
    const joined = Math.min(
      options.patients,
      established + Math.floor(((options.patients - established) * (dayIndex + 1)) / totalDays),
    );
    // One remittance per payer for the insured visits of this day, received 14–35 days later.
    const remittances = new Map<string, { id: string; amount: number; receivedOn: string }>();
    for (const provider of providers) {
      for (const block of WORKING_BLOCKS) {
        let cursor = zonedTimeToInstant(date, block.start, tz);
        const end = zonedTimeToInstant(date, block.end, tz);
        let firstOfBlock = provider === providers[0];
        for (;;) {
          let typeIndex = pickWeighted(random, (end - cursor) / MINUTE);
          if (typeIndex === null) break;
          let patientIndex: number;
          if (nextNew < joined && random() < 0.15) {
            patientIndex = nextNew++;
            typeIndex = NEW_PATIENT_TYPE;
            if (cursor + TYPES[typeIndex].durationMinutes * MINUTE > end) break;
          } else {
            patientIndex = Math.floor(random() * Math.max(1, Math.min(joined, nextNew)));
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
              patient_id: patientIds[Math.floor(random() * Math.max(1, nextNew))],
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
          const lines = random() < 0.6 ? 3 : 2;
          const first = typeIndex === NEW_PATIENT_TYPE ? 4 : Math.floor(random() * 4);
          const chosen = [first];
          while (chosen.length < lines) {
            const next = 5 + Math.floor(random() * (SERVICES.length - 5));
            if (!chosen.includes(next)) chosen.push(next);
          }
          const charges: { id: string; insurer: number; patient: number }[] = [];
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
            const charge = { id: newId(), insurer: service.feeCents - patientCents, patient: patientCents };
            charges.push(charge);
            loader.push('charges', {
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
            });
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
                loader.push('allocations', {
                  id: newId(),
                  clinic_id: clinicId,
                  payment_id: remittance.id,
                  charge_id: charge.id,
                  responsibility: 'insurer',
                  amount_cents: charge.insurer,
                  created_at: new Date(zonedTimeToInstant(remittance.receivedOn, '10:00', tz)),
                });
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
              paidOn === date ? new Date(completedAt + 5 * MINUTE) : new Date(zonedTimeToInstant(paidOn, '11:00', tz));
            loader.push('payments', {
              id: paymentId,
              clinic_id: clinicId,
              source: 'patient',
              patient_id: base.patient_id,
              method: paidOn === date ? 'card' : 'check',
              reference: paidOn === date ? null : `CHK-${++reference}`,
              amount_cents: owed,
              received_on: paidOn,
              posted_by: adminUserId,
              posted_at: postedAt,
            });
            for (const charge of charges) {
              loader.push('allocations', {
                id: newId(),
                clinic_id: clinicId,
                payment_id: paymentId,
                charge_id: charge.id,
                responsibility: 'patient',
                amount_cents: charge.patient,
                created_at: postedAt,
              });
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
                reference: paidOn === date ? null : `CHK-${reference}`,
                amount_cents: -owed,
                received_on: refundOn,
                note: 'Refund',
                reverses_id: paymentId,
                posted_by: adminUserId,
                posted_at: refundedAt,
              });
              for (const charge of charges) {
                loader.push('allocations', {
                  id: newId(),
                  clinic_id: clinicId,
                  payment_id: reversalId,
                  charge_id: charge.id,
                  responsibility: 'patient',
                  amount_cents: -charge.patient,
                  created_at: refundedAt,
                });
              }
            }
          } else if (!paidOn && random() < 0.1) {
            // Some unpaid balances are discounted (hardship) after 60 days.
            const on = addDays(date, 60);
            if (on <= today) {
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
        reference: `EFT-${date}-${payerIds.indexOf(payerId) + 1}`,
        amount_cents: remittance.amount,
        received_on: remittance.receivedOn,
        posted_by: adminUserId,
        posted_at: new Date(zonedTimeToInstant(remittance.receivedOn, '10:00', tz)),
      });
    }
    await loader.maybeFlush();
  }
  await loader.flush();
  const insertSeconds = Object.entries(loader.millis)
    .filter(([, ms]) => ms > 1_000)
    .map(([table, ms]) => `${table} ${(ms / 1000).toFixed(0)} s`);
  log(
    `network: done in ${((performance.now() - started) / 1000).toFixed(1)} s (inserting: ${insertSeconds.join(', ')})`,
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
    counts: { ...loader.counts },
    millis: performance.now() - started,
  };
}
