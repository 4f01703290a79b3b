import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * The Reconciliation report's "visits not charged" reads only the visits without an open charge,
 * found through what triggers keep on the visit (`encounters.open_charges`) and its appointment
 * (`appointments.charged`, 0050). These tests change a visit's charges the way the app does
 * (signing, an addendum removing or adding a line) and read the report after each change, so a
 * trigger that misses one leaves a visit listed or unlisted wrongly. Visits are dated the clinic's
 * today (whatever the time of the run), and the report is read for that day only.
 */

let t: TestApp;
let s: VisitScenario;
let typeId: string;
let secondServiceId: string;

beforeAll(async () => {
  t = await createTestApp();
  s = await visitScenario(t, {
    payer: 'Uncharged Mutual',
    service: { code: '99213', description: 'Office visit', feeCents: 11_000 },
  });
  typeId = (await s.addType({ name: 'Charge check', durationMinutes: 15 })).id;
  const second = await s.billing.post('/api/services', {
    codeSystem: 'CPT',
    code: '36415',
    description: 'Routine venipuncture',
    feeCents: 1_500,
  });
  expect(second.status, JSON.stringify(second.body)).toBe(201);
  secondServiceId = second.body.id;
});
afterAll(() => t?.close());

/** The ids listed under "visits not charged" on `day`, and the figure the report gives for it. */
async function uncharged(day: string): Promise<{ ids: string[]; figure: number }> {
  const rows = await s.manager.get(`/api/reports/reconciliation/rows?from=${day}&to=${day}&metric=visits_uncharged`);
  expect(rows.status, JSON.stringify(rows.body)).toBe(200);
  const report = await s.manager.get(`/api/reports/reconciliation?from=${day}&to=${day}&group=day`);
  expect(report.status, JSON.stringify(report.body)).toBe(200);
  expect(report.body.totals.visitsUncharged).toBe(rows.body.total);
  return { ids: rows.body.items.map((item: { id: string }) => item.id), figure: rows.body.total };
}

async function removeLine(encounterId: string, lineId: string) {
  const removed = await s.doctor.post(`/api/encounters/${encounterId}/addenda`, {
    reason: 'Billed in error',
    removeServiceLineIds: [lineId],
  });
  expect(removed.status, JSON.stringify(removed.body)).toBe(201);
}

async function addLine(encounterId: string) {
  const added = await s.doctor.post(`/api/encounters/${encounterId}/addenda`, {
    reason: 'Blood drawn before the patient left',
    addServices: [{ serviceId: secondServiceId, diagnosisPointers: [1] }],
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return added.body.services.find((line: { serviceId: string; removedByAddendumId: string | null }) => {
    return line.serviceId === secondServiceId && !line.removedByAddendumId;
  }).id as string;
}

/** What the triggers keep, read straight from the tables. */
async function kept(encounterId: string) {
  const [row] = await queryRows<{ open_charges: number; charged: boolean | null }>(
    t.database.db,
    sql`SELECT e.open_charges, a.charged FROM encounters e LEFT JOIN appointments a ON a.id = e.appointment_id
        WHERE e.id = ${encounterId}`,
  );
  return row;
}

describe('visits not charged, as charges are voided and added', () => {
  it('lists a walk-in visit once its only open charge is voided, and no longer once a charge is added', async () => {
    const visit = await s.signedVisit({ copayCents: 0 });
    const day = (await s.doctor.get(`/api/encounters/${visit.encounterId}`)).body.serviceDate as string;
    const before = await uncharged(day);
    expect(before.ids).not.toContain(visit.encounterId);
    expect(await kept(visit.encounterId)).toEqual({ open_charges: 1, charged: null });

    await removeLine(visit.encounterId, visit.charge.serviceLineId as string);
    const voided = await uncharged(day);
    expect(voided.ids).toContain(visit.encounterId);
    expect(voided.figure).toBe(before.figure + 1);
    expect(await kept(visit.encounterId)).toEqual({ open_charges: 0, charged: null });

    const lineId = await addLine(visit.encounterId);
    const charged = await uncharged(day);
    expect(charged.ids).not.toContain(visit.encounterId);
    expect(charged.figure).toBe(before.figure);

    // Two open charges, one voided: still charged.
    await addLine(visit.encounterId);
    await removeLine(visit.encounterId, lineId);
    expect((await uncharged(day)).ids).not.toContain(visit.encounterId);
    expect(await kept(visit.encounterId)).toEqual({ open_charges: 1, charged: null });
  });

  it('lists a completed appointment whose visit has no open charge, and follows its charges', async () => {
    const patientId = await s.addPatient();
    const start = new Date(Math.ceil(Date.now() / 900_000) * 900_000).toISOString();
    const booked = await s.book({ patientId, providerId: s.providerId, appointmentTypeId: typeId, start });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const appointmentId: string = booked.body.id;
    expect((await s.reception.post(`/api/appointments/${appointmentId}/check-in`)).status).toBe(200);
    const opened = await s.doctor.post('/api/encounters', { appointmentId });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const encounterId: string = opened.body.id;
    const day: string = opened.body.serviceDate;
    const saved = await s.doctor.patch(`/api/encounters/${encounterId}`, {
      version: opened.body.version,
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId: s.serviceId, diagnosisPointers: [1] }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const completed = await s.reception.post(`/api/appointments/${appointmentId}/complete`);
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    // Completed, its visit not signed yet: no charge, so listed (as the appointment).
    const unsigned = await uncharged(day);
    expect(unsigned.ids).toContain(appointmentId);
    expect(await kept(encounterId)).toEqual({ open_charges: 0, charged: false });

    expect((await s.doctor.post(`/api/encounters/${encounterId}/sign`)).status).toBe(200);
    const signed = await uncharged(day);
    expect(signed.ids).not.toContain(appointmentId);
    expect(signed.ids).not.toContain(encounterId);
    expect(signed.figure).toBe(unsigned.figure - 1);
    expect(await kept(encounterId)).toEqual({ open_charges: 1, charged: true });

    const [line] = (await s.doctor.get(`/api/encounters/${encounterId}`)).body.services;
    await removeLine(encounterId, line.id);
    const voided = await uncharged(day);
    expect(voided.ids).toContain(appointmentId);
    // Counted once, as the appointment (the visit of a completed appointment is not listed again).
    expect(voided.ids).not.toContain(encounterId);
    expect(voided.figure).toBe(unsigned.figure);
    expect(await kept(encounterId)).toEqual({ open_charges: 0, charged: false });

    await addLine(encounterId);
    expect((await uncharged(day)).ids).not.toContain(appointmentId);
    expect(await kept(encounterId)).toEqual({ open_charges: 1, charged: true });
  });
});

describe('what the triggers keep, when a visit moves to another appointment or a charge is restored', () => {
  async function completedAppointment(patientId: string, quarterHours: number): Promise<string> {
    const start = new Date((Math.ceil(Date.now() / 900_000) + quarterHours) * 900_000).toISOString();
    const booked = await s.book({ patientId, providerId: s.providerId, appointmentTypeId: typeId, start });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect((await s.reception.post(`/api/appointments/${booked.body.id}/check-in`)).status).toBe(200);
    return booked.body.id;
  }

  it('moves "charged" from the old appointment to the new one, and back to true when a voided charge is open again', async () => {
    const patientId = await s.addPatient();
    const first = await completedAppointment(patientId, 8);
    const opened = await s.doctor.post('/api/encounters', { appointmentId: first });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const encounterId: string = opened.body.id;
    const saved = await s.doctor.patch(`/api/encounters/${encounterId}`, {
      version: opened.body.version,
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId: s.serviceId, diagnosisPointers: [1] }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await s.reception.post(`/api/appointments/${first}/complete`)).status).toBe(200);
    expect((await s.doctor.post(`/api/encounters/${encounterId}/sign`)).status).toBe(200);
    const second = await completedAppointment(patientId, 12);
    expect((await s.reception.post(`/api/appointments/${second}/complete`)).status).toBe(200);
    const charged = async () => {
      const rows = await queryRows<{ id: string; charged: boolean }>(
        t.database.db,
        sql`SELECT id, charged FROM appointments WHERE id IN (${first}, ${second})`,
      );
      return Object.fromEntries(rows.map((row) => [row.id === first ? 'first' : 'second', row.charged]));
    };
    expect(await charged()).toEqual({ first: true, second: false });

    // The visit recorded against the wrong appointment, corrected in the database.
    await t.database.db.execute(sql`UPDATE encounters SET appointment_id = ${second} WHERE id = ${encounterId}`);
    expect(await charged()).toEqual({ first: false, second: true });

    const [line] = (await s.doctor.get(`/api/encounters/${encounterId}`)).body.services;
    await removeLine(encounterId, line.id);
    expect(await kept(encounterId)).toEqual({ open_charges: 0, charged: false });
    // A void undone in the database: the charge counts as open again.
    await t.database.db.execute(
      sql`UPDATE charges SET status = 'open', voided_at = NULL, void_reason = NULL WHERE encounter_id = ${encounterId}`,
    );
    expect(await kept(encounterId)).toEqual({ open_charges: 1, charged: true });
    expect(await charged()).toEqual({ first: false, second: true });
  });
});

/**
 * "Charges not billed" reads whether a side of a charge was billed from the charge itself
 * (`insurer_billed`, `patient_billed`, kept by triggers: 0051). These follow a charge through a
 * draft claim, its submission, an invoice, and lines removed again, and then check every charge
 * of the database against the definition the report used to compute.
 */
describe('charges billed, as claims are submitted and invoices issued', () => {
  const address = { line1: '12 Harbor Street', city: 'Portland', region: 'ME', postalCode: '04101', country: 'US' };

  async function billed(chargeId: string) {
    const [row] = await queryRows<{ insurer_billed: boolean; patient_billed: boolean }>(
      t.database.db,
      sql`SELECT insurer_billed, patient_billed FROM charges WHERE id = ${chargeId}`,
    );
    return { insurer: row.insurer_billed, patient: row.patient_billed };
  }

  it('marks the insurer side when the claim is submitted (not while a draft), the patient side when invoiced', async () => {
    expect(
      (await s.admin.patch('/api/clinic', { billingNpi: '1245319599', taxId: '12-3456789', address })).status,
    ).toBe(200);
    expect((await s.admin.patch(`/api/providers/${s.providerId}`, { npi: '1234567893' })).status).toBe(200);
    expect((await s.admin.patch(`/api/payers/${s.payerId}`, { payerCode: 'UNC01' })).status).toBe(200);
    const visit = await s.signedVisit({ copayCents: 2_500 });
    expect((await s.reception.patch(`/api/patients/${visit.patientId}`, { address })).status).toBe(200);
    const [charge] = await queryRows<{ id: string; insurer_cents: number; patient_cents: number }>(
      t.database.db,
      sql`SELECT id, insurer_cents, patient_cents FROM charges WHERE encounter_id = ${visit.encounterId}`,
    );
    // Both sides owe something: the copay is the patient's, the rest the insurer's.
    expect(charge.insurer_cents).toBeGreaterThan(0);
    expect(charge.patient_cents).toBe(2_500);
    expect(await billed(charge.id)).toEqual({ insurer: false, patient: false });

    const claim = await s.billing.post('/api/claims', { encounterId: visit.encounterId });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    expect(claim.body.status).toBe('ready');
    expect(await billed(charge.id)).toEqual({ insurer: false, patient: false });
    const submitted = await s.billing.post(`/api/claims/${claim.body.id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(await billed(charge.id)).toEqual({ insurer: true, patient: false });

    const invoice = await s.billing.post('/api/invoices', { encounterId: visit.encounterId });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    expect(await billed(charge.id)).toEqual({ insurer: true, patient: true });

    // Lines are removed only with a training clinic's data; the flags follow them all the same,
    // and a claim whose submission is cleared no longer bills its charges.
    await t.database.db.execute(sql`DELETE FROM invoice_lines WHERE charge_id = ${charge.id}`);
    expect(await billed(charge.id)).toEqual({ insurer: true, patient: false });
    await t.database.db.execute(sql`UPDATE claims SET submitted_at = NULL WHERE id = ${claim.body.id}`);
    expect(await billed(charge.id)).toEqual({ insurer: false, patient: false });
    await t.database.db.execute(sql`UPDATE claims SET submitted_at = now() WHERE id = ${claim.body.id}`);
    expect(await billed(charge.id)).toEqual({ insurer: true, patient: false });
    await t.database.db.execute(sql`DELETE FROM claim_lines WHERE charge_id = ${charge.id}`);
    expect(await billed(charge.id)).toEqual({ insurer: false, patient: false });
  });

  it('agrees with the claims, invoices and statements for every charge', async () => {
    const wrong = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT c.id FROM charges c
          WHERE c.insurer_billed IS DISTINCT FROM EXISTS (
                  SELECT 1 FROM claim_lines l JOIN claims k ON k.id = l.claim_id
                  WHERE l.charge_id = c.id AND k.submitted_at IS NOT NULL)
             OR c.patient_billed IS DISTINCT FROM (
                  EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = c.id)
                  OR EXISTS (SELECT 1 FROM statement_lines l WHERE l.charge_id = c.id))`,
    );
    expect(wrong).toEqual([]);
    const [{ n }] = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM charges`);
    expect(n).toBeGreaterThan(3);
  });
});
