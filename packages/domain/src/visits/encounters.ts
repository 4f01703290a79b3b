import { z } from 'zod';
import { normalizeIcd10Code } from '../codes';
import { t } from '../i18n';
import { zCents, zDate, zId, zRequiredText, zText } from '../validation';

/** Encounters (visits): the SOAP note, diagnoses, services, signing, addenda, the charges they make. */

export const ENCOUNTER_STATUSES = ['in_progress', 'signed'] as const;
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];

export const CODE_SYSTEMS = ['CPT', 'HCPCS', 'CDT', 'CLINIC'] as const;
export type CodeSystem = (typeof CODE_SYSTEMS)[number];

/** Diagnoses a claim can carry (the 837P allows 12); each service line points at 1–4 of them. */
export const MAX_DIAGNOSES = 12;
export const MAX_POINTERS = 4;
/** A SOAP section's length (an autosaved note must never be cut). */
const NOTE_MAX = 20_000;

const zIcd10 = z
  .string({ error: () => t('validation.icd10') })
  .trim()
  .min(3, { error: () => t('validation.icd10') })
  .max(10, { error: () => t('validation.icd10') })
  .transform(normalizeIcd10Code);

/** Open a visit: from a checked-in appointment, or a walk-in for a patient and provider. */
export const zEncounterCreate = z.union([
  z.object({ appointmentId: zId }),
  z.object({ patientId: zId, providerId: zId, locationId: zId.optional() }),
]);
export type EncounterCreate = z.output<typeof zEncounterCreate>;

export const zDiagnosisInput = z.object({
  code: zIcd10,
  /** Keep it on the patient's problem list (a chronic condition). */
  chronic: z.boolean().default(false),
});

export const zServiceLineInput = z.object({
  serviceId: zId,
  units: z
    .number({ error: () => t('validation.units') })
    .int({ error: () => t('validation.units') })
    .min(1, { error: () => t('validation.units') })
    .max(99, { error: () => t('validation.units') })
    .optional(),
  /** 1-based positions in the visit's diagnosis list. */
  diagnosisPointers: z
    .array(z.number().int().min(1).max(MAX_DIAGNOSES), { error: () => t('validation.pointers') })
    .min(1, { error: () => t('validation.pointers') })
    .max(MAX_POINTERS, { error: () => t('validation.pointers') }),
});
export type ServiceLineInput = z.output<typeof zServiceLineInput>;

/** Pointers must name diagnoses the visit has, each once. */
function checkPointers(
  services: readonly { diagnosisPointers: number[] }[] | undefined,
  diagnosisCount: number | undefined,
  ctx: z.RefinementCtx,
  path: string,
) {
  services?.forEach((line, index) => {
    if (new Set(line.diagnosisPointers).size !== line.diagnosisPointers.length) {
      ctx.addIssue({ code: 'custom', path: [path, index, 'diagnosisPointers'], message: t('validation.pointers') });
    }
    if (diagnosisCount !== undefined && line.diagnosisPointers.some((p) => p > diagnosisCount)) {
      ctx.addIssue({
        code: 'custom',
        path: [path, index, 'diagnosisPointers'],
        message: t('validation.pointerMissing', { count: diagnosisCount }),
      });
    }
  });
}

function uniqueCodes(diagnoses: readonly { code: string }[] | undefined, ctx: z.RefinementCtx, path: string) {
  const seen = new Set<string>();
  diagnoses?.forEach((d, index) => {
    if (seen.has(d.code))
      ctx.addIssue({ code: 'custom', path: [path, index, 'code'], message: t('validation.diagnosisTwice') });
    seen.add(d.code);
  });
}

/**
 * Changes while the visit is in progress (autosave sends what changed). `version` is the copy the
 * change was made on: a save from an older copy is refused, so two tabs never overwrite each other.
 * Lists are sent whole (their order is the claim's order).
 */
export const zEncounterPatch = z
  .object({
    version: z.number().int().min(1),
    chiefComplaint: zText(500).optional(),
    subjective: zText(NOTE_MAX).optional(),
    objective: zText(NOTE_MAX).optional(),
    assessment: zText(NOTE_MAX).optional(),
    plan: zText(NOTE_MAX).optional(),
    diagnoses: z
      .array(zDiagnosisInput)
      .max(MAX_DIAGNOSES, { error: () => t('validation.tooManyDiagnoses') })
      .optional(),
    services: z.array(zServiceLineInput).max(50).optional(),
  })
  .superRefine((value, ctx) => {
    uniqueCodes(value.diagnoses, ctx, 'diagnoses');
    checkPointers(value.services, value.diagnoses?.length, ctx, 'services');
  });
export type EncounterPatch = z.output<typeof zEncounterPatch>;

/** The sections a nurse may write (intake); the rest is the provider's. */
export const INTAKE_FIELDS = ['chiefComplaint', 'version'] as const;

/**
 * A correction after signing: who (the signed-in provider), when (now), why, the text, and codes
 * added (diagnoses appended after the existing ones; services with pointers into the whole list)
 * or service lines removed — each visible on the charges.
 */
export const zAddendumCreate = z
  .object({
    reason: zRequiredText(500),
    text: zText(NOTE_MAX).default(''),
    addDiagnoses: z.array(zDiagnosisInput).max(MAX_DIAGNOSES).default([]),
    addServices: z.array(zServiceLineInput).max(50).default([]),
    removeServiceLineIds: z.array(zId).max(50).default([]),
  })
  .superRefine((value, ctx) => {
    uniqueCodes(value.addDiagnoses, ctx, 'addDiagnoses');
    checkPointers(value.addServices, undefined, ctx, 'addServices');
    if (
      !value.text.trim() &&
      !value.addDiagnoses.length &&
      !value.addServices.length &&
      !value.removeServiceLineIds.length
    ) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: t('validation.addendumEmpty') });
    }
  });
export type AddendumCreate = z.output<typeof zAddendumCreate>;

export const zFollowUpCreate = z
  .object({
    /** When: a date, or in N weeks / months from the visit. */
    dueDate: zDate.optional(),
    inWeeks: z.number().int().min(1).max(104).optional(),
    inMonths: z.number().int().min(1).max(36).optional(),
    reason: zRequiredText(300),
    appointmentTypeId: zId.nullish(),
  })
  .superRefine((value, ctx) => {
    const given = [value.dueDate, value.inWeeks, value.inMonths].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: t('validation.followUpWhen') });
  });
export type FollowUpCreate = z.output<typeof zFollowUpCreate>;

// ---- Service catalogue ------------------------------------------------------------------------

export const zServiceCreate = z.object({
  code: zRequiredText(20).transform((code) => code.toUpperCase()),
  codeSystem: z.enum(CODE_SYSTEMS, { error: () => t('validation.codeSystem') }),
  description: zRequiredText(300),
  feeCents: zCents,
  defaultUnits: z.number().int().min(1).max(99).default(1),
  /** ICD-10 prefixes that justify the service (a cleaning needs Z01.2x); empty: any diagnosis. */
  diagnosisPrefixes: z.array(zIcd10).max(20).default([]),
});
export type ServiceCreate = z.output<typeof zServiceCreate>;

export const zServicePatch = z
  .object({
    description: zRequiredText(300),
    feeCents: zCents,
    defaultUnits: z.number().int().min(1).max(99),
    diagnosisPrefixes: z.array(zIcd10).max(20),
    active: z.boolean(),
  })
  .partial();

export const zService = z.object({
  id: z.string(),
  code: z.string(),
  codeSystem: z.enum(CODE_SYSTEMS),
  description: z.string(),
  feeCents: z.number().int(),
  defaultUnits: z.number().int(),
  diagnosisPrefixes: z.array(z.string()),
  active: z.boolean(),
});
export type Service = z.infer<typeof zService>;

// ---- Note templates ---------------------------------------------------------------------------

export const zNoteTemplateCreate = z.object({
  name: zRequiredText(100),
  appointmentTypeId: zId.nullish(),
  subjective: zText(NOTE_MAX).default(''),
  objective: zText(NOTE_MAX).default(''),
  assessment: zText(NOTE_MAX).default(''),
  plan: zText(NOTE_MAX).default(''),
});
export type NoteTemplateCreate = z.output<typeof zNoteTemplateCreate>;

export const zNoteTemplate = z.object({
  id: z.string(),
  name: z.string(),
  appointmentTypeId: z.string().nullable(),
  subjective: z.string(),
  objective: z.string(),
  assessment: z.string(),
  plan: z.string(),
  active: z.boolean(),
});
export type NoteTemplate = z.infer<typeof zNoteTemplate>;

// ---- Responses ----------------------------------------------------------------------------------

export const zDiagnosis = z.object({
  position: z.number().int(),
  code: z.string(),
  description: z.string(),
  chronic: z.boolean(),
  addendumId: z.string().nullable(),
});

export const zServiceLine = z.object({
  id: z.string(),
  serviceId: z.string(),
  code: z.string(),
  codeSystem: z.string(),
  description: z.string(),
  units: z.number().int(),
  feeCents: z.number().int(),
  diagnosisPointers: z.array(z.number().int()),
  addedByAddendumId: z.string().nullable(),
  removedByAddendumId: z.string().nullable(),
});

export const zAddendum = z.object({
  id: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  reason: z.string(),
  text: z.string(),
  changes: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

/** The codes of a visit (what billing may see). */
export const zEncounterSummary = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  providerId: z.string(),
  locationId: z.string(),
  appointmentId: z.string().nullable(),
  serviceDate: z.string(),
  status: z.enum(ENCOUNTER_STATUSES),
  signedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  diagnoses: z.array(zDiagnosis),
  services: z.array(zServiceLine),
});
export type EncounterSummary = z.infer<typeof zEncounterSummary>;

/**
 * One visit of a list (a chart's visits, a provider's day, the visits without a charge): its state
 * and diagnoses, not its service lines (a list shows neither lines nor fees; the visit has them).
 * A chart of 500 visits was 775 KB with the lines.
 */
export const zVisitListItem = zEncounterSummary.omit({ services: true }).extend({
  /** Unsigned more than a day after it was opened. */
  overdue: z.boolean(),
  /** Open charges of the visit. */
  chargeCount: z.number().int(),
});
export type VisitListItem = z.infer<typeof zVisitListItem>;

/** The whole visit with its note (clinical staff only; every read is audited). */
export const zEncounter = zEncounterSummary.extend({
  version: z.number().int(),
  chiefComplaint: z.string(),
  subjective: z.string(),
  objective: z.string(),
  assessment: z.string(),
  plan: z.string(),
  signedBy: z.string().nullable(),
  addenda: z.array(zAddendum),
});
export type Encounter = z.infer<typeof zEncounter>;

export const zCharge = z.object({
  id: z.string(),
  encounterId: z.string(),
  serviceLineId: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  providerId: z.string(),
  locationId: z.string(),
  serviceDate: z.string(),
  code: z.string(),
  codeSystem: z.string(),
  description: z.string(),
  units: z.number().int(),
  unitFeeCents: z.number().int(),
  amountCents: z.number().int(),
  diagnosisCodes: z.array(z.string()),
  status: z.enum(['open', 'void']),
  addendumId: z.string().nullable(),
  createdAt: z.string(),
  voidedAt: z.string().nullable(),
  voidReason: z.string().nullable(),
  /** The insurer billed (primary coverage on the date of service), or null (self-pay). */
  payerId: z.string().nullable(),
  /** Who is expected to pay what: they always add up to the amount. */
  insurerCents: z.number().int(),
  patientCents: z.number().int(),
});
export type Charge = z.infer<typeof zCharge>;

export const zChargesQuery = z.object({
  encounterId: zId.optional(),
  patientId: zId.optional(),
  status: z.enum(['open', 'void']).optional(),
});
