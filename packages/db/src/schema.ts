import type { Address, ClaimDataSet, ClaimRank, ClaimStatus, WaitlistOfferStatus } from '@tend/domain';
import {
  bigint,
  bigserial,
  boolean,
  char,
  customType,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Typed view of the tables for queries. The tables themselves are made by the SQL files in
 * `../migrations` (the source of truth); `schema.test.ts` checks that the two agree.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const clinics = pgTable('clinics', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  country: char('country', { length: 2 }).notNull(),
  address: jsonb('address').$type<Address | null>(),
  idleTimeoutMinutes: integer('idle_timeout_minutes').notNull(),
  slotGridMinutes: integer('slot_grid_minutes').notNull().default(15),
  unitSystem: text('unit_system').$type<'us' | 'metric'>().notNull().default('us'),
  billingNpi: text('billing_npi'),
  taxId: text('tax_id'),
  phone: text('phone'),
  quietHoursStart: text('quiet_hours_start').notNull().default('21:00'),
  quietHoursEnd: text('quiet_hours_end').notNull().default('08:00'),
  recallLeadDays: integer('recall_lead_days').notNull().default(7),
  recallSecondNoticeDays: integer('recall_second_notice_days').notNull().default(14),
  waitlistOffersEnabled: boolean('waitlist_offers_enabled').notNull().default(false),
  waitlistHoldMinutes: integer('waitlist_hold_minutes').notNull().default(60),
  waitlistOfferLeadMinutes: integer('waitlist_offer_lead_minutes').notNull().default(120),
  onTimeGraceMinutes: integer('on_time_grace_minutes').notNull().default(10),
  lateCancelHours: integer('late_cancel_hours').notNull().default(24),
  mfaRequiredRoles: text('mfa_required_roles').array().notNull().default([]),
  emergencyAccessMinutes: integer('emergency_access_minutes').notNull().default(60),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  // ---- 0035 ----
  isTraining: boolean('is_training').notNull().default(false),
  trainingOf: uuid('training_of'),
});

export const clinicCounters = pgTable(
  'clinic_counters',
  {
    clinicId: uuid('clinic_id').notNull(),
    name: text('name').notNull(),
    nextValue: bigint('next_value', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.clinicId, table.name] })],
);

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role').notNull(),
  passwordHash: text('password_hash').notNull(),
  active: boolean('active').notNull().default(true),
  failedSignIns: integer('failed_sign_ins').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  // ---- 0029 ----
  mfaSecret: text('mfa_secret'),
  mfaEnabledAt: timestamp('mfa_enabled_at', { withTimezone: true }),
  mfaLastStep: bigint('mfa_last_step', { mode: 'number' }),
  // ---- 0035 ----
  /** In a training clinic: the real staff member this account stands in for. */
  trainingFor: uuid('training_for'),
});

// ---- 0029 ----
/** Single-use recovery codes for two-step sign-in (SHA-256 of each). */
export const userRecoveryCodes = pgTable(
  'user_recovery_codes',
  {
    userId: uuid('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.userId, table.codeHash] })],
);

/** A correct password waiting for its second factor (`id` = SHA-256 of the challenge). */
export const mfaChallenges = pgTable('mfa_challenges', {
  id: text('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  clinicId: uuid('clinic_id').notNull(),
  createdAt: createdAt(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  ip: text('ip'),
  userAgent: text('user_agent'),
  // ---- 0035 ----
  /** A training session: the real session it was opened from (leaving training returns to it). */
  parentSessionId: text('parent_session_id'),
});

/** Failed sign-ins per client address in a fixed window (0027): the cross-account sign-in limit. */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  failures: integer('failures').notNull(),
});

/** The check value of the secret key every server on this database must share (one row; migration 0045). */
export const secretKeyCheck = pgTable('secret_key_check', {
  id: boolean('id').primaryKey().default(true),
  checkValue: text('check_value').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
});

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  userId: uuid('user_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  prefix: text('prefix').notNull(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** The permissions the token may use (a subset of its owner's role's; 0031). */
  scopes: text('scopes').array().notNull(),
});

export const providers = pgTable('providers', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  userId: uuid('user_id'),
  name: text('name').notNull(),
  title: text('title'),
  credentials: text('credentials'),
  npi: text('npi'),
  color: text('color').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const locations = pgTable('locations', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  name: text('name').notNull(),
  address: jsonb('address').$type<Address | null>(),
  timezone: text('timezone').notNull(),
  phone: text('phone'),
  placeOfService: text('place_of_service').notNull().default('11'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const payers = pgTable('payers', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  name: text('name').notNull(),
  payerCode: text('payer_code'),
  memberIdPattern: text('member_id_pattern'),
  memberIdExample: text('member_id_example'),
  phone: text('phone'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export interface StoredPhone {
  use: 'mobile' | 'home' | 'work';
  number: string;
}
export interface StoredEmergencyContact {
  name: string;
  relationship: string | null;
  phone: string;
}

export const patients = pgTable('patients', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  mrn: text('mrn').notNull(),
  givenName: text('given_name').notNull(),
  familyName: text('family_name').notNull(),
  preferredName: text('preferred_name'),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  sex: text('sex').$type<'female' | 'male' | 'other' | 'unknown'>().notNull(),
  phones: jsonb('phones').$type<StoredPhone[]>().notNull(),
  email: text('email'),
  address: jsonb('address').$type<Address | null>(),
  preferredContactMethod: text('preferred_contact_method').$type<'phone' | 'sms' | 'email' | 'mail' | null>(),
  preferredLanguage: text('preferred_language'),
  emergencyContact: jsonb('emergency_contact').$type<StoredEmergencyContact | null>(),
  frontDeskNotes: text('front_desk_notes'),
  searchName: text('search_name').notNull(),
  searchPhonetic: text('search_phonetic').notNull(),
  searchPhones: text('search_phones').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  createdBy: uuid('created_by'),
  updatedBy: uuid('updated_by'),
  smsOptOutAt: timestamp('sms_opt_out_at', { withTimezone: true }),
  emailOptOutAt: timestamp('email_opt_out_at', { withTimezone: true }),
  /** The first completed appointment ever, kept by a trigger on appointments (0026). */
  firstVisitId: uuid('first_visit_id'),
  firstVisitAt: timestamp('first_visit_at', { withTimezone: true }),
  /** Clinical record open only to the care providers and emergency grants (0030). */
  restricted: boolean('restricted').notNull().default(false),
});

/** Each distinct word of a patient's search_name, for prefix search in name order; kept by triggers (0043). */
export const patientNameWords = pgTable('patient_name_words', {
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  word: text('word').notNull(),
  familyName: text('family_name').notNull(),
  givenName: text('given_name').notNull(),
  searchName: text('search_name').notNull(),
});

/** Every ordered pair of two different words of a patient's name (0048), for two-word searches; kept by triggers. */
export const patientNameWordPairs = pgTable('patient_name_word_pairs', {
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  word: text('word').notNull(),
  otherWord: text('other_word').notNull(),
  familyName: text('family_name').notNull(),
  givenName: text('given_name').notNull(),
  searchName: text('search_name').notNull(),
});

/** Each phone number of a patient, digits reversed, for "ends with" search in name order (0048); kept by triggers. */
export const patientPhoneNumbers = pgTable('patient_phone_numbers', {
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  reversedDigits: text('reversed_digits').notNull(),
  familyName: text('family_name').notNull(),
  givenName: text('given_name').notNull(),
});

export const coverages = pgTable('coverages', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  payerId: uuid('payer_id').notNull(),
  rank: text('rank').$type<'primary' | 'secondary' | 'tertiary'>().notNull(),
  memberId: text('member_id').notNull(),
  groupNumber: text('group_number'),
  subscriberName: text('subscriber_name'),
  subscriberRelationship: text('subscriber_relationship').$type<'self' | 'spouse' | 'child' | 'other'>().notNull(),
  subscriberBirthDate: date('subscriber_birth_date', { mode: 'string' }),
  copayCents: integer('copay_cents'),
  coinsuranceBps: integer('coinsurance_bps').notNull().default(0),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  clinicId: uuid('clinic_id'),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  actorUserId: uuid('actor_user_id'),
  actorRole: text('actor_role'),
  action: text('action').notNull(),
  outcome: text('outcome').$type<'success' | 'failure'>().notNull().default('success'),
  patientId: uuid('patient_id'),
  entityType: text('entity_type'),
  entityId: text('entity_id'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  details: jsonb('details').$type<Record<string, unknown> | null>(),
});

/**
 * The audit log's hash chains (0028), written by the database as each audited transaction commits;
 * append-only. One chain per clinic, and one (clinic NULL) for the events without a clinic.
 */
export const auditChain = pgTable('audit_chain', {
  eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
  clinicId: uuid('clinic_id'),
  /** Position in the chain: 1, 2, 3, … in commit order. */
  seq: bigint('seq', { mode: 'number' }).notNull(),
  /** SHA-256 (hex) of the event's canonical text with the previous event's hash (apps/server/src/audit/verify.ts). */
  hash: text('hash').notNull(),
});

/** The audit events of a transaction, until its commit chains them (0028). */
export const auditChainPending = pgTable('audit_chain_pending', {
  txid: bigint('txid', { mode: 'number' }).notNull(),
  eventIds: bigint('event_ids', { mode: 'number' }).array().notNull(),
});

// ---- Scheduling (0002) ----------------------------------------------------------------------

/** A block of weekly working hours, local to the location's time zone. */
export interface StoredWorkingBlock {
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  start: string;
  end: string;
}

export type StoredAppointmentStatus =
  | 'booked'
  | 'confirmed'
  | 'checked_in'
  | 'in_progress'
  | 'completed'
  | 'cancelled'
  | 'no_show';

export const appointmentTypes = pgTable('appointment_types', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  name: text('name').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  color: text('color').notNull(),
  bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
  roomType: text('room_type'),
  active: boolean('active').notNull().default(true),
  reminders: boolean('reminders').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const appointmentTypeProviders = pgTable(
  'appointment_type_providers',
  {
    clinicId: uuid('clinic_id').notNull(),
    appointmentTypeId: uuid('appointment_type_id').notNull(),
    providerId: uuid('provider_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.appointmentTypeId, table.providerId] })],
);

export const rooms = pgTable('rooms', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  locationId: uuid('location_id').notNull(),
  name: text('name').notNull(),
  roomType: text('room_type').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const providerSchedules = pgTable('provider_schedules', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }),
  blocks: jsonb('blocks').$type<StoredWorkingBlock[]>().notNull(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
});

export const providerExtraHours = pgTable('provider_extra_hours', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  endAt: timestamp('end_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
});

export const timeOff = pgTable('time_off', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  providerId: uuid('provider_id'),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  endAt: timestamp('end_at', { withTimezone: true }).notNull(),
  reason: text('reason').notNull(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
});

export const appointments = pgTable('appointments', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  appointmentTypeId: uuid('appointment_type_id').notNull(),
  roomId: uuid('room_id'),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  endAt: timestamp('end_at', { withTimezone: true }).notNull(),
  bufferEndAt: timestamp('buffer_end_at', { withTimezone: true }).notNull(),
  status: text('status').$type<StoredAppointmentStatus>().notNull().default('booked'),
  notes: text('notes'),
  overrideReason: text('override_reason'),
  bookedAt: timestamp('booked_at', { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
  startedAt: timestamp('started_at', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  noShowAt: timestamp('no_show_at', { withTimezone: true }),
  cancelReason: text('cancel_reason'),
  createdBy: uuid('created_by'),
  seriesId: uuid('series_id'),
  updatedAt: updatedAt(),
  // Whether its visit has an open charge, kept by a trigger on encounters (0050). Read-only for the code.
  charged: boolean('charged').notNull().default(false),
});

// ---- Waitlist (0003) -----------------------------------------------------------------------

export const waitlistEntries = pgTable('waitlist_entries', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  appointmentTypeId: uuid('appointment_type_id').notNull(),
  providerId: uuid('provider_id'),
  availableFrom: date('available_from', { mode: 'string' }),
  availableUntil: date('available_until', { mode: 'string' }),
  note: text('note'),
  status: text('status').$type<'waiting' | 'booked' | 'removed'>().notNull().default('waiting'),
  appointmentId: uuid('appointment_id'),
  removeReason: text('remove_reason'),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolvedBy: uuid('resolved_by'),
});

// ---- Visit documentation (0005) --------------------------------------------------------------

export const services = pgTable('services', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  code: text('code').notNull(),
  codeSystem: text('code_system').$type<'CPT' | 'HCPCS' | 'CDT' | 'CLINIC'>().notNull(),
  description: text('description').notNull(),
  feeCents: integer('fee_cents').notNull(),
  defaultUnits: integer('default_units').notNull().default(1),
  diagnosisPrefixes: text('diagnosis_prefixes').array().notNull().default([]),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const noteTemplates = pgTable('note_templates', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  appointmentTypeId: uuid('appointment_type_id'),
  name: text('name').notNull(),
  subjective: text('subjective').notNull().default(''),
  objective: text('objective').notNull().default(''),
  assessment: text('assessment').notNull().default(''),
  plan: text('plan').notNull().default(''),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const encounters = pgTable('encounters', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  appointmentId: uuid('appointment_id'),
  serviceDate: date('service_date', { mode: 'string' }).notNull(),
  status: text('status').$type<'in_progress' | 'signed'>().notNull().default('in_progress'),
  chiefComplaint: text('chief_complaint').notNull().default(''),
  subjective: text('subjective').notNull().default(''),
  objective: text('objective').notNull().default(''),
  assessment: text('assessment').notNull().default(''),
  plan: text('plan').notNull().default(''),
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  updatedAt: updatedAt(),
  signedAt: timestamp('signed_at', { withTimezone: true }),
  signedBy: uuid('signed_by'),
  // How many of its charges are open, kept by triggers on charges (0050). Read-only for the code.
  openCharges: integer('open_charges').notNull().default(0),
});

export const encounterAddenda = pgTable('encounter_addenda', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  authorId: uuid('author_id').notNull(),
  reason: text('reason').notNull(),
  text: text('text').notNull().default(''),
  changes: jsonb('changes').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

/** A patient's requests to amend their record, decided once (0034; a trigger guards it). */
export const amendmentRequests = pgTable('amendment_requests', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  encounterId: uuid('encounter_id'),
  receivedOn: date('received_on', { mode: 'string' }).notNull(),
  request: text('request').notNull(),
  recordedBy: uuid('recorded_by').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  status: text('status').$type<'pending' | 'accepted' | 'denied'>().notNull().default('pending'),
  decidedBy: uuid('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decisionNote: text('decision_note'),
  addendumId: uuid('addendum_id'),
  disagreement: text('disagreement'),
  disagreementAt: timestamp('disagreement_at', { withTimezone: true }),
});

export const encounterDiagnoses = pgTable('encounter_diagnoses', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  position: integer('position').notNull(),
  code: text('code').notNull(),
  description: text('description').notNull(),
  chronic: boolean('chronic').notNull().default(false),
  addendumId: uuid('addendum_id'),
});

export const encounterServices = pgTable('encounter_services', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  serviceId: uuid('service_id').notNull(),
  code: text('code').notNull(),
  codeSystem: text('code_system').notNull(),
  description: text('description').notNull(),
  units: integer('units').notNull(),
  feeCents: integer('fee_cents').notNull(),
  diagnosisPointers: integer('diagnosis_pointers').array().notNull(),
  addedByAddendumId: uuid('added_by_addendum_id'),
  removedByAddendumId: uuid('removed_by_addendum_id'),
  createdAt: createdAt(),
});

export const charges = pgTable('charges', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  serviceLineId: uuid('service_line_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  serviceDate: date('service_date', { mode: 'string' }).notNull(),
  code: text('code').notNull(),
  codeSystem: text('code_system').notNull(),
  description: text('description').notNull(),
  units: integer('units').notNull(),
  unitFeeCents: integer('unit_fee_cents').notNull(),
  amountCents: integer('amount_cents').notNull(),
  diagnosisCodes: text('diagnosis_codes').array().notNull(),
  status: text('status').$type<'open' | 'void'>().notNull().default('open'),
  addendumId: uuid('addendum_id'),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  voidedAt: timestamp('voided_at', { withTimezone: true }),
  voidedBy: uuid('voided_by'),
  voidReason: text('void_reason'),
  coverageId: uuid('coverage_id'),
  payerId: uuid('payer_id'),
  insurerCents: integer('insurer_cents').notNull().default(0),
  patientCents: integer('patient_cents').notNull().default(0),
  // What has been allocated to and adjusted off the charge per side, kept by triggers on
  // allocations and adjustments (0020): a side's open balance is its portion less both.
  insurerAllocatedCents: integer('insurer_allocated_cents').notNull().default(0),
  patientAllocatedCents: integer('patient_allocated_cents').notNull().default(0),
  insurerAdjustedCents: integer('insurer_adjusted_cents').notNull().default(0),
  patientAdjustedCents: integer('patient_adjusted_cents').notNull().default(0),
  // Whether a submitted claim (insurer) or an invoice or statement (patient) holds the charge,
  // kept by triggers on their lines and on claims (0051). Read-only for the code.
  insurerBilled: boolean('insurer_billed').notNull().default(false),
  patientBilled: boolean('patient_billed').notNull().default(false),
});

/**
 * Open balances rolled up per clinic × date of service × payer (NULL: no insurer) and per patient,
 * kept by statement triggers on charges (0022) for the A/R aging. Read-only for the code.
 */
export const arOpenByDate = pgTable('ar_open_by_date', {
  clinicId: uuid('clinic_id').notNull(),
  serviceDate: date('service_date', { mode: 'string' }).notNull(),
  payerId: uuid('payer_id'),
  insurerCents: bigint('insurer_cents', { mode: 'number' }).notNull(),
  patientCents: bigint('patient_cents', { mode: 'number' }).notNull(),
});

/** Open-balance changes of a transaction, until its commit adds them to the rollups (0022). */
export const arOpenPending = pgTable('ar_open_pending', {
  txid: bigint('txid', { mode: 'number' }).notNull(),
  clinicId: uuid('clinic_id').notNull(),
  serviceDate: date('service_date', { mode: 'string' }).notNull(),
  payerId: uuid('payer_id'),
  patientId: uuid('patient_id').notNull(),
  insurerCents: bigint('insurer_cents', { mode: 'number' }).notNull(),
  patientCents: bigint('patient_cents', { mode: 'number' }).notNull(),
});

export const arOpenByPatient = pgTable('ar_open_by_patient', {
  patientId: uuid('patient_id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  insurerCents: bigint('insurer_cents', { mode: 'number' }).notNull(),
  patientCents: bigint('patient_cents', { mode: 'number' }).notNull(),
});

export const vitals = pgTable('vitals', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  takenAt: timestamp('taken_at', { withTimezone: true }).notNull().defaultNow(),
  recordedBy: uuid('recorded_by'),
  systolic: integer('systolic'),
  diastolic: integer('diastolic'),
  heartRate: integer('heart_rate'),
  respiratoryRate: integer('respiratory_rate'),
  temperatureDc: integer('temperature_dc'),
  spo2: integer('spo2'),
  heightMm: integer('height_mm'),
  weightG: integer('weight_g'),
  pain: integer('pain'),
  flags: text('flags').array().notNull().default([]),
});

export const problems = pgTable('problems', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  code: text('code').notNull(),
  description: text('description').notNull(),
  status: text('status').$type<'active' | 'resolved'>().notNull().default('active'),
  encounterId: uuid('encounter_id'),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
});

export const allergies = pgTable('allergies', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  substance: text('substance').notNull(),
  reaction: text('reaction').notNull().default(''),
  severity: text('severity').$type<'mild' | 'moderate' | 'severe' | 'unknown'>().notNull().default('unknown'),
  code: text('code'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  updatedAt: updatedAt(),
});

export const medications = pgTable('medications', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  name: text('name').notNull(),
  dose: text('dose').notNull().default(''),
  code: text('code'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  updatedAt: updatedAt(),
});

/**
 * Recalls: the follow-ups providers order during a visit, worked by the front desk and messaged
 * to the patient when due (migrations 0005, 0012).
 */
export const recalls = pgTable('recalls', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  appointmentTypeId: uuid('appointment_type_id'),
  dueDate: date('due_date', { mode: 'string' }).notNull(),
  reason: text('reason').notNull(),
  status: text('status').$type<'open' | 'contacted' | 'booked' | 'closed'>().notNull().default('open'),
  appointmentId: uuid('appointment_id'),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  closeReason: text('close_reason'),
  closedBy: uuid('closed_by'),
  lastContactAt: timestamp('last_contact_at', { withTimezone: true }),
  lastContactChannel: text('last_contact_channel').$type<'email' | 'sms' | 'phone'>(),
  lastContactNote: text('last_contact_note'),
  lastContactBy: uuid('last_contact_by'),
  notices: integer('notices').notNull().default(0),
  lastNoticeAt: timestamp('last_notice_at', { withTimezone: true }),
});

/** ICD-10-CM diagnosis codes, shared by every clinic of the installation (migration 0004). */
export const icd10Codes = pgTable('icd10_codes', {
  /** As CMS writes it, without the dot: `E119`. */
  code: text('code').primaryKey(),
  description: text('description').notNull(),
  billable: boolean('billable').notNull(),
  /** `curated` (shipped with Tend) or `cms-YYYY` (imported from that year's CMS file). */
  source: text('source').notNull(),
  /** One of the curated common codes: ranks first in searches. */
  common: boolean('common').notNull().default(false),
  updatedAt: updatedAt(),
});

// ---- Backups (0035) ---------------------------------------------------------------------------
/** One row per backup run of the installation (not per clinic). */
export const backupRuns = pgTable('backup_runs', {
  id: uuid('id').primaryKey(),
  kind: text('kind').$type<'manual' | 'scheduled'>().notNull(),
  engine: text('engine').$type<'pglite' | 'postgres'>().notNull(),
  status: text('status').$type<'running' | 'ok' | 'failed'>().notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  file: text('file'),
  bytes: bigint('bytes', { mode: 'number' }),
  sha256: text('sha256'),
  error: text('error'),
});

// ---- Training exercises (0039) ----------------------------------------------------------------
/** A person's run of a guided exercise in a training clinic; its checklist ticks from the audit log since `startedAt`. */
export const trainingExerciseRuns = pgTable(
  'training_exercise_runs',
  {
    clinicId: uuid('clinic_id').notNull(),
    userId: uuid('user_id').notNull(),
    exerciseId: text('exercise_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.clinicId, table.userId, table.exerciseId] })],
);

/** Pages the web app opened in a training clinic (what no audited read records, like the home dashboard). */
export const trainingPageVisits = pgTable('training_page_visits', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  userId: uuid('user_id').notNull(),
  page: text('page').notNull(),
  visitedAt: timestamp('visited_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---- Email (0007) ----------------------------------------------------------------------------

/** Raw bytes: node-postgres gives a Buffer, PGlite a Uint8Array; both are read as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const emailSettings = pgTable('email_settings', {
  clinicId: uuid('clinic_id').primaryKey(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  security: text('security').$type<'tls' | 'starttls' | 'none'>().notNull(),
  username: text('username'),
  /** `v1:<key id>:<iv>:<tag>:<ciphertext>` (AES-256-GCM, apps/server/src/email/secret-box.ts). */
  passwordEncrypted: text('password_encrypted'),
  fromAddress: text('from_address').notNull(),
  fromName: text('from_name'),
  enabled: boolean('enabled').notNull().default(true),
  updatedAt: updatedAt(),
  updatedBy: uuid('updated_by'),
});

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'captured' | 'withdrawn';

/** The outbox of every email and text (0007 as email_messages, 0011 for texts and the worker). */
export const messages = pgTable('messages', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  channel: text('channel').$type<'email' | 'sms'>().notNull().default('email'),
  kind: text('kind'),
  patientId: uuid('patient_id'),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body'),
  status: text('status').$type<MessageStatus>().notNull().default('queued'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  relatedType: text('related_type'),
  relatedId: uuid('related_id'),
  messageId: text('message_id'),
  createdBy: uuid('created_by'),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  sendAfter: timestamp('send_after', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  claimedBy: text('claimed_by'),
  lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
  idempotencyKey: text('idempotency_key'),
  providerMessageId: text('provider_message_id'),
  deliveryStatus: text('delivery_status'),
  withdrawnReason: text('withdrawn_reason'),
  ruleId: uuid('rule_id'),
  unsignedText: text('unsigned_text'),
  unsignedHtml: text('unsigned_html'),
});

export const messageAttachments = pgTable(
  'message_attachments',
  {
    messageId: uuid('message_id').notNull(),
    position: integer('position').notNull(),
    clinicId: uuid('clinic_id').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    content: bytea('content').notNull(),
  },
  (table) => [primaryKey({ columns: [table.messageId, table.position] })],
);

// ---- Ledger (0006) --------------------------------------------------------------------------

export const feeRates = pgTable('fee_rates', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  serviceId: uuid('service_id').notNull(),
  payerId: uuid('payer_id'),
  feeCents: integer('fee_cents').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
});

export const payments = pgTable('payments', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  source: text('source').$type<'patient' | 'insurer'>().notNull(),
  patientId: uuid('patient_id'),
  payerId: uuid('payer_id'),
  method: text('method').$type<'cash' | 'card' | 'check' | 'eft' | 'other'>().notNull(),
  reference: text('reference'),
  amountCents: integer('amount_cents').notNull(),
  receivedOn: date('received_on', { mode: 'string' }).notNull(),
  note: text('note'),
  reversesId: uuid('reverses_id'),
  postedBy: uuid('posted_by'),
  postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
  claimId: uuid('claim_id'),
});

export const allocations = pgTable('allocations', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  paymentId: uuid('payment_id').notNull(),
  chargeId: uuid('charge_id').notNull(),
  responsibility: text('responsibility').$type<'insurer' | 'patient'>().notNull(),
  amountCents: integer('amount_cents').notNull(),
  createdAt: createdAt(),
  // Copies for reports (0018), set on insert by the database from the payment and the charge.
  receivedOn: date('received_on', { mode: 'string' }),
  payerId: uuid('payer_id'),
  providerId: uuid('provider_id'),
  locationId: uuid('location_id'),
  serviceCode: text('service_code'),
});

export const adjustments = pgTable('adjustments', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  chargeId: uuid('charge_id').notNull(),
  responsibility: text('responsibility').$type<'insurer' | 'patient'>().notNull(),
  kind: text('kind').$type<'contractual' | 'discount' | 'bad_debt' | 'transfer' | 'correction'>().notNull(),
  amountCents: integer('amount_cents').notNull(),
  reason: text('reason').notNull(),
  groupId: uuid('group_id'),
  reversesId: uuid('reverses_id'),
  postedBy: uuid('posted_by'),
  postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---- Invoices (0008) ------------------------------------------------------------------------

export const invoices = pgTable('invoices', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  number: integer('number').notNull(),
  patientId: uuid('patient_id').notNull(),
  encounterId: uuid('encounter_id'),
  issuedOn: date('issued_on', { mode: 'string' }).notNull(),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  totalCents: integer('total_cents').notNull(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  emailMessageId: uuid('email_message_id'),
});

export const invoiceLines = pgTable('invoice_lines', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  chargeId: uuid('charge_id').notNull(),
  amountCents: integer('amount_cents').notNull(),
});

// ---- Claims (0009) --------------------------------------------------------------------------

export const claims = pgTable('claims', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  number: integer('number').notNull(),
  encounterId: uuid('encounter_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  coverageId: uuid('coverage_id').notNull(),
  payerId: uuid('payer_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  rank: text('rank').$type<ClaimRank>().notNull(),
  serviceDate: date('service_date', { mode: 'string' }).notNull(),
  status: text('status').$type<ClaimStatus>().notNull().default('draft'),
  totalCents: integer('total_cents').notNull(),
  submittedData: jsonb('submitted_data').$type<ClaimDataSet | null>(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  updatedAt: updatedAt(),
  submittedAt: timestamp('submitted_at', { withTimezone: true }),
  statusAt: timestamp('status_at', { withTimezone: true }).notNull().defaultNow(),
});

export const claimLines = pgTable('claim_lines', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  claimId: uuid('claim_id').notNull(),
  chargeId: uuid('charge_id').notNull(),
  lineNumber: integer('line_number').notNull(),
  modifiers: text('modifiers').array().notNull().default([]),
  diagnosisPointers: integer('diagnosis_pointers').array().notNull(),
  chargeCents: integer('charge_cents').notNull(),
  adjudication: text('adjudication').$type<'paid' | 'denied'>(),
});

export const claimEvents = pgTable('claim_events', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  claimId: uuid('claim_id').notNull(),
  fromStatus: text('from_status').$type<ClaimStatus>(),
  toStatus: text('to_status').$type<ClaimStatus>().notNull(),
  note: text('note'),
  paymentId: uuid('payment_id'),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
});

// ---- Statements (0010) ----------------------------------------------------------------------

export const statements = pgTable('statements', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  number: integer('number').notNull(),
  patientId: uuid('patient_id').notNull(),
  month: text('month').notNull(),
  issuedOn: date('issued_on', { mode: 'string' }).notNull(),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  previousBalanceCents: integer('previous_balance_cents').notNull(),
  chargesCents: integer('charges_cents').notNull(),
  creditsCents: integer('credits_cents').notNull(),
  totalDueCents: integer('total_due_cents').notNull(),
  createdAt: createdAt(),
  createdBy: uuid('created_by'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  emailMessageId: uuid('email_message_id'),
});

export const statementLines = pgTable('statement_lines', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  statementId: uuid('statement_id').notNull(),
  position: integer('position').notNull(),
  chargeId: uuid('charge_id').notNull(),
  date: date('date', { mode: 'string' }).notNull(),
  description: text('description').notNull(),
  chargeCents: integer('charge_cents').notNull(),
  creditCents: integer('credit_cents').notNull(),
});

// ---- Messages (0011) ------------------------------------------------------------------------

export const smsSettings = pgTable('sms_settings', {
  clinicId: uuid('clinic_id').primaryKey(),
  baseUrl: text('base_url').notNull(),
  accountSid: text('account_sid').notNull(),
  authTokenEncrypted: text('auth_token_encrypted').notNull(),
  fromNumber: text('from_number').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  updatedAt: updatedAt(),
  updatedBy: uuid('updated_by'),
});

export const reminderRules = pgTable('reminder_rules', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  channel: text('channel').$type<'email' | 'sms'>().notNull(),
  minutesBefore: integer('minutes_before').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const messageTemplates = pgTable(
  'message_templates',
  {
    clinicId: uuid('clinic_id').notNull(),
    kind: text('kind').notNull(),
    channel: text('channel').$type<'email' | 'sms'>().notNull(),
    language: text('language').notNull().default('en'),
    subject: text('subject').notNull().default(''),
    body: text('body').notNull(),
    updatedAt: updatedAt(),
    updatedBy: uuid('updated_by'),
  },
  (table) => [primaryKey({ columns: [table.clinicId, table.kind, table.channel, table.language] })],
);

export const linkUses = pgTable('link_uses', {
  tokenHash: text('token_hash').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  action: text('action').notNull(),
  recordId: uuid('record_id').notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---- Waitlist offers (0013) -------------------------------------------------------------------

export const waitlistOffers = pgTable('waitlist_offers', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  entryId: uuid('entry_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  providerId: uuid('provider_id').notNull(),
  locationId: uuid('location_id').notNull(),
  appointmentTypeId: uuid('appointment_type_id').notNull(),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  endAt: timestamp('end_at', { withTimezone: true }).notNull(),
  bufferEndAt: timestamp('buffer_end_at', { withTimezone: true }).notNull(),
  freedStartAt: timestamp('freed_start_at', { withTimezone: true }).notNull(),
  freedEndAt: timestamp('freed_end_at', { withTimezone: true }).notNull(),
  holdUntil: timestamp('hold_until', { withTimezone: true }).notNull(),
  status: text('status').$type<WaitlistOfferStatus>().notNull().default('offered'),
  appointmentId: uuid('appointment_id'),
  messageId: uuid('message_id'),
  createdAt: createdAt(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolvedBy: uuid('resolved_by'),
});

// ---- Balance reminders (0014) ---------------------------------------------------------------

export const balanceReminderSettings = pgTable('balance_reminder_settings', {
  clinicId: uuid('clinic_id').primaryKey(),
  enabled: boolean('enabled').notNull().default(false),
  afterDays: integer('after_days').notNull().default(30),
  repeatDays: integer('repeat_days').notNull().default(30),
  maxReminders: integer('max_reminders').notNull().default(3),
  sweptOn: date('swept_on', { mode: 'string' }),
  updatedAt: updatedAt(),
  updatedBy: uuid('updated_by'),
});

// ---- Report day rollups (0021) --------------------------------------------------------------

export const reportDayVersions = pgTable(
  'report_day_versions',
  {
    clinicId: uuid('clinic_id').notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.clinicId, table.localDate] })],
);

/** The days a transaction changed, until its commit bumps their versions (deferred trigger). */
export const reportDaysPending = pgTable('report_days_pending', {
  txid: bigint('txid', { mode: 'number' }).notNull(),
  clinicId: uuid('clinic_id').notNull(),
  localDate: date('local_date', { mode: 'string' }).notNull(),
});

export const reportDayRollups = pgTable(
  'report_day_rollups',
  {
    clinicId: uuid('clinic_id').notNull(),
    report: text('report').notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    fingerprint: text('fingerprint').notNull(),
    sums: jsonb('sums').notNull(),
  },
  (table) => [primaryKey({ columns: [table.clinicId, table.report, table.localDate] })],
);

/** A report's day rollups merged per calendar month, current while `version` is the sum of its days' (0052). */
export const reportMonthRollups = pgTable(
  'report_month_rollups',
  {
    clinicId: uuid('clinic_id').notNull(),
    report: text('report').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    fingerprint: text('fingerprint').notNull(),
    sums: jsonb('sums').notNull(),
  },
  (table) => [primaryKey({ columns: [table.clinicId, table.report, table.month] })],
);

/** Emergency ("break the glass") grants: immutable but for the review, which is recorded once (0030). */
export const emergencyAccess = pgTable('emergency_access', {
  id: uuid('id').primaryKey(),
  clinicId: uuid('clinic_id').notNull(),
  userId: uuid('user_id').notNull(),
  patientId: uuid('patient_id').notNull(),
  reason: text('reason').notNull(),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  reviewedBy: uuid('reviewed_by'),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  reviewOutcome: text('review_outcome').$type<'appropriate' | 'inappropriate'>(),
  reviewNote: text('review_note'),
});

// ---- Downtime kit (0040) --------------------------------------------------------------------

/** The evening's printed downtime kit, per clinic; `printedOn` is the day the sweep claimed last. */
export const downtimePrintSettings = pgTable('downtime_print_settings', {
  clinicId: uuid('clinic_id').primaryKey(),
  enabled: boolean('enabled').notNull().default(false),
  printTime: text('print_time').notNull().default('18:00'),
  printedOn: date('printed_on', { mode: 'string' }),
  updatedAt: updatedAt(),
  updatedBy: uuid('updated_by'),
});
