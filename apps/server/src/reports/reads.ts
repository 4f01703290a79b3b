import type { Db, ReadReplica, ReplicaStatus } from '@tend/db';
import { AppError } from '@tend/domain';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../http/deps';

/**
 * Where reports read (docs/scaling.md "Read replica"): with DATABASE_READ_URL, from the replica
 * while its last check says it answers, is a standby and is at most REPLICA_MAX_LAG_SECONDS
 * behind; otherwise — and for any request the replica fails (down, or a query cancelled by a
 * recovery conflict) — from the primary, with a warning in the log when that changes. A report never fails because of the replica. Writes
 * (the audit row of a report read) always go to the primary.
 */

/** Runs a read on the database chosen for it. */
export type Reads = <T>(read: (db: Db) => Promise<T>) => Promise<T>;

/** Beyond this the replica's figures are too old for a report: it reads the primary. */
export const REPLICA_MAX_LAG_SECONDS = 30;
/** How often each server checks the replica (one query on each server), whether or not anyone asks. */
const CHECK_INTERVAL_MS = 5_000;
/** What reports and health go by until the first check has answered. */
const NOT_CHECKED: ReplicaStatus = {
  available: false,
  error: 'not checked yet: Tend checks the read replica when it starts, then every 5 seconds',
};

export class ReplicaReads {
  /** The last status known (null: the first check has not answered yet). */
  private last: ReplicaStatus | null = null;
  private checking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Whether the last status let reports read the replica (a change is logged). */
  private using = true;

  constructor(
    private readonly primary: Db,
    readonly replica: ReadReplica,
  ) {}

  /**
   * Checks the replica now and every 5 seconds in the background: reports and health go by the
   * last check and never wait for one (a replica that drops packets answers nothing for seconds).
   * Resolves when the first check has answered.
   */
  start(log: FastifyBaseLogger): Promise<void> {
    const check = () => {
      this.checking ??= this.replica
        .status()
        .then((status) => this.learn(status, log))
        .finally(() => {
          this.checking = null;
        });
      return this.checking;
    };
    this.timer ??= setInterval(check, CHECK_INTERVAL_MS);
    this.timer.unref();
    return check();
  }

  /** Stops checking; waits for a check in progress (before the pools close). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  /** The status of the last check (admin health): what reports go by. */
  status(): ReplicaStatus {
    return this.last ?? NOT_CHECKED;
  }

  /** Whether the replica is fit to serve reports: a standby that answers and is not too far behind. */
  static usable(status: ReplicaStatus): boolean {
    return status.available && status.standby && status.lagSeconds <= REPLICA_MAX_LAG_SECONDS;
  }

  async run<T>(log: FastifyBaseLogger, read: (db: Db) => Promise<T>): Promise<T> {
    if (this.last && ReplicaReads.usable(this.last)) {
      try {
        return await read(this.replica.db);
      } catch (error) {
        // A refusal of the request itself (a filter naming nothing) is the answer, from either server.
        if (error instanceof AppError) throw error;
        this.learn({ available: false, error: (error as Error).message }, log);
      }
    }
    return read(this.primary);
  }

  private learn(status: ReplicaStatus, log: FastifyBaseLogger): void {
    this.last = status;
    const usable = ReplicaReads.usable(status);
    if (usable === this.using) return;
    this.using = usable;
    if (usable) {
      log.info('the read replica answers again: reports read it');
    } else if (!status.available) {
      log.warn({ error: status.error }, 'the read replica is unavailable: reports read the primary');
    } else if (!status.standby) {
      log.warn('the read replica is not a standby (DATABASE_READ_URL): reports read the primary');
    } else {
      log.warn(
        { lagSeconds: status.lagSeconds, maxLagSeconds: REPLICA_MAX_LAG_SECONDS },
        'the read replica is too far behind: reports read the primary',
      );
    }
  }
}

/** The reads of one request: the replica's when there is one, else the primary's. */
export function reportReads(deps: Deps, log: FastifyBaseLogger): Reads {
  const { replica } = deps;
  if (!replica) {
    const { db } = deps.database;
    return (read) => read(db);
  }
  return (read) => replica.run(log, read);
}
