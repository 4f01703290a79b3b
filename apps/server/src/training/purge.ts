import { type Db, queryRows } from '@tend/db';
import { AppError } from '@tend/domain';
import { sql } from 'drizzle-orm';

/**
 * Every row of a training clinic, removed in one transaction — except the clinic row itself and
 * the stand-ins of the people practising there (users.training_for) with their sessions, so
 * whoever is in training stays signed in through a reset.
 *
 * The tables are found in the catalogue (every table with a clinic_id) and emptied children
 * first, in the order of their foreign keys, so a table added later is purged without a change
 * here. The append-only guards let these deletes through only because the transaction names this
 * clinic in `tend.purge_training` and the clinic is a training clinic (migration 0036).
 */
export async function purgeTrainingClinic(db: Db, clinicId: string): Promise<void> {
  const order = await purgeOrder(db);
  await db.transaction(async (tx) => {
    const [clinic] = await queryRows<{ is_training: boolean }>(
      tx,
      sql`SELECT is_training FROM clinics WHERE id = ${clinicId} FOR UPDATE`,
    );
    if (!clinic) throw AppError.notFound('The training clinic');
    if (!clinic.is_training)
      throw new AppError('conflict', 'Only a training clinic can be reset; this is a real clinic.');
    await tx.execute(sql`SELECT set_config('tend.purge_training', ${clinicId}, true)`);
    const standIns = sql`SELECT id FROM users WHERE clinic_id = ${clinicId} AND training_for IS NOT NULL`;
    const leaving = sql`SELECT id FROM users WHERE clinic_id = ${clinicId} AND training_for IS NULL`;
    // Two rounds: the first one's deletes note report days and open balances to recompute at
    // commit (the *_pending tables); the second removes those notes, so nothing is re-created.
    for (let round = 0; round < 2; round++) {
      await tx.execute(sql`DELETE FROM user_recovery_codes WHERE user_id IN (${leaving})`);
      await tx.execute(sql`DELETE FROM mfa_challenges WHERE user_id IN (${leaving})`);
      for (const table of order) {
        const name = sql.raw(`"${table}"`);
        if (table === 'users') {
          await tx.execute(sql`DELETE FROM users WHERE clinic_id = ${clinicId} AND training_for IS NULL`);
        } else if (table === 'sessions') {
          await tx.execute(sql`DELETE FROM sessions WHERE clinic_id = ${clinicId} AND user_id NOT IN (${standIns})`);
        } else {
          await tx.execute(sql`DELETE FROM ${name} WHERE clinic_id = ${clinicId}`);
        }
      }
    }
  });
}

let cachedOrder: Promise<string[]> | undefined;

/** The tables with a clinic_id (but `clinics`), each after every table that refers to it. */
function purgeOrder(db: Db): Promise<string[]> {
  cachedOrder ??= loadPurgeOrder(db).catch((error) => {
    cachedOrder = undefined;
    throw error;
  });
  return cachedOrder;
}

async function loadPurgeOrder(db: Db): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'clinics'
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinic_id' AND NOT a.attisdropped)
         ORDER BY c.relname`,
  );
  const edges = await queryRows<{ child: string; parent: string }>(
    db,
    sql`SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
          JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
         WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace AND k.conrelid <> k.confrelid`,
  );
  const names = new Set(tables.map((t) => t.name));
  // referrers.get(t): the tables whose rows point at t's rows; they are emptied before t.
  const referrers = new Map<string, string[]>();
  for (const { child, parent } of edges) {
    if (!names.has(child) || !names.has(parent)) continue;
    referrers.set(parent, [...(referrers.get(parent) ?? []), child]);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting') throw new Error(`Foreign keys form a cycle through ${table}.`);
    state.set(table, 'visiting');
    for (const child of referrers.get(table) ?? []) visit(child);
    state.set(table, 'done');
    order.push(table);
  };
  for (const { name } of tables) visit(name);
  return order;
}
