import { z } from 'zod';
import type { AuditAction } from './audit';

/**
 * Accounting of disclosures: the audited actions that send a patient's information out of the
 * clinic — to an insurer, by email or text, or to the patient as a copy of the record — each with
 * its usual purpose. Writers put `recipient` (a payer's or an address's name, never typed text) and
 * `purpose` in the audit row's details; older rows fall back to `to` and these purposes.
 */
export const DISCLOSURE_PURPOSES = ['treatment', 'payment', 'operations', 'patient_request'] as const;
export type DisclosurePurpose = (typeof DISCLOSURE_PURPOSES)[number];

export const DISCLOSURE_ACTIONS = {
  'claim.submit': 'payment',
  'claim.export': 'payment',
  'claim.print': 'payment',
  'email.send': 'operations',
  'email.retry': 'operations',
  'sms.send': 'operations',
  'patient.export': 'patient_request',
} as const satisfies Partial<Record<AuditAction, DisclosurePurpose>>;
export type DisclosureAction = keyof typeof DISCLOSURE_ACTIONS;

/** Why a message went out, from what it is about: bills are payment, visits treatment. */
export function messagePurpose(relatedType: string | null | undefined): DisclosurePurpose {
  switch (relatedType) {
    case 'invoice':
    case 'statement':
      return 'payment';
    case 'appointment':
    case 'waitlist_offer':
    case 'recall':
      return 'treatment';
    default:
      return 'operations';
  }
}

export const zDisclosure = z.object({
  id: z.string(),
  occurredAt: z.string(),
  action: z.string(),
  recipient: z.string().nullable(),
  purpose: z.enum(DISCLOSURE_PURPOSES),
  actorName: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
});
export type Disclosure = z.infer<typeof zDisclosure>;

export const zDisclosureQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
