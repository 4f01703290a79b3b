import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '@tend/db';
import type {} from '@tend/db/testing'; // the ProvidedContext type of `pgliteTemplate`
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  if (process.env.TEND_TEST_DATABASE_URL) {
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
