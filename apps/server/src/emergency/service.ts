import { type Db, newId, schema } from '@tend/db';
import {
  AppError,
  type ClinicalAccess,
  can,
  type EmergencyAccess,
  type EmergencyAccessRequest,
  type EmergencyReview,
  type Patient,
} from '@tend/domain';
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { patientAccess } from '../patients/access';
import { getPatient, requirePatient } from '../patients/service';

/**
 * Restricted records and emergency ("break the glass") access: a manager marks a patient
 * restricted; a provider or nurse without a care relationship asks for a grant with a reason;
 * the grant opens the clinical record for the clinic's `emergencyAccessMinutes` and waits in the
 * managers' review queue. The typed reason and review note live in the grant row only (audit
 * details never hold typed text); every read under the grant is audited with its id
 * (patients/access.ts `accessDetails`).
 */

const g = schema.emergencyAccess;

/** Marks a patient's record restricted or lifts the restriction (audited). */
export async function setPatientRestricted(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  restricted: boolean,
): Promise<Patient> {
  const patient = await requirePatient(db, ctx, patientId);
  if (patient.restricted !== restricted) {
    await db.transaction(async (tx) => {
      await tx
        .update(schema.patients)
        .set({ restricted, updatedAt: new Date(), updatedBy: ctx.userId })
        .where(and(eq(schema.patients.id, patientId), eq(schema.patients.clinicId, ctx.clinicId)));
      await recordAudit(tx, ctx, {
        action: restricted ? 'patient.restrict' : 'patient.unrestrict',
        patientId,
        entityType: 'patient',
        entityId: patientId,
      });
    });
  }
  return getPatient(db, ctx, patientId);
}

/** How the user reaches this patient's clinical record, for the chart page (not audited: it shows no record). */
export async function clinicalAccessOf(db: Db, ctx: RequestContext, patientId: string): Promise<ClinicalAccess> {
  const patient = await requirePatient(db, ctx, patientId);
  const access = await patientAccess(db, ctx, patient);
  return {
    restricted: patient.restricted,
    kind: access.kind,
    emergencyAccessId: access.emergencyAccessId,
    expiresAt: access.expiresAt?.toISOString() ?? null,
    emergencyAccessAvailable: can(ctx.role, 'emergency.access'),
  };
}

/**
 * Grants the user emergency access to a restricted patient's clinical record for the clinic's
 * minutes. Each request is its own grant, and its own entry in the review queue.
 */
export async function grantEmergencyAccess(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  input: EmergencyAccessRequest,
  now: Date = new Date(),
): Promise<EmergencyAccess> {
  const patient = await requirePatient(db, ctx, patientId);
  if (!patient.restricted) {
    throw new AppError('conflict', 'This record is not restricted: open the chart without emergency access.');
  }
  const clinic = await getClinic(db, ctx.clinicId);
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(g).values({
      id,
      clinicId: ctx.clinicId,
      userId: ctx.userId,
      patientId,
      reason: input.reason,
      grantedAt: now,
      expiresAt: new Date(now.getTime() + clinic.emergencyAccessMinutes * 60_000),
    });
    await recordAudit(tx, ctx, {
      action: 'emergency.grant',
      patientId,
      entityType: 'emergency_access',
      entityId: id,
      details: { emergencyAccessId: id, minutes: clinic.emergencyAccessMinutes },
    });
  });
  const [grant] = await grantsWhere(db, and(eq(g.id, id), eq(g.clinicId, ctx.clinicId)));
  return grant;
}

const requester = alias(schema.users, 'requester');
const reviewer = alias(schema.users, 'reviewer');

async function grantsWhere(db: Db, where: ReturnType<typeof and>): Promise<EmergencyAccess[]> {
  const p = schema.patients;
  const rows = await db
    .select({
      grant: g,
      given: p.givenName,
      family: p.familyName,
      userName: requester.name,
      reviewerName: reviewer.name,
    })
    .from(g)
    .innerJoin(p, eq(p.id, g.patientId))
    .innerJoin(requester, eq(requester.id, g.userId))
    .leftJoin(reviewer, eq(reviewer.id, g.reviewedBy))
    .where(where)
    .orderBy(desc(g.grantedAt), desc(g.id))
    .limit(500);
  return rows.map(({ grant, given, family, userName, reviewerName }) => ({
    id: grant.id,
    patientId: grant.patientId,
    patientName: `${given} ${family}`,
    userId: grant.userId,
    userName,
    reason: grant.reason,
    grantedAt: grant.grantedAt.toISOString(),
    expiresAt: grant.expiresAt.toISOString(),
    reviewedAt: grant.reviewedAt?.toISOString() ?? null,
    reviewedByName: reviewerName,
    reviewOutcome: grant.reviewOutcome,
    reviewNote: grant.reviewNote,
  }));
}

/** The review queue (`unreviewed`) or every grant, newest first. */
export async function listEmergencyAccess(
  db: Db,
  ctx: RequestContext,
  query: { status: 'unreviewed' | 'all' },
): Promise<{ items: EmergencyAccess[] }> {
  const items = await grantsWhere(
    db,
    and(eq(g.clinicId, ctx.clinicId), query.status === 'unreviewed' ? isNull(g.reviewedAt) : undefined),
  );
  await recordPatientsAccess(db, ctx, 'emergency.read', [...new Set(items.map((i) => i.patientId))], {
    status: query.status,
    grants: items.length,
  });
  return { items };
}

/** Emergency grants still waiting for a review (the manager's home tile). */
export async function countUnreviewed(db: Db, ctx: RequestContext): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(g)
    .where(and(eq(g.clinicId, ctx.clinicId), isNull(g.reviewedAt)));
  return row.n;
}

/** Records the review of a grant, once (audited; the note stays in the grant row). */
export async function reviewEmergencyAccess(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: EmergencyReview,
): Promise<EmergencyAccess> {
  await db.transaction(async (tx) => {
    const [grant] = await tx
      .select({ id: g.id, patientId: g.patientId, reviewedAt: g.reviewedAt })
      .from(g)
      .where(and(eq(g.id, id), eq(g.clinicId, ctx.clinicId)))
      .for('update');
    if (!grant) throw AppError.notFound('The emergency access');
    if (grant.reviewedAt) throw new AppError('conflict', 'This emergency access has been reviewed already.');
    await tx
      .update(g)
      .set({ reviewedBy: ctx.userId, reviewedAt: new Date(), reviewOutcome: input.outcome, reviewNote: input.note })
      .where(eq(g.id, id));
    await recordAudit(tx, ctx, {
      action: 'emergency.review',
      patientId: grant.patientId,
      entityType: 'emergency_access',
      entityId: id,
      details: { emergencyAccessId: id, outcome: input.outcome, withNote: input.note !== null },
    });
  });
  const [grant] = await grantsWhere(db, and(eq(g.id, id), eq(g.clinicId, ctx.clinicId)));
  return grant;
}
