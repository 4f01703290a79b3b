import { z } from 'zod';
import { t } from '../i18n';
import { zCents, zDate, zId, zOptionalText, zRequiredText } from '../validation';

/** Request and response shapes of the ledger: payments with allocations, adjustments, balances. */

export const RESPONSIBILITIES = ['insurer', 'patient'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];
export const PAYMENT_METHODS = ['cash', 'card', 'check', 'eft', 'other'] as const;
export const ADJUSTMENT_KINDS = ['contractual', 'discount', 'bad_debt', 'correction'] as const;

const zPositiveCents = zCents.refine((v) => v > 0, { error: () => t('validation.positiveAmount') });

export const zAllocationInput = z.object({
  chargeId: zId,
  responsibility: z.enum(RESPONSIBILITIES),
  amountCents: zPositiveCents,
});

export const zPaymentCreate = z
  .object({
    source: z.enum(['patient', 'insurer']),
    patientId: zId.optional(),
    payerId: zId.optional(),
    method: z.enum(PAYMENT_METHODS),
    /** The card transaction, check number or remittance trace; the same one is refused twice. */
    reference: zOptionalText(80),
    amountCents: zPositiveCents,
    receivedOn: zDate,
    note: zOptionalText(500),
    allocations: z.array(zAllocationInput).max(200).default([]),
  })
  .superRefine((value, ctx) => {
    if (value.source === 'patient' && !value.patientId) {
      ctx.addIssue({ code: 'custom', path: ['patientId'], message: t('validation.paymentPatient') });
    }
    if (value.source === 'insurer' && !value.payerId) {
      ctx.addIssue({ code: 'custom', path: ['payerId'], message: t('validation.paymentPayer') });
    }
    const allocated = value.allocations.reduce((sum, a) => sum + a.amountCents, 0);
    if (allocated > value.amountCents) {
      ctx.addIssue({ code: 'custom', path: ['allocations'], message: t('validation.overAllocated') });
    }
  });
export type PaymentCreate = z.output<typeof zPaymentCreate>;

export const zAdjustmentCreate = z.object({
  chargeId: zId,
  responsibility: z.enum(RESPONSIBILITIES),
  kind: z.enum(ADJUSTMENT_KINDS),
  /** Positive lowers what is owed. */
  amountCents: zPositiveCents,
  reason: zRequiredText(300),
});
export type AdjustmentCreate = z.output<typeof zAdjustmentCreate>;

/** Moves what one side owes to the other (an insurer's denial: the patient owes it). */
export const zTransferCreate = z.object({
  chargeId: zId,
  from: z.enum(RESPONSIBILITIES),
  amountCents: zPositiveCents,
  reason: zRequiredText(300),
});

export const zChargeBalance = z.object({
  chargeId: z.string(),
  encounterId: z.string(),
  serviceDate: z.string(),
  code: z.string(),
  description: z.string(),
  amountCents: z.number().int(),
  insurerCents: z.number().int(),
  patientCents: z.number().int(),
  insurerBalanceCents: z.number().int(),
  patientBalanceCents: z.number().int(),
});
export type ChargeBalance = z.infer<typeof zChargeBalance>;

export const zPatientBalance = z.object({
  patientId: z.string(),
  /** What the patient owes now (their portions less their payments and adjustments). */
  patientBalanceCents: z.number().int(),
  /** What insurers are expected to pay still. */
  insurerBalanceCents: z.number().int(),
  /** Patient payments not yet allocated to a charge (a credit). */
  unappliedCents: z.number().int(),
  charges: z.array(zChargeBalance),
});
export type PatientBalance = z.infer<typeof zPatientBalance>;

export const zPayment = z.object({
  id: z.string(),
  source: z.enum(['patient', 'insurer']),
  patientId: z.string().nullable(),
  payerId: z.string().nullable(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  amountCents: z.number().int(),
  receivedOn: z.string(),
  note: z.string().nullable(),
  reversesId: z.string().nullable(),
  postedAt: z.string(),
  allocations: z.array(
    z.object({ chargeId: z.string(), responsibility: z.enum(RESPONSIBILITIES), amountCents: z.number().int() }),
  ),
});
export type Payment = z.infer<typeof zPayment>;

/** A payment in a list: who paid, who posted it, and how much of it is not yet applied to a charge. */
export const zPaymentListItem = zPayment.extend({
  patientName: z.string().nullable(),
  payerName: z.string().nullable(),
  postedByName: z.string().nullable(),
  /** The amount less its allocations (a reversal's is the negative of what it took back). */
  unappliedCents: z.number().int(),
});
export type PaymentListItem = z.infer<typeof zPaymentListItem>;

export const zPaymentListQuery = z
  .object({
    patientId: zId.optional(),
    payerId: zId.optional(),
    /** Received on or after this date. */
    from: zDate.optional(),
    /** Received on or before this date. */
    to: zDate.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.from && value.to && value.to < value.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: t('validation.dateRange') });
    }
  });
export type PaymentListQuery = z.output<typeof zPaymentListQuery>;

/** Reverses a payment or an adjustment posted by mistake (or refunded): the reason is kept. */
export const zReversalCreate = z.object({ reason: zRequiredText(300) });
export type ReversalCreate = z.output<typeof zReversalCreate>;

/** Applies a payment's unapplied amount (a copay taken before the visit was signed) to charges. */
export const zAllocationsApply = z.object({ allocations: z.array(zAllocationInput).min(1).max(200) });
export type AllocationsApply = z.output<typeof zAllocationsApply>;

/** A fee from a date: the clinic's standard fee (no payer) or a payer's contracted (allowed) amount. */
export const zFeeRateCreate = z
  .object({
    payerId: zId.nullish(),
    feeCents: zCents,
    validFrom: zDate,
    validTo: zDate.nullish(),
  })
  .superRefine((value, ctx) => {
    if (value.validTo && value.validTo < value.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: t('validation.dateRange') });
    }
  });
export type FeeRateCreate = z.output<typeof zFeeRateCreate>;

export const zFeeRate = z.object({
  id: z.string(),
  serviceId: z.string(),
  payerId: z.string().nullable(),
  feeCents: z.number().int(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
});
export type FeeRate = z.infer<typeof zFeeRate>;
