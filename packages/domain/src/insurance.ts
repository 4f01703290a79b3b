import { z } from 'zod';
import { t } from './i18n';
import { zCents, zDate, zOptionalPersonName, zOptionalText, zRequiredText } from './validation';

/** Payers (insurers) and patients' insurance coverages. */

export function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`);
    return true;
  } catch {
    return false;
  }
}

/** A member ID matches the payer's format when the payer defines one (whole-string match). */
export function memberIdMatches(memberId: string, pattern: string | null): boolean {
  if (!pattern) return true;
  return new RegExp(`^(?:${pattern})$`, 'i').test(memberId.trim());
}

export const zPayerCreate = z.object({
  name: zRequiredText(200),
  payerCode: zOptionalText(40),
  memberIdPattern: zOptionalText(200).refine((v) => v === null || isValidPattern(v), {
    error: () => t('validation.memberIdPattern'),
  }),
  memberIdExample: zOptionalText(60),
  phone: zOptionalText(40),
});
export const zPayerPatch = zPayerCreate.partial().extend({ active: z.boolean().optional() });

export const zPayer = z.object({
  id: z.string(),
  name: z.string(),
  payerCode: z.string().nullable(),
  memberIdPattern: z.string().nullable(),
  memberIdExample: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
});
export type Payer = z.infer<typeof zPayer>;

export const COVERAGE_RANKS = ['primary', 'secondary', 'tertiary'] as const;
export const RELATIONSHIPS = ['self', 'spouse', 'child', 'other'] as const;

const coverageFields = {
  payerId: z.uuid({ error: () => t('validation.required') }),
  rank: z.enum(COVERAGE_RANKS).default('primary'),
  memberId: zRequiredText(40),
  groupNumber: zOptionalText(40),
  subscriberName: zOptionalPersonName,
  subscriberRelationship: z.enum(RELATIONSHIPS).default('self'),
  subscriberBirthDate: zDate.nullish().transform((v) => v ?? null),
  copayCents: zCents.nullish().transform((v) => v ?? null),
  validFrom: zDate,
  validTo: zDate.nullish().transform((v) => v ?? null),
};

function checkValidDates(value: { validFrom?: string; validTo?: string | null }, ctx: z.RefinementCtx) {
  if (value.validFrom && value.validTo && value.validTo < value.validFrom) {
    ctx.addIssue({ code: 'custom', path: ['validTo'], message: t('validation.dateRange') });
  }
}

export const zCoverageCreate = z.object(coverageFields).superRefine(checkValidDates);
export type CoverageCreate = z.output<typeof zCoverageCreate>;

export const zCoveragePatch = z
  .object({
    rank: z.enum(COVERAGE_RANKS),
    memberId: zRequiredText(40),
    groupNumber: zOptionalText(40),
    subscriberName: zOptionalPersonName,
    subscriberRelationship: z.enum(RELATIONSHIPS),
    subscriberBirthDate: zDate.nullable(),
    copayCents: zCents.nullable(),
    validFrom: zDate,
    validTo: zDate.nullable(),
  })
  .partial()
  .superRefine(checkValidDates);
export type CoveragePatch = z.output<typeof zCoveragePatch>;

export const zCoverage = z.object({
  id: z.string(),
  patientId: z.string(),
  payerId: z.string(),
  payerName: z.string(),
  rank: z.enum(COVERAGE_RANKS),
  memberId: z.string(),
  groupNumber: z.string().nullable(),
  subscriberName: z.string().nullable(),
  subscriberRelationship: z.enum(RELATIONSHIPS),
  subscriberBirthDate: z.string().nullable(),
  copayCents: z.number().nullable(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  createdAt: z.string(),
});
export type Coverage = z.infer<typeof zCoverage>;

export function memberIdError(payer: { name: string; memberIdExample: string | null }): string {
  const example = payer.memberIdExample ? ` (e.g. ${payer.memberIdExample})` : '';
  return t('validation.memberId', { payer: payer.name, example });
}
