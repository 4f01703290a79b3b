import { type Db, newId, schema, sqlState } from '@tend/db';
import {
  type AdjustmentCreate,
  AppError,
  type ChargeBalance,
  type PatientBalance,
  type Payment,
  type PaymentCreate,
  type Responsibility,
} from '@tend/domain';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { requirePatient } from '../patients/service';

/**
 * The ledger: charges owed by an insurer and a patient, payments allocated to them, adjustments.
 * Balances are always sums over these rows, never stored. Posting locks the charges it touches,
 * so concurrent posts can never allocate the same cent twice.
 */

const c = schema.charges;
const al = schema.allocations;
const ad = schema.adjustments;
const pay = schema.payments;

type ChargeRow = typeof c.$inferSelect;

/** What is still owed of each charge, per side. */
export async function balancesOf(
  db: Db,
  charges: readonly ChargeRow[],
): Promise<Map<string, Record<Responsibility, number>>> {
  const ids = charges.map((charge) => charge.id);
  const balances = new Map<string, Record<Responsibility, number>>(
    charges.map((charge) => [
      charge.id,
      charge.status === 'void'
        ? { insurer: 0, patient: 0 }
        : { insurer: charge.insurerCents, patient: charge.patientCents },
    ]),
  );
  if (!ids.length) return balances;
  const [paid, adjusted] = await Promise.all([
    db
      .select({
        chargeId: al.chargeId,
        responsibility: al.responsibility,
        total: sql<number>`sum(${al.amountCents})::int`,
      })
      .from(al)
      .where(inArray(al.chargeId, ids))
      .groupBy(al.chargeId, al.responsibility),
    db
      .select({
        chargeId: ad.chargeId,
        responsibility: ad.responsibility,
        total: sql<number>`sum(${ad.amountCents})::int`,
      })
      .from(ad)
      .where(inArray(ad.chargeId, ids))
      .groupBy(ad.chargeId, ad.responsibility),
  ]);
  for (const row of [...paid, ...adjusted]) {
    const balance = balances.get(row.chargeId);
    if (balance) balance[row.responsibility] -= Number(row.total);
  }
  return balances;
}

/** The clinic's charges with these ids, locked for this transaction (in id order: no deadlocks). */
async function lockCharges(tx: Db, ctx: RequestContext, ids: string[], path: string): Promise<ChargeRow[]> {
  const unique = [...new Set(ids)].sort();
  if (!unique.length) return [];
  const rows = await tx
    .select()
    .from(c)
    .where(and(eq(c.clinicId, ctx.clinicId), inArray(c.id, unique)))
    .orderBy(asc(c.id))
    .for('update');
  if (rows.length !== unique.length) {
    throw AppError.validation([{ path, message: 'Choose charges of this clinic.' }]);
  }
  return rows;
}

function toPayment(row: typeof pay.$inferSelect, allocations: (typeof al.$inferSelect)[]): Payment {
  return {
    id: row.id,
    source: row.source,
    patientId: row.patientId,
    payerId: row.payerId,
    method: row.method,
    reference: row.reference,
    amountCents: row.amountCents,
    receivedOn: row.receivedOn,
    note: row.note,
    reversesId: row.reversesId,
    postedAt: row.postedAt.toISOString(),
    allocations: allocations.map((a) => ({
      chargeId: a.chargeId,
      responsibility: a.responsibility,
      amountCents: a.amountCents,
    })),
  };
}

/**
 * Posts a payment and its allocations in one transaction. Each allocation must fit what is
 * still owed of that side of the charge; a patient pays only their own charges, an insurer only
 * the charges billed to it. The same reference twice is refused (409 duplicate_payment).
 */
export async function postPayment(
  db: Db,
  ctx: RequestContext,
  input: PaymentCreate,
  /** An insurer's payment of a claim: it may pay that claim's charges (a secondary insurer's too). */
  claim?: { id: string; chargeIds: ReadonlySet<string> },
): Promise<Payment> {
  if (input.patientId) await requirePatient(db, ctx, input.patientId);
  if (input.payerId) {
    const [payer] = await db
      .select({ id: schema.payers.id })
      .from(schema.payers)
      .where(and(eq(schema.payers.id, input.payerId), eq(schema.payers.clinicId, ctx.clinicId)));
    if (!payer) throw AppError.validation([{ path: 'payerId', message: 'Choose an insurer of this clinic.' }]);
  }
  const id = newId();
  try {
    return await db.transaction(async (tx) => {
      const charges = await lockCharges(
        tx,
        ctx,
        input.allocations.map((a) => a.chargeId),
        'allocations',
      );
      const balances = await balancesOf(tx, charges);
      for (const [index, allocation] of input.allocations.entries()) {
        const charge = charges.find((row) => row.id === allocation.chargeId);
        const balance = balances.get(allocation.chargeId);
        if (!charge || !balance) continue;
        const path = `allocations.${index}`;
        if (
          input.source === 'patient' &&
          (charge.patientId !== input.patientId || allocation.responsibility !== 'patient')
        ) {
          throw AppError.validation([
            { path, message: 'A patient’s payment pays that patient’s own portion of their charges.' },
          ]);
        }
        if (
          input.source === 'insurer' &&
          (allocation.responsibility !== 'insurer' ||
            (charge.payerId !== input.payerId && !claim?.chargeIds.has(charge.id)))
        ) {
          throw AppError.validation([
            { path, message: 'An insurer’s payment pays the insurer’s portion of charges billed to it.' },
          ]);
        }
        if (allocation.amountCents > balance[allocation.responsibility]) {
          throw AppError.validation([
            {
              path: `${path}.amountCents`,
              message: `Only ${(balance[allocation.responsibility] / 100).toFixed(2)} is still owed on ${charge.code} (${allocation.responsibility}).`,
            },
          ]);
        }
        balance[allocation.responsibility] -= allocation.amountCents;
      }
      const [payment] = await tx
        .insert(pay)
        .values({
          id,
          clinicId: ctx.clinicId,
          source: input.source,
          patientId: input.patientId ?? null,
          payerId: input.payerId ?? null,
          method: input.method,
          reference: input.reference,
          amountCents: input.amountCents,
          receivedOn: input.receivedOn,
          note: input.note,
          postedBy: ctx.userId,
          claimId: claim?.id ?? null,
        })
        .returning();
      const allocations = input.allocations.length
        ? await tx
            .insert(al)
            .values(input.allocations.map((a) => ({ id: newId(), clinicId: ctx.clinicId, paymentId: id, ...a })))
            .returning()
        : [];
      await recordAudit(tx, ctx, {
        action: 'payment.post',
        patientId: input.patientId ?? null,
        entityType: 'payment',
        entityId: id,
        details: {
          source: input.source,
          payerId: input.payerId ?? null,
          amountCents: input.amountCents,
          allocatedCents: input.allocations.reduce((sum, a) => sum + a.amountCents, 0),
          method: input.method,
        },
      });
      return toPayment(payment, allocations);
    });
  } catch (error) {
    if (sqlState(error) === '23505') {
      throw new AppError(
        'duplicate_payment',
        `A payment with the reference "${input.reference}" is posted already: the same payment is never counted twice.`,
        { fields: [{ path: 'reference', message: 'This reference is posted already.' }] },
      );
    }
    throw error;
  }
}

/** Posts an adjustment (write-off, discount, bad debt, correction) that may not exceed what is owed. */
export async function postAdjustment(db: Db, ctx: RequestContext, input: AdjustmentCreate): Promise<{ id: string }> {
  const id = newId();
  await db.transaction(async (tx) => {
    const [charge] = await lockCharges(tx, ctx, [input.chargeId], 'chargeId');
    const balance = (await balancesOf(tx, [charge])).get(charge.id);
    if (!balance || input.amountCents > balance[input.responsibility]) {
      throw AppError.validation([
        {
          path: 'amountCents',
          message: `Only ${((balance?.[input.responsibility] ?? 0) / 100).toFixed(2)} is still owed on ${charge.code} (${input.responsibility}).`,
        },
      ]);
    }
    await tx.insert(ad).values({ id, clinicId: ctx.clinicId, postedBy: ctx.userId, ...input });
    await recordAudit(tx, ctx, {
      action: 'adjustment.post',
      patientId: charge.patientId,
      entityType: 'charge',
      entityId: charge.id,
      details: {
        adjustmentId: id,
        kind: input.kind,
        responsibility: input.responsibility,
        amountCents: input.amountCents,
      },
    });
  });
  return { id };
}

/** Moves an amount from one side of a charge to the other (the insurer denied it: the patient owes it). */
export async function transferResponsibility(
  db: Db,
  ctx: RequestContext,
  input: { chargeId: string; from: Responsibility; amountCents: number; reason: string },
): Promise<void> {
  const to: Responsibility = input.from === 'insurer' ? 'patient' : 'insurer';
  await db.transaction(async (tx) => {
    const [charge] = await lockCharges(tx, ctx, [input.chargeId], 'chargeId');
    const balance = (await balancesOf(tx, [charge])).get(charge.id);
    if (!balance || input.amountCents > balance[input.from]) {
      throw AppError.validation([
        {
          path: 'amountCents',
          message: `Only ${((balance?.[input.from] ?? 0) / 100).toFixed(2)} is owed by the ${input.from}.`,
        },
      ]);
    }
    const groupId = newId();
    const base = {
      clinicId: ctx.clinicId,
      chargeId: charge.id,
      kind: 'transfer' as const,
      reason: input.reason,
      groupId,
      postedBy: ctx.userId,
    };
    await tx.insert(ad).values([
      { id: newId(), ...base, responsibility: input.from, amountCents: input.amountCents },
      { id: newId(), ...base, responsibility: to, amountCents: -input.amountCents },
    ]);
    await recordAudit(tx, ctx, {
      action: 'adjustment.post',
      patientId: charge.patientId,
      entityType: 'charge',
      entityId: charge.id,
      details: { kind: 'transfer', from: input.from, to, amountCents: input.amountCents },
    });
  });
}

/** What the patient owes now, what insurers still owe, and any unapplied credit — from the ledger. */
export async function patientBalance(db: Db, ctx: RequestContext, patientId: string): Promise<PatientBalance> {
  await requirePatient(db, ctx, patientId);
  const charges = await db
    .select()
    .from(c)
    .where(and(eq(c.clinicId, ctx.clinicId), eq(c.patientId, patientId)))
    .orderBy(asc(c.serviceDate), asc(c.createdAt));
  const balances = await balancesOf(db, charges);
  const [credit] = await db
    .select({
      paid: sql<number>`coalesce(sum(${pay.amountCents}), 0)::int`,
      allocated: sql<number>`coalesce((SELECT sum(a.amount_cents) FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.patient_id = ${patientId} AND p.source = 'patient'), 0)::int`,
    })
    .from(pay)
    .where(and(eq(pay.clinicId, ctx.clinicId), eq(pay.patientId, patientId), eq(pay.source, 'patient')));
  const rows: ChargeBalance[] = charges.map((charge) => {
    const balance = balances.get(charge.id) ?? { insurer: 0, patient: 0 };
    return {
      chargeId: charge.id,
      encounterId: charge.encounterId,
      serviceDate: charge.serviceDate,
      code: charge.code,
      description: charge.description,
      amountCents: charge.status === 'void' ? 0 : charge.amountCents,
      insurerCents: charge.status === 'void' ? 0 : charge.insurerCents,
      patientCents: charge.status === 'void' ? 0 : charge.patientCents,
      insurerBalanceCents: balance.insurer,
      patientBalanceCents: balance.patient,
    };
  });
  await recordAudit(db, ctx, { action: 'balance.read', patientId, entityType: 'patient', entityId: patientId });
  return {
    patientId,
    patientBalanceCents: rows.reduce((sum, row) => sum + row.patientBalanceCents, 0),
    insurerBalanceCents: rows.reduce((sum, row) => sum + row.insurerBalanceCents, 0),
    unappliedCents: Number(credit?.paid ?? 0) - Number(credit?.allocated ?? 0),
    charges: rows,
  };
}

/** Open balances of every charge of the clinic (for aging and work lists). */
export async function openBalances(db: Db, ctx: RequestContext) {
  const charges = await db
    .select()
    .from(c)
    .where(and(eq(c.clinicId, ctx.clinicId), eq(c.status, 'open')));
  const balances = await balancesOf(db, charges);
  return charges.map((charge) => ({ charge, balance: balances.get(charge.id) ?? { insurer: 0, patient: 0 } }));
}
