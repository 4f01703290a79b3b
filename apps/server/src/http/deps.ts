import type { Database } from '@tend/db';
import type { Config } from '../config';
import type { ReplicaReads } from '../reports/reads';

/** What route modules need from the running server. */
export interface Deps {
  database: Database;
  config: Config;
  /** Secret the local command line presents to a running server (embedded database). */
  cliSecret: string | null;
  /** DATABASE_READ_URL: the read replica reports read (reports/reads.ts). */
  replica?: ReplicaReads;
}
