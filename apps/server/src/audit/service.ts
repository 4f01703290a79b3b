import { type Db, schema } from '@tend/db';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEvent,
  type AuditQuery,
  type AuditSortField,
  type MessageKey,
  t,
  toCsv,
} from '@tend/domain';
import { and, eq, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A request the role may not make (403), against the patient when the route names one of this
 * clinic's patients (`/api/patients/:id…` or a `patientId` parameter).
 */
export async function recordAccessDenied(
  db: Db,
  ctx: RequestContext,
  attempt: { method: string; route: string; permission: string; params: unknown },
): Promise<void> {
  const params = (attempt.params ?? {}) as Record<string, unknown>;
  const named = attempt.route.startsWith('/api/patients/:id') ? params.id : params.patientId;
  const patientId = typeof named === 'string' && UUID.test(named) ? await ownPatientId(db, ctx, named) : null;
  await recordAudit(db, ctx, {
    action: 'access.denied',
    outcome: 'failure',
    patientId,
    entityType: patientId ? 'patient' : null,
    entityId: patientId,
    details: { method: attempt.method, route: attempt.route, permission: attempt.permission },
  });
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

export type AuditFilter = Omit<AuditQuery, 'format'>;

/** The column (or name) behind each sort field: a fixed map, so no query text reaches the SQL. */
function sortExpression(field: AuditSortField): SQL {
  const a = schema.auditEvents;
  switch (field) {
    case 'occurredAt':
      return sql`${a.occurredAt}`;
    case 'actorName':
      return sql`lower(${schema.users.name}) collate "C"`;
    case 'actorEmail':
      return sql`lower(${schema.users.email}) collate "C"`;
    case 'patientName':
      return sql`lower(${schema.patients.givenName} || ' ' || ${schema.patients.familyName}) collate "C"`;
    case 'actorRole':
      return sql`${a.actorRole} collate "C"`;
    case 'action':
      return sql`${a.action} collate "C"`;
    case 'outcome':
      return sql`${a.outcome} collate "C"`;
    case 'entityType':
      return sql`${a.entityType} collate "C"`;
    case 'entityId':
      return sql`${a.entityId} collate "C"`;
    case 'ip':
      return sql`${a.ip} collate "C"`;
    case 'userAgent':
      return sql`${a.userAgent} collate "C"`;
  }
}

/** Sorted by the field (empty values last either way), then by the order the events were written. */
function auditOrder(filter: Pick<AuditFilter, 'sort' | 'dir'>): SQL[] {
  const dir = filter.dir === 'asc' ? sql`asc` : sql`desc`;
  return [sql`${sortExpression(filter.sort)} ${dir} nulls last`, sql`${schema.auditEvents.id} ${dir}`];
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function auditWhere(ctx: RequestContext, filter: AuditFilter): SQL | undefined {
  const a = schema.auditEvents;
  const text = filter.q ? `%${likeEscape(filter.q)}%` : undefined;
  return and(
    eq(a.clinicId, ctx.clinicId),
    filter.patientId ? eq(a.patientId, filter.patientId) : undefined,
    filter.userId ? eq(a.actorUserId, filter.userId) : undefined,
    filter.action ? eq(a.action, filter.action) : undefined,
    filter.outcome ? eq(a.outcome, filter.outcome) : undefined,
    filter.actorRole ? eq(a.actorRole, filter.actorRole) : undefined,
    filter.entityType ? eq(a.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(a.entityId, filter.entityId) : undefined,
    filter.ip ? eq(a.ip, filter.ip) : undefined,
    text ? or(ilike(a.userAgent, text), ilike(sql`${a.details}::text`, text)) : undefined,
    filter.from ? gte(a.occurredAt, new Date(filter.from)) : undefined,
    filter.to ? lte(a.occurredAt, new Date(filter.to)) : undefined,
  );
}

async function selectAuditEvents(
  db: Db,
  where: SQL | undefined,
  filter: Pick<AuditFilter, 'sort' | 'dir' | 'limit' | 'offset'>,
): Promise<AuditEvent[]> {
  const a = schema.auditEvents;
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
    .orderBy(...auditOrder(filter))
    .limit(filter.limit)
    .offset(filter.offset);
  return rows.map(({ event, actorName, actorEmail, patientGiven, patientFamily }) => ({
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
  }));
}

/**
 * The patient whose history was read, only when it is this clinic's: an id of another clinic's
 * patient must not become a row of this clinic's log that names that patient.
 */
async function ownPatientId(db: Db, ctx: RequestContext, patientId: string | undefined): Promise<string | null> {
  if (!patientId) return null;
  const [patient] = await db
    .select({ id: schema.patients.id })
    .from(schema.patients)
    .where(and(eq(schema.patients.id, patientId), eq(schema.patients.clinicId, ctx.clinicId)));
  return patient?.id ?? null;
}

/** The filter as the audit row keeps it: the searched text is typed, so only whether there was one. */
function filterDetails({ limit: _limit, offset: _offset, q, ...filter }: AuditFilter) {
  return { ...filter, q: q ? true : undefined };
}

export async function listAuditEvents(
  db: Db,
  ctx: RequestContext,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; total: number }> {
  const where = auditWhere(ctx, filter);
  const items = await selectAuditEvents(db, where, filter);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(schema.auditEvents).where(where);
  await recordAudit(db, ctx, {
    action: 'audit.read',
    patientId: await ownPatientId(db, ctx, filter.patientId),
    details: { filter: filterDetails(filter), resultCount: items.length },
  });
  return { total, items };
}

const CSV_BATCH = 1000;
const CSV_COLUMNS = [
  'time',
  'actorName',
  'actorEmail',
  'actorRole',
  'action',
  'actionLabel',
  'outcome',
  'patientId',
  'patientName',
  'entityType',
  'entityId',
  'ip',
  'userAgent',
  'details',
] as const;

function csvLine(event: AuditEvent): string[] {
  const action = (AUDIT_ACTIONS as readonly string[]).includes(event.action)
    ? t(`auditAction.${event.action}` as MessageKey)
    : event.action;
  return [
    event.occurredAt,
    event.actorName ?? '',
    event.actorEmail ?? '',
    event.actorRole ?? '',
    event.action,
    action,
    event.outcome,
    event.patientId ?? '',
    event.patientName ?? '',
    event.entityType ?? '',
    event.entityId ?? '',
    event.ip ?? '',
    event.userAgent ?? '',
    event.details ? JSON.stringify(event.details) : '',
  ];
}

/**
 * Every event matching the filter, as CSV text streamed in batches, in the filter's order. Only the
 * events written before the export began: later ones would shift the batches. Audited as
 * `audit.export` with the filter and the number of rows.
 */
export async function exportAuditCsv(
  db: Db,
  ctx: RequestContext,
  filter: AuditFilter,
): Promise<{ rows: number; csv: AsyncGenerator<string> }> {
  const a = schema.auditEvents;
  const [{ last }] = await db
    .select({ last: sql<number | null>`max(${a.id})::bigint` })
    .from(a)
    .where(eq(a.clinicId, ctx.clinicId));
  const where = and(auditWhere(ctx, filter), lte(a.id, Number(last ?? 0)));
  const [{ rows }] = await db.select({ rows: sql<number>`count(*)::int` }).from(a).where(where);
  await recordAudit(db, ctx, {
    action: 'audit.export',
    patientId: await ownPatientId(db, ctx, filter.patientId),
    details: { filter: filterDetails(filter), format: 'csv', rowCount: rows },
  });
  async function* csv(): AsyncGenerator<string> {
    yield toCsv([CSV_COLUMNS.map((column) => t(`audit.csv.${column}`))]);
    for (let offset = 0; offset < rows; offset += CSV_BATCH) {
      const events = await selectAuditEvents(db, where, { ...filter, limit: CSV_BATCH, offset });
      if (events.length === 0) break;
      yield toCsv(events.map(csvLine));
    }
  }
  return { rows, csv: csv() };
}
