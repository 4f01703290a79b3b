import { type Db, newId, queryRows, schema, sqlState } from '@tend/db';
import { type Address, AppError, type Clinic, formatCents, type Invoice, todayIn } from '@tend/domain';
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { sendEmail } from '../email/send-email';
import type { EmailEnv } from '../email/settings';
import { requirePatient } from '../patients/service';
import { remindersOf } from './balance-reminders';
import { balancesOf } from './ledger';
import { addressLines, type Column, clinicHeading, renderPdf, tableRow } from './pdf';

/**
 * Patient invoices: the patient's portions of a signed visit's charges, numbered per clinic, as a
 * PDF and by email. What is still due is computed from the ledger every time.
 */

const inv = schema.invoices;
const lines = schema.invoiceLines;
const DAY = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The next number of a per-clinic sequence (invoices, statements): 1001, 1002 … */
export async function nextNumber(tx: Db, clinicId: string, name: 'invoice' | 'statement'): Promise<number> {
  const [row] = await queryRows<{ number: number | string }>(
    tx,
    sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${clinicId}, ${name}, 1002)
        ON CONFLICT (clinic_id, name) DO UPDATE SET next_value = clinic_counters.next_value + 1
        RETURNING next_value - 1 AS number`,
  );
  return Number(row.number);
}

/** Invoices the patient's portion of a signed visit (once per visit). */
export async function createInvoice(db: Db, ctx: RequestContext, encounterId: string): Promise<Invoice> {
  const e = schema.encounters;
  const [encounter] = await db
    .select()
    .from(e)
    .where(and(eq(e.id, encounterId), eq(e.clinicId, ctx.clinicId)));
  if (!encounter) throw AppError.notFound('The visit');
  if (encounter.status !== 'signed') {
    throw new AppError('conflict', 'Sign the visit first: its charges are made when it is signed.');
  }
  const charges = await db
    .select()
    .from(schema.charges)
    .where(and(eq(schema.charges.encounterId, encounterId), eq(schema.charges.status, 'open')))
    .orderBy(asc(schema.charges.createdAt));
  const owed = charges.filter((charge) => charge.patientCents > 0);
  if (!owed.length) {
    throw new AppError('conflict', 'The patient owes nothing for this visit: there is nothing to invoice.');
  }
  const { timezone } = await getClinic(db, ctx.clinicId);
  const issuedOn = todayIn(timezone);
  const id = newId();
  try {
    await db.transaction(async (tx) => {
      const number = await nextNumber(tx, ctx.clinicId, 'invoice');
      const total = owed.reduce((sum, charge) => sum + charge.patientCents, 0);
      await tx.insert(inv).values({
        id,
        clinicId: ctx.clinicId,
        number,
        patientId: encounter.patientId,
        encounterId,
        issuedOn,
        dueOn: addDays(issuedOn, 30),
        totalCents: total,
        createdBy: ctx.userId,
      });
      await tx.insert(lines).values(
        owed.map((charge) => ({
          id: newId(),
          clinicId: ctx.clinicId,
          invoiceId: id,
          chargeId: charge.id,
          amountCents: charge.patientCents,
        })),
      );
      await recordAudit(tx, ctx, {
        action: 'invoice.create',
        patientId: encounter.patientId,
        entityType: 'invoice',
        entityId: id,
        details: { number, totalCents: total, encounterId },
      });
    });
  } catch (error) {
    if (sqlState(error) === '23505') {
      const [existing] = await db
        .select({ id: inv.id, number: inv.number })
        .from(inv)
        .where(eq(inv.encounterId, encounterId));
      throw new AppError('conflict', `This visit is invoiced already (invoice ${existing?.number}).`, {
        details: { invoiceId: existing?.id },
      });
    }
    throw error;
  }
  return getInvoice(db, ctx, id);
}

/** Invoices with their lines, what is still due (from the ledger) and their balance reminders. */
export async function loadInvoices(db: Db, rows: (typeof inv.$inferSelect)[]): Promise<Invoice[]> {
  if (!rows.length) return [];
  const invoiceLines = await db
    .select({ line: lines, charge: schema.charges })
    .from(lines)
    .innerJoin(schema.charges, eq(schema.charges.id, lines.chargeId))
    .where(
      inArray(
        lines.invoiceId,
        rows.map((r) => r.id),
      ),
    );
  const balances = await balancesOf(
    db,
    invoiceLines.map((l) => l.charge),
  );
  const patients = await db
    .select({ id: schema.patients.id, given: schema.patients.givenName, family: schema.patients.familyName })
    .from(schema.patients)
    .where(inArray(schema.patients.id, [...new Set(rows.map((r) => r.patientId))]));
  const reminders = await remindersOf(
    db,
    rows[0].clinicId,
    rows.map((r) => r.id),
  );
  return rows.map((row) => {
    const own = invoiceLines.filter((l) => l.line.invoiceId === row.id);
    const items = own.map(({ line, charge }) => ({
      chargeId: charge.id,
      serviceDate: charge.serviceDate,
      code: charge.code,
      description: charge.description,
      amountCents: line.amountCents,
      balanceCents: Math.max(0, balances.get(charge.id)?.patient ?? 0),
    }));
    const balance = items.reduce((sum, item) => sum + item.balanceCents, 0);
    const patient = patients.find((p) => p.id === row.patientId);
    return {
      id: row.id,
      number: row.number,
      patientId: row.patientId,
      patientName: patient ? `${patient.given} ${patient.family}` : '',
      encounterId: row.encounterId,
      issuedOn: row.issuedOn,
      dueOn: row.dueOn,
      totalCents: row.totalCents,
      creditedCents: row.totalCents - balance,
      balanceCents: balance,
      sentAt: row.sentAt ? row.sentAt.toISOString() : null,
      emailMessageId: row.emailMessageId,
      lines: items,
      reminders: reminders.get(row.id) ?? [],
    };
  });
}

export async function getInvoice(db: Db, ctx: RequestContext, id: string): Promise<Invoice> {
  const [row] = await db
    .select()
    .from(inv)
    .where(and(eq(inv.id, id), eq(inv.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The invoice');
  const [invoice] = await loadInvoices(db, [row]);
  return invoice;
}

/** Invoices of a patient, or the unpaid ones issued at least `olderThanDays` days ago (the morning list). */
export async function listInvoices(
  db: Db,
  ctx: RequestContext,
  query: { patientId?: string | undefined; unpaidOlderThanDays?: number | undefined },
): Promise<{ items: Invoice[] }> {
  let cutoff: string | undefined;
  if (query.unpaidOlderThanDays !== undefined) {
    const { timezone } = await getClinic(db, ctx.clinicId);
    cutoff = addDays(todayIn(timezone), -query.unpaidOlderThanDays);
  }
  const rows = await db
    .select()
    .from(inv)
    .where(
      and(
        eq(inv.clinicId, ctx.clinicId),
        query.patientId ? eq(inv.patientId, query.patientId) : undefined,
        cutoff ? lte(inv.issuedOn, cutoff) : undefined,
      ),
    )
    .orderBy(cutoff ? asc(inv.issuedOn) : desc(inv.issuedOn), asc(inv.number))
    .limit(1000);
  const items = (await loadInvoices(db, rows)).filter((i) => cutoff === undefined || i.balanceCents > 0);
  await recordAudit(db, ctx, {
    action: 'invoice.read',
    patientId: query.patientId ?? null,
    entityType: 'invoice',
    details: { count: items.length, unpaidOlderThanDays: query.unpaidOlderThanDays ?? null },
  });
  return { items };
}

/** The invoice as a PDF: the clinic, the patient, the lines, what was paid, the balance due. */
export async function invoicePdf(db: Db, ctx: RequestContext, id: string): Promise<{ pdf: Buffer; filename: string }> {
  const invoice = await getInvoice(db, ctx, id);
  const clinic = await getClinic(db, ctx.clinicId);
  const patient = await requirePatient(db, ctx, invoice.patientId);
  const pdf = await renderInvoicePdf(clinic, invoice, patient);
  await recordAudit(db, ctx, {
    action: 'invoice.read',
    patientId: invoice.patientId,
    entityType: 'invoice',
    entityId: id,
  });
  return { pdf, filename: invoiceFilename(invoice) };
}

export const invoiceFilename = (invoice: Pick<Invoice, 'number'>) => `invoice-${invoice.number}.pdf`;

/** Lays out the invoice's PDF (no reading of data, no audit: the caller has done both). */
export function renderInvoicePdf(
  clinic: Pick<Clinic, 'name' | 'address' | 'currency'>,
  invoice: Invoice,
  patient: { mrn: string; address: Address | null },
): Promise<Buffer> {
  const money = (cents: number) => formatCents(cents, clinic.currency);
  return renderPdf(`Invoice ${invoice.number}`, (doc) => {
    clinicHeading(doc, clinic);
    doc.fontSize(14).font('Helvetica-Bold').text(`Invoice ${invoice.number}`);
    doc.fontSize(10).font('Helvetica');
    doc.text(`Issued ${invoice.issuedOn}   Due ${invoice.dueOn}`);
    doc.moveDown();
    doc.font('Helvetica-Bold').text('Bill to');
    doc.font('Helvetica').text(invoice.patientName);
    doc.text(`MRN ${patient.mrn}`);
    for (const line of addressLines(patient.address)) doc.text(line);
    doc.moveDown();

    const columns: Column[] = [
      { x: 54, width: 70 },
      { x: 130, width: 65 },
      { x: 200, width: 260 },
      { x: 470, width: 88, align: 'right' },
    ];
    tableRow(doc, columns, ['Date', 'Code', 'Service (your portion)', 'Amount'], true);
    for (const line of invoice.lines) {
      tableRow(doc, columns, [line.serviceDate, line.code, line.description, money(line.amountCents)]);
    }
    doc.moveDown(0.5);
    tableRow(doc, columns, ['', '', 'Total', money(invoice.totalCents)], true);
    tableRow(doc, columns, ['', '', 'Paid and credited', money(-invoice.creditedCents)]);
    tableRow(doc, columns, ['', '', 'Balance due', money(invoice.balanceCents)], true);
    doc.moveDown(2);
    doc
      .font('Helvetica')
      .fontSize(9)
      .text('Questions about this invoice? Call or write to the clinic and quote the invoice number.', 54);
  });
}

/** Where to email a patient's document: `to` when given, else the patient's address (or a 400). */
export async function patientEmailTo(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  to: string | undefined,
): Promise<string> {
  const address = to ?? (await requirePatient(db, ctx, patientId)).email;
  if (!address) {
    throw AppError.validation([
      { path: 'to', message: 'The patient has no email address: add one on the chart, or type where to send it.' },
    ]);
  }
  return address;
}

/** Emails the invoice (PDF attached) to the patient, or to `to`; the outbox keeps the message. */
export async function sendInvoice(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: { to?: string | undefined },
  env: EmailEnv,
): Promise<{ invoice: Invoice; status: string; error: string | null }> {
  const invoice = await getInvoice(db, ctx, id);
  const to = await patientEmailTo(db, ctx, invoice.patientId, input.to);
  const clinic = await getClinic(db, ctx.clinicId);
  const { pdf, filename } = await invoicePdf(db, ctx, id);
  const due = formatCents(invoice.balanceCents, clinic.currency);
  const sent = await sendEmail(
    db,
    ctx,
    {
      to,
      subject: `Invoice ${invoice.number} from ${clinic.name}`,
      text: `Dear ${invoice.patientName},\n\nPlease find attached invoice ${invoice.number} for your visit. Balance due: ${due}, by ${invoice.dueOn}.\n\n${clinic.name}`,
      attachments: [{ filename, contentType: 'application/pdf', content: pdf }],
      related: { type: 'invoice', id },
      patientId: invoice.patientId,
    },
    env,
  );
  if (sent.status === 'sent' || sent.status === 'captured') {
    await db.update(inv).set({ sentAt: new Date(), emailMessageId: sent.id }).where(eq(inv.id, id));
  }
  return { invoice: await getInvoice(db, ctx, id), status: sent.status, error: sent.error };
}
