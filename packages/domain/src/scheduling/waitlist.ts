import { z } from 'zod';
import { t } from '../i18n';
import { zDate, zId, zOptionalText, zRequiredText } from '../validation';
import { zInstant } from './schemas';

/** The waitlist: patients who want an earlier slot of a type (and maybe a provider). */

export const WAITLIST_STATUSES = ['waiting', 'booked', 'removed'] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

export const zWaitlistCreate = z
  .object({
    patientId: zId,
    appointmentTypeId: zId,
    /** Null: any provider who offers the type. */
    providerId: zId.nullish(),
    /** Local dates (the clinic's time zone) the patient can come; open-ended when left out. */
    availableFrom: zDate.nullish(),
    availableUntil: zDate.nullish(),
    note: zOptionalText(500),
  })
  .superRefine((value, ctx) => {
    if (value.availableFrom && value.availableUntil && value.availableUntil < value.availableFrom) {
      ctx.addIssue({ code: 'custom', path: ['availableUntil'], message: t('validation.dateRange') });
    }
  });
export type WaitlistCreate = z.output<typeof zWaitlistCreate>;

export const zWaitlistRemove = z.object({ reason: zRequiredText(200) });

export const zWaitlistQuery = z.object({
  status: z.enum(WAITLIST_STATUSES).default('waiting'),
});

/** A provider's freed time: which waiting patients could take it. */
export const zWaitlistMatchQuery = z
  .object({ providerId: zId, start: zInstant, end: zInstant })
  .superRefine((value, ctx) => {
    if (Date.parse(value.end) <= Date.parse(value.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: t('validation.endAfterStart') });
    }
  });
export type WaitlistMatchQuery = z.output<typeof zWaitlistMatchQuery>;

/**
 * A freed time offered to a waiting patient (by email or text, with a link) and held for them
 * until `holdUntil`: then it is accepted, declined, expired, released by the front desk, or
 * closed because the patient was booked another way (taken).
 */
export const WAITLIST_OFFER_STATUSES = ['offered', 'accepted', 'declined', 'expired', 'released', 'taken'] as const;
export type WaitlistOfferStatus = (typeof WAITLIST_OFFER_STATUSES)[number];

export const zWaitlistOffer = z.object({
  id: z.string(),
  entryId: z.string(),
  providerId: z.string(),
  locationId: z.string(),
  start: z.string(),
  end: z.string(),
  /** The end of the time the hold keeps free (the visit and its buffer). */
  bufferEnd: z.string(),
  holdUntil: z.string(),
  status: z.enum(WAITLIST_OFFER_STATUSES),
  appointmentId: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type WaitlistOffer = z.infer<typeof zWaitlistOffer>;

export const zWaitlistOffersQuery = z.object({ from: zInstant, to: zInstant });

export const zWaitlistEntry = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  appointmentTypeId: z.string(),
  providerId: z.string().nullable(),
  availableFrom: z.string().nullable(),
  availableUntil: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(WAITLIST_STATUSES),
  appointmentId: z.string().nullable(),
  removeReason: z.string().nullable(),
  createdAt: z.string(),
  /** The patient's next booked appointment of this type, the one they hope to move up (if any). */
  nextAppointmentStart: z.string().nullable(),
  /** The times offered to this patient, newest first. */
  offers: z.array(zWaitlistOffer),
});
export type WaitlistEntry = z.infer<typeof zWaitlistEntry>;
