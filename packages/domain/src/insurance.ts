import { z } from 'zod';
import { t } from './i18n';
import { zCents, zDate, zOptionalPersonName, zOptionalText, zRequiredText } from './validation';

/** Payers (insurers) and patients' insurance coverages. */

const PATTERN_ATOM = /^(?:\[(?:\\.|[^\]\\])+\]|\\[dDwWsS]|\\[^\w\s]|\.|[\p{L}\p{N} _\-/#])/u;
const PATTERN_QUANTIFIER = /^(?:\{\d{1,2}(?:,\d{0,2})?\}|[?*+])/;
const MAX_VARIABLE_ATOMS = 3;

/**
 * A member-ID format is a small regular expression: character classes (`[A-Z]`), `\d`, `\w`,
 * literals and quantifiers (`{3}`, `{6,9}`, `?`, `+`, `*`) — no groups, alternation or
 * back-references, and at most three variable-length parts. That keeps every format fast to
 * match (a pattern such as `(a+)+` could otherwise stall the server on one typed ID).
 */
export function isValidPattern(pattern: string): boolean {
  let rest = pattern;
  let variable = 0;
  if (!rest) return false;
  while (rest) {
    const atom = PATTERN_ATOM.exec(rest);
    if (!atom) return false;
    rest = rest.slice(atom[0].length);
    const quantifier = PATTERN_QUANTIFIER.exec(rest);
    if (quantifier) {
      rest = rest.slice(quantifier[0].length);
      if (!/^\{\d+\}$/.test(quantifier[0])) variable++;
    }
  }
  if (variable > MAX_VARIABLE_ATOMS) return false;
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return true;
  } catch {
    return false;
  }
}

/** A member ID matches the payer's format when the payer defines one (whole-string match). */
export function memberIdMatches(memberId: string, pattern: string | null): boolean {
  if (!pattern || !isValidPattern(pattern)) return true;
  return new RegExp(`^(?:${pattern})$`, 'iu').test(memberId.trim());
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

const zCoinsurance = z
  .number({ error: () => t('validation.coinsurance') })
  .int({ error: () => t('validation.coinsurance') })
  .min(0, { error: () => t('validation.coinsurance') })
  .max(10_000, { error: () => t('validation.coinsurance') });

const coverageFields = {
  payerId: z.uuid({ error: () => t('validation.required') }),
  rank: z.enum(COVERAGE_RANKS).default('primary'),
  memberId: zRequiredText(40),
  groupNumber: zOptionalText(40),
  subscriberName: zOptionalPersonName,
  subscriberRelationship: z.enum(RELATIONSHIPS).default('self'),
  subscriberBirthDate: zDate.nullish().transform((v) => v ?? null),
  copayCents: zCents.nullish().transform((v) => v ?? null),
  /** The patient's share after the copay, in basis points (2000 = 20 %). */
  coinsuranceBps: zCoinsurance.default(0),
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
    coinsuranceBps: zCoinsurance,
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
  coinsuranceBps: z.number().int(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  createdAt: z.string(),
});
export type Coverage = z.infer<typeof zCoverage>;

export function memberIdError(payer: { name: string; memberIdExample: string | null }): string {
  const example = payer.memberIdExample ? ` (e.g. ${payer.memberIdExample})` : '';
  return t('validation.memberId', { payer: payer.name, example });
}
