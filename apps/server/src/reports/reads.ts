import type { Db, ReadReplica, ReplicaStatus } from '@tend/db';
import { AppError } from '@tend/domain';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../http/deps';

/**
 * Where reports read (docs/scaling.md "Read replica"): with DATABASE_READ_URL, from the replica
 * while it answers and is at most REPLICA_MAX_LAG_SECONDS behind; otherwise — and for any request
 * the replica fails (down, or a query cancelled by a recovery conflict) — from the primary, with a
 * warning in the log when that changes. A report never fails because of the replica. Writes
 * (the audit row of a report read) always go to the primary.
 */

/** Runs a read on the database chosen for it. */
export type Reads = <T>(read: (db: Db) => Promise<T>) => Promise<T>;

/** Beyond this the replica's figures are too old for a report: it reads the primary. */
export const REPLICA_MAX_LAG_SECONDS = 30;
/** How long a replica status is trusted before it is checked again (one query on each server). */
const STATUS_TTL_MS = 5_000;

export class ReplicaReads {
  /** The last status known, and when it was checked. */
  private last: { at: number; status: ReplicaStatus } | null = null;
  private checking: Promise<ReplicaStatus> | null = null;
  /** Whether the last status let reports read the replica (a change is logged). */
  private using = true;

  constructor(
    private readonly primary: Db,
    readonly replica: ReadReplica,
  ) {}

  /** The replica's status now (admin health): also what the next reports go by. */
  status(log?: FastifyBaseLogger): Promise<ReplicaStatus> {
    this.checking ??= this.replica
      .status()
      .then((status) => {
        this.learn(status, log);
        return status;
      })
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  /** Whether the replica is fit to serve reports. */
  static usable(status: ReplicaStatus): boolean {
    return status.available && status.lagSeconds <= REPLICA_MAX_LAG_SECONDS;
  }

  async run<T>(log: FastifyBaseLogger, read: (db: Db) => Promise<T>): Promise<T> {
    // The last status decides; an old one is checked again in the background, so that a replica
    // slow to answer (unreachable: up to the 3 s connection time-out) delays no report.
    const last = this.last;
    if (last && Date.now() - last.at >= STATUS_TTL_MS) void this.status(log);
    const status = last ? last.status : await this.status(log);
    if (ReplicaReads.usable(status)) {
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

  private learn(status: ReplicaStatus, log: FastifyBaseLogger | undefined): void {
    this.last = { at: Date.now(), status };
    this.note(status, log);
  }

  private note(status: ReplicaStatus, log: FastifyBaseLogger | undefined): void {
    const usable = ReplicaReads.usable(status);
    if (usable === this.using) return;
    this.using = usable;
    if (usable) {
      log?.info('the read replica answers again: reports read it');
    } else if (!status.available) {
      log?.warn({ error: status.error }, 'the read replica is unavailable: reports read the primary');
    } else {
      log?.warn(
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
