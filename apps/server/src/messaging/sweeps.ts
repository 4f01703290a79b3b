import type { Db } from '@tend/db';
import { sweepBalanceReminders } from '../billing/balance-reminders';
import { sweepDowntimePrint } from '../downtime/evening';
import { sweepRecalls } from '../recalls/sweep';
import { expireOffers } from '../waitlist/offers';
import type { MessagingEnv } from './outbox';

/**
 * Time-driven work the outbox worker does before each pass: what becomes due by the clock rather
 * than by an event (a waitlist offer's hold running out, a balance turning 30 days old, a recall
 * coming due). A sweep must be safe to run on several server processes at once and as often as
 * every few seconds: it claims what it handles (a row update or an advisory lock) and does nothing
 * when nothing is due. It writes messages into the outbox; the pass that follows delivers them.
 */
export type Sweep = (db: Db, env: MessagingEnv, now: Date) => Promise<unknown>;

/** Every sweep, in the order they run. */
export const SWEEPS: readonly Sweep[] = [
  // Waitlist offers whose hold ended: expired, and the time offered to the next patient.
  (db, _env, now) => expireOffers(db, now),
  // Invoices unpaid long enough: a friendly email with the invoice attached (once a clinic day).
  sweepBalanceReminders,
  // Recalls coming due with nothing booked: a message with a link to book (at most two).
  sweepRecalls,
  // The evening's downtime kit (schedule and contact sheet PDFs) into the backup folder, once a clinic day.
  sweepDowntimePrint,
];

/** Runs each sweep; one that fails does not keep the others (or the outbox) from running. */
export async function runSweeps(
  db: Db,
  env: MessagingEnv,
  now: Date,
  sweeps: readonly Sweep[] = SWEEPS,
): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const sweep of sweeps) {
    try {
      await sweep(db, env, now);
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
