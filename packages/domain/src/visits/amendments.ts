import { z } from 'zod';
import { t } from '../i18n';
import { zDate, zId, zRequiredText } from '../validation';

/**
 * A patient's request to amend their record (HIPAA §164.526, ONC 170.315(d)(4)). The request is
 * recorded as received; a decision follows once. Accepted: the record is corrected (for a visit,
 * with an addendum the request links to). Denied: the request, the reason and the patient's
 * statement of disagreement stay attached to the record they concern. Nothing is ever removed.
 */

export const AMENDMENT_STATUSES = ['pending', 'accepted', 'denied'] as const;
export type AmendmentStatus = (typeof AMENDMENT_STATUSES)[number];

export const zAmendmentCreate = z.object({
  /** The visit the request concerns; none for demographics or the record as a whole. */
  encounterId: zId.nullish().transform((v) => v ?? null),
  /** The day the clinic received the request (the 60-day answer period runs from it). */
  receivedOn: zDate,
  /** What the patient asks to change, in their words. */
  request: zRequiredText(4000),
});
export type AmendmentCreate = z.output<typeof zAmendmentCreate>;

export const zAmendmentDecision = z
  .object({
    outcome: z.enum(['accepted', 'denied']),
    /** Accepted: what was corrected. Denied: the reason, as told to the patient. */
    note: zRequiredText(2000),
    /** Accepted on a visit: the addendum that made the correction. */
    addendumId: zId.nullish().transform((v) => v ?? null),
  })
  .superRefine((value, ctx) => {
    if (value.outcome === 'denied' && value.addendumId) {
      ctx.addIssue({ code: 'custom', path: ['addendumId'], message: t('amendment.noAddendumWhenDenied') });
    }
  });
export type AmendmentDecision = z.output<typeof zAmendmentDecision>;

export const zAmendmentDisagreement = z.object({ statement: zRequiredText(4000) });

export const zAmendment = z.object({
  id: z.string(),
  patientId: z.string(),
  encounterId: z.string().nullable(),
  /** The visit's date, to name it (null without a visit). */
  encounterDate: z.string().nullable(),
  receivedOn: z.string(),
  request: z.string(),
  recordedByName: z.string(),
  recordedAt: z.string(),
  status: z.enum(AMENDMENT_STATUSES),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  addendumId: z.string().nullable(),
  disagreement: z.string().nullable(),
  disagreementAt: z.string().nullable(),
  /** The day a decision is due (60 days after receipt), for pending requests. */
  dueOn: z.string(),
});
export type Amendment = z.output<typeof zAmendment>;
