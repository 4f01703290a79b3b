import type { Database } from '@tend/db';
import type { Config } from '../config';

/** What route modules need from the running server. */
export interface Deps {
  database: Database;
  config: Config;
  /** Secret the local command line presents to a running server (embedded database). */
  cliSecret: string | null;
}
