import { type Db, schema } from '@tend/db';
import { and, asc, desc, eq, inArray, like, sql } from 'drizzle-orm';

/** SQL of the ICD-10-CM code table. The code set is global: no clinic scope. */

const c = schema.icd10Codes;
export type Icd10Row = typeof c.$inferSelect;

const columns = { code: c.code, description: c.description, billable: c.billable };
export type Icd10Hit = { code: string; description: string; billable: boolean };

export async function findIcd10Row(db: Db, code: string): Promise<Icd10Hit | undefined> {
  const [row] = await db.select(columns).from(c).where(eq(c.code, code));
  return row;
}

/** Codes beginning with `prefix` (stored form): billable first, then the exact code, the common ones, the shortest. */
export async function searchIcd10ByPrefix(db: Db, prefix: string, limit: number): Promise<Icd10Hit[]> {
  return db
    .select(columns)
    .from(c)
    .where(like(c.code, `${prefix}%`))
    .orderBy(
      desc(c.billable),
      desc(sql`${c.code} = ${prefix}`),
      desc(c.common),
      asc(sql`length(${c.code})`),
      asc(c.code),
    )
    .limit(limit);
}

/**
 * Codes whose description holds every group of terms (any alternative of a group, at the start of
 * a word). Billable first, the curated common codes next, then the shortest description (the
 * general code before its many specific variants).
 */
export async function searchIcd10ByWords(
  db: Db,
  groups: string[][],
  limit: number,
  excludePrefix?: string,
): Promise<Icd10Hit[]> {
  const text = sql`lower(${c.description})`;
  const wordStart = (term: string) => sql`${text} ~ ${`\\m${escapeRegex(term.toLowerCase())}`}`;
  const conditions = groups.map((alternatives) => sql`(${sql.join(alternatives.map(wordStart), sql` OR `)})`);
  return db
    .select(columns)
    .from(c)
    .where(and(...conditions, excludePrefix ? sql`${c.code} NOT LIKE ${`${excludePrefix}%`}` : undefined))
    .orderBy(desc(c.billable), desc(c.common), asc(sql`length(${c.description})`), asc(c.code))
    .limit(limit);
}

/** The most likely billable code under a header: a common one first, then the shortest. */
export async function firstBillableUnder(db: Db, prefix: string): Promise<string | undefined> {
  const [row] = await db
    .select({ code: c.code })
    .from(c)
    .where(and(like(c.code, `${prefix}_%`), eq(c.billable, true)))
    .orderBy(desc(c.common), asc(sql`length(${c.code})`), asc(c.code))
    .limit(1);
  return row?.code;
}

export async function allIcd10Rows(
  db: Db,
): Promise<Map<string, Pick<Icd10Row, 'description' | 'billable' | 'source'>>> {
  const rows = await db
    .select({ code: c.code, description: c.description, billable: c.billable, source: c.source })
    .from(c);
  return new Map(rows.map(({ code, ...rest }) => [code, rest]));
}

const BATCH = 1000;

/** Inserts or replaces codes as billable codes of `source`, in batches (a full CMS file is ~74,000). */
export async function upsertBillableIcd10(
  db: Db,
  codes: Array<{ code: string; description: string }>,
  source: string,
): Promise<void> {
  for (let i = 0; i < codes.length; i += BATCH) {
    await db
      .insert(c)
      .values(codes.slice(i, i + BATCH).map(({ code, description }) => ({ code, description, billable: true, source })))
      .onConflictDoUpdate({
        target: c.code,
        set: { description: sql`excluded.description`, billable: true, source, updatedAt: sql`now()` },
      });
  }
}

/** Marks codes not billable any more; they stay, so that old visits keep their text. */
export async function retireIcd10(db: Db, codes: string[]): Promise<void> {
  for (let i = 0; i < codes.length; i += BATCH) {
    await db
      .update(c)
      .set({ billable: false, updatedAt: sql`now()` })
      .where(inArray(c.code, codes.slice(i, i + BATCH)));
  }
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
