import { type Db, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';

/**
 * The cross-account sign-in limit: failed sign-ins from one client address (as Fastify computes
 * `request.ip`: the connection's address, or the proxy's `X-Forwarded-For` with TEND_TRUST_PROXY=1),
 * counted in the database so every server process on it shares the count. Past the limit, sign-ins
 * from that address are refused before any password hashing until the window ends.
 *
 * Every attempt claims a place in the count before the password is checked, and a successful one
 * gives it back: what stays counted are the failures, and a burst sent all at once gets no more
 * password checks than the limit.
 */
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;
export const SIGN_IN_WINDOW_MINUTES = 15;
const WINDOW_MS = SIGN_IN_WINDOW_MINUTES * 60_000;

const keyOf = (ip: string) => `ip:${ip}`;

/**
 * Claims an attempt for this address (one atomic upsert, so concurrent attempts all count).
 * Returns 0 when the attempt may go on, else the seconds until the address may try again.
 */
export async function claimSignInAttempt(db: Db, ip: string | null, now: Date): Promise<number> {
  if (!ip) return 0;
  const expired = sql`${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`;
  const claimed = await queryRows<{ key: string }>(
    db,
    sql`INSERT INTO auth_throttle AS t (key, window_start, failures)
        VALUES (${keyOf(ip)}, ${now.toISOString()}::timestamptz, 1)
        ON CONFLICT (key) DO UPDATE SET
          window_start = CASE WHEN t.window_start <= ${expired} THEN excluded.window_start ELSE t.window_start END,
          failures = CASE WHEN t.window_start <= ${expired} THEN 1 ELSE t.failures + 1 END
        WHERE t.window_start <= ${expired} OR t.failures < ${SIGN_IN_FAILURES_PER_ADDRESS}::int
        RETURNING key`,
  );
  if (claimed.length > 0) return 0;
  const [row] = await queryRows<{ window_start: Date | string }>(
    db,
    sql`SELECT window_start FROM auth_throttle WHERE key = ${keyOf(ip)}`,
  );
  const ends = new Date(row?.window_start ?? now).getTime() + WINDOW_MS;
  return Math.max(1, Math.ceil((ends - now.getTime()) / 1000));
}

/** Gives back the attempt claimed by a successful sign-in, and clears the windows that ended. */
export async function releaseSignInAttempt(db: Db, ip: string | null, now: Date): Promise<void> {
  if (!ip) return;
  await db.execute(sql`UPDATE auth_throttle SET failures = failures - 1 WHERE key = ${keyOf(ip)} AND failures > 0`);
  await db.execute(
    sql`DELETE FROM auth_throttle WHERE window_start <= ${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`,
  );
}
