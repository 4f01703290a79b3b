import { type Db, newId, schema } from '@tend/db';
import {
  type Amendment,
  type AmendmentCreate,
  type AmendmentDecision,
  AppError,
  addDaysTo,
  can,
  t,
  todayIn,
} from '@tend/domain';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { accessDetails, type PatientAccess, requireClinicalPatient } from '../patients/access';
import { requirePatient } from '../patients/service';

/**
 * Amendment requests (HIPAA §164.526, ONC 170.315(d)(4)): recorded as the patient made them,
 * decided once within 60 days, and always shown with the record they concern (a clinical record:
 * a restricted patient's requests only for their care providers or under an emergency grant) — an accepted one
 * with the addendum that corrected it, a denied one with the reason and the patient's statement of
 * disagreement. Audit rows name the request, never its text.
 */

const a = schema.amendmentRequests;
const recorder = alias(schema.users, 'recorder');
const decider = alias(schema.users, 'decider');
const ANSWER_DAYS = 60;
const iso = (date: Date | null) => (date ? date.toISOString() : null);

async function selectAmendments(db: Db, ctx: RequestContext, where: ReturnType<typeof eq>): Promise<Amendment[]> {
  const rows = await db
    .select({
      row: a,
      recordedByName: recorder.name,
      decidedByName: decider.name,
      encounterDate: schema.encounters.serviceDate,
    })
    .from(a)
    .innerJoin(recorder, eq(recorder.id, a.recordedBy))
    .leftJoin(decider, eq(decider.id, a.decidedBy))
    .leftJoin(schema.encounters, eq(schema.encounters.id, a.encounterId))
    .where(and(eq(a.clinicId, ctx.clinicId), where))
    .orderBy(asc(a.recordedAt), asc(a.id));
  return rows.map(({ row, recordedByName, decidedByName, encounterDate }) => ({
    id: row.id,
    patientId: row.patientId,
    encounterId: row.encounterId,
    encounterDate: encounterDate ?? null,
    receivedOn: row.receivedOn,
    request: row.request,
    recordedByName,
    recordedAt: row.recordedAt.toISOString(),
    status: row.status,
    decidedByName: decidedByName ?? null,
    decidedAt: iso(row.decidedAt),
    decisionNote: row.decisionNote,
    addendumId: row.addendumId,
    disagreement: row.disagreement,
    disagreementAt: iso(row.disagreementAt),
    dueOn: addDaysTo(row.receivedOn, ANSWER_DAYS),
  }));
}

async function requireAmendment(db: Db, ctx: RequestContext, id: string): Promise<Amendment> {
  const [found] = await selectAmendments(db, ctx, eq(a.id, id));
  if (!found) throw AppError.notFound('The amendment request');
  return found;
}

/**
 * The patient, for clinical staff only if they may open the clinical record (a restricted one:
 * its care providers or an emergency grant); managers and administrators handle every patient's
 * requests, as they answer right-of-access requests.
 */
async function requestPatient(db: Db, ctx: RequestContext, patientId: string): Promise<{ access: PatientAccess }> {
  if (can(ctx.role, 'clinical.read')) return requireClinicalPatient(db, ctx, patientId);
  await requirePatient(db, ctx, patientId);
  return { access: { emergencyAccessId: null } };
}

/** Every request of one patient, oldest first; the read is audited. */
export async function listAmendments(db: Db, ctx: RequestContext, patientId: string): Promise<Amendment[]> {
  const { access } = await requestPatient(db, ctx, patientId);
  const items = await selectAmendments(db, ctx, eq(a.patientId, patientId));
  await recordAudit(db, ctx, {
    action: 'amendment.read',
    patientId,
    entityType: 'patient',
    entityId: patientId,
    details: accessDetails(access),
  });
  return items;
}

const fieldError = (path: string, message: string) =>
  new AppError('validation_failed', message, { fields: [{ path, message }] });

export async function recordAmendment(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  input: AmendmentCreate,
): Promise<Amendment> {
  const { access } = await requestPatient(db, ctx, patientId);
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  if (input.receivedOn > todayIn(clinic?.timezone ?? 'UTC')) {
    throw fieldError('receivedOn', t('amendment.receivedInFuture'));
  }
  if (input.encounterId) {
    const [visit] = await db
      .select({ id: schema.encounters.id })
      .from(schema.encounters)
      .where(
        and(
          eq(schema.encounters.id, input.encounterId),
          eq(schema.encounters.clinicId, ctx.clinicId),
          eq(schema.encounters.patientId, patientId),
        ),
      );
    if (!visit) throw fieldError('encounterId', t('amendment.visitNotOfPatient'));
  }
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(a).values({ id, clinicId: ctx.clinicId, patientId, recordedBy: ctx.userId, ...input });
    await recordAudit(tx, ctx, {
      action: 'amendment.request',
      patientId,
      entityType: 'amendment',
      entityId: id,
      details: accessDetails(access),
    });
  });
  return requireAmendment(db, ctx, id);
}

export async function decideAmendment(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: AmendmentDecision,
): Promise<Amendment> {
  const request = await requireAmendment(db, ctx, id);
  const { access } = await requestPatient(db, ctx, request.patientId);
  if (request.status !== 'pending') throw new AppError('conflict', t('amendment.alreadyDecided'));
  if (input.outcome === 'accepted' && request.encounterId && !input.addendumId) {
    throw fieldError('addendumId', t('amendment.addendumRequired'));
  }
  if (input.addendumId) {
    const [addendum] = await db
      .select({ id: schema.encounterAddenda.id })
      .from(schema.encounterAddenda)
      .where(
        and(
          eq(schema.encounterAddenda.id, input.addendumId),
          eq(schema.encounterAddenda.clinicId, ctx.clinicId),
          eq(schema.encounterAddenda.encounterId, request.encounterId ?? ''),
        ),
      );
    if (!addendum) throw fieldError('addendumId', t('amendment.addendumNotOfVisit'));
  }
  await db.transaction(async (tx) => {
    const decided = await tx
      .update(a)
      .set({
        status: input.outcome,
        decidedBy: ctx.userId,
        decidedAt: new Date(),
        decisionNote: input.note,
        addendumId: input.addendumId,
      })
      .where(and(eq(a.id, id), eq(a.clinicId, ctx.clinicId), eq(a.status, 'pending')))
      .returning({ id: a.id });
    if (!decided.length) throw new AppError('conflict', t('amendment.alreadyDecided'));
    await recordAudit(tx, ctx, {
      action: input.outcome === 'accepted' ? 'amendment.accept' : 'amendment.deny',
      patientId: request.patientId,
      entityType: 'amendment',
      entityId: id,
      details: accessDetails(access),
    });
  });
  return requireAmendment(db, ctx, id);
}

/** The patient's statement of disagreement with a denial: added once, kept with the request. */
export async function addDisagreement(db: Db, ctx: RequestContext, id: string, statement: string): Promise<Amendment> {
  const request = await requireAmendment(db, ctx, id);
  const { access } = await requestPatient(db, ctx, request.patientId);
  if (request.status !== 'denied') throw new AppError('conflict', t('amendment.disagreementOnlyDenied'));
  await db.transaction(async (tx) => {
    const added = await tx
      .update(a)
      .set({ disagreement: statement, disagreementAt: new Date() })
      .where(and(eq(a.id, id), eq(a.clinicId, ctx.clinicId), isNull(a.disagreement)))
      .returning({ id: a.id });
    if (!added.length) throw new AppError('conflict', t('amendment.disagreementOnce'));
    await recordAudit(tx, ctx, {
      action: 'amendment.disagreement',
      patientId: request.patientId,
      entityType: 'amendment',
      entityId: id,
      details: accessDetails(access),
    });
  });
  return requireAmendment(db, ctx, id);
}
