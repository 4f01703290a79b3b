import { type Db, newId, schema, sqlConstraint, sqlState } from '@tend/db';
import {
  AppError,
  type Coverage,
  type CoverageCreate,
  type CoveragePatch,
  memberIdError,
  memberIdMatches,
  type Payer,
  type zPayerCreate,
  type zPayerPatch,
} from '@tend/domain';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { requirePatient } from '../patients/service';

/** Payers (the clinic's list of insurers) and patients' coverages. */

function toPayer(row: typeof schema.payers.$inferSelect): Payer {
  return {
    id: row.id,
    name: row.name,
    payerCode: row.payerCode,
    memberIdPattern: row.memberIdPattern,
    memberIdExample: row.memberIdExample,
    phone: row.phone,
    active: row.active,
  };
}

export async function listPayers(db: Db, ctx: RequestContext): Promise<Payer[]> {
  const rows = await db
    .select()
    .from(schema.payers)
    .where(eq(schema.payers.clinicId, ctx.clinicId))
    .orderBy(asc(schema.payers.name));
  return rows.map(toPayer);
}

function duplicatePayerName(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw AppError.validation([{ path: 'name', message: 'A payer with this name already exists.' }]);
  }
  throw error;
}

export async function createPayer(db: Db, ctx: RequestContext, input: z.output<typeof zPayerCreate>): Promise<Payer> {
  const id = newId();
  try {
    const [row] = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(schema.payers)
        .values({ id, clinicId: ctx.clinicId, ...input })
        .returning();
      await recordAudit(tx, ctx, { action: 'payer.create', entityType: 'payer', entityId: id });
      return inserted;
    });
    return toPayer(row);
  } catch (error) {
    duplicatePayerName(error);
  }
}

export async function updatePayer(
  db: Db,
  ctx: RequestContext,
  payerId: string,
  patch: z.output<typeof zPayerPatch>,
): Promise<Payer> {
  try {
    const [row] = await db.transaction(async (tx) => {
      const updated = await tx
        .update(schema.payers)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(schema.payers.id, payerId), eq(schema.payers.clinicId, ctx.clinicId)))
        .returning();
      if (updated.length) {
        await recordAudit(tx, ctx, {
          action: 'payer.update',
          entityType: 'payer',
          entityId: payerId,
          details: { fields: Object.keys(patch) },
        });
      }
      return updated;
    });
    if (!row) throw AppError.notFound('The payer');
    return toPayer(row);
  } catch (error) {
    duplicatePayerName(error);
  }
}

// ---- Coverages ----------------------------------------------------------------------------

type CoverageRow = typeof schema.coverages.$inferSelect;

function toCoverage(row: CoverageRow, payerName: string): Coverage {
  return {
    id: row.id,
    patientId: row.patientId,
    payerId: row.payerId,
    payerName,
    rank: row.rank,
    memberId: row.memberId,
    groupNumber: row.groupNumber,
    subscriberName: row.subscriberName,
    subscriberRelationship: row.subscriberRelationship,
    subscriberBirthDate: row.subscriberBirthDate,
    copayCents: row.copayCents,
    coinsuranceBps: row.coinsuranceBps,
    validFrom: row.validFrom,
    validTo: row.validTo,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listCoverages(db: Db, ctx: RequestContext, patientId: string): Promise<Coverage[]> {
  await requirePatient(db, ctx, patientId);
  const rows = await db
    .select({ coverage: schema.coverages, payerName: schema.payers.name })
    .from(schema.coverages)
    .innerJoin(schema.payers, eq(schema.payers.id, schema.coverages.payerId))
    .where(and(eq(schema.coverages.patientId, patientId), eq(schema.coverages.clinicId, ctx.clinicId)))
    .orderBy(asc(schema.coverages.rank), asc(schema.coverages.validFrom));
  await recordAudit(db, ctx, {
    action: 'coverage.read',
    patientId,
    entityType: 'patient',
    entityId: patientId,
    details: { count: rows.length },
  });
  return rows.map((r) => toCoverage(r.coverage, r.payerName));
}

async function requirePayer(db: Db, ctx: RequestContext, payerId: string) {
  const [payer] = await db
    .select()
    .from(schema.payers)
    .where(and(eq(schema.payers.id, payerId), eq(schema.payers.clinicId, ctx.clinicId)));
  if (!payer) throw AppError.validation([{ path: 'payerId', message: 'Choose a payer from the clinic’s payer list.' }]);
  return payer;
}

function checkMemberId(payer: typeof schema.payers.$inferSelect, memberId: string) {
  if (!memberIdMatches(memberId, payer.memberIdPattern)) {
    throw AppError.validation([{ path: 'memberId', message: memberIdError(payer) }]);
  }
}

function overlappingRank(error: unknown, rank: string): never {
  if (sqlState(error) === '23P01' && sqlConstraint(error) === 'coverages_one_rank_per_day') {
    throw new AppError(
      'conflict',
      `This patient already has a ${rank} coverage for some of these dates. End that coverage first (set its “valid to” date) or choose another rank.`,
      { fields: [{ path: 'validFrom', message: `Overlaps the current ${rank} coverage.` }] },
    );
  }
  throw error;
}

export async function createCoverage(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  input: CoverageCreate,
): Promise<Coverage> {
  await requirePatient(db, ctx, patientId);
  const payer = await requirePayer(db, ctx, input.payerId);
  checkMemberId(payer, input.memberId);
  const id = newId();
  try {
    const [row] = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(schema.coverages)
        .values({ id, clinicId: ctx.clinicId, patientId, ...input, memberId: input.memberId.toUpperCase() })
        .returning();
      await recordAudit(tx, ctx, {
        action: 'coverage.create',
        patientId,
        entityType: 'coverage',
        entityId: id,
        details: { rank: input.rank, payerId: payer.id },
      });
      return inserted;
    });
    return toCoverage(row, payer.name);
  } catch (error) {
    overlappingRank(error, input.rank);
  }
}

export async function updateCoverage(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  coverageId: string,
  patch: CoveragePatch,
): Promise<Coverage> {
  const [current] = await db
    .select({ coverage: schema.coverages, payer: schema.payers })
    .from(schema.coverages)
    .innerJoin(schema.payers, eq(schema.payers.id, schema.coverages.payerId))
    .where(
      and(
        eq(schema.coverages.id, coverageId),
        eq(schema.coverages.patientId, patientId),
        eq(schema.coverages.clinicId, ctx.clinicId),
      ),
    );
  if (!current) throw AppError.notFound('The coverage');
  if (patch.memberId !== undefined) checkMemberId(current.payer, patch.memberId);
  const validFrom = patch.validFrom ?? current.coverage.validFrom;
  const validTo = patch.validTo === undefined ? current.coverage.validTo : patch.validTo;
  if (validTo && validTo < validFrom) {
    throw AppError.validation([{ path: 'validTo', message: 'The end date must be on or after the start date.' }]);
  }
  try {
    const [row] = await db.transaction(async (tx) => {
      const updated = await tx
        .update(schema.coverages)
        .set({ ...patch, memberId: patch.memberId?.toUpperCase(), updatedAt: new Date() })
        .where(eq(schema.coverages.id, coverageId))
        .returning();
      await recordAudit(tx, ctx, {
        action: 'coverage.update',
        patientId,
        entityType: 'coverage',
        entityId: coverageId,
        details: { fields: Object.keys(patch) },
      });
      return updated;
    });
    return toCoverage(row, current.payer.name);
  } catch (error) {
    overlappingRank(error, patch.rank ?? current.coverage.rank);
  }
}
