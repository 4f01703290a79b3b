import type { Faker } from '@faker-js/faker';
import { type Db, newId, schema } from '@tend/db';
import {
  AppError,
  type AppointmentStatus,
  instantToZoned,
  isValidNpi,
  phoneExample,
  postalCodeRule,
  type Role,
  zAllergyCreate,
  zAppointmentTypeCreate,
  zClaimStatusUpdate,
  zClinicSettingsPatch,
  zCoverageCreate,
  zEncounterPatch,
  zFollowUpCreate,
  zLocationCreate,
  zMedicationCreate,
  zonedTimeToInstant,
  zPatientCreate,
  zPayerCreate,
  zPaymentCreate,
  zProviderCreate,
  zRemittanceCreate,
  zServiceCreate,
  zUserCreate,
  zVitalsInput,
  zWaitlistCreate,
  zWorkingHoursPut,
} from '@tend/domain';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { createLocation, createProvider } from '../admin/service';
import { recordAudit } from '../audit/service';
import { checkPasswordPolicy } from '../auth/password-policy';
import { hashPassword, UNUSABLE_PASSWORD_HASH } from '../auth/secrets';
import { getClinic } from '../auth/service';
import { createInvoice } from '../billing/invoices';
import { postPayment } from '../billing/ledger';
import { createClaim, setClaimStatus, submitClaim } from '../claims/claims';
import { postRemittance } from '../claims/remittance';
import { updateClinic } from '../clinic/service';
import type { RequestContext } from '../context';
import { createCoverage, createPayer } from '../insurance/service';
import { registerPatient } from '../patients/service';
import { appointmentMessages } from '../reminders/appointment-messages';
import { putWorkingHours } from '../scheduling/availability';
import { createAppointmentType } from '../scheduling/catalogue';
import { createService } from '../visits/catalogue';
import { addAllergy, addMedication } from '../visits/chart';
import { openEncounter, signEncounter, updateEncounter } from '../visits/encounters';
import { createFollowUp } from '../visits/followups';
import { recordVitals } from '../visits/vitals';
import { addToWaitlist } from '../waitlist/service';

/**
 * The training clinic's mock data (issue 9): staff of every role, two locations, providers with
 * hours, a catalogue, insurers, ~80 patients, a week of appointments either side of `now` in
 * every status, visits signed and unsigned, invoices, payments and claims in every status,
 * recalls and a waitlist. Everything after the staff accounts goes through the app's own service
 * functions, acting as the generated staff, so every rule, trigger, rollup, audit row and outbox
 * message is the real one. Only the lifecycle timestamps of appointments (booked, checked in,
 * completed…) are set afterwards to plausible times around the appointment, since the services
 * stamp them with the wall clock. The same seed and `now` give the same data (ids differ).
 */

export interface TrainingPopulation {
  patients: number;
  staff: { email: string; name: string; role: Role }[];
  /** Appointments per status. */
  appointments: Record<string, number>;
  /** Visits per status (in_progress, signed). */
  encounters: Record<string, number>;
  /** Invoices by what is left to pay: paid, partial, unpaid. */
  invoices: Record<string, number>;
  /** Claims per status. */
  claims: Record<string, number>;
  /** How long each phase took (staff, setup, patients, appointments, visits, claims, invoices, waitlist). */
  millis?: Record<string, number>;
}

export interface TrainingOptions {
  seed: number;
  /** The moment the data is centred on (past visits before it, bookings after it). */
  now: Date;
  /** Staff sign-ins: `<role>@<emailDomain>`; `password` null makes accounts nobody can sign in to. */
  staff: { emailDomain: string; password: string | null };
  /** A smaller clinic (tests): days of appointments either side of `now` (7) and patients (70). */
  size?: { days: number; patients: number };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Days of appointments before and after `now`, and patients. */
export const TRAINING_SIZES = {
  /** A week either side: every list full (about half a minute on the embedded database). */
  full: { days: 7, patients: 70 },
  /** Two days either side: every status still there, in a few seconds (the tests, slow machines). */
  small: { days: 2, patients: 40 },
} as const;
/** Unless the options say otherwise: TEND_TRAINING_SIZE=small picks the small one. */
const SIZE = TRAINING_SIZES[process.env.TEND_TRAINING_SIZE === 'small' ? 'small' : 'full'];
/** Older visits (35–100 days back), so the A/R aging and the "over 30 days" work lists are not empty. */
const OLD_VISITS = 10;

const STAFF: { key: string; role: Role; title?: string; credentials?: string }[] = [
  { key: 'admin', role: 'admin' },
  { key: 'manager', role: 'manager' },
  { key: 'frontdesk', role: 'receptionist' },
  { key: 'provider', role: 'provider', title: 'Dr', credentials: 'MD' },
  { key: 'provider2', role: 'provider', title: 'Dr', credentials: 'DO' },
  { key: 'np', role: 'provider', credentials: 'FNP-C' },
  { key: 'nurse', role: 'nurse' },
  { key: 'billing', role: 'billing' },
];

/** Weekly hours per provider (index into the providers): [weekday, start, end][]; the NP works at the second location. */
const HOURS: { location: 0 | 1; blocks: [number, string, string][] }[] = [
  {
    location: 0,
    blocks: [
      ...[1, 2, 3, 4, 5].flatMap((d): [number, string, string][] => [
        [d, '08:00', '12:00'],
        [d, '13:00', '17:00'],
      ]),
      [6, '09:00', '12:00'],
    ],
  },
  {
    location: 0,
    blocks: [
      ...[1, 2, 3, 4, 5].flatMap((d): [number, string, string][] => [
        [d, '09:00', '12:30'],
        [d, '13:30', '18:00'],
      ]),
      // A Sunday walk-in morning: the schedule of today has visits on every day of the week.
      [7, '10:00', '14:00'],
    ],
  },
  {
    location: 1,
    blocks: [1, 2, 3, 4].flatMap((d): [number, string, string][] => [
      [d, '08:30', '12:00'],
      [d, '13:00', '16:30'],
    ]),
  },
];

interface TypeSpec {
  name: string;
  minutes: number;
  buffer: number;
  color: string;
  weight: number;
  kind: 'new' | 'followup' | 'physical' | 'sick' | 'vaccine' | 'procedure';
}
const TYPES: TypeSpec[] = [
  { name: 'New patient visit', minutes: 40, buffer: 0, color: '#fab005', weight: 2, kind: 'new' },
  { name: 'Follow-up', minutes: 20, buffer: 0, color: '#40c057', weight: 5, kind: 'followup' },
  { name: 'Annual physical', minutes: 40, buffer: 0, color: '#228be6', weight: 2, kind: 'physical' },
  { name: 'Sick visit', minutes: 20, buffer: 0, color: '#fa5252', weight: 4, kind: 'sick' },
  { name: 'Vaccination', minutes: 15, buffer: 0, color: '#7950f2', weight: 1, kind: 'vaccine' },
  { name: 'Minor procedure', minutes: 30, buffer: 10, color: '#fd7e14', weight: 1, kind: 'procedure' },
];

/** HCPCS Level II (public domain) and the clinic's own codes, with our own short descriptions; no CPT. */
const SERVICES = [
  { key: 'visit', code: 'T1015', system: 'HCPCS', description: 'Clinic visit, all-inclusive', fee: 14_500 },
  { key: 'awvFirst', code: 'G0438', system: 'HCPCS', description: 'Annual wellness visit, first', fee: 17_500 },
  { key: 'awv', code: 'G0439', system: 'HCPCS', description: 'Annual wellness visit, subsequent', fee: 12_500 },
  { key: 'flu', code: 'G0008', system: 'HCPCS', description: 'Flu vaccine administration', fee: 2_500 },
  { key: 'pneumo', code: 'G0009', system: 'HCPCS', description: 'Pneumococcal vaccine administration', fee: 2_500 },
  { key: 'depression', code: 'G0444', system: 'HCPCS', description: 'Depression screening, 15 minutes', fee: 2_000 },
  { key: 'obesity', code: 'G0447', system: 'HCPCS', description: 'Weight counselling, 15 minutes', fee: 2_800 },
  { key: 'ketorolac', code: 'J1885', system: 'HCPCS', description: 'Ketorolac injection, 15 mg', fee: 1_200 },
  { key: 'triamcinolone', code: 'J3301', system: 'HCPCS', description: 'Triamcinolone injection, 10 mg', fee: 1_800 },
  { key: 'b12', code: 'J3420', system: 'HCPCS', description: 'Vitamin B-12 injection', fee: 1_500 },
  { key: 'brace', code: 'L3908', system: 'HCPCS', description: 'Wrist-hand brace, prefabricated', fee: 6_500 },
  { key: 'forms', code: 'FORMS', system: 'CLINIC', description: 'Form completion (school, work)', fee: 2_500 },
  { key: 'records', code: 'RECORDS', system: 'CLINIC', description: 'Copy of records', fee: 1_500 },
] as const;
type ServiceKey = (typeof SERVICES)[number]['key'];

/** Billable codes of the curated ICD-10-CM set, per kind of visit (chronic ones go on the problem list). */
const SICK = ['J069', 'J029', 'J0190', 'R051', 'J209', 'N390', 'R519', 'J302', 'R110', 'M545'];
const CHRONIC = ['I10', 'E119', 'E785', 'J45909', 'E039', 'E669'];
const WELLNESS = ['Z0000', 'Z0001'];
const PROCEDURE = ['M25561', 'M7711', 'M6281', 'S6390XA', 'M79641'];

interface PayerSpec {
  name: string;
  code: string | null;
  pattern: string | null;
  example: string | null;
  member: (f: Faker) => string;
  weight: number;
}
const PAYERS: PayerSpec[] = [
  {
    name: 'Harbor Blue Cross',
    code: 'HBC01',
    pattern: '[A-Z]{3}\\d{9}',
    example: 'HBX123456789',
    member: (f) => `${f.string.alpha({ length: 3, casing: 'upper' })}${f.string.numeric(9)}`,
    weight: 4,
  },
  {
    name: 'Summit Health Plan',
    code: 'SHP22',
    pattern: '\\d{10}',
    example: '1234567890',
    member: (f) => f.string.numeric({ length: 10, allowLeadingZeros: false }),
    weight: 3,
  },
  {
    name: 'Evergreen Mutual',
    code: 'EVM07',
    pattern: 'EM\\d{8}',
    example: 'EM12345678',
    member: (f) => `EM${f.string.numeric(8)}`,
    weight: 2,
  },
  {
    name: 'Medicare (training)',
    code: 'MCR00',
    pattern: null,
    example: null,
    member: (f) =>
      `${f.string.numeric({ length: 1, exclude: ['0'] })}${f.string.alpha({ length: 2, casing: 'upper' })}${f.string.numeric(2)}${f.string.alpha({ length: 2, casing: 'upper' })}${f.string.numeric(4)}`,
    weight: 2,
  },
  // No payer ID on purpose: its claims stay drafts until someone adds it (a thing to practise).
  {
    name: 'Lakeside Community Plan',
    code: null,
    pattern: null,
    example: null,
    member: (f) => `LCP-${f.string.numeric(7)}`,
    weight: 1,
  },
];

const ALLERGIES = [
  { substance: 'Penicillin', reaction: 'Hives', severity: 'moderate' },
  { substance: 'Sulfonamide antibiotics', reaction: 'Rash', severity: 'mild' },
  { substance: 'Peanuts', reaction: 'Throat swelling', severity: 'severe' },
  { substance: 'Latex', reaction: 'Contact dermatitis', severity: 'mild' },
  { substance: 'Codeine', reaction: 'Nausea and vomiting', severity: 'moderate' },
] as const;

const MEDICATIONS: Record<string, { name: string; dose: string }> = {
  I10: { name: 'Lisinopril', dose: '10 mg once daily' },
  E119: { name: 'Metformin', dose: '500 mg twice daily' },
  E785: { name: 'Atorvastatin', dose: '20 mg at bedtime' },
  J45909: { name: 'Albuterol inhaler', dose: '2 puffs as needed' },
  E039: { name: 'Levothyroxine', dose: '50 mcg every morning' },
};

const COMPLAINTS: Record<TypeSpec['kind'], string[]> = {
  new: ['Establishing care', 'New patient, wants a check-up', 'Transfer of care, needs refills'],
  followup: ['Blood pressure follow-up', 'Diabetes check', 'Follow-up on lab results', 'Medication review'],
  physical: ['Annual physical', 'Yearly check-up'],
  sick: ['Sore throat for three days', 'Cough and congestion', 'Burning on urination', 'Headache since Monday'],
  vaccine: ['Flu shot', 'Pneumonia vaccine'],
  procedure: ['Knee pain, wants an injection', 'Wrist pain after a fall', 'Shoulder pain'],
};

const CANCEL_REASONS = ['Patient is feeling better', 'Work conflict', 'Transportation problem', 'Rescheduling later'];

interface PatientInfo {
  id: string;
  name: string;
  birthDate: string;
  adult: boolean;
  insured: boolean;
  chronic: string | null;
}

interface Booked {
  id: string;
  patient: PatientInfo;
  provider: number;
  type: TypeSpec;
  start: number;
  end: number;
  /** The status the generator takes it to. */
  target: AppointmentStatus;
  /** Signs its visit (a completed visit left unsigned otherwise). */
  sign: boolean;
  old: boolean;
}

const actor = (clinicId: string, user: { id: string; role: Role; name: string; email: string }): RequestContext => ({
  clinicId,
  userId: user.id,
  role: user.role,
  userName: user.name,
  email: user.email,
  ip: null,
  userAgent: 'tend training generator',
  sessionId: null,
  tokenId: null,
});

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const weekdayOf = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
};

/** A valid NPI (Luhn check digit over 80840 + nine digits). */
function npi(f: Faker): string {
  const body = `${f.number.int({ min: 1, max: 2 })}${f.string.numeric(8)}`;
  for (let digit = 0; digit <= 9; digit++) if (isValidNpi(`${body}${digit}`)) return `${body}${digit}`;
  throw new Error('unreachable: one check digit always fits');
}

/** A phone number in the clinic's country: its example number with the last digits changed. */
function phone(f: Faker, country: string): string {
  if (country === 'US' || country === 'CA') {
    return `(${f.helpers.arrayElement(['617', '781', '508', '857', '978'])}) ${f.number.int({ min: 201, max: 989 })}-${f.string.numeric(4)}`;
  }
  const example = phoneExample(country);
  let digits = 4;
  return example.replace(/\d(?=\D*$)|\d(?=(?:\D*\d){0,3}\D*$)/g, () => (digits-- > 0 ? f.string.numeric(1) : '0'));
}

function address(f: Faker, country: string) {
  return {
    line1: f.location.streetAddress(),
    line2: null,
    city: f.location.city(),
    region: country === 'US' ? f.location.state({ abbreviated: true }) : null,
    postalCode: country === 'US' ? f.location.zipCode('#####') : postalCodeRule(country).example,
    country,
  };
}

/** Only letters, for email local parts. */
const ascii = (value: string) =>
  value
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

function weighted<T extends { weight: number }>(f: Faker, items: readonly T[]): T {
  return f.helpers.weightedArrayElement(items.map((value) => ({ value, weight: value.weight })));
}

/**
 * Fills an empty training clinic (the row exists, with its time zone and country) with mock data.
 * Runs for a few seconds; see docs/architecture.md ("Training data").
 */
export async function populateTrainingClinic(
  db: Db,
  clinicId: string,
  options: TrainingOptions,
): Promise<TrainingPopulation> {
  const clinic = await getClinic(db, clinicId);
  if (!clinic.isTraining) throw new AppError('conflict', 'Mock data goes only into a training clinic.');
  const [existing] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.patients)
    .where(eq(schema.patients.clinicId, clinicId));
  if (existing.n > 0) throw new AppError('conflict', 'The training clinic has data already: reset it first.');

  const millis: Record<string, number> = {};
  let lap = performance.now();
  const mark = (phase: string) => {
    const at = performance.now();
    millis[phase] = Math.round(at - lap);
    lap = at;
  };
  // Loaded here, not at start: faker is large and only the training clinic needs it.
  const { base, en, en_US, Faker } = await import('@faker-js/faker');
  const f = new Faker({ locale: [en_US, en, base] });
  f.seed(options.seed);
  const now = options.now.getTime();
  f.setDefaultRefDate(options.now);
  const size = options.size ?? SIZE;
  const tz = clinic.timezone;
  const country = clinic.country;
  const today = instantToZoned(now, tz).date;
  const at = (date: string, time: string) => zonedTimeToInstant(date, time, tz);
  const dateOf = (instant: number) => instantToZoned(instant, tz).date;

  // ---- Staff: inserted like createClinic inserts the first administrator, then audited by them.
  const people = STAFF.map((spec) => {
    const sex = f.person.sexType();
    return {
      ...spec,
      id: newId(),
      email: `${spec.key}@${options.staff.emailDomain}`.toLowerCase(),
      name: `${f.person.firstName(sex)} ${f.person.lastName()}`,
    };
  });
  for (const person of people) {
    zUserCreate.parse({ email: person.email, name: person.name, role: person.role, password: 'x'.repeat(12) });
    if (options.staff.password !== null) {
      checkPasswordPolicy(options.staff.password, { email: person.email, clinicName: clinic.name });
    }
  }
  // A null password stores a value no Argon2 verification accepts: the account cannot sign in.
  const hashes = await Promise.all(
    people.map(() =>
      options.staff.password === null ? Promise.resolve(UNUSABLE_PASSWORD_HASH) : hashPassword(options.staff.password),
    ),
  );
  const ctxOf = (role: Role, nth = 0) => {
    const person = people.filter((p) => p.role === role)[nth];
    return actor(clinicId, person);
  };
  const admin = ctxOf('admin');
  await db.transaction(async (tx) => {
    await tx.insert(schema.users).values(
      people.map((p, i) => ({
        id: p.id,
        clinicId,
        email: p.email,
        name: p.name,
        role: p.role,
        passwordHash: hashes[i],
      })),
    );
    for (const p of people) {
      await recordAudit(tx, admin, {
        action: 'user.create',
        entityType: 'user',
        entityId: p.id,
        details: { role: p.role, training: true },
      });
    }
  });
  mark('staff');
  const manager = ctxOf('manager');
  const reception = ctxOf('receptionist');
  const nurse = ctxOf('nurse');
  const billing = ctxOf('billing');
  const doctors = [0, 1, 2].map((i) => ctxOf('provider', i));

  // ---- The clinic's billing identity (claims need it), where the copied settings have none.
  const identity: Record<string, unknown> = {};
  if (!clinic.billingNpi) identity.billingNpi = npi(f);
  if (!clinic.taxId) identity.taxId = `${f.number.int({ min: 10, max: 98 })}${f.string.numeric(7)}`;
  if (!clinic.address) identity.address = address(f, country);
  if (!clinic.phone) identity.phone = phone(f, country);
  if (Object.keys(identity).length) await updateClinic(db, admin, zClinicSettingsPatch.parse(identity));

  // ---- Locations, providers and their hours, appointment types, catalogue, insurers.
  const locations: { id: string }[] = [];
  for (const name of ['Main Street Office', 'Riverside Office']) {
    locations.push(
      await createLocation(
        db,
        admin,
        zLocationCreate.parse({ name, address: address(f, country), timezone: tz, phone: phone(f, country) }),
      ),
    );
  }
  const firstDate = addDays(today, -(size.days + 110));
  const providers: { id: string }[] = [];
  for (const [i, person] of people.filter((p) => p.role === 'provider').entries()) {
    const provider = await createProvider(
      db,
      admin,
      zProviderCreate.parse({
        name: person.name,
        title: person.title ?? null,
        credentials: person.credentials ?? null,
        npi: npi(f),
        color: ['#1c7ed6', '#37b24d', '#f76707'][i],
        userId: person.id,
      }),
    );
    await putWorkingHours(
      db,
      manager,
      provider.id,
      zWorkingHoursPut.parse({
        locationId: locations[HOURS[i].location].id,
        validFrom: firstDate,
        blocks: HOURS[i].blocks.map(([weekday, start, end]) => ({ weekday, start, end })),
      }),
    );
    providers.push(provider);
  }
  const types: { id: string }[] = [];
  for (const spec of TYPES) {
    types.push(
      await createAppointmentType(
        db,
        manager,
        zAppointmentTypeCreate.parse({
          name: spec.name,
          durationMinutes: spec.minutes,
          bufferAfterMinutes: spec.buffer,
          color: spec.color,
          providerIds: [],
        }),
      ),
    );
  }
  const typeId = new Map(TYPES.map((spec, i) => [spec, types[i].id]));
  const services = new Map<ServiceKey, string>();
  for (const s of SERVICES) {
    const created = await createService(
      db,
      billing,
      zServiceCreate.parse({ code: s.code, codeSystem: s.system, description: s.description, feeCents: s.fee }),
    );
    services.set(s.key, created.id);
  }
  const payers = [];
  for (const spec of PAYERS) {
    payers.push(
      await createPayer(
        db,
        admin,
        zPayerCreate.parse({
          name: spec.name,
          payerCode: spec.code,
          memberIdPattern: spec.pattern,
          memberIdExample: spec.example,
          phone: phone(f, country),
        }),
      ),
    );
  }
  // Codes the installation's code set has (an imported CMS file may have retired one).
  const known = new Set(
    (
      await db
        .select({ code: schema.icd10Codes.code })
        .from(schema.icd10Codes)
        .where(
          and(
            inArray(schema.icd10Codes.code, [...SICK, ...CHRONIC, ...WELLNESS, ...PROCEDURE, 'Z23']),
            eq(schema.icd10Codes.billable, true),
          ),
        )
    ).map((r) => r.code),
  );
  const codes = (list: string[]) => list.filter((c) => known.has(c));

  mark('setup');

  // ---- Patients, their insurance, allergies and medications.
  const patients: PatientInfo[] = [];
  const birthCutoff = addDays(today, -1);
  for (let i = 0; i < size.patients; i++) {
    const sex = f.helpers.weightedArrayElement([
      { value: 'female' as const, weight: 50 },
      { value: 'male' as const, weight: 48 },
      { value: 'other' as const, weight: 2 },
    ]);
    const givenName = f.person.firstName(sex === 'other' ? undefined : sex);
    const familyName = f.person.lastName();
    const child = f.number.float() < 0.15;
    let birthDate = f.date
      .birthdate(child ? { mode: 'age', min: 1, max: 17 } : { mode: 'age', min: 18, max: 88 })
      .toISOString()
      .slice(0, 10);
    if (birthDate > birthCutoff) birthDate = birthCutoff;
    const hasEmail = f.number.float() < 0.85;
    const body = zPatientCreate.parse({
      givenName,
      familyName,
      preferredName: f.number.float() < 0.08 ? f.person.firstName() : null,
      birthDate,
      sex,
      phone: phone(f, country),
      email: hasEmail
        ? `${ascii(givenName)}.${ascii(familyName)}${f.number.int({ min: 1, max: 99 })}@${f.helpers.arrayElement(['example.com', 'example.org', 'example.net'])}`
        : null,
      address: address(f, country),
      preferredContactMethod: f.helpers.weightedArrayElement([
        { value: hasEmail ? 'email' : 'phone', weight: 5 },
        { value: 'sms', weight: 3 },
        { value: 'phone', weight: 2 },
      ]),
      preferredLanguage: f.number.float() < 0.1 ? 'es' : 'en',
      emergencyContact:
        f.number.float() < 0.5
          ? {
              name: `${f.person.firstName()} ${familyName}`,
              relationship: f.helpers.arrayElement(['Spouse', 'Parent', 'Sibling', 'Partner']),
              phone: phone(f, country),
            }
          : null,
      frontDeskNotes: f.number.float() < 0.1 ? 'Prefers morning appointments.' : null,
      // Two mock people may share a name and birth date, as two real ones may: staff confirmed it.
      allowDuplicate: true,
    });
    const patient = await registerPatient(db, reception, body);
    const info: PatientInfo = {
      id: patient.id,
      name: `${givenName} ${familyName}`,
      birthDate,
      adult: !child,
      insured: false,
      chronic: null,
    };
    // Every 13th patient is with the insurer without a payer ID, so some claims stay drafts.
    const payerIndex = i % 13 === 5 ? 4 : null;
    const insured = payerIndex !== null || f.number.float() < 0.75;
    if (insured) {
      const spec = payerIndex !== null ? PAYERS[payerIndex] : weighted(f, PAYERS.slice(0, 4));
      const payer = payers[PAYERS.indexOf(spec)];
      const parent = child ? `${f.person.firstName()} ${familyName}` : null;
      await createCoverage(
        db,
        reception,
        patient.id,
        zCoverageCreate.parse({
          payerId: payer.id,
          rank: 'primary',
          memberId: spec.member(f),
          groupNumber: f.number.float() < 0.7 ? `GRP${f.string.numeric(5)}` : null,
          subscriberName: parent,
          subscriberRelationship: child ? 'child' : 'self',
          subscriberBirthDate: child ? addDays(birthDate, -f.number.int({ min: 22, max: 40 }) * 365) : null,
          copayCents: f.helpers.arrayElement([null, 2_000, 2_500, 3_000, 4_000]),
          coinsuranceBps: f.helpers.arrayElement([0, 0, 1_000, 2_000]),
          validFrom: addDays(today, -f.number.int({ min: 400, max: 2_000 })),
        }),
      );
      // A few have a second insurer (Medicare with a supplement, or two employer plans).
      if (!child && payerIndex === null && f.number.float() < 0.15) {
        const second = payers.findIndex((p) => p.id !== payer.id);
        await createCoverage(
          db,
          reception,
          patient.id,
          zCoverageCreate.parse({
            payerId: payers[second].id,
            rank: 'secondary',
            memberId: PAYERS[second].member(f),
            validFrom: addDays(today, -f.number.int({ min: 400, max: 2_000 })),
          }),
        );
      }
      info.insured = true;
    }
    if (f.number.float() < 0.15) {
      const allergy = f.helpers.arrayElement(ALLERGIES);
      await addAllergy(db, doctors[0], patient.id, zAllergyCreate.parse(allergy));
    }
    if (!child && f.number.float() < 0.35) {
      info.chronic = f.helpers.arrayElement(codes(CHRONIC));
      const medication = MEDICATIONS[info.chronic];
      if (medication) await addMedication(db, doctors[0], patient.id, zMedicationCreate.parse(medication));
    }
    patients.push(info);
  }

  mark('patients');

  // ---- The calendar: each provider's working blocks filled with visits, some time left free.
  const booked: Booked[] = [];
  const busy = new Map<string, Set<string>>();
  const pickPatient = (date: string, wanted?: (p: PatientInfo) => boolean): PatientInfo | null => {
    const taken = busy.get(date) ?? new Set<string>();
    busy.set(date, taken);
    const free = patients.filter((p) => !taken.has(p.id));
    const pool = free.filter((p) => !wanted || wanted(p));
    // Nobody left who is not already booked that day (a small clinic): the rest of the day stays free.
    if (!free.length) return null;
    const patient = f.helpers.arrayElement(pool.length ? pool : free);
    taken.add(patient.id);
    return patient;
  };
  const typeFor = (patient: PatientInfo, room: number) => {
    const fitting = TYPES.filter((t) => t.minutes + t.buffer <= room && (patient.adult || t.kind !== 'procedure'));
    return fitting.length ? weighted(f, fitting) : null;
  };
  for (let date = addDays(today, -size.days); date <= addDays(today, size.days); date = addDays(date, 1)) {
    for (const [p, hours] of HOURS.entries()) {
      for (const [weekday, from, to] of hours.blocks) {
        if (weekday !== weekdayOf(date)) continue;
        let cursor = at(date, from);
        const end = at(date, to);
        for (;;) {
          const patient = pickPatient(date);
          const type = patient && typeFor(patient, (end - cursor) / MINUTE);
          if (!patient || !type) {
            if (patient) busy.get(date)?.delete(patient.id);
            break;
          }
          const held = (type.minutes + type.buffer) * MINUTE;
          if (f.number.float() < 0.45) {
            booked.push({
              id: '',
              patient,
              provider: p,
              type,
              start: cursor,
              end: cursor + type.minutes * MINUTE,
              target: 'booked',
              sign: true,
              old: false,
            });
          } else {
            busy.get(date)?.delete(patient.id);
          }
          cursor += held;
        }
      }
    }
  }
  // Older visits for the A/R aging, on the first provider's Tuesday and Thursday mornings.
  for (let n = 0; n < OLD_VISITS; n++) {
    // Every seventh day back from 36 days ago, moved to the Tuesday or Thursday before it: 36–102 days.
    let date = addDays(today, -36 - n * 7);
    while (![2, 4].includes(weekdayOf(date))) date = addDays(date, -1);
    // Every third one is insured, so the older claims have patients to bill.
    const patient = pickPatient(date, (p) => (n % 3 === 0 ? p.insured : true));
    if (!patient) continue;
    const type = TYPES[n % 2 === 0 ? 1 : 3];
    const start = at(date, '08:00') + (n % 4) * 30 * MINUTE;
    booked.push({
      id: '',
      patient,
      provider: 0,
      type,
      start,
      end: start + type.minutes * MINUTE,
      target: 'completed',
      sign: true,
      old: true,
    });
  }

  // What became of each: history completed / no-show / cancelled; now checked in or in the room;
  // ahead booked, confirmed or cancelled. Yesterday's and today's notes are partly unsigned.
  const yesterday = addDays(today, -1);
  for (const visit of booked) {
    if (visit.old) continue;
    const roll = f.number.float();
    if (visit.end <= now) {
      visit.target = roll < 0.08 ? 'no_show' : roll < 0.18 ? 'cancelled' : 'completed';
      visit.sign = dateOf(visit.start) < yesterday ? f.number.float() < 0.95 : f.number.float() < 0.5;
    } else if (visit.start <= now) {
      visit.target = roll < 0.6 ? 'in_progress' : 'checked_in';
    } else if (visit.start - now < 30 * MINUTE && dateOf(visit.start) === today) {
      visit.target = 'checked_in';
    } else {
      visit.target = roll < 0.08 ? 'cancelled' : roll < 0.5 ? 'confirmed' : 'booked';
    }
  }
  // Every status on every day of the week: when `now` is outside working hours (a night, a
  // Sunday), the last visits before it were left checked in and in progress.
  const latestPast = booked
    .filter((v) => !v.old && v.end <= now && v.target === 'completed')
    .sort((a, b) => b.start - a.start);
  for (const status of ['in_progress', 'checked_in'] as const) {
    if (!booked.some((v) => v.target === status)) {
      const visit = latestPast.shift();
      if (visit) visit.target = status;
    }
  }

  // The calendar goes in as one insert, each appointment in the status it reached and with the
  // times of its steps (booked, confirmed, checked in…) around it: booking and moving ~300
  // appointments one by one through the services took minutes. The database still has the last
  // word on double booking (exclusion constraints) and keeps the report rollups (triggers).
  booked.sort((a, b) => a.start - b.start);
  const inserted = await db
    .insert(schema.appointments)
    .values(
      booked.map((visit) => {
        visit.id = newId();
        const type = TYPES.indexOf(visit.type);
        return {
          id: visit.id,
          clinicId,
          patientId: visit.patient.id,
          providerId: providers[visit.provider].id,
          locationId: locations[HOURS[visit.provider].location].id,
          appointmentTypeId: types[type].id,
          startAt: new Date(visit.start),
          endAt: new Date(visit.end),
          bufferEndAt: new Date(visit.end + visit.type.buffer * MINUTE),
          status: visit.target,
          notes: f.number.float() < 0.1 ? 'Asked for a reminder call the day before.' : null,
          cancelReason: visit.target === 'cancelled' ? f.helpers.arrayElement(CANCEL_REASONS) : null,
          createdBy: reception.userId,
          ...lifecycle(visit, now, f),
        };
      }),
    )
    .returning();
  // A few booking notices and reminders in the outbox, as booking them at the desk would leave.
  await db.transaction(async (tx) => {
    for (const row of inserted.filter((a) => a.startAt.getTime() > now + DAY && a.status === 'booked').slice(0, 4)) {
      await appointmentMessages(tx, 'book', row);
    }
  });
  mark('appointments');

  // ---- Visits: the nurse's vitals, the provider's note, codes and signature.
  const encounters: { visit: Booked; id: string; signed: boolean; lines: number }[] = [];
  for (const visit of booked) {
    if (visit.target !== 'completed' && visit.target !== 'in_progress') continue;
    const doctor = doctors[visit.provider];
    const encounter = await documentVisit(visit, doctor);
    const sign = visit.target === 'completed' && visit.sign;
    if (sign) await signEncounter(db, doctor, encounter.id);
    encounters.push({ visit, id: encounter.id, signed: sign, lines: encounter.lines });
    if (sign && f.number.float() < 0.2) {
      await createFollowUp(
        db,
        doctor,
        encounter.id,
        zFollowUpCreate.parse({
          ...(f.number.float() < 0.5 ? { inWeeks: f.number.int({ min: 1, max: 4 }) } : { inMonths: 6 }),
          reason: visit.patient.chronic ? 'Recheck of a chronic condition' : 'Follow-up visit',
          appointmentTypeId: typeId.get(TYPES[1]),
        }),
      );
    }
  }
  mark('visits');

  /** Vitals by the nurse, then the provider's note, diagnoses and services (not signed here). */
  async function documentVisit(visit: Booked, doctor: RequestContext) {
    const { encounter } = await openEncounter(db, doctor, { appointmentId: visit.id });
    const adult = visit.patient.adult;
    await recordVitals(
      db,
      nurse,
      encounter.id,
      zVitalsInput.parse({
        systolic: f.number.int({ min: adult ? 108 : 95, max: visit.patient.chronic === 'I10' ? 158 : 138 }),
        diastolic: f.number.int({ min: 62, max: 88 }),
        heartRate: f.number.int({ min: 58, max: 96 }),
        respiratoryRate: f.number.int({ min: 12, max: 20 }),
        temperature: {
          value: visit.type.kind === 'sick' ? f.number.float({ min: 98.2, max: 101.4, fractionDigits: 1 }) : 98.4,
          unit: 'F',
        },
        spo2: f.number.int({ min: 95, max: 100 }),
        weight: { value: f.number.int({ min: adult ? 110 : 30, max: adult ? 260 : 120 }), unit: 'lb' },
        height: adult ? { value: f.number.int({ min: 60, max: 75 }), unit: 'in' } : null,
      }),
    );
    const plan = visitPlan(visit);
    const complaint = f.helpers.arrayElement(COMPLAINTS[visit.type.kind]);
    const saved = await updateEncounter(
      db,
      doctor,
      encounter.id,
      zEncounterPatch.parse({
        version: encounter.version,
        chiefComplaint: complaint,
        subjective: `${complaint}. ${f.helpers.arrayElement(['No fever.', 'Slept poorly.', 'Otherwise well.', 'Took ibuprofen with some relief.'])}`,
        objective: f.helpers.arrayElement([
          'Alert, in no distress. Lungs clear. Heart regular.',
          'Mild pharyngeal erythema. No lymphadenopathy.',
          'Tender on palpation, full range of motion.',
        ]),
        assessment: plan.assessment,
        plan: plan.plan,
        diagnoses: plan.diagnoses.map((code) => ({ code, chronic: CHRONIC.includes(code) })),
        services: plan.services.map((key) => ({ serviceId: services.get(key), diagnosisPointers: [1] })),
      }),
    );
    return { id: saved.id, lines: plan.services.length };
  }

  function visitPlan(visit: Booked): { diagnoses: string[]; services: ServiceKey[]; assessment: string; plan: string } {
    const insured = visit.patient.insured;
    const extra = (): ServiceKey[] => (!insured && f.number.float() < 0.3 ? ['forms'] : []);
    switch (visit.type.kind) {
      case 'physical':
      case 'new': {
        const wellness = codes(WELLNESS)[f.number.float() < 0.8 ? 0 : 1] ?? codes(WELLNESS)[0];
        const diagnoses = [wellness, ...(visit.patient.chronic ? [visit.patient.chronic] : [])].filter(Boolean);
        return {
          diagnoses,
          services: [visit.type.kind === 'new' ? 'awvFirst' : 'awv', 'depression', ...extra()],
          assessment: 'Routine examination. Screening up to date.',
          plan: 'Labs ordered. Return in one year.',
        };
      }
      case 'followup': {
        const code = visit.patient.chronic ?? f.helpers.arrayElement(codes(CHRONIC));
        return {
          diagnoses: [code],
          services: ['visit', ...(code === 'E669' ? (['obesity'] as ServiceKey[]) : []), ...extra()],
          assessment: 'Stable on current treatment.',
          plan: 'Continue medication. Recheck in three months.',
        };
      }
      case 'vaccine':
        return {
          diagnoses: codes(['Z23']),
          services: [f.number.float() < 0.7 ? 'flu' : 'pneumo'],
          assessment: 'Vaccine given, no reaction after 15 minutes.',
          plan: 'Next dose per schedule.',
        };
      case 'procedure':
        return {
          diagnoses: [f.helpers.arrayElement(codes(PROCEDURE))],
          services: ['visit', f.helpers.arrayElement<ServiceKey>(['triamcinolone', 'ketorolac', 'brace'])],
          assessment: 'Musculoskeletal pain, likely strain.',
          plan: 'Injection given. Ice, rest. Call if worse.',
        };
      default:
        return {
          diagnoses: [f.helpers.arrayElement(codes(SICK))],
          services: ['visit', ...(f.number.float() < 0.2 ? (['b12'] as ServiceKey[]) : []), ...extra()],
          assessment: 'Likely viral. Supportive care.',
          plan: 'Fluids and rest. Return if not better in a week.',
        };
    }
  }

  // ---- Claims for insured signed visits, taken to every status the clearinghouse and EOBs give.
  const signed = encounters.filter((e) => e.signed);
  const receivedOn = (serviceStart: number) => {
    const date = addDays(dateOf(serviceStart), f.number.int({ min: 5, max: 21 }));
    // The earlier of two ISO dates; an answer never comes after `now`.
    return [date, today].sort()[0];
  };
  const plan = ['paid', 'submitted', 'accepted', 'paid', 'denied', 'rejected', 'ready', 'partially_paid', 'paid'];
  let turn = 0;
  const wanted = new Set(['partially_paid']);
  for (const encounter of signed) {
    if (!encounter.visit.patient.insured) continue;
    const claim = await createClaim(db, billing, { encounterId: encounter.id, rank: 'primary' });
    if (claim.status !== 'ready') continue;
    // Recent visits are mostly not answered yet; older ones mostly are.
    const recent = now - encounter.visit.start < 3 * DAY;
    let goal = recent ? (f.number.float() < 0.5 ? 'ready' : 'submitted') : plan[turn++ % plan.length];
    if (goal === 'partially_paid' && claim.lines.length < 2) goal = 'paid';
    if (wanted.has('partially_paid') && claim.lines.length >= 2 && !recent) goal = 'partially_paid';
    if (goal === 'partially_paid') wanted.delete('partially_paid');
    if (goal === 'ready') continue;
    await submitClaim(db, billing, claim.id);
    if (goal === 'submitted') continue;
    if (goal === 'accepted' || goal === 'rejected') {
      await setClaimStatus(
        db,
        billing,
        claim.id,
        zClaimStatusUpdate.parse({
          status: goal,
          note: goal === 'rejected' ? 'Subscriber not found: check the member ID (277CA A3:33)' : null,
        }),
      );
      continue;
    }
    const charges = await db
      .select({
        id: schema.charges.id,
        insurerCents: schema.charges.insurerCents,
        patientCents: schema.charges.patientCents,
      })
      .from(schema.charges)
      .where(eq(schema.charges.encounterId, encounter.id));
    await postRemittance(
      db,
      billing,
      claim.id,
      zRemittanceCreate.parse({
        reference: `EFT${f.string.numeric(9)}`,
        method: 'eft',
        receivedOn: receivedOn(encounter.visit.start),
        lines: claim.lines.map((line, index) => {
          const charge = charges.find((c) => c.id === line.chargeId);
          const denied = goal === 'denied' || (goal === 'partially_paid' && index > 0);
          return {
            claimLineId: line.id,
            // The insurer allows ~80 % of its share; the rest is written off as contractual.
            paidCents: denied ? 0 : Math.round((charge?.insurerCents ?? 0) * 0.8),
            patientCents: charge?.patientCents ?? 0,
            denied,
            reasonCode: denied ? f.helpers.arrayElement(['CO-197', 'CO-50', 'CO-16']) : 'CO-45',
          };
        }),
      }),
    );
  }

  mark('claims');

  // ---- Patient invoices and what was paid on them: in full, in part, or nothing yet.
  for (const encounter of signed) {
    const charges = await db
      .select({ id: schema.charges.id, patientCents: schema.charges.patientCents })
      .from(schema.charges)
      .where(and(eq(schema.charges.encounterId, encounter.id), eq(schema.charges.status, 'open')));
    const owed = charges.reduce((sum, c) => sum + c.patientCents, 0);
    if (owed <= 0) continue;
    const invoice = await createInvoice(db, billing, encounter.id);
    // Issued the day after the visit (the service dates it today): the billing specialist's
    // "unpaid over 30 days" list then has the older visits on it.
    const issuedOn = [addDays(dateOf(encounter.visit.start), 1), today].sort()[0];
    await db.execute(sql`
      UPDATE invoices SET issued_on = ${issuedOn}::date, due_on = ${issuedOn}::date + (due_on - issued_on)
      WHERE id = ${invoice.id} AND clinic_id = ${clinicId}`);
    const roll = f.number.float();
    const share = roll < 0.45 ? 1 : roll < 0.65 ? 0.5 : 0;
    if (!share) continue;
    let left = Math.max(1, Math.round(owed * share));
    const allocations = [];
    for (const charge of charges) {
      const amount = Math.min(left, charge.patientCents);
      if (amount > 0) allocations.push({ chargeId: charge.id, responsibility: 'patient', amountCents: amount });
      left -= amount;
    }
    const method = f.helpers.weightedArrayElement([
      { value: 'card', weight: 5 },
      { value: 'cash', weight: 2 },
      { value: 'check', weight: 2 },
    ]);
    await postPayment(
      db,
      billing,
      zPaymentCreate.parse({
        source: 'patient',
        patientId: encounter.visit.patient.id,
        method,
        reference: method === 'cash' ? null : `${method === 'card' ? 'AUTH' : 'CHK'}${f.string.numeric(6)}`,
        amountCents: allocations.reduce((sum, a) => sum + a.amountCents, 0),
        receivedOn: encounter.visit.old ? receivedOn(encounter.visit.start) : dateOf(encounter.visit.start),
        allocations,
      }),
    );
  }

  mark('invoices');

  // ---- The waitlist: patients who want an earlier slot.
  // Six different patients: one waits at most once per type (a second entry would be refused).
  for (const patient of f.helpers.arrayElements(patients, 6)) {
    await addToWaitlist(
      db,
      reception,
      zWaitlistCreate.parse({
        patientId: patient.id,
        appointmentTypeId: typeId.get(f.helpers.arrayElement(TYPES.slice(0, 4))),
        providerId: f.number.float() < 0.5 ? providers[f.number.int({ min: 0, max: 2 })].id : null,
        availableFrom: today,
        availableUntil: addDays(today, f.number.int({ min: 7, max: 30 })),
        note: f.helpers.arrayElement(['Mornings only', 'Can come at short notice', null]),
      }),
    );
  }

  mark('waitlist');
  return { ...(await census(db, clinicId, people)), millis };
}

/**
 * The times of an appointment's steps, around it and never after `now`: booked days before,
 * confirmed a day or so ahead, checked in a little early (or late), started and completed.
 */
function lifecycle(v: Booked, now: number, f: Faker) {
  const lead = f.number.int({ min: 1, max: 30 }) * DAY + f.number.int({ min: 0, max: 480 }) * MINUTE;
  const bookedAt = Math.min(v.start - lead, now - f.number.int({ min: 1, max: 10 }) * DAY);
  const late = f.number.float() < 0.2;
  const checkedIn = v.start + (late ? f.number.int({ min: 3, max: 20 }) : -f.number.int({ min: 2, max: 15 })) * MINUTE;
  const startedAt = Math.max(checkedIn, v.start) + f.number.int({ min: 0, max: 15 }) * MINUTE;
  const confirmed = Math.max(bookedAt + HOUR, v.start - f.number.int({ min: 1, max: 3 }) * DAY);
  const cancelled = Math.max(bookedAt + HOUR, v.start - f.number.int({ min: 2, max: 60 }) * HOUR);
  const clamp = (t: number) => new Date(Math.min(t, now));
  const s = v.target;
  const arrived = s === 'checked_in' || s === 'in_progress' || s === 'completed';
  return {
    bookedAt: new Date(bookedAt),
    confirmedAt: arrived || s === 'confirmed' ? clamp(confirmed) : null,
    checkedInAt: arrived ? clamp(checkedIn) : null,
    startedAt: s === 'in_progress' || s === 'completed' ? clamp(startedAt) : null,
    completedAt:
      s === 'completed' ? clamp(Math.max(startedAt + (v.end - v.start) - 5 * MINUTE, startedAt + MINUTE)) : null,
    cancelledAt: s === 'cancelled' ? clamp(cancelled) : null,
    noShowAt: s === 'no_show' ? clamp(Math.min(v.end, v.start + 15 * MINUTE)) : null,
  };
}

/** What the clinic holds now, counted from the tables (not from the plan). */
async function census(
  db: Db,
  clinicId: string,
  people: { email: string; name: string; role: Role }[],
): Promise<Omit<TrainingPopulation, 'millis'>> {
  const countBy = async (table: string, column: string) => {
    const result = await db.execute(
      sql`SELECT ${sql.raw(column)} AS key, count(*)::int AS n FROM ${sql.raw(table)} WHERE clinic_id = ${clinicId} GROUP BY 1`,
    );
    const rows = (result as unknown as { rows: { key: string; n: number }[] }).rows;
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  };
  const [patients] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.patients)
    .where(eq(schema.patients.clinicId, clinicId));
  // An invoice is paid, partial or unpaid by what its patient still owes on its visit's charges.
  const invoiceRows = await db.execute(sql`
    SELECT CASE WHEN owed = 0 THEN 'paid' WHEN paid > 0 THEN 'partial' ELSE 'unpaid' END AS key, count(*)::int AS n
    FROM (
      SELECT i.id,
        sum(c.patient_cents - c.patient_allocated_cents - c.patient_adjusted_cents) AS owed,
        sum(c.patient_allocated_cents) AS paid
      FROM invoices i JOIN charges c ON c.encounter_id = i.encounter_id AND c.status = 'open'
      WHERE i.clinic_id = ${clinicId}
      GROUP BY i.id
    ) x GROUP BY 1`);
  const invoices = Object.fromEntries(
    (invoiceRows as unknown as { rows: { key: string; n: number }[] }).rows.map((r) => [r.key, Number(r.n)]),
  );
  return {
    patients: patients.n,
    staff: people.map(({ email, name, role }) => ({ email, name, role })),
    appointments: await countBy('appointments', 'status'),
    encounters: await countBy('encounters', 'status'),
    invoices,
    claims: await countBy('claims', 'status'),
  };
}
