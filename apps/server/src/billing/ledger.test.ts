import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * The ledger through the API: a signed visit's charges split between insurer and patient, a
 * copay paid at the desk, an insurer's payment with its contractual write-off, a transfer after a
 * denial, balances and aging derived from the rows — and nothing counted twice, even at once.
 */

let t: TestApp;
let s: VisitScenario;
let billing: ApiClient;
let payerId: string;
let today: string;

beforeAll(async () => {
  t = await createTestApp({ poolSize: 12 });
  s = await visitScenario(t, {
    payer: 'Acme Health',
    service: { code: '99214', description: 'Office visit', feeCents: 15_000 },
  });
  ({ billing, payerId } = s);
  today = new Date().toISOString().slice(0, 10);
});
afterAll(() => t.close());

const signedVisit = (coverage?: { copayCents: number; coinsuranceBps: number }) => s.signedVisit(coverage);

const balance = async (patientId: string) => (await billing.get(`/api/patients/${patientId}/balance`)).body;

describe('from a signed visit to a zero balance', () => {
  it('splits the charge by the coverage, takes the copay at the desk, then the insurer’s payment and write-off', async () => {
    const { patientId, charge } = await signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    expect(charge).toMatchObject({ amountCents: 15_000, payerId, insurerCents: 10_000, patientCents: 5_000 });
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 5_000, insurerBalanceCents: 10_000 });

    const copay = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId,
      method: 'card',
      reference: `card-${charge.id}`,
      amountCents: 5_000,
      receivedOn: today,
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 5_000 }],
    });
    expect(copay.status, JSON.stringify(copay.body)).toBe(201);
    const again = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId,
      method: 'card',
      reference: `CARD-${charge.id}`,
      amountCents: 5_000,
      receivedOn: today,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_payment');

    // The insurer pays $80 of its $100; the contract writes off the other $20.
    const eob = await billing.post('/api/payments', {
      source: 'insurer',
      payerId,
      method: 'eft',
      reference: `EFT-${charge.id}`,
      amountCents: 8_000,
      receivedOn: today,
      allocations: [{ chargeId: charge.id, responsibility: 'insurer', amountCents: 8_000 }],
    });
    expect(eob.status, JSON.stringify(eob.body)).toBe(201);
    const writeOff = await billing.post('/api/adjustments', {
      chargeId: charge.id,
      responsibility: 'insurer',
      kind: 'contractual',
      amountCents: 2_000,
      reason: 'Contracted rate $80',
    });
    expect(writeOff.status).toBe(201);
    expect(await balance(patientId)).toMatchObject({
      patientBalanceCents: 0,
      insurerBalanceCents: 0,
      unappliedCents: 0,
    });
    // More than is owed is refused and changes nothing.
    const tooMuch = await billing.post('/api/adjustments', {
      chargeId: charge.id,
      responsibility: 'insurer',
      kind: 'discount',
      amountCents: 1,
      reason: 'x',
    });
    expect(tooMuch.status).toBe(400);
  });

  it('moves a denied amount to the patient, who owes it then', async () => {
    const { patientId, charge } = await signedVisit({ copayCents: 0, coinsuranceBps: 2_000 });
    expect(charge).toMatchObject({ insurerCents: 12_000, patientCents: 3_000 });
    expect(
      (
        await billing.post('/api/adjustments/transfer', {
          chargeId: charge.id,
          from: 'insurer',
          amountCents: 12_000,
          reason: 'Denied: not covered',
        })
      ).status,
    ).toBe(204);
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 15_000, insurerBalanceCents: 0 });
  });

  it('refuses a payment for someone else’s charge, an insurer paying a patient’s portion, and over-allocation', async () => {
    const { charge } = await signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const stranger = await s.addPatient();
    const base = { method: 'cash', amountCents: 1_000, receivedOn: today };
    const wrongPatient = await s.reception.post('/api/payments', {
      ...base,
      source: 'patient',
      patientId: stranger,
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 1_000 }],
    });
    expect(wrongPatient.status).toBe(400);
    const insurerForPatient = await billing.post('/api/payments', {
      ...base,
      source: 'insurer',
      payerId,
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 1_000 }],
    });
    expect(insurerForPatient.status).toBe(400);
    const over = await s.reception.post('/api/payments', {
      ...base,
      source: 'patient',
      patientId: charge.patientId,
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 2_000 }],
    });
    expect(over.status).toBe(400);
    expect(over.body.error.fields[0].path).toBe('allocations');
    // A self-pay visit: the patient owes it all.
    const selfPay = await signedVisit();
    expect(selfPay.charge).toMatchObject({ payerId: null, insurerCents: 0, patientCents: 15_000 });
  });

  it('never changes or deletes what was posted', async () => {
    await expect(t.database.db.execute(sql`UPDATE payments SET amount_cents = 1`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM allocations`)).rejects.toThrow();
  });
});

describe('at the same moment', () => {
  it('200 simultaneous $1 payments on a $150 balance: exactly 150 are taken, and the balance is exact', async () => {
    const { patientId, charge } = await signedVisit();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        s.reception.post('/api/payments', {
          source: 'patient',
          patientId,
          method: 'cash',
          reference: `R${i}-${charge.id}`,
          amountCents: 100,
          receivedOn: today,
          allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 100 }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(150);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 400)).toBe(true);
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 0, unappliedCents: 0 });
    const [sums] = await queryRows<{ allocated: number; paid: number }>(
      t.database.db,
      sql`SELECT (SELECT sum(amount_cents) FROM allocations WHERE charge_id = ${charge.id})::int AS allocated,
                 (SELECT sum(amount_cents) FROM payments WHERE patient_id = ${patientId})::int AS paid`,
    );
    expect(sums).toEqual({ allocated: 15_000, paid: 15_000 });
  });
});

describe('the balances kept on each charge (0020)', () => {
  it('equal the sums of the allocations and adjustments after postings, reversals, a transfer and a later application', async () => {
    const a = await signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const b = await signedVisit({ copayCents: 0, coinsuranceBps: 2_000 });
    expect(b.charge).toMatchObject({ insurerCents: 12_000, patientCents: 3_000 });
    // A patient's payment (reversed below), another patient's, an insurer's over both charges
    // (one statement, two rows), a write-off and its reversal.
    const family = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId: a.patientId,
      method: 'cash',
      amountCents: 1_500,
      receivedOn: today,
      allocations: [{ chargeId: a.charge.id, responsibility: 'patient', amountCents: 1_500 }],
    });
    expect(family.status, JSON.stringify(family.body)).toBe(201);
    const other = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId: b.patientId,
      method: 'card',
      amountCents: 500,
      receivedOn: today,
      allocations: [{ chargeId: b.charge.id, responsibility: 'patient', amountCents: 500 }],
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const insurer = await billing.post('/api/payments', {
      source: 'insurer',
      payerId,
      method: 'eft',
      amountCents: 8_000,
      receivedOn: today,
      allocations: [
        { chargeId: a.charge.id, responsibility: 'insurer', amountCents: 7_000 },
        { chargeId: b.charge.id, responsibility: 'insurer', amountCents: 1_000 },
      ],
    });
    expect(insurer.status, JSON.stringify(insurer.body)).toBe(201);
    const writeOff = await billing.post('/api/adjustments', {
      chargeId: a.charge.id,
      responsibility: 'insurer',
      kind: 'contractual',
      amountCents: 2_000,
      reason: 'Contracted rate',
    });
    expect(writeOff.status).toBe(201);
    expect(
      (await billing.post(`/api/adjustments/${writeOff.body.id}/reverse`, { reason: 'Wrong contract' })).status,
    ).toBe(201);
    expect((await billing.post(`/api/payments/${family.body.id}/reverse`, { reason: 'Card declined' })).status).toBe(
      201,
    );
    const transfer = await billing.post('/api/adjustments/transfer', {
      chargeId: b.charge.id,
      from: 'insurer',
      amountCents: 11_000,
      reason: 'Denied: not covered',
    });
    expect(transfer.status).toBe(204);
    // A copay taken unapplied, applied later.
    const copay = await s.reception.post('/api/payments', {
      source: 'patient',
      patientId: a.patientId,
      method: 'cash',
      amountCents: 1_000,
      receivedOn: today,
    });
    expect(copay.status).toBe(201);
    const applied = await s.reception.post(`/api/payments/${copay.body.id}/allocations`, {
      allocations: [{ chargeId: a.charge.id, responsibility: 'patient', amountCents: 1_000 }],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);

    const ids = [a.charge.id, b.charge.id];
    const list = sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const kept = await queryRows<{ id: string; ia: number; pa: number; ij: number; pj: number }>(
      t.database.db,
      sql`SELECT id::text, insurer_allocated_cents AS ia, patient_allocated_cents AS pa,
            insurer_adjusted_cents AS ij, patient_adjusted_cents AS pj
          FROM charges WHERE id IN (${list}) ORDER BY id`,
    );
    // Independently: every raw row, summed here.
    const raw = await queryRows<{ kind: string; charge_id: string; responsibility: string; amount_cents: number }>(
      t.database.db,
      sql`SELECT 'allocation' AS kind, charge_id::text, responsibility, amount_cents FROM allocations WHERE charge_id IN (${list})
          UNION ALL
          SELECT 'adjustment', charge_id::text, responsibility, amount_cents FROM adjustments WHERE charge_id IN (${list})`,
    );
    const sum = (id: string, kind: string, side: string) =>
      raw
        .filter((row) => row.charge_id === id && row.kind === kind && row.responsibility === side)
        .reduce((total, row) => total + Number(row.amount_cents), 0);
    expect(kept).toEqual(
      [...ids].sort().map((id) => ({
        id,
        ia: sum(id, 'allocation', 'insurer'),
        pa: sum(id, 'allocation', 'patient'),
        ij: sum(id, 'adjustment', 'insurer'),
        pj: sum(id, 'adjustment', 'patient'),
      })),
    );
    // And by hand: A has $70 from the insurer and the $10 copay (the reversed payment and
    // write-off net to nothing); B's $110 moved from the insurer to the patient, $5 paid by her.
    const byId = new Map(kept.map((row) => [row.id, row]));
    expect(byId.get(a.charge.id)).toMatchObject({ ia: 7_000, pa: 1_000, ij: 0, pj: 0 });
    expect(byId.get(b.charge.id)).toMatchObject({ ia: 1_000, pa: 500, ij: 11_000, pj: -11_000 });
    // The A/R aging owes exactly what is left of each.
    const aging = (await billing.get('/api/reports/ar-aging')).body;
    const owed = (id: string) => aging.byPatient.find((row: { id: string }) => row.id === id)?.total ?? 0;
    expect(owed(a.patientId)).toBe(5_000 - 1_000);
    expect(owed(b.patientId)).toBe(3_000 + 11_000 - 500);
  });
});

describe('A/R aging', () => {
  it('buckets open balances by days since the visit, by insurer and by patient, and reconciles', async () => {
    const { patientId } = await signedVisit({ copayCents: 2_500, coinsuranceBps: 0 });
    const report = (await billing.get('/api/reports/ar-aging')).body;
    const mine = report.byPatient.find((row: { id: string }) => row.id === patientId);
    expect(mine).toMatchObject({ d0to30: 2_500, total: 2_500 });
    const acme = report.byPayer.find((row: { id: string }) => row.id === payerId);
    expect(acme.name).toBe('Acme Health');
    for (const side of ['insurer', 'patient'] as const) {
      const totals = report.totals[side];
      expect(totals.d0to30 + totals.d31to60 + totals.d61to90 + totals.d90plus).toBe(totals.total);
    }
    expect(report.byPatient.reduce((sum: number, row: { total: number }) => sum + row.total, 0)).toBe(
      report.totals.patient.total,
    );
    // In 45 days the same amount is 31–60 days old.
    const later = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
    const aged = (await billing.get(`/api/reports/ar-aging?asOf=${later}`)).body;
    expect(aged.byPatient.find((row: { id: string }) => row.id === patientId)).toMatchObject({ d31to60: 2_500 });
    expect((await s.reception.get('/api/reports/ar-aging')).status).toBe(403);
  });
});

describe('the fee schedule', () => {
  it('bills the standard fee in force on the date of service; keeps insurers’ contracted amounts; refuses overlaps', async () => {
    const own = await visitScenario(t, {
      payer: 'Fee Test Health',
      service: { code: '97110', description: 'Therapeutic exercise', feeCents: 4_000 },
    });
    const url = `/api/services/${own.serviceId}/fees`;
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    expect(
      (await own.billing.post(url, { feeCents: 4_500, validFrom: '2020-01-01', validTo: '2099-12-31' })).status,
    ).toBe(201);
    const overlap = await own.billing.post(url, { feeCents: 5_000, validFrom: nextYear });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.fields[0].path).toBe('validFrom');
    expect(
      (await own.billing.post(url, { payerId: own.payerId, feeCents: 3_200, validFrom: '2020-01-01' })).status,
    ).toBe(201);
    expect((await own.reception.post(url, { feeCents: 1, validFrom: nextYear })).status).toBe(403);
    const listed = await own.reception.get(url);
    expect(
      listed.body.items.map((rate: { payerId: string | null; feeCents: number }) => [rate.payerId, rate.feeCents]),
    ).toEqual([
      [own.payerId, 3_200],
      [null, 4_500],
    ]);
    const { charge } = await own.signedVisit();
    expect(charge).toMatchObject({ unitFeeCents: 4_500, amountCents: 4_500 });
  });
});
