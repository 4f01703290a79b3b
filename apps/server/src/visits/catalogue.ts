import { type Db, newId, schema, sqlState } from '@tend/db';
import {
  AppError,
  formatIcd10Code,
  type NoteTemplate,
  type NoteTemplateCreate,
  type Service,
  type ServiceCreate,
  type zServicePatch,
} from '@tend/domain';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { requireType } from '../scheduling/shared';

/** The clinic's service catalogue (codes and fees) and its SOAP note templates. */

type ServiceRow = typeof schema.services.$inferSelect;

export function toService(row: ServiceRow): Service {
  return {
    id: row.id,
    code: row.code,
    codeSystem: row.codeSystem,
    description: row.description,
    feeCents: row.feeCents,
    defaultUnits: row.defaultUnits,
    diagnosisPrefixes: row.diagnosisPrefixes.map(formatIcd10Code),
    active: row.active,
  };
}

export async function listServices(db: Db, ctx: RequestContext): Promise<{ items: Service[] }> {
  const s = schema.services;
  const rows = await db.select().from(s).where(eq(s.clinicId, ctx.clinicId)).orderBy(asc(s.codeSystem), asc(s.code));
  return { items: rows.map(toService) };
}

export async function requireService(db: Db, ctx: RequestContext, id: string, path = 'serviceId'): Promise<ServiceRow> {
  const s = schema.services;
  const [row] = await db
    .select()
    .from(s)
    .where(and(eq(s.id, id), eq(s.clinicId, ctx.clinicId)));
  if (!row) throw AppError.validation([{ path, message: 'Choose a service from the clinic’s catalogue.' }]);
  return row;
}

function duplicateCode(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw AppError.validation([{ path: 'code', message: 'The catalogue has this code already.' }]);
  }
  throw error;
}

export async function createService(db: Db, ctx: RequestContext, input: ServiceCreate): Promise<Service> {
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(schema.services)
        .values({ id, clinicId: ctx.clinicId, ...input })
        .returning();
      await recordAudit(tx, ctx, {
        action: 'service.create',
        entityType: 'service',
        entityId: id,
        details: { code: input.code, codeSystem: input.codeSystem, feeCents: input.feeCents },
      });
      return inserted;
    });
    return toService(row);
  } catch (error) {
    duplicateCode(error);
  }
}

export async function updateService(
  db: Db,
  ctx: RequestContext,
  id: string,
  patch: z.output<typeof zServicePatch>,
): Promise<Service> {
  const s = schema.services;
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(s)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(s.id, id), eq(s.clinicId, ctx.clinicId)))
      .returning();
    if (!updated) throw AppError.notFound('The service');
    await recordAudit(tx, ctx, {
      action: 'service.update',
      entityType: 'service',
      entityId: id,
      details: { fields: Object.keys(patch), feeCents: patch.feeCents },
    });
    return updated;
  });
  return toService(row);
}

// ---- Note templates ---------------------------------------------------------------------------

type TemplateRow = typeof schema.noteTemplates.$inferSelect;

function toTemplate(row: TemplateRow): NoteTemplate {
  return {
    id: row.id,
    name: row.name,
    appointmentTypeId: row.appointmentTypeId,
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    active: row.active,
  };
}

export async function listTemplates(db: Db, ctx: RequestContext): Promise<{ items: NoteTemplate[] }> {
  const n = schema.noteTemplates;
  const rows = await db.select().from(n).where(eq(n.clinicId, ctx.clinicId)).orderBy(asc(n.name));
  return { items: rows.map(toTemplate) };
}

function duplicateTemplate(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw AppError.validation([{ path: 'name', message: 'A template with this name exists already.' }]);
  }
  throw error;
}

export async function saveTemplate(
  db: Db,
  ctx: RequestContext,
  id: string | null,
  input: Partial<NoteTemplateCreate> & { active?: boolean },
): Promise<NoteTemplate> {
  if (input.appointmentTypeId) await requireType(db, ctx, input.appointmentTypeId);
  const n = schema.noteTemplates;
  try {
    const row = await db.transaction(async (tx) => {
      const [saved] = id
        ? await tx
            .update(n)
            .set({ ...input, updatedAt: new Date() })
            .where(and(eq(n.id, id), eq(n.clinicId, ctx.clinicId)))
            .returning()
        : await tx
            .insert(n)
            .values({ id: newId(), clinicId: ctx.clinicId, name: input.name ?? '', ...input })
            .returning();
      if (!saved) throw AppError.notFound('The template');
      await recordAudit(tx, ctx, {
        action: id ? 'note_template.update' : 'note_template.create',
        entityType: 'note_template',
        entityId: saved.id,
        details: { fields: Object.keys(input) },
      });
      return saved;
    });
    return toTemplate(row);
  } catch (error) {
    duplicateTemplate(error);
  }
}

/** The template for a visit of this type: the type's own, else the clinic's default (no type). */
export async function templateFor(
  db: Db,
  clinicId: string,
  appointmentTypeId: string | null,
): Promise<TemplateRow | null> {
  const n = schema.noteTemplates;
  const rows = await db
    .select()
    .from(n)
    .where(and(eq(n.clinicId, clinicId), eq(n.active, true)));
  return (
    rows.find((row) => appointmentTypeId !== null && row.appointmentTypeId === appointmentTypeId) ??
    rows.find((row) => row.appointmentTypeId === null) ??
    null
  );
}
