import { type Db, newId, queryRows, schema, sqlState } from '@tend/db';
import {
  type AdjustmentCreate,
  type AllocationsApply,
  AppError,
  type ChargeBalance,
  type PatientBalance,
  type Payment,
  type PaymentCreate,
  RESPONSIBILITIES,
  type Responsibility,
  type ReversalCreate,
  todayIn,
} from '@tend/domain';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { requirePatient } from '../patients/service';
import { withdrawPaidBalanceReminders } from './balance-reminders';

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

type PaymentRow = typeof pay.$inferSelect;
type AllocationInput = PaymentCreate['allocations'][number];

const dollars = (cents: number) => (cents / 100).toFixed(2);

/**
 * The checks every allocation of a payment passes, at posting and when applied later: the charges
 * are this clinic's (locked for the transaction), a patient pays only their own portion, an
 * insurer only its portion of charges billed to it, and each allocation fits what is still owed.
 */
async function checkAllocations(
  tx: Db,
  ctx: RequestContext,
  payment: Pick<PaymentRow, 'source' | 'patientId' | 'payerId'>,
  allocations: readonly AllocationInput[],
  /** Charges an insurer's payment of a claim may pay besides those billed to it (a secondary's). */
  claimChargeIds?: ReadonlySet<string>,
): Promise<void> {
  const charges = await lockCharges(
    tx,
    ctx,
    allocations.map((a) => a.chargeId),
    'allocations',
  );
  const balances = await balancesOf(tx, charges);
  for (const [index, allocation] of allocations.entries()) {
    const charge = charges.find((row) => row.id === allocation.chargeId);
    const balance = balances.get(allocation.chargeId);
    if (!charge || !balance) continue;
    const path = `allocations.${index}`;
    if (
      payment.source === 'patient' &&
      (charge.patientId !== payment.patientId || allocation.responsibility !== 'patient')
    ) {
      throw AppError.validation([
        { path, message: 'A patient’s payment pays that patient’s own portion of their charges.' },
      ]);
    }
    if (
      payment.source === 'insurer' &&
      (allocation.responsibility !== 'insurer' ||
        (charge.payerId !== payment.payerId && !claimChargeIds?.has(charge.id)))
    ) {
      throw AppError.validation([
        { path, message: 'An insurer’s payment pays the insurer’s portion of charges billed to it.' },
      ]);
    }
    if (allocation.amountCents > balance[allocation.responsibility]) {
      throw AppError.validation([
        {
          path: `${path}.amountCents`,
          message: `Only ${dollars(balance[allocation.responsibility])} is still owed on ${charge.code} (${allocation.responsibility}).`,
        },
      ]);
    }
    balance[allocation.responsibility] -= allocation.amountCents;
  }
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
  const owner = { source: input.source, patientId: input.patientId ?? null, payerId: input.payerId ?? null };
  try {
    return await db.transaction(async (tx) => {
      await checkAllocations(tx, ctx, owner, input.allocations, claim?.chargeIds);
      const [payment] = await tx
        .insert(pay)
        .values({
          id,
          clinicId: ctx.clinicId,
          ...owner,
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
      await withdrawPaidBalanceReminders(
        tx,
        ctx.clinicId,
        input.allocations.map((a) => a.chargeId),
      );
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
      // A reversed payment keeps its reference: posting it again (correctly) needs a new one.
      const [reversed] = await queryRows<{ id: string }>(
        db,
        sql`SELECT p.id FROM payments p JOIN payments r ON r.reverses_id = p.id
            WHERE p.clinic_id = ${ctx.clinicId} AND p.source = ${input.source}
              AND coalesce(p.payer_id, p.patient_id) = ${input.payerId ?? input.patientId ?? null}
              AND lower(p.reference) = lower(${input.reference}) AND p.reverses_id IS NULL`,
      );
      throw new AppError(
        'duplicate_payment',
        reversed
          ? `A payment with the reference "${input.reference}" was posted and reversed: to post it again, add to the reference (e.g. "${input.reference}-2").`
          : `A payment with the reference "${input.reference}" is posted already: the same payment is never counted twice.`,
        {
          fields: [{ path: 'reference', message: 'This reference is posted already.' }],
          details: reversed ? { reversedPaymentId: reversed.id } : undefined,
        },
      );
    }
    throw error;
  }
}

/** The clinic's payment, locked for this transaction (one application or reversal at a time). */
async function lockPayment(tx: Db, ctx: RequestContext, id: string): Promise<PaymentRow> {
  const [row] = await tx
    .select()
    .from(pay)
    .where(and(eq(pay.id, id), eq(pay.clinicId, ctx.clinicId)))
    .for('update');
  if (!row) throw AppError.notFound('The payment');
  return row;
}

async function allocationsOf(db: Db, paymentId: string) {
  return db.select().from(al).where(eq(al.paymentId, paymentId)).orderBy(asc(al.createdAt), asc(al.id));
}

async function reversalOf(db: Db, paymentId: string): Promise<PaymentRow | undefined> {
  const [row] = await db.select().from(pay).where(eq(pay.reversesId, paymentId));
  return row;
}

/** One payment with all its allocations. */
export async function getPayment(db: Db, ctx: RequestContext, id: string): Promise<Payment> {
  const [row] = await db
    .select()
    .from(pay)
    .where(and(eq(pay.id, id), eq(pay.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The payment');
  return toPayment(row, await allocationsOf(db, id));
}

/**
 * Applies what is not yet applied of a payment (a copay taken at check-in, before the visit was
 * signed) to charges — the same checks as at posting, and never more than is left of it. The
 * payment row is locked first, so two applications at once cannot both spend the same amount.
 */
export async function applyPaymentAllocations(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: AllocationsApply,
): Promise<Payment> {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, ctx, id);
    if (payment.reversesId) {
      throw new AppError('conflict', 'This is the reversal of a payment: it cannot be applied to charges.');
    }
    if (await reversalOf(tx, id)) {
      throw new AppError('conflict', 'This payment was reversed: post the payment again to apply it.');
    }
    const applied = (await allocationsOf(tx, id)).reduce((sum, a) => sum + a.amountCents, 0);
    const left = payment.amountCents - applied;
    const asked = input.allocations.reduce((sum, a) => sum + a.amountCents, 0);
    if (asked > left) {
      throw AppError.validation([
        {
          path: 'allocations',
          message: left
            ? `Only ${dollars(left)} of this payment is not applied yet: lower the amounts to at most that.`
            : 'All of this payment is applied already.',
        },
      ]);
    }
    await checkAllocations(tx, ctx, payment, input.allocations);
    await tx
      .insert(al)
      .values(input.allocations.map((a) => ({ id: newId(), clinicId: ctx.clinicId, paymentId: id, ...a })));
    await withdrawPaidBalanceReminders(
      tx,
      ctx.clinicId,
      input.allocations.map((a) => a.chargeId),
    );
    await recordAudit(tx, ctx, {
      action: 'payment.allocate',
      patientId: payment.patientId,
      entityType: 'payment',
      entityId: id,
      details: { allocatedCents: asked, charges: input.allocations.length, unappliedCents: left - asked },
    });
  });
  return getPayment(db, ctx, id);
}

/**
 * Reverses a payment (posted by mistake, bounced, refunded): a new payment of the negative amount
 * with negative allocations mirroring the original's, so every charge owes again what it paid.
 * A payment is reversed once; a reversal is not reversed (post the payment again).
 */
export async function reversePayment(db: Db, ctx: RequestContext, id: string, input: ReversalCreate): Promise<Payment> {
  const { timezone } = await getClinic(db, ctx.clinicId);
  const reversalId = newId();
  try {
    await db.transaction(async (tx) => {
      const original = await lockPayment(tx, ctx, id);
      if (original.reversesId) {
        throw new AppError('conflict', 'This is a reversal already: to undo it, post the payment again.');
      }
      const existing = await reversalOf(tx, id);
      if (existing) {
        throw new AppError('conflict', `This payment was reversed already on ${existing.receivedOn}.`, {
          details: { reversalId: existing.id },
        });
      }
      const allocations = await allocationsOf(tx, id);
      // The charges are locked like any posting, so balance checks elsewhere see a settled ledger.
      await lockCharges(
        tx,
        ctx,
        allocations.map((a) => a.chargeId),
        'allocations',
      );
      await tx.insert(pay).values({
        id: reversalId,
        clinicId: ctx.clinicId,
        source: original.source,
        patientId: original.patientId,
        payerId: original.payerId,
        method: original.method,
        reference: original.reference,
        amountCents: -original.amountCents,
        receivedOn: todayIn(timezone),
        note: input.reason,
        reversesId: id,
        postedBy: ctx.userId,
        claimId: original.claimId,
      });
      if (allocations.length) {
        await tx.insert(al).values(
          allocations.map((a) => ({
            id: newId(),
            clinicId: ctx.clinicId,
            paymentId: reversalId,
            chargeId: a.chargeId,
            responsibility: a.responsibility,
            amountCents: -a.amountCents,
          })),
        );
      }
      await recordAudit(tx, ctx, {
        action: 'payment.reverse',
        patientId: original.patientId,
        entityType: 'payment',
        entityId: id,
        details: { reversalId, amountCents: original.amountCents, reason: input.reason },
      });
    });
  } catch (error) {
    if (sqlState(error) === '23505') throw new AppError('conflict', 'This payment was reversed already.');
    throw error;
  }
  return getPayment(db, ctx, reversalId);
}

/**
 * Reverses an adjustment: a new one of the opposite amount (both sides of a transfer). Refused
 * when it would leave a side owing less than nothing — a transferred amount the patient paid
 * already is refunded or reversed first.
 */
export async function reverseAdjustment(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: ReversalCreate,
): Promise<{ id: string }> {
  const [target] = await db
    .select()
    .from(ad)
    .where(and(eq(ad.id, id), eq(ad.clinicId, ctx.clinicId)));
  if (!target) throw AppError.notFound('The adjustment');
  if (target.reversesId) {
    throw new AppError('conflict', 'This is a reversal already: to undo it, post the adjustment again.');
  }
  const reversalIds = new Map<string, string>();
  try {
    await db.transaction(async (tx) => {
      const [charge] = await lockCharges(tx, ctx, [target.chargeId], 'id');
      const originals = target.groupId
        ? await tx
            .select()
            .from(ad)
            .where(and(eq(ad.groupId, target.groupId), isNull(ad.reversesId)))
        : [target];
      const [already] = await tx
        .select({ id: ad.id, postedAt: ad.postedAt })
        .from(ad)
        .where(
          inArray(
            ad.reversesId,
            originals.map((row) => row.id),
          ),
        );
      if (already) {
        throw new AppError(
          'conflict',
          `This adjustment was reversed already on ${already.postedAt.toISOString().slice(0, 10)}.`,
          { details: { reversalId: already.id } },
        );
      }
      const balance = (await balancesOf(tx, [charge])).get(charge.id) ?? { insurer: 0, patient: 0 };
      for (const row of originals) balance[row.responsibility] += row.amountCents;
      for (const side of RESPONSIBILITIES) {
        if (balance[side] < 0) {
          throw new AppError(
            'conflict',
            `The ${side} has paid part of what this adjustment moved to them (${dollars(-balance[side])} too much once reversed): reverse or refund that payment first.`,
          );
        }
      }
      const groupId = target.groupId ? newId() : null;
      for (const row of originals) reversalIds.set(row.id, newId());
      await tx.insert(ad).values(
        originals.map((row) => ({
          id: reversalIds.get(row.id) ?? newId(),
          clinicId: ctx.clinicId,
          chargeId: row.chargeId,
          responsibility: row.responsibility,
          kind: row.kind,
          amountCents: -row.amountCents,
          reason: input.reason,
          groupId,
          reversesId: row.id,
          postedBy: ctx.userId,
        })),
      );
      await recordAudit(tx, ctx, {
        action: 'adjustment.reverse',
        patientId: charge.patientId,
        entityType: 'charge',
        entityId: charge.id,
        details: {
          adjustmentIds: originals.map((row) => row.id),
          kind: target.kind,
          amountCents: target.amountCents,
          reason: input.reason,
        },
      });
    });
  } catch (error) {
    if (sqlState(error) === '23505') throw new AppError('conflict', 'This adjustment was reversed already.');
    throw error;
  }
  return { id: reversalIds.get(id) ?? '' };
}

/**
 * Applies the patient's unapplied payments (oldest first) to the patient portions of new charges,
 * in the caller's transaction — a copay taken at check-in pays the visit's charge when it is
 * signed. The payments are locked (in id order) so a concurrent application cannot spend them too.
 */
export async function applyUnappliedCredit(
  tx: Db,
  ctx: RequestContext,
  patientId: string,
  charges: readonly ChargeRow[],
  encounterId: string,
): Promise<void> {
  const owed = charges.filter((charge) => charge.status === 'open' && charge.patientCents > 0);
  if (!owed.length) return;
  // Lock the payments with something left (a concurrent application waits, or is waited for),
  // then count what is left again: an application committed meanwhile is seen by this statement.
  const locked = await queryRows<{ id: string }>(
    tx,
    sql`SELECT p.id FROM payments p
        WHERE p.clinic_id = ${ctx.clinicId} AND p.patient_id = ${patientId} AND p.source = 'patient'
          AND p.amount_cents > coalesce((SELECT sum(a.amount_cents) FROM allocations a WHERE a.payment_id = p.id), 0)
          AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id)
        ORDER BY p.id
        FOR UPDATE OF p`,
  );
  if (!locked.length) return;
  const credits = await queryRows<{ id: string; unapplied: number }>(
    tx,
    sql`SELECT p.id, (p.amount_cents - coalesce((SELECT sum(a.amount_cents) FROM allocations a
               WHERE a.payment_id = p.id), 0))::int AS unapplied
        FROM payments p
        WHERE p.id IN (${sql.join(
          locked.map((row) => sql`${row.id}`),
          sql`, `,
        )})
          AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id)
        ORDER BY p.received_on, p.posted_at, p.id`,
  );
  const balances = await balancesOf(tx, owed);
  for (const credit of credits) {
    let left = Number(credit.unapplied);
    const rows: (typeof al.$inferInsert)[] = [];
    for (const charge of owed) {
      const balance = balances.get(charge.id);
      if (!balance || left <= 0) continue;
      const amount = Math.min(left, balance.patient);
      if (amount <= 0) continue;
      balance.patient -= amount;
      left -= amount;
      rows.push({
        id: newId(),
        clinicId: ctx.clinicId,
        paymentId: credit.id,
        chargeId: charge.id,
        responsibility: 'patient',
        amountCents: amount,
      });
    }
    if (!rows.length) continue;
    await tx.insert(al).values(rows);
    await recordAudit(tx, ctx, {
      action: 'payment.allocate',
      patientId,
      entityType: 'payment',
      entityId: credit.id,
      details: {
        automatic: true,
        encounterId,
        allocatedCents: rows.reduce((sum, row) => sum + (row.amountCents ?? 0), 0),
        charges: rows.length,
        unappliedCents: left,
      },
    });
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
    await withdrawPaidBalanceReminders(tx, ctx.clinicId, [charge.id]);
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
    await withdrawPaidBalanceReminders(tx, ctx.clinicId, [charge.id]);
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
  const balance = await computePatientBalance(db, ctx, patientId);
  await recordAudit(db, ctx, { action: 'balance.read', patientId, entityType: 'patient', entityId: patientId });
  return balance;
}

/** The patient's balance from the ledger, without the audit row (the caller writes its own). */
export async function computePatientBalance(db: Db, ctx: RequestContext, patientId: string): Promise<PatientBalance> {
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
  return {
    patientId,
    patientBalanceCents: rows.reduce((sum, row) => sum + row.patientBalanceCents, 0),
    insurerBalanceCents: rows.reduce((sum, row) => sum + row.insurerBalanceCents, 0),
    unappliedCents: Number(credit?.paid ?? 0) - Number(credit?.allocated ?? 0),
    charges: rows,
  };
}
