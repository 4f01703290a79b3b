import { type Db, newId, queryRows, schema } from '@tend/db';
import {
  AppError,
  buildStatement,
  formatCents,
  monthBounds,
  type Statement,
  type StatementEntry,
  todayIn,
} from '@tend/domain';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { sendEmail } from '../email/send-email';
import type { EmailEnv } from '../email/settings';
import { requirePatient } from '../patients/service';
import { addDays, nextNumber, patientEmailTo } from './invoices';
import { addressLines, type Column, clinicHeading, renderPdf, tableRow } from './pdf';

/**
 * Monthly statements: for each patient who still owed something at the end of a month, the
 * charges they owed on with what was paid and adjusted on them, numbered per clinic, as a PDF and
 * by email. A statement keeps the figures it was made with; the ledger says what is owed now.
 */

const st = schema.statements;
const stl = schema.statementLines;

const ADJUSTMENT_LABELS: Record<string, string> = {
  contractual: 'Contractual adjustment',
  discount: 'Discount',
  bad_debt: 'Written off',
  correction: 'Correction',
};
const METHOD_LABELS: Record<string, string> = {
  cash: 'cash',
  card: 'card',
  check: 'check',
  eft: 'transfer',
  other: 'other',
};

interface EntryRow {
  chargeId: string;
  patientId: string;
  date: string;
  kind: 'charge' | 'payment' | 'adjustment';
  amount: number;
  code: string;
  description: string;
  method: string | null;
  reference: string | null;
  adjustmentKind: string | null;
  isReversal: boolean;
}

function describe(row: EntryRow): string {
  if (row.kind === 'charge') return `${row.code} ${row.description}`;
  if (row.kind === 'payment') {
    if (row.isReversal) return `Payment reversed (${row.code})`;
    return `Payment by ${METHOD_LABELS[row.method ?? 'other']}${row.reference ? ` ${row.reference}` : ''} (${row.code})`;
  }
  const label =
    row.adjustmentKind === 'transfer'
      ? row.amount > 0
        ? 'Moved to you from your insurer'
        : 'Moved from you to your insurer'
      : (ADJUSTMENT_LABELS[row.adjustmentKind ?? ''] ?? 'Adjustment');
  return `${row.isReversal ? 'Reversed: ' : ''}${label} (${row.code})`;
}

/**
 * Every patient-side entry of the clinic's open charges dated up to `last`: the charge's patient
 * portion on its date of service, each allocation on the later of the day the payment was
 * received and the day it was applied, each adjustment on the day it was posted (clinic time).
 * Amounts are signed as they move what the patient owes (a payment lowers it).
 */
async function patientEntries(db: Db, clinicId: string, timezone: string, last: string): Promise<EntryRow[]> {
  const rows = await queryRows<EntryRow>(
    db,
    sql`SELECT * FROM (
          SELECT c.id AS "chargeId", c.patient_id AS "patientId", c.service_date::text AS date, 'charge' AS kind,
                 c.patient_cents AS amount, c.code, c.description, NULL AS method, NULL AS reference,
                 NULL AS "adjustmentKind", false AS "isReversal", c.created_at AS at
          FROM charges c
          WHERE c.clinic_id = ${clinicId} AND c.status = 'open' AND c.service_date <= ${last}
          UNION ALL
          SELECT c.id, c.patient_id,
                 greatest(p.received_on, (a.created_at AT TIME ZONE ${timezone})::date)::text, 'payment',
                 -a.amount_cents, c.code, c.description, p.method, p.reference, NULL, p.reverses_id IS NOT NULL,
                 a.created_at
          FROM allocations a
          JOIN payments p ON p.id = a.payment_id
          JOIN charges c ON c.id = a.charge_id
          WHERE a.clinic_id = ${clinicId} AND a.responsibility = 'patient' AND c.status = 'open'
            AND c.service_date <= ${last}
          UNION ALL
          SELECT c.id, c.patient_id, (d.posted_at AT TIME ZONE ${timezone})::date::text, 'adjustment',
                 -d.amount_cents, c.code, c.description, NULL, NULL, d.kind, d.reverses_id IS NOT NULL, d.posted_at
          FROM adjustments d
          JOIN charges c ON c.id = d.charge_id
          WHERE d.clinic_id = ${clinicId} AND d.responsibility = 'patient' AND c.status = 'open'
            AND c.service_date <= ${last}
        ) entries
        ORDER BY date, at`,
  );
  return rows.map((row) => ({ ...row, amount: Number(row.amount) }));
}

/**
 * Makes the month's statements: one per patient who owed something at the month's end and has
 * none for that month yet (running it again adds only the missing ones). Answers every statement
 * of the month.
 */
export async function createStatements(db: Db, ctx: RequestContext, month: string): Promise<{ items: Statement[] }> {
  const { timezone } = await getClinic(db, ctx.clinicId);
  const today = todayIn(timezone);
  const { first, last } = monthBounds(month);
  if (first > today) {
    throw AppError.validation([
      { path: 'month', message: `${month} has not begun: choose this month (${today.slice(0, 7)}) or an earlier one.` },
    ]);
  }
  const entries = await patientEntries(db, ctx.clinicId, timezone, last);
  const byPatient = new Map<string, StatementEntry[]>();
  for (const row of entries) {
    const list = byPatient.get(row.patientId) ?? [];
    list.push({ chargeId: row.chargeId, date: row.date, description: describe(row), amountCents: row.amount });
    byPatient.set(row.patientId, list);
  }
  const existing = new Set(
    (
      await db
        .select({ patientId: st.patientId })
        .from(st)
        .where(and(eq(st.clinicId, ctx.clinicId), eq(st.month, month)))
    ).map((row) => row.patientId),
  );
  await db.transaction(async (tx) => {
    for (const [patientId, list] of byPatient) {
      if (existing.has(patientId)) continue;
      const built = buildStatement(month, list);
      if (built.totalDueCents <= 0) continue;
      const id = newId();
      const number = await nextNumber(tx, ctx.clinicId, 'statement');
      const [inserted] = await tx
        .insert(st)
        .values({
          id,
          clinicId: ctx.clinicId,
          number,
          patientId,
          month,
          issuedOn: today,
          dueOn: addDays(today, 30),
          previousBalanceCents: built.previousBalanceCents,
          chargesCents: built.chargesCents,
          creditsCents: built.creditsCents,
          totalDueCents: built.totalDueCents,
          createdBy: ctx.userId,
        })
        .onConflictDoNothing({ target: [st.clinicId, st.patientId, st.month] })
        .returning({ id: st.id });
      // Made meanwhile by another run: that one stands.
      if (!inserted) continue;
      await tx.insert(stl).values(
        built.lines.map((line, position) => ({
          id: newId(),
          clinicId: ctx.clinicId,
          statementId: id,
          position,
          ...line,
        })),
      );
      await recordAudit(tx, ctx, {
        action: 'statement.create',
        patientId,
        entityType: 'statement',
        entityId: id,
        details: { number, month, totalDueCents: built.totalDueCents },
      });
    }
  });
  return listStatements(db, ctx, { month });
}

async function loadStatements(db: Db, rows: (typeof st.$inferSelect)[]): Promise<Statement[]> {
  if (!rows.length) return [];
  const lines = await db
    .select()
    .from(stl)
    .where(
      inArray(
        stl.statementId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(stl.position));
  const patients = await db
    .select({ id: schema.patients.id, given: schema.patients.givenName, family: schema.patients.familyName })
    .from(schema.patients)
    .where(inArray(schema.patients.id, [...new Set(rows.map((row) => row.patientId))]));
  return rows.map((row) => {
    const patient = patients.find((p) => p.id === row.patientId);
    return {
      id: row.id,
      number: row.number,
      patientId: row.patientId,
      patientName: patient ? `${patient.given} ${patient.family}` : '',
      month: row.month,
      issuedOn: row.issuedOn,
      dueOn: row.dueOn,
      previousBalanceCents: row.previousBalanceCents,
      chargesCents: row.chargesCents,
      creditsCents: row.creditsCents,
      totalDueCents: row.totalDueCents,
      sentAt: row.sentAt ? row.sentAt.toISOString() : null,
      emailMessageId: row.emailMessageId,
      lines: lines
        .filter((line) => line.statementId === row.id)
        .map((line) => ({
          date: line.date,
          description: line.description,
          chargeCents: line.chargeCents,
          creditCents: line.creditCents,
        })),
    };
  });
}

/** The statements of a month (or the latest 500), by number. */
export async function listStatements(
  db: Db,
  ctx: RequestContext,
  query: { month?: string | undefined },
): Promise<{ items: Statement[] }> {
  const rows = await db
    .select()
    .from(st)
    .where(and(eq(st.clinicId, ctx.clinicId), query.month ? eq(st.month, query.month) : undefined))
    .orderBy(desc(st.month), asc(st.number))
    .limit(500);
  const items = await loadStatements(db, rows);
  await recordPatientsAccess(
    db,
    ctx,
    'statement.read',
    items.map((item) => item.patientId),
    { statements: items.length, month: query.month ?? null },
  );
  return { items };
}

async function requireStatement(db: Db, ctx: RequestContext, id: string): Promise<Statement> {
  const [row] = await db
    .select()
    .from(st)
    .where(and(eq(st.id, id), eq(st.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The statement');
  const [statement] = await loadStatements(db, [row]);
  return statement;
}

function monthName(month: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );
}

/** The statement as a PDF: the clinic, the patient's address, the lines, the totals, the due date. */
export async function statementPdf(
  db: Db,
  ctx: RequestContext,
  id: string,
): Promise<{ pdf: Buffer; filename: string; statement: Statement }> {
  const statement = await requireStatement(db, ctx, id);
  const clinic = await getClinic(db, ctx.clinicId);
  const patient = await requirePatient(db, ctx, statement.patientId);
  const money = (cents: number) => formatCents(cents, clinic.currency);
  const { first } = monthBounds(statement.month);
  const pdf = await renderPdf(`Statement ${statement.number}`, (doc) => {
    clinicHeading(doc, clinic);
    doc.fontSize(14).font('Helvetica-Bold').text(`Statement ${statement.number}`);
    doc.fontSize(10).font('Helvetica');
    doc.text(`${monthName(statement.month)}   Issued ${statement.issuedOn}   Due ${statement.dueOn}`);
    doc.moveDown();
    doc.font('Helvetica-Bold').text('Statement for');
    doc.font('Helvetica').text(statement.patientName);
    doc.text(`MRN ${patient.mrn}`);
    for (const line of addressLines(patient.address)) doc.text(line);
    doc.moveDown();

    const columns: Column[] = [
      { x: 54, width: 70 },
      { x: 130, width: 260 },
      { x: 395, width: 80, align: 'right' },
      { x: 478, width: 80, align: 'right' },
    ];
    tableRow(doc, columns, ['Date', 'Description', 'Charges', 'Credits'], true);
    for (const line of statement.lines) {
      tableRow(doc, columns, [
        line.date,
        line.description,
        line.chargeCents ? money(line.chargeCents) : '',
        line.creditCents ? money(line.creditCents) : '',
      ]);
    }
    doc.moveDown(0.5);
    const totals: Column[] = [
      { x: 130, width: 345 },
      { x: 478, width: 80, align: 'right' },
    ];
    tableRow(doc, totals, [`Balance before ${first}`, money(statement.previousBalanceCents)]);
    tableRow(doc, totals, [`New charges in ${monthName(statement.month)}`, money(statement.chargesCents)]);
    tableRow(doc, totals, ['Payments and credits', money(-statement.creditsCents)]);
    tableRow(doc, totals, ['Total due', money(statement.totalDueCents)], true);
    doc.moveDown(2);
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(
        `Please pay ${money(statement.totalDueCents)} by ${statement.dueOn}. Questions? Call or write to the clinic and quote statement ${statement.number}.`,
        54,
      );
  });
  await recordAudit(db, ctx, {
    action: 'statement.read',
    patientId: statement.patientId,
    entityType: 'statement',
    entityId: id,
  });
  return { pdf, filename: `statement-${statement.number}.pdf`, statement };
}

/** Emails the statement (PDF attached) to the patient, or to `to`; the outbox keeps the message. */
export async function sendStatement(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: { to?: string | undefined },
  env: EmailEnv,
): Promise<{ statement: Statement; status: string; error: string | null }> {
  const statement = await requireStatement(db, ctx, id);
  const to = await patientEmailTo(db, ctx, statement.patientId, input.to);
  const clinic = await getClinic(db, ctx.clinicId);
  const { pdf, filename } = await statementPdf(db, ctx, id);
  const due = formatCents(statement.totalDueCents, clinic.currency);
  const sent = await sendEmail(
    db,
    ctx,
    {
      to,
      subject: `Statement ${statement.number} from ${clinic.name} (${monthName(statement.month)})`,
      text: `Dear ${statement.patientName},\n\nPlease find attached your statement for ${monthName(statement.month)}. Total due: ${due}, by ${statement.dueOn}.\n\n${clinic.name}`,
      attachments: [{ filename, contentType: 'application/pdf', content: pdf }],
      related: { type: 'statement', id },
      patientId: statement.patientId,
    },
    env,
  );
  if (sent.status === 'sent' || sent.status === 'captured') {
    await db.update(st).set({ sentAt: new Date(), emailMessageId: sent.id }).where(eq(st.id, id));
  }
  await recordAudit(db, ctx, {
    action: 'statement.send',
    patientId: statement.patientId,
    entityType: 'statement',
    entityId: id,
    outcome: sent.status === 'failed' ? 'failure' : 'success',
    details: { number: statement.number, status: sent.status, emailMessageId: sent.id },
  });
  return { statement: await requireStatement(db, ctx, id), status: sent.status, error: sent.error };
}
