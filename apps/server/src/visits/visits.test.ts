import { queryRows } from '@tend/db';
import { todayIn } from '@tend/domain';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';

/**
 * Visit documentation end to end through the API: open from a checked-in appointment, vitals,
 * the note, codes, signing into charges, addenda, the chart's lists, follow-ups, and who may do what.
 */

let t: TestApp;
let s: SchedulingScenario;
let doctor: ApiClient;
let otherDoctor: ApiClient;
let nurse: ApiClient;
let billing: ApiClient;
let providerId: string;
let typeId: string;
let visitService: { id: string };
let flushot: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  const doctorUser = await s.clinic.addUser('provider');
  doctor = await t.signIn(doctorUser);
  otherDoctor = await t.signIn(await s.clinic.addUser('provider'));
  nurse = await t.signIn(await s.clinic.addUser('nurse'));
  billing = await t.signIn(await s.clinic.addUser('billing'));
  // A provider who works every day all day (visits happen "today" whatever the time of the run).
  providerId = await s.addProvider({
    validFrom: '2020-01-01',
    blocks: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  });
  expect((await s.admin.patch(`/api/providers/${providerId}`, { userId: doctorUser.userId })).status).toBe(200);
  typeId = (await s.addType({ name: 'Sick visit', durationMinutes: 15 })).id;
  visitService = (
    await billing.post('/api/services', {
      code: '99213',
      codeSystem: 'CPT',
      description: 'Office visit, established patient, low complexity',
      feeCents: 12_500,
    })
  ).body;
  flushot = (
    await billing.post('/api/services', {
      code: '90686',
      codeSystem: 'CPT',
      description: 'Influenza vaccine, quadrivalent',
      feeCents: 3_850,
    })
  ).body;
});
afterAll(() => t.close());

let booked = 0;

/** A patient booked soon with the doctor (each at the next free quarter hour) and checked in. */
async function checkedIn(): Promise<{ patientId: string; appointmentId: string; start: string }> {
  const patientId = await s.addPatient();
  booked += 1;
  const start = new Date(Math.ceil(Date.now() / 900_000) * 900_000 + booked * 900_000).toISOString();
  const appointment = await s.book({ patientId, providerId, appointmentTypeId: typeId, start });
  expect(appointment.status, JSON.stringify(appointment.body)).toBe(201);
  expect((await s.reception.post(`/api/appointments/${appointment.body.id}/check-in`)).status).toBe(200);
  return { patientId, appointmentId: appointment.body.id, start };
}

async function openVisit(): Promise<{ id: string; version: number; patientId: string; appointmentId: string }> {
  const { patientId, appointmentId } = await checkedIn();
  const opened = await nurse.post('/api/encounters', { appointmentId });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  return { id: opened.body.id, version: opened.body.version, patientId, appointmentId };
}

async function auditCount(action: string, entityId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`SELECT count(*)::int AS n FROM audit_events WHERE action = ${action} AND entity_id = ${entityId}`,
  );
  return row.n;
}

describe('a visit from check-in to charges', () => {
  it('is opened from a checked-in appointment (starting it) with the type’s template, once', async () => {
    expect(
      (
        await s.manager.post('/api/note-templates', {
          name: 'Sick visit',
          appointmentTypeId: typeId,
          subjective: 'Onset:\nSymptoms:',
          plan: 'Return if worse.',
        })
      ).status,
    ).toBe(201);
    const { patientId, appointmentId, start } = await checkedIn();
    const opened = await nurse.post('/api/encounters', { appointmentId });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      patientId,
      providerId,
      appointmentId,
      status: 'in_progress',
      subjective: 'Onset:\nSymptoms:',
      plan: 'Return if worse.',
      // The appointment's date in the location's zone, not the server's or UTC's.
      serviceDate: todayIn('America/New_York', new Date(start)),
    });
    expect((await s.reception.get(`/api/appointments/${appointmentId}`)).body.status).toBe('in_progress');
    const again = await doctor.post('/api/encounters', { appointmentId });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(opened.body.id);

    // Not yet checked in: refused, and said why.
    const patient = await s.addPatient();
    const later = await s.book({
      patientId: patient,
      providerId,
      appointmentTypeId: typeId,
      start: `${new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 13)}:00:00Z`,
    });
    const early = await doctor.post('/api/encounters', { appointmentId: later.body.id });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/Check the patient in first/);
  });

  it('signs into exactly the expected charges: fee × units, diagnosis pointers, provider and date', async () => {
    const visit = await openVisit();
    const saved = await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      subjective: 'Fever and cough for 2 days.',
      assessment: 'Influenza.',
      diagnoses: [{ code: 'j11.1' }, { code: 'I10', chronic: true }],
      services: [
        { serviceId: visitService.id, diagnosisPointers: [1, 2] },
        { serviceId: flushot.id, units: 2, diagnosisPointers: [1] },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.diagnoses.map((d: { code: string; position: number }) => [d.position, d.code])).toEqual([
      [1, 'J11.1'],
      [2, 'I10'],
    ]);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/charges?encounterId=${visit.id}`,
          headers: { cookie: billing.cookie },
        })
      ).json().items,
    ).toEqual([]);

    const signed = await doctor.post(`/api/encounters/${visit.id}/sign`);
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.status).toBe('signed');
    const charges = (await billing.get(`/api/charges?encounterId=${visit.id}`)).body.items;
    // The visit's provider sees its charges; another provider does not.
    expect((await doctor.get(`/api/charges?encounterId=${visit.id}`)).body.items).toHaveLength(2);
    expect((await otherDoctor.get(`/api/charges?encounterId=${visit.id}`)).body.items).toEqual([]);
    expect(
      charges.map((c: Record<string, unknown>) => [c.code, c.units, c.unitFeeCents, c.amountCents, c.diagnosisCodes]),
    ).toEqual([
      ['99213', 1, 12_500, 12_500, ['J11.1', 'I10']],
      ['90686', 2, 3_850, 7_700, ['J11.1']],
    ]);
    expect(charges[0]).toMatchObject({
      providerId,
      patientId: visit.patientId,
      patientName: signed.body.patientName,
      serviceDate: signed.body.serviceDate,
      status: 'open',
    });
    // The chronic diagnosis is on the problem list.
    const chart = await doctor.get(`/api/patients/${visit.patientId}/chart`);
    expect(chart.body.problems.map((p: { code: string }) => p.code)).toEqual(['I10']);
  });

  it('locks a signed note: edits are refused (also by the database), corrections are addenda that change charges visibly', async () => {
    const visit = await openVisit();
    await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      assessment: 'Influenza.',
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId: visitService.id, diagnosisPointers: [1] }],
    });
    await doctor.post(`/api/encounters/${visit.id}/sign`);
    const edit = await doctor.patch(`/api/encounters/${visit.id}`, { version: 2, assessment: 'Changed afterwards' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toMatch(/signed and locked/);
    await expect(
      t.database.db.execute(sql`UPDATE encounters SET assessment = 'tampered' WHERE id = ${visit.id}`),
    ).rejects.toThrow();

    const [line] = (await doctor.get(`/api/encounters/${visit.id}`)).body.services;
    const addendum = await doctor.post(`/api/encounters/${visit.id}/addenda`, {
      reason: 'Vaccine given after signing',
      text: 'Flu shot given before the patient left.',
      addServices: [{ serviceId: flushot.id, diagnosisPointers: [1] }],
    });
    expect(addendum.status, JSON.stringify(addendum.body)).toBe(201);
    expect(addendum.body.assessment).toBe('Influenza.');
    expect(addendum.body.addenda).toHaveLength(1);
    expect(addendum.body.addenda[0]).toMatchObject({
      reason: 'Vaccine given after signing',
      authorName: 'Test provider',
    });
    let charges = (await billing.get(`/api/charges?encounterId=${visit.id}`)).body.items;
    expect(charges.map((c: { code: string; status: string }) => [c.code, c.status])).toEqual([
      ['99213', 'open'],
      ['90686', 'open'],
    ]);
    expect(charges[1].addendumId).toBe(addendum.body.addenda[0].id);

    const removal = await doctor.post(`/api/encounters/${visit.id}/addenda`, {
      reason: 'Billed in error',
      removeServiceLineIds: [line.id],
    });
    expect(removal.status).toBe(201);
    charges = (await billing.get(`/api/charges?encounterId=${visit.id}`)).body.items;
    expect(
      charges.map((c: { code: string; status: string; voidReason: string | null }) => [c.code, c.status, c.voidReason]),
    ).toEqual([
      ['99213', 'void', 'Addendum: Billed in error'],
      ['90686', 'open', null],
    ]);
    expect(await auditCount('encounter.addendum', visit.id)).toBe(2);
  });

  it('refuses header and unknown codes, pointers to missing diagnoses, and stale autosaves', async () => {
    const visit = await openVisit();
    const header = await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      diagnoses: [{ code: 'E11' }],
    });
    expect(header.status).toBe(400);
    expect(header.body.error.fields[0]).toMatchObject({ path: 'diagnoses.0.code' });
    expect(header.body.error.fields[0].message).toMatch(/E11 is a category, not a billable code/);
    const pointer = await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId: visitService.id, diagnosisPointers: [2] }],
    });
    expect(pointer.status).toBe(400);
    expect(pointer.body.error.fields[0]).toMatchObject({ path: 'services.0.diagnosisPointers' });

    const first = await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      subjective: 'First tab',
    });
    expect(first.status).toBe(200);
    const stale = await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      subjective: 'Second tab',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/changed in another window/);
    expect((await doctor.get(`/api/encounters/${visit.id}`)).body.subjective).toBe('First tab');
  });

  it('flags a visit signed without any service for the manager', async () => {
    const visit = await openVisit();
    await doctor.patch(`/api/encounters/${visit.id}`, { version: visit.version, assessment: 'Well.' });
    await doctor.post(`/api/encounters/${visit.id}/sign`);
    const flagged = await s.manager.get('/api/encounters/without-charge');
    expect(flagged.status).toBe(200);
    expect(flagged.body.items.map((v: { id: string }) => v.id)).toContain(visit.id);
  });

  it('lists an old visit without a charge behind 500 newer billed ones, and says when a chart is cut at 500', async () => {
    const longAgo = await s.addPatient();
    const [old] = await signedVisits(longAgo, 1, { charged: false, daysAgo: 2000 });
    const regular = await s.addPatient();
    const billed = await signedVisits(regular, 501, { charged: true, daysAgo: 1 });

    const flagged = await s.manager.get('/api/encounters/without-charge');
    expect(flagged.status).toBe(200);
    const flaggedIds = flagged.body.items.map((v: { id: string }) => v.id);
    expect(flaggedIds).toContain(old);
    expect(flaggedIds).not.toContain(billed[0]);
    expect(flagged.body.truncated).toBe(false);

    const chart = await doctor.get(`/api/encounters?patientId=${regular}`);
    expect(chart.status).toBe(200);
    expect(chart.body.truncated).toBe(true);
    // The latest 500, oldest first: the oldest of the 501 is the one left out.
    expect(chart.body.items.map((v: { id: string }) => v.id)).toEqual(billed.slice(0, 500).reverse());
    // Each lists its open charges' count, and no service lines (the visit has them).
    for (const visit of chart.body.items) {
      expect(visit.chargeCount).toBe(1);
      expect(visit).not.toHaveProperty('services');
    }
    const short = await doctor.get(`/api/encounters?patientId=${longAgo}`);
    expect(short.body).toMatchObject({ truncated: false, items: [{ id: old }] });
  });
});

/**
 * Signed visits of a patient written straight to the database (fast; the API way is tested above),
 * one a day going back from `daysAgo`, newest first; billed ones with a service line and its open charge.
 */
async function signedVisits(
  patientId: string,
  count: number,
  options: { charged: boolean; daysAgo: number },
): Promise<string[]> {
  const visits = sql`INSERT INTO encounters (id, clinic_id, patient_id, provider_id, location_id, service_date, status, signed_at)
    SELECT gen_random_uuid(), p.clinic_id, p.id, ${providerId}, ${s.locationId}, current_date - (${options.daysAgo}::int + g), 'signed', now()
    FROM patients p, generate_series(0, ${count - 1}::int) g WHERE p.id = ${patientId}
    RETURNING id, clinic_id, patient_id, provider_id, location_id, service_date`;
  const rows = options.charged
    ? await queryRows<{ id: string }>(
        t.database.db,
        sql`WITH v AS (${visits}),
            line AS (INSERT INTO encounter_services (id, clinic_id, encounter_id, service_id, code, code_system, description, units, fee_cents, diagnosis_pointers)
                     SELECT gen_random_uuid(), clinic_id, id, ${visitService.id}, '99213', 'CPT', 'Office visit', 1, 12500, '{1}' FROM v
                     RETURNING id, encounter_id),
            charge AS (INSERT INTO charges (id, clinic_id, encounter_id, service_line_id, patient_id, provider_id, location_id, service_date,
                                            code, code_system, description, units, unit_fee_cents, amount_cents, diagnosis_codes, patient_cents)
                       SELECT gen_random_uuid(), v.clinic_id, v.id, line.id, v.patient_id, v.provider_id, v.location_id, v.service_date,
                              '99213', 'CPT', 'Office visit', 1, 12500, 12500, '{J11.1}', 12500
                       FROM v JOIN line ON line.encounter_id = v.id)
            SELECT id FROM v ORDER BY service_date DESC`,
      )
    : await queryRows<{ id: string }>(
        t.database.db,
        sql`WITH v AS (${visits}) SELECT id FROM v ORDER BY service_date DESC`,
      );
  expect(rows).toHaveLength(count);
  return rows.map((r) => r.id);
}

describe('who may do what', () => {
  it('keeps note text from the front desk and billing, lets nurses write the intake only, and only the visit’s provider sign', async () => {
    const visit = await openVisit();
    expect((await s.reception.get(`/api/encounters/${visit.id}`)).status).toBe(403);
    expect((await billing.get(`/api/encounters/${visit.id}`)).status).toBe(403);
    expect((await s.reception.get(`/api/patients/${visit.patientId}/chart`)).status).toBe(403);
    const intake = await nurse.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      chiefComplaint: 'Cough',
    });
    expect(intake.status).toBe(200);
    const note = await nurse.patch(`/api/encounters/${visit.id}`, { version: intake.body.version, assessment: 'Flu' });
    expect(note.status).toBe(403);
    expect((await nurse.post(`/api/encounters/${visit.id}/sign`)).status).toBe(403);
    const stranger = await otherDoctor.post(`/api/encounters/${visit.id}/sign`);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.message).toMatch(/the visit's provider/);
    expect((await doctor.post(`/api/encounters/${visit.id}/sign`)).status).toBe(200);
    // Reading a note is audited every time.
    await doctor.get(`/api/encounters/${visit.id}`);
    await nurse.get(`/api/encounters/${visit.id}`);
    expect(await auditCount('encounter.read', visit.id)).toBeGreaterThanOrEqual(4);
  });
});

describe('vitals', () => {
  it('refuse the implausible with a message, flag the borderline, and convert named units', async () => {
    const visit = await openVisit();
    const impossible = await nurse.post(`/api/encounters/${visit.id}/vitals`, { systolic: 400, diastolic: 20 });
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['systolic']);
    expect(impossible.body.error.fields[0].message).toMatch(/between 50 and 300/);
    const inverted = await nurse.post(`/api/encounters/${visit.id}/vitals`, { systolic: 80, diastolic: 120 });
    expect(inverted.body.error.fields[0]).toMatchObject({ path: 'diastolic' });
    const unitless = await nurse.post(`/api/encounters/${visit.id}/vitals`, { temperature: { value: 101.3 } });
    expect(unitless.status).toBe(400);

    const recorded = await nurse.post(`/api/encounters/${visit.id}/vitals`, {
      systolic: 186,
      diastolic: 95,
      heartRate: 88,
      temperature: { value: 101.3, unit: 'F' },
      height: { value: 70, unit: 'in' },
      weight: { value: 180, unit: 'lb' },
      spo2: 97,
      pain: 3,
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    expect(recorded.body).toMatchObject({
      systolic: 186,
      temperatureC: 38.5,
      heightCm: 177.8,
      weightKg: 81.647,
      bmi: 25.8,
      flags: ['systolic'],
    });
    const history = await doctor.get(`/api/patients/${visit.patientId}/vitals`);
    expect(history.body.items).toHaveLength(1);
    expect((await s.reception.get(`/api/patients/${visit.patientId}/vitals`)).status).toBe(403);
  });
});

describe('the chart and follow-ups', () => {
  it('keeps allergies and medications, and puts "return in 2 weeks" on the front desk’s list', async () => {
    const visit = await openVisit();
    const allergy = await nurse.post(`/api/patients/${visit.patientId}/allergies`, {
      substance: 'Penicillin',
      reaction: 'Hives',
      severity: 'moderate',
    });
    expect(allergy.status).toBe(201);
    expect(
      (await nurse.post(`/api/patients/${visit.patientId}/medications`, { name: 'Lisinopril', dose: '10 mg daily' }))
        .status,
    ).toBe(201);
    const chart = await doctor.get(`/api/patients/${visit.patientId}/chart`);
    expect(chart.body.allergies.map((a: { substance: string }) => a.substance)).toEqual(['Penicillin']);
    expect(chart.body.medications.map((m: { name: string; dose: string }) => `${m.name} ${m.dose}`)).toEqual([
      'Lisinopril 10 mg daily',
    ]);
    expect((await nurse.patch(`/api/allergies/${allergy.body.id}`, { active: false })).body.active).toBe(false);

    const followUp = await doctor.post(`/api/encounters/${visit.id}/follow-ups`, {
      inWeeks: 2,
      reason: 'Recheck blood pressure',
      appointmentTypeId: typeId,
    });
    expect(followUp.status, JSON.stringify(followUp.body)).toBe(201);
    const encounter = (await doctor.get(`/api/encounters/${visit.id}`)).body;
    const [y, m, d] = encounter.serviceDate.split('-').map(Number);
    expect(followUp.body.dueDate).toBe(new Date(Date.UTC(y, m - 1, d + 14)).toISOString().slice(0, 10));
    // It is a recall on the front desk's list: upcoming (its first message goes a week before it is due).
    const list = await s.reception.get('/api/recalls?view=upcoming');
    expect(list.body.items.map((f: { id: string; reason: string }) => [f.id, f.reason])).toContainEqual([
      followUp.body.id,
      'Recheck blood pressure',
    ]);
    expect((await nurse.post(`/api/encounters/${visit.id}/follow-ups`, { inWeeks: 2, reason: 'x' })).status).toBe(403);

    // Booking it takes it off the list, in the same step; another patient's follow-up is refused.
    const booking = {
      providerId,
      appointmentTypeId: typeId,
      start: new Date(Date.parse(`${followUp.body.dueDate}T15:00:00Z`)).toISOString(),
    };
    const wrong = await s.book({ ...booking, patientId: await s.addPatient(), followUpId: followUp.body.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields[0].path).toBe('followUpId');
    const again = await doctor.post(`/api/encounters/${visit.id}/follow-ups`, { inMonths: 6, reason: 'Yearly check' });
    const bookedFollowUp = await s.book({ ...booking, patientId: visit.patientId, followUpId: again.body.id });
    expect(bookedFollowUp.status, JSON.stringify(bookedFollowUp.body)).toBe(201);
    const done = await s.reception.get('/api/recalls?view=booked');
    expect(done.body.items.find((f: { id: string }) => f.id === again.body.id)).toMatchObject({
      status: 'booked',
      appointmentId: bookedFollowUp.body.id,
    });
    expect((await billing.get('/api/recalls')).status).toBe(403);
    expect((await s.reception.post(`/api/recalls/${followUp.body.id}/close`, { reason: 'Declined' })).status).toBe(200);
    expect(
      (await s.reception.get('/api/recalls?view=upcoming')).body.items.map((f: { id: string }) => f.id),
    ).not.toContain(followUp.body.id);
  });

  it('opens a walk-in visit without an appointment', async () => {
    const patientId = await s.addPatient();
    const walkIn = await doctor.post('/api/encounters', { patientId, providerId });
    expect(walkIn.status).toBe(201);
    expect(walkIn.body).toMatchObject({ appointmentId: null, status: 'in_progress', patientId });
  });
});

describe('signing while reception checks the patient out', () => {
  /** A visit in progress from its appointment, coded and ready to sign. */
  async function readyToSign() {
    const visit = await openVisit();
    const saved = await doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId: visitService.id, diagnosisPointers: [1] }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    return visit;
  }

  if (process.env.TEND_TEST_DATABASE_URL) {
    it('waits for the check-out at the appointment, before it locks the patient (no deadlock)', async () => {
      // Signing locks the patient (its charges' foreign key) and, through the charges' triggers,
      // the appointment; a check-out locks the appointment, then the patient. Signing takes the
      // appointment first: held by a check-out that is not committed yet, signing must be found
      // waiting there, not at its charges' insert holding the patient's lock.
      const visit = await readyToSign();
      const checkout = new pg.Client({ connectionString: t.databaseUrl });
      await checkout.connect();
      try {
        await checkout.query('BEGIN');
        await checkout.query(`UPDATE appointments SET status = 'completed', completed_at = now() WHERE id = $1`, [
          visit.appointmentId,
        ]);
        const signing = doctor.post(`/api/encounters/${visit.id}/sign`);
        let waiting: string | undefined;
        for (let i = 0; i < 200 && !waiting; i++) {
          const [row] = await queryRows<{ query: string }>(
            t.database.db,
            sql`SELECT query FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          waiting = row?.query;
          if (!waiting) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(waiting).toMatch(/from "appointments".*for no key update/is);
        await checkout.query('COMMIT');
        expect((await signing).status).toBe(200);
      } finally {
        await checkout.end();
      }
      const [appointment] = await queryRows<{ status: string; charged: boolean }>(
        t.database.db,
        sql`SELECT status, charged FROM appointments WHERE id = ${visit.appointmentId}`,
      );
      expect(appointment).toEqual({ status: 'completed', charged: true });
    });
  } else {
    it('signs a checked-out visit into charges (the embedded database runs one transaction at a time)', async () => {
      const visit = await readyToSign();
      expect((await s.reception.post(`/api/appointments/${visit.appointmentId}/complete`)).status).toBe(200);
      expect((await doctor.post(`/api/encounters/${visit.id}/sign`)).status).toBe(200);
      const [appointment] = await queryRows<{ status: string; charged: boolean }>(
        t.database.db,
        sql`SELECT status, charged FROM appointments WHERE id = ${visit.appointmentId}`,
      );
      expect(appointment).toEqual({ status: 'completed', charged: true });
    });
  }
});
