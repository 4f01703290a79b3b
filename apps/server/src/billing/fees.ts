import { type Db, newId, schema, sqlState } from '@tend/db';
import { AppError, type FeeRate, type FeeRateCreate } from '@tend/domain';
import { and, asc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { requireService } from '../visits/catalogue';

/**
 * The fee schedule by date: the clinic's standard fee for a service from a date (overriding the
 * catalogue's), and payers' contracted amounts. Signing a visit bills the standard fee in force
 * on the date of service.
 */

const r = schema.feeRates;

const toRate = (row: typeof r.$inferSelect): FeeRate => ({
  id: row.id,
  serviceId: row.serviceId,
  payerId: row.payerId,
  feeCents: row.feeCents,
  validFrom: row.validFrom,
  validTo: row.validTo,
});

export async function listFeeRates(db: Db, ctx: RequestContext, serviceId: string): Promise<{ items: FeeRate[] }> {
  await requireService(db, ctx, serviceId, 'serviceId');
  const rows = await db
    .select()
    .from(r)
    .where(and(eq(r.clinicId, ctx.clinicId), eq(r.serviceId, serviceId)))
    .orderBy(asc(r.payerId), asc(r.validFrom));
  return { items: rows.map(toRate) };
}

export async function addFeeRate(
  db: Db,
  ctx: RequestContext,
  serviceId: string,
  input: FeeRateCreate,
): Promise<FeeRate> {
  await requireService(db, ctx, serviceId, 'serviceId');
  if (input.payerId) {
    const [payer] = await db
      .select({ id: schema.payers.id })
      .from(schema.payers)
      .where(and(eq(schema.payers.id, input.payerId), eq(schema.payers.clinicId, ctx.clinicId)));
    if (!payer) throw AppError.validation([{ path: 'payerId', message: 'Choose an insurer of this clinic.' }]);
  }
  const id = newId();
  try {
    const row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(r)
        .values({
          id,
          clinicId: ctx.clinicId,
          serviceId,
          payerId: input.payerId ?? null,
          feeCents: input.feeCents,
          validFrom: input.validFrom,
          validTo: input.validTo ?? null,
          createdBy: ctx.userId,
        })
        .returning();
      await recordAudit(tx, ctx, {
        action: 'service.update',
        entityType: 'service',
        entityId: serviceId,
        details: {
          feeRateId: id,
          payerId: input.payerId ?? null,
          feeCents: input.feeCents,
          validFrom: input.validFrom,
        },
      });
      return inserted;
    });
    return toRate(row);
  } catch (error) {
    if (sqlState(error) === '23P01') {
      throw AppError.validation([
        { path: 'validFrom', message: 'Another fee for this service (and insurer) covers some of these dates.' },
      ]);
    }
    throw error;
  }
}

/** The rates in force on `date`: the standard ones (payer null) or one insurer's contracted ones. */
async function ratesOn(db: Db, clinicId: string, payerId: string | null, date: string) {
  return db
    .select({ serviceId: r.serviceId, feeCents: r.feeCents })
    .from(r)
    .where(
      and(
        eq(r.clinicId, clinicId),
        payerId ? eq(r.payerId, payerId) : isNull(r.payerId),
        lte(r.validFrom, date),
        or(isNull(r.validTo), gte(r.validTo, date)),
      ),
    );
}

/** The standard fee of each service on `date`: a dated rate if one is in force, else the catalogue's. */
export async function standardFeesOn(
  db: Db,
  clinicId: string,
  services: readonly { id: string; feeCents: number }[],
  date: string,
): Promise<Map<string, number>> {
  const rows = await ratesOn(db, clinicId, null, date);
  return new Map(services.map((s) => [s.id, rows.find((row) => row.serviceId === s.id)?.feeCents ?? s.feeCents]));
}

/** An insurer's contracted (allowed) amount per unit of each service on `date`, where it has one. */
export async function contractedFeesOn(
  db: Db,
  clinicId: string,
  payerId: string,
  date: string,
): Promise<Map<string, number>> {
  const rows = await ratesOn(db, clinicId, payerId, date);
  return new Map(rows.map((row) => [row.serviceId, row.feeCents]));
}
