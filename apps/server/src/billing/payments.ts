import { type Db, schema } from '@tend/db';
import { AppError, formatCents, type PaymentListItem, type PaymentListQuery } from '@tend/domain';
import { and, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { requirePatient } from '../patients/service';
import { computePatientBalance, getPayment } from './ledger';
import { type Column, clinicHeading, renderPdf, tableRow } from './pdf';

/** Payments as the desk and billing see them: a list with who paid and what is left, and receipts. */

const pay = schema.payments;
const al = schema.allocations;

const METHOD_LABELS = { cash: 'Cash', card: 'Card', check: 'Check', eft: 'Electronic transfer', other: 'Other' };

/**
 * A receipt's number: the last eight characters of the payment's id. (The first eight of a UUID
 * v7 are its time, shared by every payment of the same minute; the last are random.)
 */
export function receiptNumber(paymentId: string): string {
  return paymentId.replaceAll('-', '').slice(-8).toUpperCase();
}

/** Payments newest first (at most 500), of a patient or an insurer, received in a date range. */
export async function listPayments(
  db: Db,
  ctx: RequestContext,
  query: PaymentListQuery,
): Promise<{ items: PaymentListItem[] }> {
  const p = schema.patients;
  const rows = await db
    .select({
      payment: pay,
      given: p.givenName,
      family: p.familyName,
      payerName: schema.payers.name,
      postedByName: schema.users.name,
    })
    .from(pay)
    .leftJoin(p, eq(p.id, pay.patientId))
    .leftJoin(schema.payers, eq(schema.payers.id, pay.payerId))
    .leftJoin(schema.users, eq(schema.users.id, pay.postedBy))
    .where(
      and(
        eq(pay.clinicId, ctx.clinicId),
        query.patientId ? eq(pay.patientId, query.patientId) : undefined,
        query.payerId ? eq(pay.payerId, query.payerId) : undefined,
        query.from ? gte(pay.receivedOn, query.from) : undefined,
        query.to ? lte(pay.receivedOn, query.to) : undefined,
      ),
    )
    .orderBy(desc(pay.receivedOn), desc(pay.postedAt), desc(pay.id))
    .limit(500);
  const allocations = rows.length
    ? await db
        .select()
        .from(al)
        .where(
          inArray(
            al.paymentId,
            rows.map((row) => row.payment.id),
          ),
        )
    : [];
  const items = rows.map(({ payment, given, family, payerName, postedByName }) => {
    const own = allocations.filter((a) => a.paymentId === payment.id);
    return {
      id: payment.id,
      source: payment.source,
      patientId: payment.patientId,
      payerId: payment.payerId,
      method: payment.method,
      reference: payment.reference,
      amountCents: payment.amountCents,
      receivedOn: payment.receivedOn,
      note: payment.note,
      reversesId: payment.reversesId,
      postedAt: payment.postedAt.toISOString(),
      allocations: own.map((a) => ({
        chargeId: a.chargeId,
        responsibility: a.responsibility,
        amountCents: a.amountCents,
      })),
      patientName: given === null ? null : `${given} ${family}`,
      payerName,
      postedByName,
      unappliedCents: payment.amountCents - own.reduce((sum, a) => sum + a.amountCents, 0),
    };
  });
  const patientIds = [...new Set(items.flatMap((item) => (item.patientId ? [item.patientId] : [])))];
  await recordPatientsAccess(db, ctx, 'payment.read', patientIds, { payments: items.length, query });
  return { items };
}

/**
 * A payment's receipt as a PDF: the clinic, the receipt number and date, who paid and how, what
 * it paid (service date, code, amount), any credit left, the patient's balance now, and who took it.
 */
export async function paymentReceiptPdf(
  db: Db,
  ctx: RequestContext,
  id: string,
): Promise<{ pdf: Buffer; filename: string }> {
  const payment = await getPayment(db, ctx, id);
  const clinic = await getClinic(db, ctx.clinicId);
  const patient = payment.patientId ? await requirePatient(db, ctx, payment.patientId) : null;
  const [row] = await db
    .select({ payerName: schema.payers.name, postedByName: schema.users.name })
    .from(pay)
    .leftJoin(schema.payers, eq(schema.payers.id, pay.payerId))
    .leftJoin(schema.users, eq(schema.users.id, pay.postedBy))
    .where(eq(pay.id, id));
  if (!row) throw AppError.notFound('The payment');
  const charges = payment.allocations.length
    ? await db
        .select()
        .from(schema.charges)
        .where(
          inArray(
            schema.charges.id,
            payment.allocations.map((a) => a.chargeId),
          ),
        )
    : [];
  const balance = patient ? await computePatientBalance(db, ctx, patient.id) : null;
  const applied = payment.allocations.reduce((sum, a) => sum + a.amountCents, 0);
  const unapplied = payment.amountCents - applied;
  const money = (cents: number) => formatCents(cents, clinic.currency);
  const number = receiptNumber(payment.id);
  const reversal = payment.reversesId !== null;

  const pdf = await renderPdf(`Receipt ${number}`, (doc) => {
    clinicHeading(doc, clinic);
    doc
      .fontSize(14)
      .font('Helvetica-Bold')
      .text(`${reversal ? 'Reversal' : 'Receipt'} ${number}`);
    doc.fontSize(10).font('Helvetica');
    doc.text(`Date ${payment.receivedOn}`);
    if (payment.reversesId) doc.text(`Reverses receipt ${receiptNumber(payment.reversesId)}: ${payment.note ?? ''}`);
    doc.moveDown();
    if (patient) {
      doc.font('Helvetica-Bold').text('Patient');
      doc.font('Helvetica').text(`${patient.givenName} ${patient.familyName}`);
      doc.text(`MRN ${patient.mrn}`);
    }
    if (row.payerName) doc.text(`Paid by ${row.payerName}`);
    doc.moveDown();
    doc.text(`Method ${METHOD_LABELS[payment.method]}${payment.reference ? `   Reference ${payment.reference}` : ''}`);
    doc.font('Helvetica-Bold').text(`Amount ${money(payment.amountCents)}`);
    doc.font('Helvetica').moveDown();

    const columns: Column[] = [
      { x: 54, width: 80 },
      { x: 140, width: 70 },
      { x: 215, width: 250 },
      { x: 470, width: 88, align: 'right' },
    ];
    if (payment.allocations.length) {
      doc.font('Helvetica-Bold').text('Applied to', 54);
      tableRow(doc, columns, ['Service date', 'Code', 'Service', 'Amount'], true);
      for (const allocation of payment.allocations) {
        const charge = charges.find((x) => x.id === allocation.chargeId);
        tableRow(doc, columns, [
          charge?.serviceDate ?? '',
          charge?.code ?? '',
          `${charge?.description ?? ''}${allocation.responsibility === 'insurer' ? ' (insurer’s portion)' : ''}`,
          money(allocation.amountCents),
        ]);
      }
      doc.moveDown(0.5);
    }
    if (unapplied !== 0) {
      tableRow(doc, columns, ['', '', 'Not yet applied (credit on the account)', money(unapplied)]);
    }
    if (balance) {
      tableRow(doc, columns, ['', '', 'Your remaining balance', money(balance.patientBalanceCents)], true);
    }
    doc.moveDown(2);
    doc.font('Helvetica').text(`${reversal ? 'Reversed' : 'Received'} by ${row.postedByName ?? 'the clinic'}`, 54);
    doc.moveDown();
    if (!reversal) doc.fontSize(9).text('Thank you. Keep this receipt for your records.', 54);
  });
  await recordAudit(db, ctx, {
    action: 'payment.receipt',
    patientId: payment.patientId,
    entityType: 'payment',
    entityId: id,
    details: { receipt: number },
  });
  return { pdf, filename: `receipt-${number}.pdf` };
}
