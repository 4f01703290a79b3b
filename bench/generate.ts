import { type Database, newId, type StoredPhone, schema } from '@tend/db';
import { normalizeName, phoneticKey, zonedTimeToInstant } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { createClinic } from '../apps/server/src/clinic/service';

/**
 * Seeded data generator for the benchmarks: "a clinic of 20 providers with 6 months of
 * appointments". Everything but the clinic and its administrator (created by the server's own
 * service, which hashes the password) is inserted in bulk with SQL, not through the HTTP API.
 * The same seed and `today` give the same clinic.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface GenerateOptions {
  seed: number;
  providers: number;
  /** Days of history before today and of bookings after it (about 3 months each). */
  daysBack: number;
  daysAhead: number;
  /** Share of the working time that holds an appointment. */
  fillRate: number;
  timezone: string;
  /** Local date (in `timezone`) the data is centred on; defaults to today. */
  today?: string;
}

export const DEFAULT_OPTIONS: GenerateOptions = {
  seed: 20_300_107,
  providers: 20,
  daysBack: 91,
  daysAhead: 91,
  fillRate: 0.7,
  timezone: 'America/New_York',
};

export interface GeneratedType {
  id: string;
  name: string;
  durationMinutes: number;
  bufferAfterMinutes: number;
}

/** A free stretch of a provider's working time, in epoch milliseconds. */
export interface FreeGap {
  providerId: string;
  start: number;
  end: number;
}

export interface GeneratedClinic {
  clinicId: string;
  adminUserId: string;
  admin: { email: string; password: string };
  locationId: string;
  providerIds: string[];
  types: GeneratedType[];
  patientIds: string[];
  appointments: number;
  /** Future free working time (gaps between the generated appointments), for booking benchmarks. */
  freeGaps: FreeGap[];
  /** First and last local date that has generated appointments. */
  firstDate: string;
  lastDate: string;
  workingBlocks: { start: string; end: string }[];
  millis: number;
}

const WORKING_BLOCKS = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '17:00' },
];

const TYPES = [
  { name: 'Follow-up', durationMinutes: 20, bufferAfterMinutes: 0, color: '#40c057', weight: 3 },
  { name: 'Cleaning', durationMinutes: 30, bufferAfterMinutes: 0, color: '#228be6', weight: 4 },
  { name: 'New patient', durationMinutes: 40, bufferAfterMinutes: 0, color: '#fab005', weight: 2 },
  { name: 'Procedure', durationMinutes: 50, bufferAfterMinutes: 10, color: '#fa5252', weight: 1 },
];

export const GIVEN = [
  'Ada',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Xena',
  'Yusuf',
  'Zoe',
];
export const FAMILY = [
  'Anders',
  'Baker',
  'Chen',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ibrahim',
  'Jones',
  'Kowalski',
  'Lopez',
  'Murphy',
  'Nguyen',
  'Okafor',
  'Patel',
  'Quintero',
  'Rossi',
  'Smith',
  'Tanaka',
  'Ueda',
  'Vargas',
  'Walsh',
  'Xu',
  'Young',
  'Zimmerman',
];

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** Local date arithmetic on YYYY-MM-DD strings (calendar days, no time zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

export function todayIn(timezone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date(now));
}

type AppointmentInsert = typeof schema.appointments.$inferInsert;
export type PatientInsert = typeof schema.patients.$inferInsert;

async function insertInBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** A generated patient (MRN 100001 + i) with the search columns the server maintains. */
export function makePatient(random: () => number, i: number, clinicId: string, userId: string): PatientInsert {
  const givenName = pick(random, GIVEN);
  const familyName = pick(random, FAMILY);
  const number = `+1617${String(2_000_000 + Math.floor(random() * 7_999_999)).padStart(7, '0')}`;
  const phones: StoredPhone[] = [{ use: 'mobile', number }];
  const search = normalizeName(`${givenName} ${familyName} `);
  const year = 1940 + Math.floor(random() * 75);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return {
    id: newId(),
    clinicId,
    mrn: String(100_001 + i),
    givenName,
    familyName,
    birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    sex: random() < 0.5 ? 'female' : 'male',
    phones,
    email: `${givenName}.${familyName}.${i}@example.com`.toLowerCase(),
    searchName: search,
    searchPhonetic: phoneticKey(search),
    searchPhones: number.replace(/\D/g, ''),
    createdBy: userId,
    updatedBy: userId,
  };
}

/** Weighted choice among the types that still fit before `end`. */
function pickType(random: () => number, types: GeneratedType[], room: number): GeneratedType | null {
  const fitting = TYPES.map((spec, i) => ({ spec, type: types[i] })).filter(
    ({ type }) => type.durationMinutes + type.bufferAfterMinutes <= room,
  );
  if (!fitting.length) return null;
  const total = fitting.reduce((sum, f) => sum + f.spec.weight, 0);
  let roll = random() * total;
  for (const f of fitting) {
    roll -= f.spec.weight;
    if (roll < 0) return f.type;
  }
  return fitting[fitting.length - 1].type;
}

export async function generateClinic(
  database: Database,
  overrides: Partial<GenerateOptions> = {},
): Promise<GeneratedClinic> {
  const started = performance.now();
  const options = { ...DEFAULT_OPTIONS, ...overrides };
  const random = prng(options.seed);
  const { db } = database;
  const now = Date.now();
  const today = options.today ?? todayIn(options.timezone, now);

  const admin = { email: `bench-admin-${options.seed}@clinic.test`, password: 'bench-admin-password-123' };
  const { clinicId, adminUserId } = await createClinic(
    db,
    {
      clinicName: `Bench clinic ${options.seed}`,
      timezone: options.timezone,
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
  const [location] = await db
    .select({ id: schema.locations.id })
    .from(schema.locations)
    .where(sql`${schema.locations.clinicId} = ${clinicId}`);
  const locationId = location.id;

  // Providers, their weekly hours (one open-ended version) and the appointment types they offer.
  const providerIds = Array.from({ length: options.providers }, () => newId());
  await db.insert(schema.providers).values(
    providerIds.map((id, i) => ({
      id,
      clinicId,
      name: `Dr ${pick(random, GIVEN)} ${pick(random, FAMILY)} ${i + 1}`,
      color: '#228be6',
    })),
  );
  const firstDate = addDays(today, -options.daysBack);
  const lastDate = addDays(today, options.daysAhead);
  const blocks = [1, 2, 3, 4, 5].flatMap((weekday) =>
    WORKING_BLOCKS.map((b) => ({ weekday: weekday as 1 | 2 | 3 | 4 | 5, start: b.start, end: b.end })),
  );
  await db.insert(schema.providerSchedules).values(
    providerIds.map((providerId) => ({
      id: newId(),
      clinicId,
      providerId,
      locationId,
      validFrom: addDays(firstDate, -7),
      validTo: null,
      blocks,
      createdBy: adminUserId,
    })),
  );
  const types: GeneratedType[] = TYPES.map((t) => ({
    id: newId(),
    name: t.name,
    durationMinutes: t.durationMinutes,
    bufferAfterMinutes: t.bufferAfterMinutes,
  }));
  await db.insert(schema.appointmentTypes).values(
    types.map((t, i) => ({
      id: t.id,
      clinicId,
      name: t.name,
      durationMinutes: t.durationMinutes,
      bufferAfterMinutes: t.bufferAfterMinutes,
      color: TYPES[i].color,
    })),
  );
  await db
    .insert(schema.appointmentTypeProviders)
    .values(types.flatMap((t) => providerIds.map((providerId) => ({ clinicId, appointmentTypeId: t.id, providerId }))));

  // The calendar: each working block filled back to back with visits of random types, each one
  // booked with probability `fillRate` (otherwise its time is left free).
  interface Visit {
    providerId: string;
    type: GeneratedType;
    start: number;
  }
  const visits: Visit[] = [];
  const freeGaps: FreeGap[] = [];
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
    if (isoWeekday(date) > 5) continue;
    for (const providerId of providerIds) {
      for (const block of WORKING_BLOCKS) {
        let cursor = zonedTimeToInstant(date, block.start, options.timezone);
        const end = zonedTimeToInstant(date, block.end, options.timezone);
        let gapStart: number | null = null;
        for (;;) {
          const type = pickType(random, types, (end - cursor) / MINUTE);
          if (!type) break;
          const held = (type.durationMinutes + type.bufferAfterMinutes) * MINUTE;
          if (random() < options.fillRate) {
            if (gapStart !== null && cursor > now) freeGaps.push({ providerId, start: gapStart, end: cursor });
            gapStart = null;
            visits.push({ providerId, type, start: cursor });
          } else if (gapStart === null) {
            gapStart = cursor;
          }
          cursor += held;
        }
        if (gapStart !== null && gapStart > now) freeGaps.push({ providerId, start: gapStart, end });
      }
    }
  }

  // Patients to match: about six visits each over the six months.
  const patientCount = Math.max(50, Math.round(visits.length / 6));
  const patients: PatientInsert[] = [];
  for (let i = 0; i < patientCount; i++) patients.push(makePatient(random, i, clinicId, adminUserId));
  await insertInBatches(patients, 1000, (batch) => db.insert(schema.patients).values(batch));
  await db.insert(schema.clinicCounters).values({ clinicId, name: 'mrn', nextValue: 100_001 + patientCount });
  const patientIds = patients.map((p) => p.id ?? '');

  const appointments: AppointmentInsert[] = visits.map((visit) => {
    const end = visit.start + visit.type.durationMinutes * MINUTE;
    const bufferEnd = end + visit.type.bufferAfterMinutes * MINUTE;
    const bookedAt = new Date(visit.start - (1 + Math.floor(random() * 60)) * DAY);
    const roll = random();
    const base: AppointmentInsert = {
      id: newId(),
      clinicId,
      patientId: pick(random, patientIds),
      providerId: visit.providerId,
      locationId,
      appointmentTypeId: visit.type.id,
      startAt: new Date(visit.start),
      endAt: new Date(end),
      bufferEndAt: new Date(bufferEnd),
      bookedAt,
      createdBy: adminUserId,
    };
    if (end <= now) {
      // History: mostly completed, a few no-shows and cancellations (which free their time).
      if (roll < 0.06) return { ...base, status: 'no_show', noShowAt: new Date(visit.start + 15 * MINUTE) };
      if (roll < 0.12) {
        return { ...base, status: 'cancelled', cancelledAt: new Date(visit.start - DAY), cancelReason: 'Patient' };
      }
      return {
        ...base,
        status: 'completed',
        confirmedAt: new Date(visit.start - DAY),
        checkedInAt: new Date(visit.start - 5 * MINUTE),
        startedAt: new Date(visit.start + 2 * MINUTE),
        completedAt: new Date(end),
      };
    }
    if (roll < 0.05) {
      return { ...base, status: 'cancelled', cancelledAt: new Date(now - DAY), cancelReason: 'Patient' };
    }
    if (roll < 0.4) return { ...base, status: 'confirmed', confirmedAt: new Date(bookedAt.getTime() + DAY) };
    return { ...base, status: 'booked' };
  });
  await insertInBatches(appointments, 2000, (batch) => db.insert(schema.appointments).values(batch));

  return {
    clinicId,
    adminUserId,
    admin,
    locationId,
    providerIds,
    types,
    patientIds,
    appointments: appointments.length,
    freeGaps,
    firstDate,
    lastDate,
    workingBlocks: WORKING_BLOCKS,
    millis: performance.now() - started,
  };
}
