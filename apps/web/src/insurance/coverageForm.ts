import type { FormErrors } from '@mantine/form';
import {
  type COVERAGE_RANKS,
  type Coverage,
  type FieldError,
  memberIdError,
  memberIdMatches,
  type Payer,
  parseMoneyToCents,
  type RELATIONSHIPS,
  t,
  zCoverageCreate,
} from '@tend/domain';
import { orNull, zodValidator } from '../components/form';

export type Rank = (typeof COVERAGE_RANKS)[number];
export type Relationship = (typeof RELATIONSHIPS)[number];

export interface CoverageFormValues {
  payerId: string;
  rank: Rank;
  memberId: string;
  groupNumber: string;
  subscriberRelationship: Relationship;
  subscriberName: string;
  subscriberBirthDate: string;
  /** Dollars as typed ("25.00"); the API takes integer cents. */
  copay: string;
  /** The patient's share after the copay, as typed ("20" or "12.5"); the API takes basis points. */
  coinsurance: string;
  validFrom: string;
  validTo: string;
}

/** "20" → 2000 basis points; "" → 0; null when it is not a percentage with at most two decimals. */
export function percentToBps(text: string): number | null {
  const value = text.trim().replace(/\s*%$/, '');
  if (!value) return 0;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(value)) return null;
  const bps = Math.round(Number(value) * 100);
  return bps <= 10_000 ? bps : null;
}

export function newCoverageValues(today: string, rank: Rank): CoverageFormValues {
  return {
    payerId: '',
    rank,
    memberId: '',
    groupNumber: '',
    subscriberRelationship: 'self',
    subscriberName: '',
    subscriberBirthDate: '',
    copay: '',
    coinsurance: '',
    validFrom: today,
    validTo: '',
  };
}

export function coverageToValues(coverage: Coverage): CoverageFormValues {
  return {
    payerId: coverage.payerId,
    rank: coverage.rank,
    memberId: coverage.memberId,
    groupNumber: coverage.groupNumber ?? '',
    subscriberRelationship: coverage.subscriberRelationship,
    subscriberName: coverage.subscriberName ?? '',
    subscriberBirthDate: coverage.subscriberBirthDate ?? '',
    copay: coverage.copayCents === null ? '' : (coverage.copayCents / 100).toFixed(2),
    coinsurance: coverage.coinsuranceBps ? String(coverage.coinsuranceBps / 100) : '',
    validFrom: coverage.validFrom,
    validTo: coverage.validTo ?? '',
  };
}

/** zCoverageCreate's input. When the patient is the subscriber, the subscriber fields are empty. */
export function coverageToInput(values: CoverageFormValues) {
  const self = values.subscriberRelationship === 'self';
  const copay = values.copay.trim();
  return {
    payerId: values.payerId,
    rank: values.rank,
    memberId: values.memberId.trim(),
    groupNumber: orNull(values.groupNumber),
    subscriberRelationship: values.subscriberRelationship,
    subscriberName: self ? null : orNull(values.subscriberName),
    subscriberBirthDate: self ? null : orNull(values.subscriberBirthDate),
    copayCents: copay ? parseMoneyToCents(copay) : null,
    coinsuranceBps: percentToBps(values.coinsurance) ?? Number.NaN,
    validFrom: values.validFrom.trim(),
    validTo: orNull(values.validTo),
  };
}

/** A PATCH: everything but the payer (a coverage's payer does not change; add another coverage). */
export function coverageToPatch(values: CoverageFormValues) {
  const { payerId: _payerId, ...patch } = coverageToInput(values);
  return patch;
}

export const coveragePath = (path: string) =>
  path === 'copayCents' ? 'copay' : path === 'coinsuranceBps' ? 'coinsurance' : path;

/** The server's checks, before sending: schema, copay amount, the payer's member ID format. */
export function coverageValidator(payers: Payer[]) {
  return (values: CoverageFormValues): FormErrors =>
    zodValidator(zCoverageCreate, coverageToInput, {
      mapPath: coveragePath,
      extra: (input) => {
        const errors: FieldError[] = [];
        if (values.copay.trim() && input.copayCents === null) {
          errors.unshift({ path: 'copay', message: t('validation.money') });
        }
        const payer = payers.find((p) => p.id === input.payerId);
        if (payer && input.memberId && !memberIdMatches(input.memberId, payer.memberIdPattern)) {
          errors.push({ path: 'memberId', message: memberIdError(payer) });
        }
        return errors;
      },
    })(values);
}
