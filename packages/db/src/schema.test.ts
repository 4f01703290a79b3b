import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from './database';
import { listMigrations, MIGRATIONS_DIR, migrate } from './migrate';
import * as schema from './schema';
import { createTestDatabase } from './testing';

/**
 * The SQL migrations are the source of truth; `schema.ts` is the typed view the code queries
 * through. They must agree, or a query compiles and fails at run time.
 */

let database: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  const created = await createTestDatabase();
  ({ database, drop } = created);
  // On PostgreSQL the database was empty: every migration ran, in order.
  if (process.env.TEND_TEST_DATABASE_URL) expect(created.migrated).toEqual(listMigrations().map((m) => m.name));
});
afterAll(() => drop());

interface DbColumn {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  data_type: string;
  udt_name: string;
  character_maximum_length: number | null;
}

const tables = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableConfig(table));

/** Element types of arrays as information_schema's udt_name spells them. */
const ARRAY_ELEMENTS: Record<string, string> = { text: '_text', integer: '_int4', bigint: '_int8' };

/** drizzle's SQL type in information_schema's words (arrays: ARRAY and the element's udt_name). */
function informationSchemaType(sqlType: string): { type: string; length: number | null; udt?: string } {
  const char = /^char\((\d+)\)$/.exec(sqlType);
  if (char) return { type: 'character', length: Number(char[1]) };
  if (sqlType === 'bigserial') return { type: 'bigint', length: null };
  if (sqlType.endsWith('[]')) return { type: 'ARRAY', length: null, udt: ARRAY_ELEMENTS[sqlType.slice(0, -2)] };
  return { type: sqlType, length: null };
}

async function databaseColumns(): Promise<Map<string, DbColumn>> {
  const rows = await queryRows<DbColumn>(
    database.db,
    sql`SELECT table_name, column_name, is_nullable, data_type, udt_name, character_maximum_length
        FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> 'tend_migrations'`,
  );
  return new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row]));
}

describe('schema.ts and the migrated database', () => {
  it('describe the same tables', async () => {
    const inDatabase = new Set([...(await databaseColumns()).values()].map((c) => c.table_name));
    expect(tables.map((t) => t.name).sort()).toEqual([...inDatabase].sort());
  });

  it('agree on every column of schema.ts: it exists, with the same nullability and type', async () => {
    const columns = await databaseColumns();
    const problems: string[] = [];
    for (const table of tables) {
      for (const column of table.columns) {
        const key = `${table.name}.${column.name}`;
        const actual = columns.get(key);
        if (!actual) {
          problems.push(`${key} is in schema.ts but not in the database`);
          continue;
        }
        if ((actual.is_nullable === 'NO') !== column.notNull) {
          problems.push(
            `${key}: schema.ts says ${column.notNull ? 'NOT NULL' : 'nullable'}, the database ${actual.is_nullable === 'NO' ? 'NOT NULL' : 'nullable'}`,
          );
        }
        const expected = informationSchemaType(column.getSQLType());
        if (
          expected.type !== actual.data_type ||
          (expected.udt !== undefined && expected.udt !== actual.udt_name) ||
          (expected.length !== null && expected.length !== actual.character_maximum_length)
        ) {
          problems.push(
            `${key}: schema.ts says ${column.getSQLType()}, the database ${actual.data_type} (${actual.udt_name})`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('agree on every column of the database: each is in schema.ts', async () => {
    const declared = new Set(tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)));
    const missing = [...(await databaseColumns()).keys()].filter((key) => !declared.has(key));
    expect(missing).toEqual([]);
  });
});

describe('migrate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tend-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const appliedNames = async () =>
    (await queryRows<{ name: string }>(database.db, sql`SELECT name FROM tend_migrations ORDER BY name`)).map(
      (r) => r.name,
    );

  it('applies each migration once; running it again is a no-op', async () => {
    const all = listMigrations().map((m) => m.name);
    expect(await appliedNames()).toEqual(all);
    expect(await migrate(database)).toEqual([]);
    expect(await migrate(database)).toEqual([]);
    expect(await appliedNames()).toEqual(all);
  });

  it('applies a new migration after the applied ones, once', async () => {
    writeFileSync(join(dir, '9002_probe.sql'), "COMMENT ON TABLE clinics IS 'probe';\n");
    expect(await migrate(database, dir)).toEqual(['9002_probe.sql']);
    expect(await migrate(database, dir)).toEqual([]);
    const [comment] = await queryRows<{ c: string }>(
      database.db,
      sql`SELECT obj_description('clinics'::regclass) AS c`,
    );
    expect(comment.c).toBe('probe');
  });

  it('applies nothing of a migration that fails, and records nothing', async () => {
    writeFileSync(join(dir, '9003_broken.sql'), "COMMENT ON TABLE users IS 'half-done';\nSELECT 1 / 0;\n");
    await expect(migrate(database, dir)).rejects.toThrow();
    const [comment] = await queryRows<{ c: string | null }>(
      database.db,
      sql`SELECT obj_description('users'::regclass) AS c`,
    );
    expect(comment.c).toBeNull();
    expect(await appliedNames()).toEqual([...listMigrations().map((m) => m.name), '9002_probe.sql']);
    rmSync(join(dir, '9003_broken.sql'));
  });

  it('refuses a migration that was changed after it was applied', async () => {
    writeFileSync(join(dir, '9002_probe.sql'), "COMMENT ON TABLE clinics IS 'edited afterwards';\n");
    await expect(migrate(database, dir)).rejects.toThrow(/9002_probe\.sql was changed/);
    const [comment] = await queryRows<{ c: string }>(
      database.db,
      sql`SELECT obj_description('clinics'::regclass) AS c`,
    );
    expect(comment.c).toBe('probe');
  });
});
