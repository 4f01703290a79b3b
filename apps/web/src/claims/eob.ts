import { parseMoneyToCents } from '@tend/domain';

/**
 * The arithmetic of one EOB line as the form shows it, before posting: the amounts typed (in
 * dollars) as cents, the contractual write-off the line leaves, and an underpayment against the
 * contract (which the server leaves owed by the insurer).
 */

export interface EobLineInput {
  /** The line's charge, in cents. */
  billedCents: number;
  /** The insurer's contracted amount for the line, null without a contract. */
  contractCents: number | null;
  allowed: string;
  paid: string;
  patient: string;
  denied: boolean;
}

export interface EobLineFigures {
  /** null when the text typed is not an amount (empty counts as 0). */
  paidCents: number | null;
  patientCents: number | null;
  /** null when left empty (or not an amount). */
  allowedCents: number | null;
  writeOffCents: number;
  underpaidCents: number;
}

/** A typed amount in cents: empty is 0, anything else not an amount is null. */
export function typedCents(value: string): number | null {
  return value.trim() === '' ? 0 : parseMoneyToCents(value);
}

export function eobLine(input: EobLineInput): EobLineFigures {
  const paidCents = typedCents(input.paid);
  const patientCents = typedCents(input.patient);
  const allowedCents = input.allowed.trim() === '' ? null : parseMoneyToCents(input.allowed);
  let writeOffCents = 0;
  let underpaidCents = 0;
  // A denied line is not written off (it stays owed by the insurer until worked).
  if (!input.denied && paidCents !== null && patientCents !== null) {
    if (input.contractCents !== null) {
      // With a contract: billed − allowed is written off; allowed − paid − patient stays owed.
      const allowed = allowedCents ?? input.contractCents;
      writeOffCents = Math.max(0, input.billedCents - allowed);
      underpaidCents = Math.max(0, allowed - paidCents - patientCents);
    } else {
      // Without one: whatever is neither paid nor the patient's.
      writeOffCents = Math.max(0, input.billedCents - paidCents - patientCents);
    }
  }
  return { paidCents, patientCents, allowedCents, writeOffCents, underpaidCents };
}
