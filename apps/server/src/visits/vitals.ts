import { type Db, newId, schema } from '@tend/db';
import { AppError, bmi, borderlineFlags, toStoredVitals, type Vitals, type VitalsInput } from '@tend/domain';
import { and, desc, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { accessDetails, requireClinicalPatient } from '../patients/access';
import { requireEncounterAccess } from './encounters';

/** Vitals of a visit (stored metric), and a patient's history of them for the trend chart. */

type VitalsRow = typeof schema.vitals.$inferSelect;

function toVitals(row: VitalsRow): Vitals {
  return {
    id: row.id,
    encounterId: row.encounterId,
    patientId: row.patientId,
    takenAt: row.takenAt.toISOString(),
    systolic: row.systolic,
    diastolic: row.diastolic,
    heartRate: row.heartRate,
    respiratoryRate: row.respiratoryRate,
    temperatureC: row.temperatureDc === null ? null : row.temperatureDc / 10,
    spo2: row.spo2,
    heightCm: row.heightMm === null ? null : row.heightMm / 10,
    weightKg: row.weightG === null ? null : row.weightG / 1000,
    bmi: bmi(row.heightMm, row.weightG),
    pain: row.pain,
    flags: row.flags,
  };
}

/** Records vitals on a visit in progress; borderline values are kept and flagged. */
export async function recordVitals(
  db: Db,
  ctx: RequestContext,
  encounterId: string,
  input: VitalsInput,
): Promise<Vitals> {
  const { row: encounter, access } = await requireEncounterAccess(db, ctx, encounterId);
  if (encounter.status === 'signed') {
    throw new AppError('conflict', 'This visit is signed and locked. Add an addendum to record a correction.');
  }
  const stored = toStoredVitals(input);
  const flags = borderlineFlags(stored);
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(schema.vitals)
      .values({
        id,
        clinicId: ctx.clinicId,
        encounterId,
        patientId: encounter.patientId,
        recordedBy: ctx.userId,
        ...stored,
        flags,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'vitals.record',
      patientId: encounter.patientId,
      entityType: 'encounter',
      entityId: encounterId,
      details: accessDetails(access, { vitalsId: id, flags }),
    });
    return inserted;
  });
  return toVitals(row);
}

export async function listVitals(db: Db, ctx: RequestContext, patientId: string): Promise<{ items: Vitals[] }> {
  const { access } = await requireClinicalPatient(db, ctx, patientId);
  const v = schema.vitals;
  const rows = await db
    .select()
    .from(v)
    .where(and(eq(v.patientId, patientId), eq(v.clinicId, ctx.clinicId)))
    .orderBy(desc(v.takenAt))
    .limit(500);
  await recordAudit(db, ctx, {
    action: 'vitals.read',
    patientId,
    entityType: 'patient',
    entityId: patientId,
    details: accessDetails(access),
  });
  return { items: rows.map(toVitals) };
}
