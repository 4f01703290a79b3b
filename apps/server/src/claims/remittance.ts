import { type Db, queryRows, schema } from '@tend/db';
import { AppError, type Claim, type ClaimStatus, formatCents, type RemittanceCreate } from '@tend/domain';
import { and, asc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { getClinic } from '../auth/service';
import { contractedFeesOn } from '../billing/fees';
import { balancesOf, postAdjustment, postPayment, transferResponsibility } from '../billing/ledger';
import type { RequestContext } from '../context';
import { coverageOn } from '../visits/charges';
import { assertTransition, claimRow, createClaim, getClaim, recordClaimEvent } from './claims';

/**
 * An insurer's payment of a claim, entered from its EOB line by line: the payment is allocated to
 * the lines' charges, the patient's responsibility moves to the patient (or stays for the
 * secondary insurer), and the rest of what the insurer was billed is written off as contractual.
 * A denied line is left owed by the insurer until it is worked (appeal, transfer, write-off).
 */

type ChargeRow = typeof schema.charges.$inferSelect;

/** The patient's side of a charge before payments: their portion plus what was transferred to them. */
async function patientGross(tx: Db, charge: ChargeRow): Promise<number> {
  const [row] = await queryRows<{ moved: number | string | null }>(
    tx,
    sql`SELECT sum(amount_cents) AS moved FROM adjustments
        WHERE charge_id = ${charge.id} AND kind = 'transfer' AND responsibility = 'patient'`,
  );
  return charge.patientCents - Number(row?.moved ?? 0);
}

async function balanceOf(tx: Db, charge: ChargeRow) {
  return (await balancesOf(tx, [charge])).get(charge.id) ?? { insurer: 0, patient: 0 };
}

export async function postRemittance(
  db: Db,
  ctx: RequestContext,
  claimId: string,
  input: RemittanceCreate,
): Promise<Claim> {
  const { currency } = await getClinic(db, ctx.clinicId);
  const money = (cents: number) => formatCents(cents, currency);
  await db.transaction(async (tx) => {
    const claim = await claimRow(tx, ctx, claimId, true);
    if (!['submitted', 'accepted', 'partially_paid', 'denied'].includes(claim.status)) {
      assertTransition(claim, 'paid');
    }
    const claimLines = await tx
      .select({ line: schema.claimLines, charge: schema.charges, serviceId: schema.encounterServices.serviceId })
      .from(schema.claimLines)
      .innerJoin(schema.charges, eq(schema.charges.id, schema.claimLines.chargeId))
      .innerJoin(schema.encounterServices, eq(schema.encounterServices.id, schema.charges.serviceLineId))
      .where(eq(schema.claimLines.claimId, claim.id))
      .orderBy(asc(schema.claimLines.lineNumber))
      .for('update');
    const entries = input.lines.map((entry, index) => {
      const found = claimLines.find((l) => l.line.id === entry.claimLineId);
      const path = `lines.${index}`;
      if (!found) throw AppError.validation([{ path: `${path}.claimLineId`, message: 'Not a line of this claim.' }]);
      if (input.lines.findIndex((other) => other.claimLineId === entry.claimLineId) !== index) {
        throw AppError.validation([{ path, message: `Line ${found.line.lineNumber} is entered twice.` }]);
      }
      if (entry.paidCents + entry.patientCents > found.line.chargeCents) {
        throw AppError.validation([
          {
            path: `${path}.paidCents`,
            message: `Line ${found.line.lineNumber} (${found.charge.code}): paid ${money(entry.paidCents)} plus patient ${money(entry.patientCents)} is more than its charge of ${money(found.line.chargeCents)}.`,
          },
        ]);
      }
      if (entry.denied && entry.paidCents > 0) {
        throw AppError.validation([
          { path: `${path}.paidCents`, message: `Line ${found.line.lineNumber} is denied: its payment is 0.` },
        ]);
      }
      return { ...entry, path, line: found.line, charge: found.charge, serviceId: found.serviceId };
    });
    const secondary =
      claim.rank === 'primary' ? await coverageOn(tx, claim.patientId, claim.serviceDate, 'secondary') : null;
    const tag = `Claim ${claim.number} EOB${input.reference ? ` ${input.reference}` : ''}`;

    // 1. An insurer may pay more than was expected of it: that much of the patient's portion moves to it.
    for (const entry of entries) {
      const balance = await balanceOf(tx, entry.charge);
      const need = entry.paidCents - balance.insurer;
      if (need <= 0) continue;
      if (need > balance.patient) {
        throw AppError.validation([
          {
            path: `${entry.path}.paidCents`,
            message: `Line ${entry.line.lineNumber} (${entry.charge.code}): only ${money(balance.insurer + balance.patient)} is still owed on it.`,
          },
        ]);
      }
      await transferResponsibility(tx, ctx, {
        chargeId: entry.charge.id,
        from: 'patient',
        amountCents: need,
        reason: `${tag}: the insurer paid more than expected`,
      });
    }

    // 2. One payment, allocated line by line.
    const total = entries.reduce((sum, entry) => sum + entry.paidCents, 0);
    const payment =
      total > 0
        ? await postPayment(
            tx,
            ctx,
            {
              source: 'insurer',
              payerId: claim.payerId,
              method: input.method,
              reference: input.reference,
              amountCents: total,
              receivedOn: input.receivedOn,
              note: input.note,
              allocations: entries
                .filter((entry) => entry.paidCents > 0)
                .map((entry) => ({
                  chargeId: entry.charge.id,
                  responsibility: 'insurer' as const,
                  amountCents: entry.paidCents,
                })),
            },
            { id: claim.id, chargeIds: new Set(claimLines.map((l) => l.charge.id)) },
          )
        : null;

    // 3. The patient's responsibility, and the contractual write-off of the rest.
    const contracted = await contractedFeesOn(tx, ctx.clinicId, claim.payerId, claim.serviceDate);
    const underpayments: string[] = [];
    let leftForSecondary = 0;
    for (const entry of entries) {
      const gross = await patientGross(tx, entry.charge);
      const target = secondary ? Math.min(gross, entry.patientCents) : entry.patientCents;
      const delta = target - gross;
      const reason = entry.reasonCode ? ` (${entry.reasonCode})` : '';
      if (delta > 0) {
        const balance = await balanceOf(tx, entry.charge);
        if (delta > balance.insurer) {
          throw AppError.validation([
            {
              path: `${entry.path}.patientCents`,
              message: `Line ${entry.line.lineNumber} (${entry.charge.code}): the insurer owes only ${money(balance.insurer)} more of it, less than the ${money(delta)} to move to the patient.`,
            },
          ]);
        }
        await transferResponsibility(tx, ctx, {
          chargeId: entry.charge.id,
          from: 'insurer',
          amountCents: delta,
          reason: `${tag}: patient responsibility${reason}`,
        });
      } else if (delta < 0 && !entry.denied) {
        // The patient owes less than estimated (a denial leaves the patient's portion as it was).
        const balance = await balanceOf(tx, entry.charge);
        const back = Math.min(-delta, balance.patient);
        if (back > 0) {
          await transferResponsibility(tx, ctx, {
            chargeId: entry.charge.id,
            from: 'patient',
            amountCents: back,
            reason: `${tag}: the patient owes less than estimated`,
          });
        }
      }
      if (!entry.denied) {
        const keep = secondary ? entry.patientCents - target : 0;
        leftForSecondary += keep;
        // With a contract, only billed − allowed is written off: an underpayment stays owed (to appeal).
        const allowed = contracted.get(entry.serviceId);
        const contractual =
          allowed === undefined ? Number.POSITIVE_INFINITY : entry.line.chargeCents - allowed * entry.charge.units;
        const underpaid =
          allowed === undefined ? 0 : allowed * entry.charge.units - entry.paidCents - entry.patientCents;
        if (underpaid > 0) {
          underpayments.push(`line ${entry.line.lineNumber} ${money(underpaid)} under the contract`);
        }
        const writeOff = Math.min((await balanceOf(tx, entry.charge)).insurer - keep, contractual);
        if (writeOff > 0) {
          await postAdjustment(tx, ctx, {
            chargeId: entry.charge.id,
            responsibility: 'insurer',
            kind: 'contractual',
            amountCents: writeOff,
            reason: `${tag}: contractual adjustment${reason}`,
          });
        }
      }
      await tx
        .update(schema.claimLines)
        .set({ adjudication: entry.denied ? 'denied' : 'paid' })
        .where(eq(schema.claimLines.id, entry.line.id));
    }

    // 4. The claim's status from all of its lines' decisions.
    const decisions = await tx
      .select({ adjudication: schema.claimLines.adjudication })
      .from(schema.claimLines)
      .where(eq(schema.claimLines.claimId, claim.id));
    const status: ClaimStatus = decisions.every((d) => d.adjudication === 'paid')
      ? underpayments.length
        ? 'partially_paid'
        : 'paid'
      : decisions.every((d) => d.adjudication === 'denied')
        ? 'denied'
        : 'partially_paid';
    const patientTotal = entries.reduce((sum, entry) => sum + entry.patientCents, 0);
    await recordClaimEvent(
      tx,
      ctx,
      claim,
      status,
      `${tag}: paid ${money(total)}, patient responsibility ${money(patientTotal)}${underpayments.length ? `; underpaid: ${underpayments.join(', ')}` : ''}${input.note ? ` — ${input.note}` : ''}`,
      payment?.id ?? null,
    );
    await recordAudit(tx, ctx, {
      action: 'claim.remittance',
      patientId: claim.patientId,
      entityType: 'claim',
      entityId: claim.id,
      details: { paidCents: total, patientCents: patientTotal, paymentId: payment?.id ?? null, status },
    });

    // 5. What the primary left for the secondary insurer is billed to it.
    if (secondary && leftForSecondary > 0) {
      const [existing] = await tx
        .select({ id: schema.claims.id })
        .from(schema.claims)
        .where(and(eq(schema.claims.encounterId, claim.encounterId), eq(schema.claims.rank, 'secondary')));
      if (!existing) {
        await createClaim(
          tx,
          ctx,
          { encounterId: claim.encounterId, rank: 'secondary' },
          { priorClaimNote: `Remainder of claim ${claim.number} after the primary insurer’s payment.` },
        );
      }
    }
  });
  return getClaim(db, ctx, claimId);
}
