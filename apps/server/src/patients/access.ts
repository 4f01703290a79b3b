import { type Db, queryRows, schema } from '@tend/db';
import { AppError, can } from '@tend/domain';
import { type AnyColumn, and, desc, eq, gt, not, or, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../context';
import { requirePatient } from './service';

/**
 * Normal access to a patient's clinical record (chart lists, visits and their notes, vitals,
 * diagnoses, problems, allergies, medications — reading and writing). Every clinical user of the
 * clinic has it, except for a patient marked `restricted`: that record is open only to
 *  - the patient's care providers: the provider of one of the patient's appointments (not
 *    cancelled, and booked by someone else: a provider cannot make themselves one by booking the
 *    patient) or visits, and
 *  - a user holding an unexpired emergency grant for the patient (emergency/service.ts).
 * Everyone else gets 403 `restricted_record`. Demographics, scheduling and billing are not
 * clinical and stay open to the roles that have them, so the front desk can still book.
 */

export interface PatientAccess {
  /** The emergency grant the access rests on (null: the record is open, or a care relationship). */
  emergencyAccessId: string | null;
}

/** True when the user is a care provider of the patient (`patientId`: a value or a column). */
function careRelationshipSql(ctx: RequestContext, patientId: AnyColumn | string): SQL {
  return sql`(EXISTS (
      SELECT 1 FROM appointments ap JOIN providers pr ON pr.id = ap.provider_id
      WHERE ap.clinic_id = ${ctx.clinicId} AND ap.patient_id = ${patientId} AND ap.status <> 'cancelled'
        AND ap.created_by IS DISTINCT FROM ${ctx.userId} AND pr.user_id = ${ctx.userId})
    OR EXISTS (
      SELECT 1 FROM encounters en JOIN providers pr ON pr.id = en.provider_id
      WHERE en.clinic_id = ${ctx.clinicId} AND en.patient_id = ${patientId} AND pr.user_id = ${ctx.userId}))`;
}

/** True when the user holds an unexpired emergency grant for the patient (server clock: `now`). */
function liveGrantSql(ctx: RequestContext, patientId: AnyColumn, now: Date): SQL {
  const g = schema.emergencyAccess;
  return sql`EXISTS (SELECT 1 FROM ${g}
    WHERE ${and(eq(g.clinicId, ctx.clinicId), eq(g.userId, ctx.userId), gt(g.expiresAt, now))}
      AND ${g.patientId} = ${patientId})`;
}

/** For lists of clinical rows: true when the row's patient (joined as `schema.patients`) is open to the user. */
export function clinicalAccessSql(ctx: RequestContext, now: Date = new Date()): SQL {
  const p = schema.patients;
  return or(not(p.restricted), careRelationshipSql(ctx, p.id), liveGrantSql(ctx, p.id, now)) as SQL;
}

/**
 * Whether the user may open this patient's clinical record; throws 403 `restricted_record` when
 * not. The patient must already be known to be the clinic's (requirePatient).
 */
export async function assertPatientAccess(
  db: Db,
  ctx: RequestContext,
  patient: { id: string; restricted: boolean },
  now: Date = new Date(),
): Promise<PatientAccess> {
  const access = await patientAccess(db, ctx, patient, now);
  if (access.kind === 'denied') {
    throw new AppError('restricted_record', 'This patient’s record is restricted to the providers caring for them.', {
      details: { emergencyAccessAvailable: can(ctx.role, 'emergency.access') },
    });
  }
  return { emergencyAccessId: access.emergencyAccessId };
}

export type AccessKind = 'open' | 'care' | 'emergency' | 'denied';

/** How the user reaches the record (for the chart page's banner), without throwing. */
export async function patientAccess(
  db: Db,
  ctx: RequestContext,
  patient: { id: string; restricted: boolean },
  now: Date = new Date(),
): Promise<{ kind: AccessKind; emergencyAccessId: string | null; expiresAt: Date | null }> {
  if (!patient.restricted) return { kind: 'open', emergencyAccessId: null, expiresAt: null };
  const [care] = await queryRows<{ care: boolean }>(db, sql`SELECT ${careRelationshipSql(ctx, patient.id)} AS care`);
  if (care.care) return { kind: 'care', emergencyAccessId: null, expiresAt: null };
  const g = schema.emergencyAccess;
  const [grant] = await db
    .select({ id: g.id, expiresAt: g.expiresAt })
    .from(g)
    .where(
      and(eq(g.clinicId, ctx.clinicId), eq(g.userId, ctx.userId), eq(g.patientId, patient.id), gt(g.expiresAt, now)),
    )
    .orderBy(desc(g.expiresAt))
    .limit(1);
  if (!grant) return { kind: 'denied', emergencyAccessId: null, expiresAt: null };
  return { kind: 'emergency', emergencyAccessId: grant.id, expiresAt: grant.expiresAt };
}

/** The clinic's patient (else 404) whose clinical record the user may open (else 403 `restricted_record`). */
export async function requireClinicalPatient(db: Db, ctx: RequestContext, patientId: string) {
  const patient = await requirePatient(db, ctx, patientId);
  return { patient, access: await assertPatientAccess(db, ctx, patient) };
}

/** Audit details of a clinical read or write: the emergency grant it was made under, if any. */
export function accessDetails(
  access: PatientAccess,
  details: Record<string, unknown> | null = null,
): Record<string, unknown> | null {
  if (!access.emergencyAccessId) return details;
  return { ...details, emergencyAccessId: access.emergencyAccessId };
}
