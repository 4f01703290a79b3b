import { z } from 'zod';
import { isValidNpi } from '../clinic';
import { zCents, zDate, zId, zOptionalText } from '../validation';

/**
 * Insurance claims: the CMS-1500 data set built from a signed visit and the patient's coverage,
 * its statuses and history, and an insurer's remittance (a paper EOB) posted per service line.
 */

export const CLAIM_STATUSES = [
  'draft',
  'ready',
  'submitted',
  'accepted',
  'rejected',
  'paid',
  'partially_paid',
  'denied',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Which coverage a claim bills (box 11 vs 9 of the CMS-1500; SBR01 P/S of the 837P). */
export const CLAIM_RANKS = ['primary', 'secondary'] as const;
export type ClaimRank = (typeof CLAIM_RANKS)[number];

const zPostalAddress = z.object({
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  /** State / region code (e.g. "NY"). */
  region: z.string().nullable(),
  postalCode: z.string(),
  country: z.string(),
});
export type PostalAddress = z.infer<typeof zPostalAddress>;

/** Everything a CMS-1500 form and an 837P claim carry, as of when it was built (or submitted). */
export const zClaimDataSet = z.object({
  /** Patient control number (CLM01 / box 26): the claim's number in the clinic. */
  controlNumber: z.string(),
  rank: z.enum(CLAIM_RANKS),
  billingProvider: z.object({
    /** The clinic (organisation) as billing provider (2010AA / box 33). */
    name: z.string(),
    npi: z.string().nullable(),
    /** Employer identification number (REF*EI / box 25), 9 digits. */
    taxId: z.string().nullable(),
    address: zPostalAddress.nullable(),
    phone: z.string().nullable(),
  }),
  renderingProvider: z.object({
    /** 2310B / box 24J. */
    givenName: z.string(),
    familyName: z.string(),
    npi: z.string().nullable(),
  }),
  serviceFacility: z.object({
    /** 2310C / box 32. */
    name: z.string(),
    address: zPostalAddress.nullable(),
    /** Place of service code (CLM05-1 / box 24B), e.g. "11" office. */
    placeOfService: z.string(),
  }),
  payer: z.object({
    /** 2010BB / box "carrier". */
    name: z.string(),
    /** The payer's electronic id (NM109 of 2010BB). */
    payerId: z.string().nullable(),
  }),
  subscriber: z.object({
    /** 2010BA / boxes 4, 7, 11. */
    memberId: z.string().nullable(),
    groupNumber: z.string().nullable(),
    givenName: z.string(),
    familyName: z.string(),
    birthDate: z.string().nullable(),
    sex: z.enum(['F', 'M', 'U']),
    address: zPostalAddress.nullable(),
    /** The patient's relationship to the subscriber (box 6): self, spouse, child, other. */
    relationship: z.enum(['self', 'spouse', 'child', 'other']),
  }),
  patient: z.object({
    /** Boxes 2, 3, 5; loop 2010CA when the patient is not the subscriber. */
    givenName: z.string(),
    familyName: z.string(),
    birthDate: z.string(),
    sex: z.enum(['F', 'M', 'U']),
    address: zPostalAddress.nullable(),
    phone: z.string().nullable(),
    mrn: z.string(),
  }),
  /** ICD-10-CM codes without the dot, in pointer order (box 21 A–L / HI segment), at most 12. */
  diagnosisCodes: z.array(z.string()),
  lines: z.array(
    z.object({
      /** 1-based (LX01). */
      lineNumber: z.number().int(),
      chargeId: z.string(),
      serviceDate: z.string(),
      codeSystem: z.string(),
      /** CPT/HCPCS code (SV101-2 / box 24D). */
      code: z.string(),
      modifiers: z.array(z.string()),
      description: z.string(),
      units: z.number().int(),
      /** The line's charge (SV102 / box 24F), in cents. */
      chargeCents: z.number().int(),
      /** 1-based positions into diagnosisCodes (SV107 / box 24E), 1–4 of them. */
      diagnosisPointers: z.array(z.number().int()),
    }),
  ),
  totalCents: z.number().int(),
  /** Prior payer's payment for a secondary claim (box 29 / 2320 AMT*D), in cents. */
  priorPaidCents: z.number().int(),
  /** For a secondary claim: the primary insurer and the patient's coverage with it (2320/2330, box 9). */
  priorPayer: z
    .object({
      name: z.string(),
      payerId: z.string().nullable(),
      memberId: z.string(),
      groupNumber: z.string().nullable(),
    })
    .nullable(),
});
export type ClaimDataSet = z.infer<typeof zClaimDataSet>;

/** One thing to fix before a claim can be submitted: where, and what to do. */
export const zClaimProblem = z.object({ field: z.string(), message: z.string() });
export type ClaimProblem = z.infer<typeof zClaimProblem>;

export const zClaimEvent = z.object({
  at: z.string(),
  fromStatus: z.enum(CLAIM_STATUSES).nullable(),
  toStatus: z.enum(CLAIM_STATUSES),
  note: z.string().nullable(),
  userName: z.string().nullable(),
});

export const zClaimLine = z.object({
  id: z.string(),
  lineNumber: z.number().int(),
  chargeId: z.string(),
  serviceDate: z.string(),
  code: z.string(),
  modifiers: z.array(z.string()),
  description: z.string(),
  units: z.number().int(),
  chargeCents: z.number().int(),
  diagnosisPointers: z.array(z.number().int()),
  /** What the insurer paid on this line (from the ledger). */
  paidCents: z.number().int(),
  /** What this insurer still owes of the line's charge (from the ledger). */
  balanceCents: z.number().int(),
  /** The insurer's contracted (allowed) amount for the line, from the fee schedule; null without a contract. */
  allowedCents: z.number().int().nullable(),
  /** The insurer's decision from its EOB (null until posted). */
  adjudication: z.enum(['paid', 'denied']).nullable(),
});

export const zClaim = z.object({
  id: z.string(),
  number: z.number().int(),
  status: z.enum(CLAIM_STATUSES),
  rank: z.enum(CLAIM_RANKS),
  encounterId: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  payerId: z.string(),
  payerName: z.string(),
  coverageId: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  serviceDate: z.string(),
  totalCents: z.number().int(),
  paidCents: z.number().int(),
  balanceCents: z.number().int(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  /** What to fix before submitting (empty when it can be submitted). */
  problems: z.array(zClaimProblem),
  lines: z.array(zClaimLine),
  history: z.array(zClaimEvent),
  data: zClaimDataSet,
});
export type Claim = z.infer<typeof zClaim>;

export const zClaimCreate = z.object({
  encounterId: zId,
  /** Which of the patient's coverages on the date of service to bill (primary by default). */
  rank: z.enum(CLAIM_RANKS).default('primary'),
});

const zModifier = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{2}$/i, { error: () => 'A modifier is 2 letters or digits (e.g. 25).' })
  .transform((v) => v.toUpperCase());

export const zClaimUpdate = z.object({
  lines: z
    .array(
      z.object({
        id: zId,
        modifiers: z.array(zModifier).max(4).optional(),
        diagnosisPointers: z.array(z.number().int().min(1).max(12)).min(1).max(4).optional(),
      }),
    )
    .max(50),
});

/** The payer's acknowledgement of a submitted claim (a 277CA, or a portal's answer). */
export const zClaimStatusUpdate = z.object({
  status: z.enum(['accepted', 'rejected']),
  note: zOptionalText(500),
});

/** A paper EOB (or 835 line) for one claim: per service line, what the insurer paid and what the patient owes. */
export const zRemittanceCreate = z.object({
  /** The check or EFT trace number: the same one is never posted twice. */
  reference: zOptionalText(80),
  method: z.enum(['check', 'eft', 'other']).default('check'),
  receivedOn: zDate,
  note: zOptionalText(500),
  lines: z
    .array(
      z.object({
        claimLineId: zId,
        paidCents: zCents,
        /** Deductible, coinsurance and copay the EOB assigns to the patient. */
        patientCents: zCents,
        /** The line was denied: nothing is written off; it stays on the insurer until worked. */
        denied: z.boolean().default(false),
        /** Claim adjustment reason code(s) from the EOB (e.g. "CO-45", "PR-1"). */
        reasonCode: zOptionalText(40),
      }),
    )
    .min(1)
    .max(50),
});
export type RemittanceCreate = z.output<typeof zRemittanceCreate>;

/** The CMS-1500 data set checked before submission: each problem says where and what to fix. */
export function claimProblems(data: ClaimDataSet): ClaimProblem[] {
  const problems: ClaimProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const billing = data.billingProvider;
  if (!billing.npi) add('billingProvider.npi', 'Enter the clinic’s billing NPI in Clinic settings (box 33a).');
  else if (!isValidNpi(billing.npi))
    add('billingProvider.npi', `The clinic’s NPI ${billing.npi} has a wrong check digit.`);
  if (!billing.taxId) add('billingProvider.taxId', 'Enter the clinic’s tax ID (EIN) in Clinic settings (box 25).');
  if (!billing.address) add('billingProvider.address', 'Enter the clinic’s address in Clinic settings (box 33).');
  const rendering = data.renderingProvider;
  const renderingName = `${rendering.givenName} ${rendering.familyName}`.trim();
  if (!rendering.npi) add('renderingProvider.npi', `Add ${renderingName}’s NPI under Providers (box 24J).`);
  else if (!isValidNpi(rendering.npi)) {
    add('renderingProvider.npi', `${renderingName}’s NPI ${rendering.npi} has a wrong check digit.`);
  }
  if (!data.serviceFacility.address) {
    add('serviceFacility.address', `Enter the address of the location “${data.serviceFacility.name}” (box 32).`);
  }
  if (!data.payer.payerId) {
    add('payer.payerId', `Enter ${data.payer.name}’s payer ID under Insurers (the id on its claims address).`);
  }
  if (data.rank === 'secondary' && !data.priorPayer?.payerId) {
    add(
      'priorPayer.payerId',
      `Enter ${data.priorPayer?.name ?? 'the primary insurer'}’s payer ID under Insurers: a secondary claim names the primary insurer.`,
    );
  }
  const subscriber = data.subscriber;
  if (!subscriber.memberId) add('subscriber.memberId', 'Enter the insured’s member ID on the coverage (box 1a).');
  if (subscriber.relationship !== 'self') {
    if (!subscriber.familyName)
      add('subscriber.name', 'Enter the insured’s (subscriber’s) name on the coverage (box 4).');
    if (!subscriber.birthDate) {
      add('subscriber.birthDate', 'Enter the insured’s (subscriber’s) date of birth on the coverage (box 11a).');
    }
  }
  if (!data.patient.address) add('patient.address', 'Enter the patient’s address (box 5).');
  if (data.diagnosisCodes.length === 0) add('diagnosisCodes', 'Add at least one diagnosis to the visit (box 21).');
  if (data.diagnosisCodes.length > 12) {
    add('diagnosisCodes', `A claim carries at most 12 diagnoses; this visit has ${data.diagnosisCodes.length}.`);
  }
  if (data.lines.length === 0) add('lines', 'The visit has no billable services: there is nothing to claim.');
  if (data.lines.length > 50) add('lines', 'An electronic claim has at most 50 service lines.');
  for (const line of data.lines) {
    const where = `lines.${line.lineNumber}`;
    if (line.codeSystem !== 'CPT' && line.codeSystem !== 'HCPCS') {
      add(
        `${where}.code`,
        `Line ${line.lineNumber} (${line.code}) is a ${line.codeSystem} code: only CPT and HCPCS codes go on a CMS-1500.`,
      );
    }
    if (line.diagnosisPointers.length === 0) {
      add(`${where}.diagnosisPointers`, `Line ${line.lineNumber} (${line.code}) points at no diagnosis (box 24E).`);
    }
    for (const pointer of line.diagnosisPointers) {
      if (pointer < 1 || pointer > Math.min(12, data.diagnosisCodes.length)) {
        add(
          `${where}.diagnosisPointers`,
          `Line ${line.lineNumber} (${line.code}) points at diagnosis ${pointer}, which the claim does not have.`,
        );
      }
    }
    if (line.chargeCents <= 0) add(`${where}.chargeCents`, `Line ${line.lineNumber} (${line.code}) has no charge.`);
  }
  return problems;
}
