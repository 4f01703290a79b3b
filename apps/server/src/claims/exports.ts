import { type Db, queryRows, schema } from '@tend/db';
import { AppError } from '@tend/domain';
import { eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { claimsByIds, getClaim } from './claims';
import { cms1500Pdf } from './cms1500-pdf';
import { build837P } from './x12-837p';

/** Claims leave Tend as an 837P file for the clearinghouse, or printed on a CMS-1500 form. */

async function nextInterchangeNumber(tx: Db, clinicId: string): Promise<number> {
  const [row] = await queryRows<{ number: number | string }>(
    tx,
    sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${clinicId}, 'x12_interchange', 2)
        ON CONFLICT (clinic_id, name) DO UPDATE SET next_value = clinic_counters.next_value + 1
        RETURNING next_value - 1 AS number`,
  );
  return Number(row.number);
}

/**
 * An 837P of ready or submitted claims, each as it was submitted (ready ones as they stand). The
 * interchange is numbered per clinic; a file for one insurer names it as the receiver.
 */
export async function export837P(
  db: Db,
  ctx: RequestContext,
  ids: string[],
  usage: 'P' | 'T',
): Promise<{ text: string; filename: string }> {
  const claims = await claimsByIds(db, ctx, ids);
  const notReady = claims.filter((claim) => !['ready', 'submitted', 'accepted'].includes(claim.status));
  if (notReady.length) {
    throw AppError.validation([
      {
        path: 'ids',
        message: `Only ready or submitted claims go in an 837P file; ${notReady.map((c) => `claim ${c.number} is ${c.status.replace('_', ' ')}`).join(', ')}.`,
      },
    ]);
  }
  const withProblems = claims.filter((claim) => claim.problems.length);
  if (withProblems.length) {
    throw AppError.validation(
      withProblems.flatMap((claim) =>
        claim.problems.map((p) => ({ path: 'ids', message: `Claim ${claim.number}: ${p.message}` })),
      ),
    );
  }
  const clinic = await getClinic(db, ctx.clinicId);
  const [user] = await db
    .select({ name: schema.users.name, email: schema.users.email })
    .from(schema.users)
    .where(eq(schema.users.id, ctx.userId));
  const payers = [...new Set(claims.map((claim) => claim.data.payer.payerId ?? ''))];
  const single = payers.length === 1 ? claims[0].data.payer : null;
  const number = await nextInterchangeNumber(db, ctx.clinicId);
  const text = build837P(
    claims.map((claim) => claim.data),
    {
      senderId: (clinic.taxId ?? clinic.billingNpi ?? 'TEND').slice(0, 15),
      receiverId: (single?.payerId ?? 'CLEARINGHOUSE').slice(0, 15),
      receiverName: single?.name ?? 'CLEARINGHOUSE',
      submitterName: clinic.name,
      submitterContactName: user?.name ?? clinic.name,
      submitterPhone: clinic.phone,
      submitterEmail: user?.email ?? null,
      interchangeControlNumber: number,
      createdAt: new Date(),
      usage,
    },
  );
  // One row per claim, against its patient: each is a disclosure to the insurer.
  for (const claim of claims) {
    await recordAudit(db, ctx, {
      action: 'claim.export',
      patientId: claim.patientId,
      entityType: 'claim',
      entityId: claim.id,
      details: {
        format: '837P',
        interchange: number,
        claim: claim.number,
        usage,
        recipient: claim.data.payer.name,
        purpose: 'payment',
      },
    });
  }
  return { text, filename: `claims-837p-${String(number).padStart(9, '0')}.x12` };
}

/** The claim printed on a CMS-1500-style form. */
export async function claimFormPdf(
  db: Db,
  ctx: RequestContext,
  id: string,
): Promise<{ pdf: Buffer; filename: string }> {
  const claim = await getClaim(db, ctx, id);
  const { currency } = await getClinic(db, ctx.clinicId);
  const pdf = await cms1500Pdf(claim.data, { currency });
  await recordAudit(db, ctx, {
    action: 'claim.print',
    patientId: claim.patientId,
    entityType: 'claim',
    entityId: id,
    details: { recipient: claim.data.payer.name, purpose: 'payment' },
  });
  return { pdf, filename: `claim-${claim.number}.pdf` };
}

/** Open charges whose insurer portion is on no claim, or whose patient portion is on no invoice. */
export async function unbilledCharges(db: Db, ctx: RequestContext) {
  const rows = await queryRows<{
    charge_id: string;
    encounter_id: string;
    patient_id: string;
    patient_name: string;
    service_date: string;
    code: string;
    description: string;
    amount_cents: number;
    insurer_cents: number;
    patient_cents: number;
    no_claim: boolean;
    no_invoice: boolean;
  }>(
    db,
    sql`SELECT c.id AS charge_id, c.encounter_id, c.patient_id, p.given_name || ' ' || p.family_name AS patient_name,
               c.service_date::text AS service_date, c.code, c.description, c.amount_cents, c.insurer_cents, c.patient_cents,
               (c.insurer_cents > 0 AND NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.charge_id = c.id)) AS no_claim,
               (c.patient_cents > 0 AND NOT EXISTS (SELECT 1 FROM invoice_lines i WHERE i.charge_id = c.id)) AS no_invoice
          FROM charges c JOIN patients p ON p.id = c.patient_id
         WHERE c.clinic_id = ${ctx.clinicId} AND c.status = 'open'
           AND ((c.insurer_cents > 0 AND NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.charge_id = c.id))
             OR (c.patient_cents > 0 AND NOT EXISTS (SELECT 1 FROM invoice_lines i WHERE i.charge_id = c.id)))
         ORDER BY c.service_date, c.created_at
         LIMIT 1000`,
  );
  await recordAudit(db, ctx, { action: 'charge.read', entityType: 'charge', details: { unbilled: rows.length } });
  return {
    items: rows.map((row) => ({
      chargeId: row.charge_id,
      encounterId: row.encounter_id,
      patientId: row.patient_id,
      patientName: row.patient_name,
      serviceDate: row.service_date,
      code: row.code,
      description: row.description,
      amountCents: Number(row.amount_cents),
      insurerCents: Number(row.insurer_cents),
      patientCents: Number(row.patient_cents),
      missing: [...(row.no_claim ? ['claim' as const] : []), ...(row.no_invoice ? ['invoice' as const] : [])],
    })),
  };
}
