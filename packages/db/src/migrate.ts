import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from './database';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface Migration {
  name: string;
  script: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((name) => {
      const script = readFileSync(`${dir}/${name}`, 'utf8');
      return { name, script, checksum: createHash('sha256').update(script).digest('hex') };
    });
}

/**
 * Applies the SQL files of `migrations/` in order, each in its own transaction, once.
 * Several servers starting together on PostgreSQL take turns through an advisory lock.
 * A migration that was changed after it ran is refused: migrations are append-only.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  return database.withExclusiveLock(async () => {
    await database.execScript(`CREATE TABLE IF NOT EXISTS tend_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Map(
      (
        await queryRows<{ name: string; checksum: string }>(
          database.db,
          sql`SELECT name, checksum FROM tend_migrations`,
        )
      ).map((row) => [row.name, row.checksum]),
    );
    const ran: string[] = [];
    for (const migration of listMigrations(dir)) {
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (previous !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied; add a new migration instead.`);
        }
        continue;
      }
      const record = `INSERT INTO tend_migrations (name, checksum) VALUES ('${migration.name}', '${migration.checksum}');`;
      await database.execScript(`${migration.script}\n;${record}`);
      ran.push(migration.name);
    }
    return ran;
  });
}
