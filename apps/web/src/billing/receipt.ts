import type { PostedPayment } from './PaymentForm';

/**
 * Receipts of the payments posted from this browser tab, kept in memory only (never in storage:
 * they name a patient), so the receipt page can print what was just taken.
 */
const posted = new Map<string, PostedPayment>();

export function rememberPayment(payment: PostedPayment): void {
  posted.set(payment.payment.id, payment);
}

export function postedPayment(id: string): PostedPayment | undefined {
  return posted.get(id);
}
