import { queryRows } from '@tend/db';
import { todayIn } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * After the payment is posted: the desk's list of payments, a copay taken at check-in that pays
 * the visit once it is signed (by itself, or applied by hand), mistakes reversed — payments and
 * adjustments, once only — and the receipt the patient takes home.
 */

let t: TestApp;
let s: VisitScenario;
let billing: ApiClient;
let reception: ApiClient;
let payerId: string;
let today: string;

beforeAll(async () => {
  t = await createTestApp({ poolSize: 8 });
  s = await visitScenario(t, {
    payer: 'Lakeside Mutual',
    service: { code: '99213', description: 'Office visit', feeCents: 12_000 },
  });
  ({ billing, reception, payerId } = s);
  // The clinic's day (New York), as the ledger dates a reversal: not the UTC date, which is a day
  // ahead every evening.
  today = todayIn('America/New_York');
  const address = { line1: '12 Harbor Street', city: 'Boston', region: 'MA', postalCode: '02110', country: 'US' };
  expect((await s.admin.patch('/api/clinic', { name: 'Harbor Family Clinic', address })).status).toBe(200);
});
afterAll(() => t.close());

const balance = async (patientId: string) => (await billing.get(`/api/patients/${patientId}/balance`)).body;

function copay(patientId: string, amountCents: number, extra: Record<string, unknown> = {}) {
  return reception.post('/api/payments', {
    source: 'patient',
    patientId,
    method: 'card',
    reference: `desk-${Math.random().toString(36).slice(2)}`,
    amountCents,
    receivedOn: today,
    ...extra,
  });
}

describe('a copay taken at check-in', () => {
  it('pays the visit’s charge by itself when the visit is signed: nothing owed, nothing left over, the invoice at zero', async () => {
    let paymentId = '';
    const { patientId, encounterId, charge } = await s.signedVisit({ copayCents: 5_000 }, async (patient) => {
      const paid = await copay(patient, 5_000);
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      expect(paid.body.allocations).toEqual([]);
      paymentId = paid.body.id;
      expect(await balance(patient)).toMatchObject({ patientBalanceCents: 0, unappliedCents: 5_000 });
    });
    expect(charge).toMatchObject({ patientCents: 5_000, insurerCents: 7_000 });
    expect(await balance(patientId)).toMatchObject({
      patientBalanceCents: 0,
      insurerBalanceCents: 7_000,
      unappliedCents: 0,
    });
    const listed = (await reception.get(`/api/payments?patientId=${patientId}`)).body.items;
    expect(listed).toEqual([
      expect.objectContaining({
        id: paymentId,
        unappliedCents: 0,
        allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 5_000 }],
      }),
    ]);
    const invoice = await billing.post('/api/invoices', { encounterId });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    expect(invoice.body).toMatchObject({ totalCents: 5_000, creditedCents: 5_000, balanceCents: 0 });
  });

  it('pays only what the visit left to the patient; the rest stays a credit for the next visit', async () => {
    const { patientId } = await s.signedVisit({ copayCents: 2_000 }, async (patient) => {
      expect((await copay(patient, 3_500)).status).toBe(201);
    });
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 0, unappliedCents: 1_500 });
  });

  it('can be applied by hand, never beyond what is left of it, and two applications at once take it once', async () => {
    const { patientId, charge } = await s.signedVisit(); // self-pay: the patient owes $120
    const paid = await copay(patientId, 5_000);
    expect(paid.status).toBe(201);
    // Signed before the payment: nothing applied it yet.
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 12_000, unappliedCents: 5_000 });
    const url = `/api/payments/${paid.body.id}/allocations`;
    const tooMuch = await reception.post(url, {
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 6_000 }],
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.fields[0]).toMatchObject({ path: 'allocations' });
    expect(tooMuch.body.error.fields[0].message).toMatch(/Only 50\.00 of this payment is not applied yet/);
    const insurerSide = await reception.post(url, {
      allocations: [{ chargeId: charge.id, responsibility: 'insurer', amountCents: 1_000 }],
    });
    expect(insurerSide.status).toBe(400);
    const other = await s.signedVisit();
    const someoneElse = await reception.post(url, {
      allocations: [{ chargeId: other.charge.id, responsibility: 'patient', amountCents: 1_000 }],
    });
    expect(someoneElse.status).toBe(400);

    const both = await Promise.all(
      [0, 1].map(() =>
        reception.post(url, { allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 3_000 }] }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    const applied = both.find((r) => r.status === 200)?.body;
    expect(applied.allocations).toEqual([{ chargeId: charge.id, responsibility: 'patient', amountCents: 3_000 }]);
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 9_000, unappliedCents: 2_000 });
    const rest = await reception.post(url, {
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 2_000 }],
    });
    expect(rest.status).toBe(200);
    expect(rest.body.allocations).toHaveLength(2);
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 7_000, unappliedCents: 0 });
    const unknown = await reception.post(`/api/payments/${crypto.randomUUID()}/allocations`, {
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 100 }],
    });
    expect(unknown.status).toBe(404);
  });
});

describe('a credit wanted twice at once', () => {
  it('is spent once when a visit is signed while the desk applies the same payment by hand', async () => {
    const first = await s.signedVisit(); // self-pay: owes $120
    const { patientId } = first;
    const paid = await copay(patientId, 5_000);
    expect(paid.status).toBe(201);
    const visit = (await s.doctor.post('/api/encounters', { patientId, providerId: s.providerId })).body;
    const saved = await s.doctor.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId: s.serviceId, diagnosisPointers: [1] }],
    });
    expect(saved.status).toBe(200);
    const [signed, applied] = await Promise.all([
      s.doctor.post(`/api/encounters/${visit.id}/sign`),
      reception.post(`/api/payments/${paid.body.id}/allocations`, {
        allocations: [{ chargeId: first.charge.id, responsibility: 'patient', amountCents: 5_000 }],
      }),
    ]);
    expect(signed.status).toBe(200);
    // Whichever came first took the $50; the other found nothing left (or took nothing).
    expect([200, 400]).toContain(applied.status);
    const [sums] = await queryRows<{ allocated: number }>(
      t.database.db,
      sql`SELECT coalesce(sum(amount_cents), 0)::int AS allocated FROM allocations WHERE payment_id = ${paid.body.id}`,
    );
    expect(sums.allocated).toBe(5_000);
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 19_000, unappliedCents: 0 });
  });
});

describe('reversing a payment', () => {
  it('gives every charge back what it paid, once; a reversal is not reversed, nor applied', async () => {
    const { patientId, charge } = await s.signedVisit({ copayCents: 0, coinsuranceBps: 2_000 });
    expect(charge).toMatchObject({ insurerCents: 9_600, patientCents: 2_400 });
    const eob = await billing.post('/api/payments', {
      source: 'insurer',
      payerId,
      method: 'eft',
      reference: `EFT-${charge.id}`,
      amountCents: 9_600,
      receivedOn: today,
      allocations: [{ chargeId: charge.id, responsibility: 'insurer', amountCents: 9_600 }],
    });
    expect(eob.status).toBe(201);
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 0, patientBalanceCents: 2_400 });

    expect((await reception.post(`/api/payments/${eob.body.id}/reverse`, { reason: 'x' })).status).toBe(403);
    expect((await billing.post(`/api/payments/${eob.body.id}/reverse`, { reason: '' })).status).toBe(400);
    const reversed = await billing.post(`/api/payments/${eob.body.id}/reverse`, {
      reason: 'Posted to the wrong visit',
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    expect(reversed.body).toMatchObject({
      source: 'insurer',
      payerId,
      amountCents: -9_600,
      reversesId: eob.body.id,
      note: 'Posted to the wrong visit',
      allocations: [{ chargeId: charge.id, responsibility: 'insurer', amountCents: -9_600 }],
    });
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 9_600, patientBalanceCents: 2_400 });

    const twice = await billing.post(`/api/payments/${eob.body.id}/reverse`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/reversed already/);
    expect(twice.body.error.details.reversalId).toBe(reversed.body.id);
    const ofReversal = await billing.post(`/api/payments/${reversed.body.id}/reverse`, { reason: 'undo' });
    expect(ofReversal.status).toBe(409);
    expect(ofReversal.body.error.message).toMatch(/post the payment again/);
    const applyReversal = await billing.post(`/api/payments/${reversed.body.id}/allocations`, {
      allocations: [{ chargeId: charge.id, responsibility: 'insurer', amountCents: 100 }],
    });
    expect(applyReversal.status).toBe(409);
    // The same remittance may be posted again, correctly, under a reference of its own.
    const repost = (reference: string) =>
      billing.post('/api/payments', {
        source: 'insurer',
        payerId,
        method: 'eft',
        reference,
        amountCents: 9_600,
        receivedOn: today,
        allocations: [{ chargeId: charge.id, responsibility: 'insurer', amountCents: 9_600 }],
      });
    const sameReference = await repost(`EFT-${charge.id}`);
    expect(sameReference.status).toBe(409);
    expect(sameReference.body.error.message).toMatch(/was posted and reversed: to post it again, add to the reference/);
    const again = await repost(`EFT-${charge.id}-2`);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const listed = (await billing.get(`/api/payments?payerId=${payerId}&from=${today}&to=${today}`)).body.items;
    const mine = listed.filter((p: { id: string }) => [eob.body.id, reversed.body.id, again.body.id].includes(p.id));
    // Newest first.
    expect(mine.map((p: { id: string }) => p.id)).toEqual([again.body.id, reversed.body.id, eob.body.id]);
    expect(mine[1]).toMatchObject({ payerName: 'Lakeside Mutual', patientName: null, unappliedCents: 0 });
  });

  it('takes back an unapplied credit too, and what was never applied cannot be applied after', async () => {
    const patientId = await s.addPatient();
    const paid = await copay(patientId, 4_000);
    const reversed = await billing.post(`/api/payments/${paid.body.id}/reverse`, { reason: 'Card charged twice' });
    expect(reversed.status).toBe(201);
    expect(reversed.body.allocations).toEqual([]);
    expect(await balance(patientId)).toMatchObject({ unappliedCents: 0 });
    const { charge } = await s.signedVisit();
    const late = await reception.post(`/api/payments/${paid.body.id}/allocations`, {
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 1_000 }],
    });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/was reversed/);
  });
});

describe('reversing an adjustment', () => {
  it('undoes a write-off once; undoes both sides of a transfer, unless the patient paid what it moved', async () => {
    const { patientId, charge } = await s.signedVisit({ copayCents: 2_000 });
    const writeOff = await billing.post('/api/adjustments', {
      chargeId: charge.id,
      responsibility: 'insurer',
      kind: 'contractual',
      amountCents: 3_000,
      reason: 'Contracted rate',
    });
    expect(writeOff.status).toBe(201);
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 7_000 });
    const undone = await billing.post(`/api/adjustments/${writeOff.body.id}/reverse`, { reason: 'Wrong contract' });
    expect(undone.status, JSON.stringify(undone.body)).toBe(201);
    expect(undone.body.id).toEqual(expect.any(String));
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 10_000 });
    const twice = await billing.post(`/api/adjustments/${writeOff.body.id}/reverse`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/reversed already/);
    expect((await billing.post(`/api/adjustments/${undone.body.id}/reverse`, { reason: 'x' })).status).toBe(409);

    // A denial moves $100 to the patient; reversing it moves it back (both rows).
    expect(
      (
        await billing.post('/api/adjustments/transfer', {
          chargeId: charge.id,
          from: 'insurer',
          amountCents: 10_000,
          reason: 'Denied',
        })
      ).status,
    ).toBe(204);
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 0, patientBalanceCents: 12_000 });
    const [sides] = await queryRows<{ ids: string[] }>(
      t.database.db,
      sql`SELECT array_agg(id::text ORDER BY amount_cents) AS ids FROM adjustments
          WHERE charge_id = ${charge.id} AND kind = 'transfer'`,
    );
    const receivingSide = sides.ids[0];
    const back = await billing.post(`/api/adjustments/${receivingSide}/reverse`, { reason: 'Appeal won' });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 10_000, patientBalanceCents: 2_000 });
    expect((await billing.post(`/api/adjustments/${sides.ids[1]}/reverse`, { reason: 'x' })).status).toBe(409);

    // Moved again, and the patient pays $50 of it: moving it back would leave the patient owing less than nothing.
    await billing.post('/api/adjustments/transfer', {
      chargeId: charge.id,
      from: 'insurer',
      amountCents: 10_000,
      reason: 'Denied again',
    });
    expect(
      (
        await copay(patientId, 5_000, {
          allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 5_000 }],
        })
      ).status,
    ).toBe(201);
    const [moved] = await queryRows<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM adjustments WHERE charge_id = ${charge.id} AND reason = 'Denied again' LIMIT 1`,
    );
    const refused = await billing.post(`/api/adjustments/${moved.id}/reverse`, { reason: 'Appeal won again' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/reverse or refund that payment first/);
    expect(await balance(patientId)).toMatchObject({ insurerBalanceCents: 0, patientBalanceCents: 7_000 });
  });
});

describe('the payment list', () => {
  it('shows who paid, who posted it and what is left of it, filtered by patient and received date', async () => {
    const patientId = await s.addPatient();
    const older = await copay(patientId, 1_000, { receivedOn: '2026-01-15' });
    const newer = await copay(patientId, 2_500, { receivedOn: '2026-02-03' });
    expect([older.status, newer.status]).toEqual([201, 201]);
    const all = (await reception.get(`/api/payments?patientId=${patientId}`)).body.items;
    expect(all.map((p: { id: string }) => p.id)).toEqual([newer.body.id, older.body.id]);
    const patient = (await reception.get(`/api/patients/${patientId}`)).body;
    expect(all[0]).toMatchObject({
      patientName: `${patient.givenName} ${patient.familyName}`,
      payerName: null,
      postedByName: expect.any(String),
      amountCents: 2_500,
      unappliedCents: 2_500,
    });
    const january = (await reception.get(`/api/payments?patientId=${patientId}&from=2026-01-01&to=2026-01-31`)).body;
    expect(january.items.map((p: { id: string }) => p.id)).toEqual([older.body.id]);
    expect((await reception.get('/api/payments?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    expect((await s.doctor.get('/api/payments')).status).toBe(403);
  });
});

describe('the receipt', () => {
  it('names the clinic, the payment, what it paid, the credit left, the balance still owed and who took it', async () => {
    const { patientId, charge } = await s.signedVisit(); // self-pay $120
    const paid = await copay(patientId, 10_000, {
      reference: 'VISA-4242',
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 8_000 }],
    });
    expect(paid.status).toBe(201);
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/payments/${paid.body.id}/receipt`,
      headers: { cookie: reception.cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const text = pdfText(response.rawPayload);
    const patient = (await reception.get(`/api/patients/${patientId}`)).body;
    const [listed] = (await reception.get(`/api/payments?patientId=${patientId}`)).body.items;
    const number = paid.body.id.replaceAll('-', '').slice(-8).toUpperCase();
    expect(text).toContain('Harbor Family Clinic');
    expect(text).toContain('12 Harbor Street');
    expect(text).toContain(`Receipt ${number}`);
    expect(text).toContain(`Date ${today}`);
    expect(text).toContain(`${patient.givenName} ${patient.familyName}`);
    expect(text).toMatch(/Method Card\s+Reference VISA-4242/);
    expect(text).toContain('Amount $100.00');
    expect(text).toMatch(new RegExp(`${charge.serviceDate}\\s+99213\\s+Office visit\\s+\\$80\\.00`));
    expect(text).toMatch(/Not yet applied \(credit on the account\)\s+\$20\.00/);
    expect(text).toMatch(/Your remaining balance\s+\$40\.00/);
    expect(text).toContain(`Received by ${listed.postedByName}`);
    const [audit] = await queryRows<{ count: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS count FROM audit_events WHERE action = 'payment.receipt' AND entity_id = ${paid.body.id}`,
    );
    expect(audit.count).toBe(1);
    const other = await t.app.inject({
      method: 'GET',
      url: `/api/payments/${crypto.randomUUID()}/receipt`,
      headers: { cookie: reception.cookie },
    });
    expect(other.statusCode).toBe(404);
  });
});
