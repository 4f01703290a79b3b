import { z } from 'zod';
import { t } from './i18n';
import { zRequiredText, zText } from './validation';

/** Emergency access ("break the glass") to a restricted patient's clinical record. */

/** A reason a reviewer can judge: at least this many characters. */
export const EMERGENCY_REASON_MIN = 10;

export const zEmergencyAccessRequest = z.object({
  reason: zRequiredText(1000).refine((v) => v.length >= EMERGENCY_REASON_MIN, {
    error: () => t('validation.emergencyReason', { min: EMERGENCY_REASON_MIN }),
  }),
});
export type EmergencyAccessRequest = z.infer<typeof zEmergencyAccessRequest>;

export const EMERGENCY_OUTCOMES = ['appropriate', 'inappropriate'] as const;

export const zEmergencyReview = z.object({
  outcome: z.enum(EMERGENCY_OUTCOMES, { error: () => t('validation.emergencyOutcome') }),
  note: zText(1000)
    .nullish()
    .transform((v) => (v ? v : null)),
});
export type EmergencyReview = z.infer<typeof zEmergencyReview>;

export const zEmergencyAccess = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  userId: z.string(),
  userName: z.string(),
  reason: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
  reviewedAt: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  reviewOutcome: z.enum(EMERGENCY_OUTCOMES).nullable(),
  reviewNote: z.string().nullable(),
});
export type EmergencyAccess = z.infer<typeof zEmergencyAccess>;

export const zRestrictedPatch = z.object({ restricted: z.boolean() });

/** How the signed-in user reaches a patient's clinical record (the chart page asks before loading it). */
export const zClinicalAccess = z.object({
  restricted: z.boolean(),
  /** open: not restricted; care: a care provider; emergency: under a grant; denied: neither. */
  kind: z.enum(['open', 'care', 'emergency', 'denied']),
  emergencyAccessId: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** The user may ask for emergency access (their role has `emergency.access`). */
  emergencyAccessAvailable: z.boolean(),
});
export type ClinicalAccess = z.infer<typeof zClinicalAccess>;

export const zEmergencyAccessQuery = z.object({
  status: z.enum(['unreviewed', 'all']).default('unreviewed'),
});
