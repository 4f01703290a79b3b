import { type Db, newId } from '@tend/db';
import {
  APPOINTMENT_STATUSES,
  CLAIM_STATUSES,
  instantToZoned,
  zAddress,
  zEmail,
  zonedTimeToInstant,
  zPatientCreate,
} from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, type TestApp, unique } from '../test/harness';
import { populateTrainingClinic, TRAINING_SIZES, type TrainingPopulation } from './generate';

/**
 * The training clinic's generator (issue 9): the promised variety, counted per state; every
 * screen's list has something in it for each role; the ledger adds up; and the same seed and
 * moment give the same clinic.
 */

const PASSWORD = 'practise-safely-2031';
type Row = Record<string, unknown>;

async function rows<T = Row>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** A training clinic row beside `realId`, with its settings (helper A writes the real creation path). */
async function trainingClinicBeside(db: Db, realId: string, linked: boolean): Promise<string> {
  const id = newId();
  await db.execute(sql`
    INSERT INTO clinics (id, name, timezone, currency, country, address, idle_timeout_minutes, unit_system,
      is_training, training_of)
    SELECT ${id}, 'Training: ' || name, timezone, currency, country, address, idle_timeout_minutes, unit_system,
      true, ${linked ? realId : null}
    FROM clinics WHERE id = ${realId}`);
  return id;
}

/** The clinic's data without ids or wall-clock stamps: equal for equal seeds and moments. */
async function fingerprint(db: Db, clinicId: string) {
  return {
    patients: await rows(
      db,
      sql`SELECT mrn, given_name, family_name, birth_date::text, sex, phones, email, address, preferred_contact_method
          FROM patients WHERE clinic_id = ${clinicId} ORDER BY mrn`,
    ),
    staff: await rows(
      db,
      sql`SELECT split_part(email, '@', 1) AS who, name, role FROM users WHERE clinic_id = ${clinicId} ORDER BY email`,
    ),
    coverages: await rows(
      db,
      sql`SELECT p.mrn, y.name, c.rank, c.member_id, c.copay_cents, c.coinsurance_bps
          FROM coverages c JOIN patients p ON p.id = c.patient_id JOIN payers y ON y.id = c.payer_id
          WHERE c.clinic_id = ${clinicId} ORDER BY p.mrn, c.rank`,
    ),
    appointments: await rows(
      db,
      sql`SELECT a.start_at, a.status, p.mrn, pr.name AS provider, t.name AS type, a.booked_at, a.checked_in_at,
            a.completed_at, a.cancel_reason
          FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN providers pr ON pr.id = a.provider_id
          JOIN appointment_types t ON t.id = a.appointment_type_id
          WHERE a.clinic_id = ${clinicId} ORDER BY a.start_at, pr.name`,
    ),
    charges: await rows(
      db,
      sql`SELECT c.service_date::text, p.mrn, c.code, c.amount_cents, c.patient_cents, c.insurer_cents,
            c.patient_allocated_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents, c.diagnosis_codes
          FROM charges c JOIN patients p ON p.id = c.patient_id
          WHERE c.clinic_id = ${clinicId} ORDER BY c.service_date, p.mrn, c.code`,
    ),
    claims: await rows(
      db,
      sql`SELECT number, status, rank, total_cents FROM claims WHERE clinic_id = ${clinicId} ORDER BY number`,
    ),
    invoices: await rows(
      db,
      sql`SELECT number, total_cents FROM invoices WHERE clinic_id = ${clinicId} ORDER BY number`,
    ),
    payments: await rows(
      db,
      sql`SELECT source, method, amount_cents, received_on::text FROM payments WHERE clinic_id = ${clinicId}
          ORDER BY received_on, amount_cents, method`,
    ),
  };
}

let t: TestApp;
let realClinicId: string;
let clinicId: string;
let population: TrainingPopulation;
let millis: number;
const emailDomain = `${unique('training')}.test`;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  realClinicId = (await t.createClinic()).clinicId;
  clinicId = await trainingClinicBeside(t.database.db, realClinicId, true);
  const started = performance.now();
  population = await populateTrainingClinic(t.database.db, clinicId, {
    seed: 9,
    now,
    staff: { emailDomain, password: PASSWORD },
    size: TRAINING_SIZES.full,
  });
  millis = performance.now() - started;
  // The time it takes (people wait for it on a switch and a reset), per phase: see the report.
  console.log(`training clinic generated in ${Math.round(millis)} ms:`, JSON.stringify(population));
}, 900_000);

afterAll(async () => {
  await t?.close();
});

const as = async (role: string): Promise<ApiClient> => {
  const person = population.staff.find((s) => s.email.startsWith(`${role}@`));
  if (!person) throw new Error(`no ${role}`);
  return t.signIn({ email: person.email, password: PASSWORD });
};

describe('populateTrainingClinic', () => {
  it('makes every appointment status, signed and unsigned visits, every invoice state and every claim status', () => {
    for (const status of APPOINTMENT_STATUSES) expect(population.appointments[status], status).toBeGreaterThan(0);
    for (const status of CLAIM_STATUSES) expect(population.claims[status], status).toBeGreaterThan(0);
    expect(population.encounters.signed).toBeGreaterThan(30);
    expect(population.encounters.in_progress).toBeGreaterThan(0);
    for (const state of ['paid', 'partial', 'unpaid']) expect(population.invoices[state], state).toBeGreaterThan(0);
    expect(population.patients).toBeGreaterThanOrEqual(60);
    expect(population.patients).toBeLessThanOrEqual(120);
  });

  it('gives every role a sign-in with a role-named email, and the providers NPIs and weekly hours', async () => {
    expect(population.staff.map((s) => s.role).sort()).toEqual(
      ['admin', 'billing', 'manager', 'nurse', 'provider', 'provider', 'provider', 'receptionist'].sort(),
    );
    for (const person of population.staff) expect(person.email.endsWith(`@${emailDomain}`)).toBe(true);
    const admin = await as('admin');
    const providers = (await admin.get('/api/providers')).body;
    expect(providers.items ?? providers).toHaveLength(3);
    for (const provider of providers.items ?? providers) {
      expect(provider.npi).toMatch(/^\d{10}$/);
      const hours = await admin.get(`/api/providers/${provider.id}/working-hours`);
      expect(hours.status).toBe(200);
      expect(hours.body.items[0].blocks.length).toBeGreaterThan(4);
    }
    const users = (await admin.get('/api/users')).body;
    expect((users.items ?? users).length).toBe(8);
  });

  it('registers realistic patients that pass the app’s own validation, insured, self-pay, with allergies and problems', async () => {
    const db = t.database.db;
    const patients = await rows<Row>(
      db,
      sql`SELECT given_name, family_name, birth_date::text AS birth_date, sex, email, address FROM patients
          WHERE clinic_id = ${clinicId}`,
    );
    for (const p of patients) {
      const parsed = zPatientCreate.safeParse({
        givenName: p.given_name,
        familyName: p.family_name,
        birthDate: p.birth_date,
        sex: p.sex,
        email: p.email,
        address: p.address,
      });
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      if (p.email) expect(zEmail.parse(p.email)).toMatch(/@example\.(com|org|net)$/);
      expect(zAddress.safeParse(p.address).success).toBe(true);
    }
    // Distinct people, not one name repeated.
    expect(new Set(patients.map((p) => `${p.given_name} ${p.family_name}`)).size).toBeGreaterThan(
      patients.length * 0.9,
    );
    const [mix] = await rows<Record<string, number>>(
      db,
      sql`SELECT
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM coverages c WHERE c.patient_id = p.id))::int AS self_pay,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM coverages c WHERE c.patient_id = p.id AND c.rank = 'secondary'))::int AS secondary,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = p.id))::int AS allergies,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM problems x WHERE x.patient_id = p.id))::int AS problems,
            count(*) FILTER (WHERE birth_date > CURRENT_DATE - interval '18 years')::int AS children
          FROM patients p WHERE p.clinic_id = ${clinicId}`,
    );
    expect(mix.self_pay).toBeGreaterThan(5);
    expect(mix.secondary).toBeGreaterThan(0);
    expect(mix.allergies).toBeGreaterThan(3);
    expect(mix.problems).toBeGreaterThan(3);
    expect(mix.children).toBeGreaterThan(0);
  });

  it('books inside working hours in the clinic’s time zone, never twice at once, a week either side of now', async () => {
    const db = t.database.db;
    const [clinic] = await rows<{ timezone: string }>(db, sql`SELECT timezone FROM clinics WHERE id = ${clinicId}`);
    const appointments = await rows<{ start_at: Date; end_at: Date; provider_id: string; status: string }>(
      db,
      sql`SELECT start_at, end_at, provider_id, status FROM appointments WHERE clinic_id = ${clinicId}`,
    );
    const schedules = await rows<{ provider_id: string; blocks: { weekday: number; start: string; end: string }[] }>(
      db,
      sql`SELECT provider_id, blocks FROM provider_schedules WHERE clinic_id = ${clinicId}`,
    );
    const day = 86_400_000;
    for (const a of appointments) {
      const start = new Date(a.start_at).getTime();
      const end = new Date(a.end_at).getTime();
      const local = instantToZoned(start, clinic.timezone);
      const blocks = schedules.find((s) => s.provider_id === a.provider_id)?.blocks ?? [];
      const inside = blocks.some(
        (b) =>
          b.weekday === local.weekday &&
          start >= zonedTimeToInstant(local.date, b.start, clinic.timezone) &&
          end <= zonedTimeToInstant(local.date, b.end, clinic.timezone),
      );
      expect(inside, `${a.start_at} outside working hours`).toBe(true);
      expect(start).toBeGreaterThan(now.getTime() - 110 * day);
      expect(start).toBeLessThan(now.getTime() + 8 * day);
    }
    const active = appointments.filter((a) => !['cancelled', 'no_show'].includes(a.status));
    for (const a of active) {
      const overlapping = active.filter(
        (b) =>
          b !== a &&
          b.provider_id === a.provider_id &&
          new Date(b.start_at).getTime() < new Date(a.end_at).getTime() &&
          new Date(a.start_at).getTime() < new Date(b.end_at).getTime(),
      );
      expect(overlapping).toHaveLength(0);
    }
    // The lifecycle times sit around the appointment and never after now.
    const [times] = await rows<Record<string, number>>(
      db,
      sql`SELECT count(*) FILTER (WHERE checked_in_at > ${now} OR completed_at > ${now} OR booked_at > ${now})::int AS future,
            count(*) FILTER (WHERE status = 'completed' AND abs(extract(epoch FROM checked_in_at - start_at)) > 3600)::int AS far
          FROM appointments WHERE clinic_id = ${clinicId}`,
    );
    expect(times).toEqual({ future: 0, far: 0 });
  });

  it('gives every screen something to practise on, for the role that uses it', async () => {
    const [reception, doctor, billing, manager] = await Promise.all(
      ['frontdesk', 'provider', 'billing', 'manager'].map((role) => as(role)),
    );
    const [clinic] = await rows<{ timezone: string }>(
      t.database.db,
      sql`SELECT timezone FROM clinics WHERE id = ${clinicId}`,
    );
    const today = instantToZoned(now.getTime(), clinic.timezone).date;
    const from = new Date(zonedTimeToInstant(today, '00:00', clinic.timezone)).toISOString();
    const to = new Date(zonedTimeToInstant(today, '23:59', clinic.timezone)).toISOString();
    const schedule = await reception.get(`/api/appointments?from=${from}&to=${to}`);
    expect(schedule.status).toBe(200);
    expect(schedule.body.items.length, 'schedule of today').toBeGreaterThan(0);

    const [somebody] = await rows<{ family_name: string }>(
      t.database.db,
      sql`SELECT family_name FROM patients WHERE clinic_id = ${clinicId} ORDER BY mrn LIMIT 1`,
    );
    const search = await reception.get(`/api/patients?q=${encodeURIComponent(somebody.family_name)}`);
    expect(search.status).toBe(200);
    expect(search.body.items.length).toBeGreaterThan(0);

    for (const [client, url] of [
      [billing, '/api/worklists/unpaid-invoices'],
      // Claims carry the wall-clock time of their last status: none is 30 days old yet.
      [billing, '/api/worklists/unpaid-claims?olderThanDays=0'],
      [billing, '/api/worklists/denied-claims'],
      [billing, '/api/claims'],
      [billing, '/api/invoices'],
      [billing, '/api/payments'],
      [reception, '/api/waitlist'],
      [reception, '/api/recalls'],
      [doctor, '/api/encounters?status=in_progress'],
      [manager, '/api/messages'],
    ] as const) {
      const response = await client.get(url);
      expect(response.status, url).toBe(200);
      expect(response.body.items.length, url).toBeGreaterThan(0);
    }

    const aging = await billing.get('/api/reports/ar-aging');
    expect(aging.status).toBe(200);
    expect(JSON.stringify(aging.body)).toMatch(/[1-9]/);
    const over30 = await rows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM charges WHERE clinic_id = ${clinicId} AND service_date < ${today}::date - 30
            AND patient_cents - patient_allocated_cents - patient_adjusted_cents
              + insurer_cents - insurer_allocated_cents - insurer_adjusted_cents > 0`,
    );
    expect(over30[0].n, 'balances over 30 days').toBeGreaterThan(0);

    const weekAgo = instantToZoned(now.getTime() - 7 * 86_400_000, clinic.timezone).date;
    for (const report of ['appointments', 'revenue', 'utilisation', 'day-sheet']) {
      const response = await manager.get(`/api/reports/${report}?from=${weekAgo}&to=${today}`);
      expect(response.status, report).toBe(200);
      expect(response.body.rows?.length ?? 0, report).toBeGreaterThan(0);
    }
    for (const client of [reception, doctor, billing, manager]) {
      expect((await client.get('/api/dashboard')).status).toBe(200);
    }
  });

  it('keeps the ledger consistent: no negative balance, invoices and payments add up', async () => {
    const db = t.database.db;
    const [negative] = await rows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM charges WHERE clinic_id = ${clinicId} AND (
            patient_cents - patient_allocated_cents - patient_adjusted_cents < 0 OR
            insurer_cents - insurer_allocated_cents - insurer_adjusted_cents < 0 OR
            patient_cents + insurer_cents <> amount_cents)`,
    );
    expect(negative.n).toBe(0);
    const [invoices] = await rows<{ n: number; wrong: number }>(
      db,
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE i.total_cents <> (
            SELECT sum(l.amount_cents) FROM invoice_lines l WHERE l.invoice_id = i.id))::int AS wrong
          FROM invoices i WHERE i.clinic_id = ${clinicId}`,
    );
    expect(invoices.n).toBeGreaterThan(10);
    expect(invoices.wrong).toBe(0);
    const [payments] = await rows<{ n: number; wrong: number; methods: string[] }>(
      db,
      sql`SELECT count(*)::int AS n, array_agg(DISTINCT method ORDER BY method) AS methods,
            count(*) FILTER (WHERE amount_cents < (SELECT coalesce(sum(a.amount_cents), 0) FROM allocations a
              WHERE a.payment_id = p.id))::int AS wrong
          FROM payments p WHERE p.clinic_id = ${clinicId}`,
    );
    expect(payments.wrong).toBe(0);
    expect(payments.methods).toEqual(expect.arrayContaining(['card', 'cash', 'check', 'eft']));

    // What the patient screen says a patient owes matches the charges.
    const billing = await as('billing');
    const [owing] = await rows<{ id: string; owed: number }>(
      db,
      sql`SELECT patient_id AS id, sum(patient_cents - patient_allocated_cents - patient_adjusted_cents)::int AS owed
          FROM charges WHERE clinic_id = ${clinicId} AND status = 'open' GROUP BY patient_id
          HAVING sum(patient_cents - patient_allocated_cents - patient_adjusted_cents) > 0 LIMIT 1`,
    );
    const balance = await billing.get(`/api/patients/${owing.id}/balance`);
    expect(balance.status).toBe(200);
    expect(balance.body.patientBalanceCents).toBe(owing.owed);
  });

  it('gives the same clinic for the same seed and moment, with accounts nobody can sign in to when there is no password', async () => {
    // A Sunday night (the day clocks went forward): no visit is under way, yet checked-in and
    // in-progress ones are there.
    const sundayNight = new Date(zonedTimeToInstant('2026-03-08', '23:30', 'America/New_York'));
    const made = [];
    for (const domain of [unique('twin-a'), unique('twin-b')]) {
      const id = await trainingClinicBeside(t.database.db, realClinicId, false);
      const result = await populateTrainingClinic(t.database.db, id, {
        seed: 31,
        now: sundayNight,
        staff: { emailDomain: `${domain}.test`, password: null },
        size: { days: 2, patients: 40 },
      });
      made.push({ id, result });
    }
    const [a, b] = made;
    expect(a.result.appointments).toEqual(b.result.appointments);
    expect(a.result.claims).toEqual(b.result.claims);
    for (const status of APPOINTMENT_STATUSES) expect(a.result.appointments[status], status).toBeGreaterThan(0);
    expect(await fingerprint(t.database.db, a.id)).toEqual(await fingerprint(t.database.db, b.id));
    // Another seed is another clinic.
    expect((await fingerprint(t.database.db, a.id)).patients).not.toEqual(
      (await fingerprint(t.database.db, clinicId)).patients,
    );
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: a.result.staff[0].email, password: 'any-password-at-all' },
    });
    expect(signIn.statusCode).toBe(401);
  }, 900_000);

  it('refuses a clinic that is not a training clinic, or one that has data already', async () => {
    const options = { seed: 1, now, staff: { emailDomain: `${unique('x')}.test`, password: null } };
    await expect(populateTrainingClinic(t.database.db, realClinicId, options)).rejects.toThrow(/training clinic/);
    await expect(populateTrainingClinic(t.database.db, clinicId, options)).rejects.toThrow(/has data already/);
  });
});
