import { type Db, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerFixture } from '../reports/ledger-fixture';
import { createTestApp, type TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * The open-balance rollups kept by triggers on charges (0022) for the A/R aging: after any mix of
 * postings, reversals, adjustments, transfers, voids — and postings at the same moment — they
 * equal the open balances summed afresh from the raw ledger rows (charges, allocations,
 * adjustments; not the per-charge columns of 0020, which are themselves kept by triggers).
 */

let t: TestApp;
let s: VisitScenario;
let today: string;

beforeAll(async () => {
  t = await createTestApp({ poolSize: 12 });
  s = await visitScenario(t, {
    payer: 'Acme Health',
    service: { code: '99214', description: 'Office visit', feeCents: 15_000 },
  });
  today = new Date().toISOString().slice(0, 10);
});
afterAll(() => t?.close());

/** Open cents of each charge, per side, from the raw rows (a void charge owes nothing). */
const ledgerOpen = sql`
  WITH a AS (SELECT charge_id,
        sum(amount_cents) FILTER (WHERE responsibility = 'insurer') AS insurer,
        sum(amount_cents) FILTER (WHERE responsibility = 'patient') AS patient
      FROM allocations GROUP BY charge_id),
    j AS (SELECT charge_id,
        sum(amount_cents) FILTER (WHERE responsibility = 'insurer') AS insurer,
        sum(amount_cents) FILTER (WHERE responsibility = 'patient') AS patient
      FROM adjustments GROUP BY charge_id)
  SELECT c.clinic_id, c.service_date, c.payer_id, c.patient_id,
    CASE WHEN c.status = 'open' THEN c.insurer_cents - coalesce(a.insurer, 0) - coalesce(j.insurer, 0) ELSE 0 END AS insurer,
    CASE WHEN c.status = 'open' THEN c.patient_cents - coalesce(a.patient, 0) - coalesce(j.patient, 0) ELSE 0 END AS patient
  FROM charges c LEFT JOIN a ON a.charge_id = c.id LEFT JOIN j ON j.charge_id = c.id`;

/** Both rollups and the same figures from the ledger, rows owing nothing left out (they may stay in a rollup). */
async function rollupsAndLedger(db: Db) {
  const rows = (query: ReturnType<typeof sql>) =>
    queryRows<{ key: string; insurer: string; patient: string }>(db, query).then((list) =>
      list.map((row) => `${row.key}: ${Number(row.insurer)} / ${Number(row.patient)}`),
    );
  const dateKey = sql.raw(`clinic_id || ' ' || service_date || ' ' || coalesce(payer_id::text, '-')`);
  return {
    byDate: await rows(
      sql`SELECT ${dateKey} AS key, insurer_cents AS insurer, patient_cents AS patient FROM ar_open_by_date
          WHERE insurer_cents <> 0 OR patient_cents <> 0 ORDER BY 1`,
    ),
    byDateFromLedger: await rows(
      sql`SELECT ${dateKey} AS key, sum(insurer) AS insurer, sum(patient) AS patient FROM (${ledgerOpen}) o
          GROUP BY 1 HAVING sum(insurer) <> 0 OR sum(patient) <> 0 ORDER BY 1`,
    ),
    byPatient: await rows(
      sql`SELECT clinic_id || ' ' || patient_id AS key, insurer_cents AS insurer, patient_cents AS patient
          FROM ar_open_by_patient WHERE insurer_cents <> 0 OR patient_cents <> 0 ORDER BY 1`,
    ),
    byPatientFromLedger: await rows(
      sql`SELECT clinic_id || ' ' || patient_id AS key, sum(insurer) AS insurer, sum(patient) AS patient
          FROM (${ledgerOpen}) o GROUP BY 1 HAVING sum(insurer) <> 0 OR sum(patient) <> 0 ORDER BY 1`,
    ),
  };
}

async function expectRollupsEqualLedger() {
  const figures = await rollupsAndLedger(t.database.db);
  expect(figures.byDate.length).toBeGreaterThan(0);
  expect(figures.byDate).toEqual(figures.byDateFromLedger);
  expect(figures.byPatient).toEqual(figures.byPatientFromLedger);
}

describe('the open-balance rollups (0022)', () => {
  it('equal the open balances summed from the ledger after a generated history of postings, refunds, adjustments, transfers and voids', async () => {
    await ledgerFixture(t, 7);
    await expectRollupsEqualLedger();
  });

  it('follow payments, a write-off and its reversal, a transfer and a void', async () => {
    const a = await s.signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const b = await s.signedVisit({ copayCents: 0, coinsuranceBps: 2_000 });
    const post = async (client: typeof s.billing, path: string, body: object, status = 201) => {
      const response = await client.post(path, body);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      return response.body;
    };
    const paid = await post(s.reception, '/api/payments', {
      source: 'patient',
      patientId: a.patientId,
      method: 'cash',
      amountCents: 2_000,
      receivedOn: today,
      allocations: [{ chargeId: a.charge.id, responsibility: 'patient', amountCents: 2_000 }],
    });
    await post(s.billing, '/api/payments', {
      source: 'insurer',
      payerId: s.payerId,
      method: 'eft',
      amountCents: 9_000,
      receivedOn: today,
      allocations: [
        { chargeId: a.charge.id, responsibility: 'insurer', amountCents: 6_000 },
        { chargeId: b.charge.id, responsibility: 'insurer', amountCents: 3_000 },
      ],
    });
    const writeOff = await post(s.billing, '/api/adjustments', {
      chargeId: a.charge.id,
      responsibility: 'insurer',
      kind: 'contractual',
      amountCents: 4_000,
      reason: 'Contracted rate',
    });
    await expectRollupsEqualLedger();
    await post(s.billing, `/api/adjustments/${writeOff.id}/reverse`, { reason: 'Wrong contract' });
    await post(s.billing, `/api/payments/${paid.id}/reverse`, { reason: 'Card declined' });
    await post(
      s.billing,
      '/api/adjustments/transfer',
      { chargeId: b.charge.id, from: 'insurer', amountCents: 5_000, reason: 'Denied' },
      204,
    );
    await expectRollupsEqualLedger();
    const totals = async () => (await s.billing.get(`/api/reports/ar-aging?asOf=${today}`)).body.totals;
    const before = await totals();
    // Voiding a charge (as a visit correction does) takes what it still owed off the rollups.
    await t.database.db.execute(
      sql`UPDATE charges SET status = 'void', voided_at = now(), void_reason = 'Entered in error' WHERE id = ${a.charge.id}`,
    );
    await expectRollupsEqualLedger();
    const after = await totals();
    // A still owed $100 − $60 of the insurer (the write-off reversed) and its $50 copay (the payment reversed).
    expect(before.insurer.total - after.insurer.total).toBe(4_000);
    expect(before.patient.total - after.patient.total).toBe(5_000);
  });

  it('stay exact when payments to the same charges are posted at the same moment, in either order', async () => {
    const a = await s.signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const b = await s.signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        if (i % 3 === 2) {
          const patient = i % 2 ? a : b;
          return s.reception.post('/api/payments', {
            source: 'patient',
            patientId: patient.patientId,
            method: 'cash',
            amountCents: 100,
            receivedOn: today,
            allocations: [{ chargeId: patient.charge.id, responsibility: 'patient', amountCents: 100 }],
          });
        }
        // Insurer payments over both charges, listed in both orders.
        const [first, second] = i % 2 ? [a, b] : [b, a];
        return s.billing.post('/api/payments', {
          source: 'insurer',
          payerId: s.payerId,
          method: 'eft',
          reference: `EFT-${i}-${a.charge.id}`,
          amountCents: 300,
          receivedOn: today,
          allocations: [
            { chargeId: first.charge.id, responsibility: 'insurer', amountCents: 100 },
            { chargeId: second.charge.id, responsibility: 'insurer', amountCents: 200 },
          ],
        });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    await expectRollupsEqualLedger();
    const [owed] = await queryRows<{ insurer: string; patient: string }>(
      t.database.db,
      sql`SELECT sum(insurer_cents) AS insurer, sum(patient_cents) AS patient FROM ar_open_by_patient
          WHERE patient_id IN (${a.patientId}, ${b.patientId})`,
    );
    // 2 × ($100 insurer + $50 copay) less 20 insurer payments of $3 and 10 patient ones of $1.
    expect({ insurer: Number(owed.insurer), patient: Number(owed.patient) }).toEqual({
      insurer: 20_000 - 20 * 300,
      patient: 10_000 - 10 * 100,
    });
  });
  it('hold no rollup row during a transaction: two postings crossing another lock do not deadlock', async () => {
    // Two charges of the same day and payer share their date rollup row.
    const a = await s.signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const b = await s.signedVisit({ copayCents: 5_000, coinsuranceBps: 0 });
    const gate = () => {
      let open: () => void = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { open, opened };
    };
    const [aMoved, bLocked] = [gate(), gate()];
    const postgres = t.database.kind === 'postgres';
    // A moves its charge's balance, then wants the clinic row B holds; B, holding it, moves its own
    // charge. With the rollup row locked as each change ran (A holding it), that was a deadlock.
    // On the embedded database transactions run one at a time: no waiting for the other.
    const clinicRow = sql`SELECT 1 FROM clinics WHERE id = ${s.clinic.clinicId} FOR UPDATE`;
    const move = (chargeId: string, cents: number) =>
      sql`UPDATE charges SET insurer_adjusted_cents = insurer_adjusted_cents + ${cents}::int WHERE id = ${chargeId}`;
    await Promise.all([
      t.database.db.transaction(async (tx) => {
        await tx.execute(move(a.charge.id, 100));
        aMoved.open();
        if (postgres) await bLocked.opened;
        await tx.execute(clinicRow);
      }),
      t.database.db.transaction(async (tx) => {
        if (postgres) await aMoved.opened;
        await tx.execute(clinicRow);
        bLocked.open();
        await tx.execute(move(b.charge.id, 100));
      }),
    ]);
    const [row] = await queryRows<{ insurer: string }>(
      t.database.db,
      sql`SELECT insurer_cents AS insurer FROM ar_open_by_patient WHERE patient_id = ${a.patientId}`,
    );
    expect(Number(row.insurer)).toBe(10_000 - 100);
    // Put the balances back as the ledger has them, and compare.
    await t.database.db.execute(move(a.charge.id, -100));
    await t.database.db.execute(move(b.charge.id, -100));
    await expectRollupsEqualLedger();
  });
});
