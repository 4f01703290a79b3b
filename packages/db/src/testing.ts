import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from './database';
import { migrate } from './migrate';
import { testDatabaseName } from './test-databases';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated embedded database, dumped once by the global setup; each test file starts from a copy. */
    pgliteTemplate: string;
  }
}

/**
 * A real, migrated database for one test file: on PostgreSQL (TEND_TEST_DATABASE_URL) a new
 * database (`testDatabaseName`), dropped afterwards — or, if the run is killed, by a later run's
 * start (`dropStaleTestDatabases`); embedded, a copy of the migrated template. `migrated` lists
 * the migrations this call applied (none for the embedded copy). `poolSize` (PostgreSQL) lets
 * concurrency tests really run requests side by side.
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<{
  database: Database;
  migrated: string[];
  /** The PostgreSQL database's URL, for opening a second connection pool as another server process would. */
  url?: string;
  drop: () => Promise<void>;
}> {
  const serverUrl = process.env.TEND_TEST_DATABASE_URL;
  if (!serverUrl) {
    const template = readFileSync(inject('pgliteTemplate'));
    const database = await openDatabase({ loadDataDir: new Blob([template]) });
    return { database, migrated: [], drop: () => database.close() };
  }
  const name = testDatabaseName();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: options.poolSize ?? 5 });
  const migrated = await migrate(database);
  return {
    database,
    migrated,
    url: url.toString(),
    drop: async () => {
      // Closed already by a test that takes the database away: dropped all the same.
      await database.close().catch(() => undefined);
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
