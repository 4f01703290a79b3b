import { type Db, schema } from '@tend/db';
import type { AuditAction, AuditEvent } from '@tend/domain';
import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import { type Actor, isPatientActor, type RequestContext, type RequestOrigin } from '../context';

export interface AuditEntry {
  action: AuditAction;
  outcome?: 'success' | 'failure';
  patientId?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  /** Never free text typed by users about patients: ids, counts, field names. */
  details?: Record<string, unknown> | null;
}

/** Writes one audit event, in the caller's transaction when `db` is one. */
export async function recordAudit(db: Db, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await db.insert(schema.auditEvents).values(actorColumns(ctx, entry));
}

/** Audits as the signed-in user, or as the patient acting through a link in a message. */
export async function recordActorAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  if (!isPatientActor(actor)) return recordAudit(db, actor, entry);
  await recordAnonymousAudit(db, actor.origin, {
    ...entry,
    clinicId: actor.clinicId,
    actorRole: 'patient',
    details: { ...entry.details, via: 'link' },
  });
}

/** Who acted; a request made with an API token names the token, since its creator may not be its owner. */
function actorColumns(ctx: RequestContext, entry: AuditEntry) {
  const columns = {
    clinicId: ctx.clinicId,
    actorUserId: ctx.userId,
    actorRole: ctx.role,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    ...auditColumns(entry),
  };
  return ctx.tokenId ? { ...columns, details: { ...columns.details, viaApiToken: ctx.tokenId } } : columns;
}

/** One audit row per patient shown (a search result list), or one row without a patient when none was. */
export async function recordPatientsAccess(
  db: Db,
  ctx: RequestContext,
  action: AuditAction,
  patientIds: string[],
  details: Record<string, unknown>,
): Promise<void> {
  const ids: Array<string | null> = patientIds.length ? patientIds : [null];
  await db
    .insert(schema.auditEvents)
    .values(
      ids.map((patientId) =>
        actorColumns(ctx, { action, patientId, entityType: 'patient', entityId: patientId, details }),
      ),
    );
}

/** Audit for events without a signed-in user (failed sign-ins, setup). */
export async function recordAnonymousAudit(
  db: Db,
  origin: RequestOrigin,
  entry: AuditEntry & { clinicId: string | null; actorUserId?: string | null; actorRole?: string | null },
): Promise<void> {
  await db.insert(schema.auditEvents).values({
    clinicId: entry.clinicId,
    actorUserId: entry.actorUserId ?? null,
    actorRole: entry.actorRole ?? null,
    ip: origin.ip,
    userAgent: origin.userAgent,
    ...auditColumns(entry),
  });
}

function auditColumns(entry: AuditEntry) {
  return {
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    patientId: entry.patientId ?? null,
    entityType: entry.entityType ?? null,
    entityId: entry.entityId ?? null,
    details: entry.details ?? null,
  };
}

export interface AuditFilter {
  patientId?: string | undefined;
  userId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

export async function listAuditEvents(
  db: Db,
  ctx: RequestContext,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; total: number }> {
  const a = schema.auditEvents;
  const where = and(
    eq(a.clinicId, ctx.clinicId),
    filter.patientId ? eq(a.patientId, filter.patientId) : undefined,
    filter.userId ? eq(a.actorUserId, filter.userId) : undefined,
    filter.action ? eq(a.action, filter.action) : undefined,
    filter.from ? gte(a.occurredAt, new Date(filter.from)) : undefined,
    filter.to ? lte(a.occurredAt, new Date(filter.to)) : undefined,
  );
  const rows = await db
    .select({
      event: a,
      actorName: schema.users.name,
      actorEmail: schema.users.email,
      patientGiven: schema.patients.givenName,
      patientFamily: schema.patients.familyName,
    })
    .from(a)
    // Names only from this clinic's own users and patients, whatever a row points at.
    .leftJoin(schema.users, and(eq(schema.users.id, a.actorUserId), eq(schema.users.clinicId, a.clinicId)))
    .leftJoin(schema.patients, and(eq(schema.patients.id, a.patientId), eq(schema.patients.clinicId, a.clinicId)))
    .where(where)
    .orderBy(desc(a.occurredAt), desc(a.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(a).where(where);
  // Link the patient whose history was read only when it is this clinic's: an id of another
  // clinic's patient must not become a row of this clinic's log that names that patient.
  const [patient] = filter.patientId
    ? await db
        .select({ id: schema.patients.id })
        .from(schema.patients)
        .where(and(eq(schema.patients.id, filter.patientId), eq(schema.patients.clinicId, ctx.clinicId)))
    : [];
  await recordAudit(db, ctx, {
    action: 'audit.read',
    patientId: patient?.id ?? null,
    details: { filter: { ...filter, limit: undefined, offset: undefined }, resultCount: rows.length },
  });
  return {
    total,
    items: rows.map(({ event, actorName, actorEmail, patientGiven, patientFamily }) => ({
      id: String(event.id),
      occurredAt: event.occurredAt.toISOString(),
      actorUserId: event.actorUserId,
      actorName,
      actorEmail,
      actorRole: event.actorRole,
      action: event.action,
      outcome: event.outcome,
      patientId: event.patientId,
      patientName: patientGiven ? `${patientGiven} ${patientFamily}` : null,
      entityType: event.entityType,
      entityId: event.entityId,
      ip: event.ip,
      userAgent: event.userAgent,
      details: event.details,
    })),
  };
}
