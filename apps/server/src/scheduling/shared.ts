import { type Db, prepared, schema } from '@tend/db';
import { AppError, MAX_SLOT_RANGE_DAYS, offeredBy } from '@tend/domain';
import { and, eq, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';

/** What the scheduling services share: constants, lookups scoped to the clinic. */

export const MINUTE = 60_000;
export const DAY = 86_400_000;
/** How far "next available" looks ahead. */
export const NEXT_AVAILABLE_DAYS = MAX_SLOT_RANGE_DAYS;

export const iso = (date: Date) => date.toISOString();
export const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * The values of independent reads awaited side by side, failing as awaiting them one by one in
 * this order would: the first to fail in the order given is thrown, whichever failed first in
 * time (a booking's reads answer the same error as before they ran side by side).
 */
export async function sideBySide<T extends readonly unknown[]>(reads: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(reads);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** 'YYYY-MM-DD' plus `days`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY).toISOString().slice(0, 10);
}

// ---- Records of the caller's clinic (another clinic's id is a 404) -------------------------------

// The lookups of every booking are prepared (built once per database: `prepared`).
const providerQuery = prepared('tend_require_provider', (d) =>
  d
    .select()
    .from(schema.providers)
    .where(
      and(eq(schema.providers.id, sql.placeholder('id')), eq(schema.providers.clinicId, sql.placeholder('clinicId'))),
    ),
);

export async function requireProvider(db: Db, ctx: ClinicScope, providerId: string) {
  const [row] = await providerQuery(db).execute({ id: providerId, clinicId: ctx.clinicId });
  if (!row) throw AppError.notFound('The provider');
  return row;
}

/** A location named in a body (or, `path` given, a query string): one not of this clinic is a field to fix. */
export async function requireLocationField(db: Db, ctx: ClinicScope, locationId: string, path = 'locationId') {
  const [row] = await db
    .select()
    .from(schema.locations)
    .where(and(eq(schema.locations.id, locationId), eq(schema.locations.clinicId, ctx.clinicId)));
  if (!row) throw AppError.validation([{ path, message: 'Choose one of the clinic’s locations.' }]);
  return row;
}

/** A location named in the path or in a body of its own kind (extra hours): another clinic's is a 404. */
export async function requireLocation(db: Db, ctx: ClinicScope, locationId: string) {
  const [row] = await db
    .select()
    .from(schema.locations)
    .where(and(eq(schema.locations.id, locationId), eq(schema.locations.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The location');
  return row;
}

export type TypeRow = typeof schema.appointmentTypes.$inferSelect & { providerIds: string[] };

// The type and its providers in one round trip.
const typeQuery = prepared('tend_require_type', (d) => {
  const t = schema.appointmentTypes;
  const tp = schema.appointmentTypeProviders;
  return d
    .select({
      type: t,
      providerIds: sql<
        string[]
      >`array(SELECT ${tp.providerId}::text FROM ${tp} WHERE ${tp.appointmentTypeId} = ${t.id})`,
    })
    .from(t)
    .where(and(eq(t.id, sql.placeholder('id')), eq(t.clinicId, sql.placeholder('clinicId'))));
});

export async function requireType(db: Db, ctx: ClinicScope, typeId: string): Promise<TypeRow> {
  const [found] = await typeQuery(db).execute({ id: typeId, clinicId: ctx.clinicId });
  if (!found) throw AppError.notFound('The appointment type');
  return { ...found.type, providerIds: found.providerIds };
}

export type AppointmentRow = typeof schema.appointments.$inferSelect;

export async function requireAppointment(db: Db, ctx: ClinicScope, appointmentId: string): Promise<AppointmentRow> {
  const a = schema.appointments;
  const [row] = await db
    .select()
    .from(a)
    .where(and(eq(a.id, appointmentId), eq(a.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The appointment');
  return row;
}

/** An empty provider list means every provider offers the type. */
export const offers = offeredBy;

// ---- Appointment types ------------------------------------------------------------------------
