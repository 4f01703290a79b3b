import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '@tend/db';
import { dropStaleTestDatabases } from '@tend/db/test-databases';
import type {} from '@tend/db/testing'; // the ProvidedContext type of `pgliteTemplate`
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  if (process.env.TEND_TEST_DATABASE_URL) {
    // A killed run's databases stay on the server: a run drops those of runs long gone first.
    const dropped = await dropStaleTestDatabases(process.env.TEND_TEST_DATABASE_URL);
    if (dropped.length)
      console.log(`Dropped ${dropped.length} test database(s) left by killed runs: ${dropped.join(', ')}`);
    project.provide('pgliteTemplate', '');
    return;
  }
  const database = await openDatabase({});
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  const path = join(tmpdir(), `tend-template-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', path);
}
