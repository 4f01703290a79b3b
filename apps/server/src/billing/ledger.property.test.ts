import { queryRows } from '@tend/db';
import { AppError, RESPONSIBILITIES, type Responsibility, zAdjustmentCreate, zPaymentCreate } from '@tend/domain';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../context';
import { createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';
import {
  applyPaymentAllocations,
  computePatientBalance,
  postAdjustment,
  postPayment,
  reverseAdjustment,
  reversePayment,
  transferResponsibility,
} from './ledger';

/**
 * The ledger's rules under random use: any sequence of payments (patient's and insurer's),
 * later applications, adjustments, transfers and reversals over a visit's three charges. After
 * every step each charge's balance per side, recomputed here from the rows, equals the ledger's;
 * no payment is allocated beyond its amount; nothing owed is ever below zero; the patient's totals
 * are the sums of the charges'. A refused step (a 400 or 409) must leave all of that true too.
 */

let t: TestApp;
let s: VisitScenario;
let ctx: RequestContext;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  s = await visitScenario(t, {
    payer: 'Property Mutual',
    service: { code: '99212', description: 'Office visit', feeCents: 3_000 },
  });
  ctx = await s.clinic.adminCtx();
});
afterAll(() => t.close());

interface Visit {
  patientId: string;
  charges: { id: string; insurerCents: number; patientCents: number }[];
}

/** A visit with three lines ($30 each) for a new patient: copay $20, then 20 % coinsurance. */
async function threeChargeVisit(): Promise<Visit> {
  const patientId = await s.addPatient();
  const coverage = await s.reception.post(`/api/patients/${patientId}/coverages`, {
    payerId: s.payerId,
    memberId: `P${Math.floor(Math.random() * 1e8)}`,
    validFrom: '2020-01-01',
    copayCents: 2_000,
    coinsuranceBps: 2_000,
  });
  expect(coverage.status).toBe(201);
  const visit = (await s.doctor.post('/api/encounters', { patientId, providerId: s.providerId })).body;
  const line = { serviceId: s.serviceId, diagnosisPointers: [1] };
  const saved = await s.doctor.patch(`/api/encounters/${visit.id}`, {
    version: visit.version,
    diagnoses: [{ code: 'J11.1' }],
    services: [line, line, line],
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect((await s.doctor.post(`/api/encounters/${visit.id}/sign`)).status).toBe(200);
  const charges = (await s.billing.get(`/api/charges?encounterId=${visit.id}`)).body.items;
  expect(charges).toHaveLength(3);
  return { patientId, charges };
}

type Step =
  | { kind: 'pay'; source: Responsibility; amount: number; allocations: { charge: number; amount: number }[] }
  | { kind: 'apply'; payment: number; charge: number; amount: number }
  | { kind: 'adjust'; charge: number; side: Responsibility; amount: number }
  | { kind: 'transfer'; charge: number; from: Responsibility; amount: number }
  | { kind: 'reversePayment'; payment: number }
  | { kind: 'reverseAdjustment'; adjustment: number };

// Mostly small amounts, so balances run down to their edges (where the rules bite), some large.
const cents = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 1_500 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 9_000 }) },
);
const chargeIndex = fc.integer({ min: 0, max: 2 });
const side = fc.constantFrom(...RESPONSIBILITIES);
const pick = fc.nat({ max: 50 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('pay' as const),
    source: side,
    amount: cents,
    allocations: fc.array(fc.record({ charge: chargeIndex, amount: cents }), {
      maxLength: 3,
    }),
  }),
  fc.record({ kind: fc.constant('apply' as const), payment: pick, charge: chargeIndex, amount: cents }),
  fc.record({ kind: fc.constant('adjust' as const), charge: chargeIndex, side, amount: cents }),
  fc.record({ kind: fc.constant('transfer' as const), charge: chargeIndex, from: side, amount: cents }),
  fc.record({ kind: fc.constant('reversePayment' as const), payment: pick }),
  fc.record({ kind: fc.constant('reverseAdjustment' as const), adjustment: pick }),
);

async function run(visit: Visit, next: Step, ids: { payments: string[]; adjustments: string[] }): Promise<void> {
  const charge = (index: number) => visit.charges[index].id;
  const payer = (source: Responsibility) =>
    source === 'patient'
      ? { source: 'patient' as const, patientId: visit.patientId }
      : { source: 'insurer' as const, payerId: s.payerId };
  switch (next.kind) {
    case 'pay': {
      const input = zPaymentCreate.safeParse({
        ...payer(next.source),
        method: 'other',
        amountCents: next.amount,
        receivedOn: today,
        allocations: next.allocations.map((a) => ({
          chargeId: charge(a.charge),
          responsibility: next.source,
          amountCents: a.amount,
        })),
      });
      if (!input.success) return; // over-allocated: the API refuses it before the ledger sees it
      ids.payments.push((await postPayment(t.database.db, ctx, input.data)).id);
      return;
    }
    case 'apply': {
      const id = ids.payments[next.payment % Math.max(ids.payments.length, 1)];
      if (!id) return;
      const [payment] = await queryRows<{ source: Responsibility }>(
        t.database.db,
        sql`SELECT source FROM payments WHERE id = ${id}`,
      );
      await applyPaymentAllocations(t.database.db, ctx, id, {
        allocations: [{ chargeId: charge(next.charge), responsibility: payment.source, amountCents: next.amount }],
      });
      return;
    }
    case 'adjust': {
      const input = zAdjustmentCreate.parse({
        chargeId: charge(next.charge),
        responsibility: next.side,
        kind: next.side === 'insurer' ? 'contractual' : 'discount',
        amountCents: next.amount,
        reason: 'property test',
      });
      ids.adjustments.push((await postAdjustment(t.database.db, ctx, input)).id);
      return;
    }
    case 'transfer': {
      await transferResponsibility(t.database.db, ctx, {
        chargeId: charge(next.charge),
        from: next.from,
        amountCents: next.amount,
        reason: 'property test',
      });
      const [row] = await queryRows<{ id: string }>(
        t.database.db,
        sql`SELECT id FROM adjustments WHERE charge_id = ${charge(next.charge)} AND kind = 'transfer'
            AND reverses_id IS NULL ORDER BY posted_at DESC, id DESC LIMIT 1`,
      );
      ids.adjustments.push(row.id);
      return;
    }
    case 'reversePayment': {
      const id = ids.payments[next.payment % Math.max(ids.payments.length, 1)];
      if (id) await reversePayment(t.database.db, ctx, id, { reason: 'property test' });
      return;
    }
    case 'reverseAdjustment': {
      const id = ids.adjustments[next.adjustment % Math.max(ids.adjustments.length, 1)];
      if (id) await reverseAdjustment(t.database.db, ctx, id, { reason: 'property test' });
      return;
    }
  }
}

/** Every rule, checked against the rows themselves. */
async function checkInvariants(visit: Visit, posted: readonly string[]): Promise<void> {
  const db = t.database.db;
  const chargeIds = visit.charges.map((c) => c.id);
  const list = sql.join(
    chargeIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const allocations = await queryRows<{ paymentId: string; chargeId: string; side: Responsibility; amount: number }>(
    db,
    sql`SELECT payment_id AS "paymentId", charge_id AS "chargeId", responsibility AS side, amount_cents AS amount
        FROM allocations WHERE charge_id IN (${list})`,
  );
  const adjustments = await queryRows<{ chargeId: string; side: Responsibility; kind: string; amount: number }>(
    db,
    sql`SELECT charge_id AS "chargeId", responsibility AS side, kind, amount_cents AS amount
        FROM adjustments WHERE charge_id IN (${list})`,
  );
  const payments = await queryRows<{ id: string; amount: number; reversesId: string | null; source: string }>(
    db,
    sql`SELECT id, amount_cents AS amount, reverses_id AS "reversesId", source FROM payments
        WHERE patient_id = ${visit.patientId}
           OR id IN (SELECT payment_id FROM allocations WHERE charge_id IN (${list}))
           ${
             posted.length
               ? sql`OR id IN (${sql.join(
                   posted.map((id) => sql`${id}`),
                   sql`, `,
                 )}) OR reverses_id IN (${sql.join(
                   posted.map((id) => sql`${id}`),
                   sql`, `,
                 )})`
               : sql``
           }`,
  );
  const ledger = await computePatientBalance(db, ctx, visit.patientId);

  for (const charge of visit.charges) {
    const row = ledger.charges.find((c) => c.chargeId === charge.id);
    for (const sideName of RESPONSIBILITIES) {
      const portion = sideName === 'insurer' ? charge.insurerCents : charge.patientCents;
      const mine = <T extends { chargeId: string; side: Responsibility }>(rows: T[]) =>
        rows.filter((r) => r.chargeId === charge.id && r.side === sideName);
      const transfers = mine(adjustments).filter((a) => a.kind === 'transfer');
      const transfersIn = transfers.filter((a) => a.amount < 0).reduce((sum, a) => sum - a.amount, 0);
      const transfersOut = transfers.filter((a) => a.amount > 0).reduce((sum, a) => sum + a.amount, 0);
      const paid = mine(allocations).reduce((sum, a) => sum + a.amount, 0);
      const other = mine(adjustments)
        .filter((a) => a.kind !== 'transfer')
        .reduce((sum, a) => sum + a.amount, 0);
      const expected = portion + transfersIn - transfersOut - paid - other;
      const actual = sideName === 'insurer' ? row?.insurerBalanceCents : row?.patientBalanceCents;
      expect(actual, `${sideName} balance of a charge`).toBe(expected);
      expect(expected, `${sideName} never owes less than nothing`).toBeGreaterThanOrEqual(0);
    }
  }
  for (const payment of payments) {
    const allocated = allocations.filter((a) => a.paymentId === payment.id).reduce((sum, a) => sum + a.amount, 0);
    if (payment.reversesId === null) {
      expect(payment.amount).toBeGreaterThan(0);
      expect(allocated).toBeGreaterThanOrEqual(0);
      expect(allocated, 'a payment is never allocated beyond its amount').toBeLessThanOrEqual(payment.amount);
    } else {
      const original = payments.find((p) => p.id === payment.reversesId);
      const originalAllocated = allocations
        .filter((a) => a.paymentId === payment.reversesId)
        .reduce((sum, a) => sum + a.amount, 0);
      expect(payment.amount + (original?.amount ?? 0)).toBe(0);
      expect(allocated + originalAllocated, 'a reversal takes back exactly what the payment paid').toBe(0);
    }
  }
  expect(ledger.patientBalanceCents).toBe(ledger.charges.reduce((sum, c) => sum + c.patientBalanceCents, 0));
  expect(ledger.insurerBalanceCents).toBe(ledger.charges.reduce((sum, c) => sum + c.insurerBalanceCents, 0));
  const patientPayments = payments.filter((p) => p.source === 'patient');
  const unapplied = patientPayments.reduce(
    (sum, p) =>
      sum + p.amount - allocations.filter((a) => a.paymentId === p.id).reduce((total, a) => total + a.amount, 0),
    0,
  );
  expect(ledger.unappliedCents).toBe(unapplied);
  expect(unapplied).toBeGreaterThanOrEqual(0);
}

describe('the ledger under random use', () => {
  it('keeps every balance equal to its rows, within its rules, after every step', async () => {
    let steps = 0;
    let refused = 0;
    const accepted = new Map<Step['kind'], number>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 15, maxLength: 35 }), async (sequence) => {
        const visit = await threeChargeVisit();
        const ids = { payments: [] as string[], adjustments: [] as string[] };
        await checkInvariants(visit, ids.payments);
        for (const next of sequence) {
          try {
            await run(visit, next, ids);
            accepted.set(next.kind, (accepted.get(next.kind) ?? 0) + 1);
          } catch (error) {
            // Refusals are part of the rules (owed less than asked, reversed already…); nothing else is.
            if (!(error instanceof AppError) || !['validation_failed', 'conflict'].includes(error.code)) throw error;
            refused++;
          }
          steps++;
          await checkInvariants(visit, ids.payments);
        }
      }),
      { numRuns: 15, seed: 20261127 },
    );
    // The sequences did exercise the ledger, accepted and refused alike.
    expect(steps).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(0);
    for (const kind of ['pay', 'apply', 'adjust', 'transfer', 'reversePayment', 'reverseAdjustment'] as const) {
      expect(accepted.get(kind) ?? 0, `${kind} steps accepted`).toBeGreaterThan(0);
    }
  }, 60_000);
});
