import { type Db, schema } from '@tend/db';
import { can, t } from '@tend/domain';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { listDisclosuresUnaudited } from '../audit/disclosures';
import { recordAudit } from '../audit/service';
import { getClinic } from '../auth/service';
import { clinicHeading, renderPdf } from '../billing/pdf';
import type { RequestContext } from '../context';
import { assertPatientAccess } from './access';
import { requirePatient } from './service';

/**
 * Right of access: one patient's whole record, as JSON or a PDF to hand over — demographics,
 * coverage, appointments, visits with their notes, addenda, diagnoses, services and vitals, the
 * chart lists, amendment requests, charges, payments, invoices, statements, claims, messages, recalls and the
 * accounting of disclosures. Every query is scoped to the clinic and the patient. Audited as
 * `patient.export` (a disclosure to the patient).
 */

/** Columns that are Tend's bookkeeping, not the patient's record. */
const INTERNAL = new Set([
  'clinicId',
  'searchName',
  'searchPhonetic',
  'searchPhones',
  'idempotencyKey',
  'lockedUntil',
  'claimedBy',
  'htmlBody',
  'charged',
  'openCharges',
]);

type Row = Record<string, unknown>;
const clean = (row: object): Row =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([key]) => !INTERNAL.has(key))
      .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );

export const EXPORT_SECTIONS = [
  'patient',
  'coverages',
  'appointments',
  'encounters',
  'vitals',
  'problems',
  'allergies',
  'medications',
  'amendments',
  'recalls',
  'charges',
  'payments',
  'adjustments',
  'invoices',
  'statements',
  'claims',
  'messages',
  'disclosures',
] as const;
export type PatientRecord = { exportedAt: string; clinic: string } & Record<(typeof EXPORT_SECTIONS)[number], unknown>;

async function gatherRecord(db: Db, ctx: RequestContext, patientId: string): Promise<PatientRecord> {
  const patient = await requirePatient(db, ctx, patientId);
  // A provider exports a restricted record only as its care provider or under an emergency grant;
  // managers and administrators answer right-of-access requests for every patient.
  if (can(ctx.role, 'clinical.read')) await assertPatientAccess(db, ctx, patient);
  const clinic = await getClinic(db, ctx.clinicId);
  const s = schema;
  const mine = (table: { clinicId: AnyPgColumn; patientId: AnyPgColumn }) =>
    and(eq(table.clinicId, ctx.clinicId), eq(table.patientId, patientId));
  const inClinic = (column: AnyPgColumn) => eq(column, ctx.clinicId);

  const encounters = await db
    .select()
    .from(s.encounters)
    .where(mine(s.encounters))
    .orderBy(asc(s.encounters.serviceDate));
  const encounterIds = encounters.map((e) => e.id);
  const ofEncounters = async <T>(query: (ids: string[]) => Promise<T[]>): Promise<T[]> =>
    encounterIds.length ? query(encounterIds) : [];
  const [addenda, diagnoses, services] = await Promise.all([
    ofEncounters((ids) =>
      db
        .select()
        .from(s.encounterAddenda)
        .where(and(inClinic(s.encounterAddenda.clinicId), inArray(s.encounterAddenda.encounterId, ids))),
    ),
    ofEncounters((ids) =>
      db
        .select()
        .from(s.encounterDiagnoses)
        .where(and(inClinic(s.encounterDiagnoses.clinicId), inArray(s.encounterDiagnoses.encounterId, ids))),
    ),
    ofEncounters((ids) =>
      db
        .select()
        .from(s.encounterServices)
        .where(and(inClinic(s.encounterServices.clinicId), inArray(s.encounterServices.encounterId, ids))),
    ),
  ]);
  const charges = await db.select().from(s.charges).where(mine(s.charges));
  const chargeIds = charges.map((c) => c.id);
  const invoices = await db.select().from(s.invoices).where(mine(s.invoices));
  const statements = await db.select().from(s.statements).where(mine(s.statements));
  const claims = await db.select().from(s.claims).where(mine(s.claims));
  const linesOf = async <T>(ids: string[], query: (ids: string[]) => Promise<T[]>): Promise<T[]> =>
    ids.length ? query(ids) : [];
  const [invoiceLines, statementLines, claimLines, adjustments] = await Promise.all([
    linesOf(
      invoices.map((i) => i.id),
      (ids) =>
        db
          .select()
          .from(s.invoiceLines)
          .where(and(inClinic(s.invoiceLines.clinicId), inArray(s.invoiceLines.invoiceId, ids))),
    ),
    linesOf(
      statements.map((i) => i.id),
      (ids) =>
        db
          .select()
          .from(s.statementLines)
          .where(and(inClinic(s.statementLines.clinicId), inArray(s.statementLines.statementId, ids))),
    ),
    linesOf(
      claims.map((i) => i.id),
      (ids) =>
        db
          .select()
          .from(s.claimLines)
          .where(and(inClinic(s.claimLines.clinicId), inArray(s.claimLines.claimId, ids))),
    ),
    linesOf(chargeIds, (ids) =>
      db
        .select()
        .from(s.adjustments)
        .where(and(inClinic(s.adjustments.clinicId), inArray(s.adjustments.chargeId, ids))),
    ),
  ]);
  const withChildren = <P extends { id: string }, C extends object>(
    parents: P[],
    children: C[],
    parentOf: (child: C) => string,
  ) =>
    parents.map((parent) => ({
      ...clean(parent),
      lines: children.filter((c) => parentOf(c) === parent.id).map(clean),
    }));

  const [coverages, appointments, vitals, problems, allergies, medications, amendments, recalls, payments, messages] =
    await Promise.all([
      db.select().from(s.coverages).where(mine(s.coverages)),
      db.select().from(s.appointments).where(mine(s.appointments)).orderBy(asc(s.appointments.startAt)),
      db.select().from(s.vitals).where(mine(s.vitals)),
      db.select().from(s.problems).where(mine(s.problems)),
      db.select().from(s.allergies).where(mine(s.allergies)),
      db.select().from(s.medications).where(mine(s.medications)),
      db
        .select()
        .from(s.amendmentRequests)
        .where(mine(s.amendmentRequests))
        .orderBy(asc(s.amendmentRequests.recordedAt)),
      db.select().from(s.recalls).where(mine(s.recalls)),
      db.select().from(s.payments).where(mine(s.payments)),
      db.select().from(s.messages).where(mine(s.messages)).orderBy(asc(s.messages.createdAt)),
    ]);
  return {
    exportedAt: new Date().toISOString(),
    clinic: clinic.name,
    patient: clean(patient),
    coverages: coverages.map(clean),
    appointments: appointments.map(clean),
    encounters: encounters.map((encounter) => ({
      ...clean(encounter),
      addenda: addenda.filter((a) => a.encounterId === encounter.id).map(clean),
      diagnoses: diagnoses.filter((d) => d.encounterId === encounter.id).map(clean),
      services: services.filter((v) => v.encounterId === encounter.id).map(clean),
      vitals: vitals.filter((v) => v.encounterId === encounter.id).map(clean),
    })),
    vitals: vitals.map(clean),
    problems: problems.map(clean),
    allergies: allergies.map(clean),
    medications: medications.map(clean),
    amendments: amendments.map(clean),
    recalls: recalls.map(clean),
    charges: charges.map(clean),
    payments: payments.map(clean),
    adjustments: adjustments.map(clean),
    invoices: withChildren(invoices, invoiceLines, (line) => line.invoiceId),
    statements: withChildren(statements, statementLines, (line) => line.statementId),
    claims: withChildren(claims, claimLines, (line) => line.claimId),
    messages: messages.map(clean),
    disclosures: await listDisclosuresUnaudited(db, ctx, patientId, {}),
  };
}

export async function exportPatientRecord(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  format: 'json' | 'pdf',
): Promise<{ record: PatientRecord; filename: string; pdf: Buffer | null }> {
  const record = await gatherRecord(db, ctx, patientId);
  const pdf = format === 'pdf' ? await recordPdf(record) : null;
  await recordAudit(db, ctx, {
    action: 'patient.export',
    patientId,
    entityType: 'patient',
    entityId: patientId,
    details: { format, recipient: 'patient', purpose: 'patient_request' },
  });
  const date = record.exportedAt.slice(0, 10);
  return { record, pdf, filename: `patient-record-${patientId}-${date}.${format}` };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One item as "field: value" lines; ids and empty values left out, nested lists indented. */
function itemLines(item: Row, indent = ''): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined || value === '') continue;
    if (typeof value === 'string' && UUID.test(value)) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      lines.push(`${indent}${key}:`);
      for (const child of value) {
        lines.push(
          ...(typeof child === 'object' ? itemLines(child as Row, `${indent}    `) : [`${indent}    ${child}`]),
        );
        lines.push('');
      }
    } else if (typeof value === 'object') {
      lines.push(`${indent}${key}: ${JSON.stringify(value)}`);
    } else {
      lines.push(`${indent}${key}: ${String(value)}`);
    }
  }
  return lines;
}

async function recordPdf(record: PatientRecord): Promise<Buffer> {
  const patient = record.patient as Row;
  const name = `${patient.givenName} ${patient.familyName}`;
  return renderPdf(t('patientExport.pdfTitle', { name }), (doc) => {
    clinicHeading(doc, { name: record.clinic, address: null });
    doc.fontSize(16).font('Helvetica-Bold').text(t('patientExport.pdfTitle', { name }));
    doc
      .fontSize(9)
      .font('Helvetica')
      .text(t('patientExport.exportedAt', { at: record.exportedAt }));
    for (const section of EXPORT_SECTIONS) {
      const value = record[section];
      const items = Array.isArray(value) ? (value as Row[]) : [value as Row];
      doc
        .moveDown()
        .fontSize(13)
        .font('Helvetica-Bold')
        .text(t(`patientExport.section.${section}`));
      doc.fontSize(9).font('Helvetica');
      if (items.length === 0) doc.text(t('patientExport.none'));
      for (const item of items) {
        doc.text(itemLines(item).join('\n'));
        doc.moveDown(0.5);
      }
    }
  });
}
