import { type Db, newId, schema } from '@tend/db';
import {
  type Allergy,
  type AllergyCreate,
  AppError,
  type Chart,
  formatIcd10Code,
  type Medication,
  type MedicationCreate,
  type zAllergyPatch,
  type zMedicationPatch,
} from '@tend/domain';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { accessDetails, requireClinicalPatient } from '../patients/access';

/** The chart's lists: problems (chronic diagnoses kept across visits), allergies, medications. */

const a = schema.allergies;
const m = schema.medications;
const p = schema.problems;

const toAllergy = (row: typeof a.$inferSelect): Allergy => ({
  id: row.id,
  substance: row.substance,
  reaction: row.reaction,
  severity: row.severity,
  code: row.code,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});

const toMedication = (row: typeof m.$inferSelect): Medication => ({
  id: row.id,
  name: row.name,
  dose: row.dose,
  code: row.code,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});

export async function getChart(db: Db, ctx: RequestContext, patientId: string): Promise<Chart> {
  const { access } = await requireClinicalPatient(db, ctx, patientId);
  const [problems, allergies, medications] = await Promise.all([
    db
      .select()
      .from(p)
      .where(and(eq(p.patientId, patientId), eq(p.clinicId, ctx.clinicId)))
      .orderBy(desc(p.createdAt)),
    db
      .select()
      .from(a)
      .where(and(eq(a.patientId, patientId), eq(a.clinicId, ctx.clinicId)))
      .orderBy(asc(a.substance)),
    db
      .select()
      .from(m)
      .where(and(eq(m.patientId, patientId), eq(m.clinicId, ctx.clinicId)))
      .orderBy(asc(m.name)),
  ]);
  await recordAudit(db, ctx, {
    action: 'chart.read',
    patientId,
    entityType: 'patient',
    entityId: patientId,
    details: accessDetails(access),
  });
  return {
    problems: problems.map((row) => ({
      id: row.id,
      code: formatIcd10Code(row.code),
      description: row.description,
      status: row.status,
      encounterId: row.encounterId,
      createdAt: row.createdAt.toISOString(),
      resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
    })),
    allergies: allergies.map(toAllergy),
    medications: medications.map(toMedication),
  };
}

export async function addAllergy(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  input: AllergyCreate,
): Promise<Allergy> {
  const { access } = await requireClinicalPatient(db, ctx, patientId);
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(a)
      .values({ id, clinicId: ctx.clinicId, patientId, ...input, createdBy: ctx.userId })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'allergy.create',
      patientId,
      entityType: 'allergy',
      entityId: id,
      details: accessDetails(access),
    });
    return inserted;
  });
  return toAllergy(row);
}

export async function updateAllergy(
  db: Db,
  ctx: RequestContext,
  id: string,
  patch: z.output<typeof zAllergyPatch>,
): Promise<Allergy> {
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(a)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(a.id, id), eq(a.clinicId, ctx.clinicId)))
      .returning();
    if (!updated) throw AppError.notFound('The allergy');
    const { access } = await requireClinicalPatient(tx, ctx, updated.patientId);
    await recordAudit(tx, ctx, {
      action: 'allergy.update',
      patientId: updated.patientId,
      entityType: 'allergy',
      entityId: id,
      details: accessDetails(access, { fields: Object.keys(patch) }),
    });
    return updated;
  });
  return toAllergy(row);
}

export async function addMedication(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  input: MedicationCreate,
): Promise<Medication> {
  const { access } = await requireClinicalPatient(db, ctx, patientId);
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(m)
      .values({ id, clinicId: ctx.clinicId, patientId, ...input, createdBy: ctx.userId })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'medication.create',
      patientId,
      entityType: 'medication',
      entityId: id,
      details: accessDetails(access),
    });
    return inserted;
  });
  return toMedication(row);
}

export async function updateMedication(
  db: Db,
  ctx: RequestContext,
  id: string,
  patch: z.output<typeof zMedicationPatch>,
): Promise<Medication> {
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(m)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(m.id, id), eq(m.clinicId, ctx.clinicId)))
      .returning();
    if (!updated) throw AppError.notFound('The medication');
    const { access } = await requireClinicalPatient(tx, ctx, updated.patientId);
    await recordAudit(tx, ctx, {
      action: 'medication.update',
      patientId: updated.patientId,
      entityType: 'medication',
      entityId: id,
      details: accessDetails(access, { fields: Object.keys(patch) }),
    });
    return updated;
  });
  return toMedication(row);
}

export async function resolveProblem(db: Db, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [resolved] = await tx
      .update(p)
      .set({ status: 'resolved', resolvedAt: new Date() })
      .where(and(eq(p.id, id), eq(p.clinicId, ctx.clinicId), eq(p.status, 'active')))
      .returning();
    if (!resolved) throw AppError.notFound('The active problem');
    const { access } = await requireClinicalPatient(tx, ctx, resolved.patientId);
    await recordAudit(tx, ctx, {
      action: 'problem.resolve',
      patientId: resolved.patientId,
      entityType: 'problem',
      entityId: id,
      details: accessDetails(access),
    });
  });
}
