import { z } from 'zod';
import { zOptionalText, zRequiredText, zText } from '../validation';

/** The chart's running lists: problems (chronic diagnoses), allergies, medications. */

export const ALLERGY_SEVERITIES = ['mild', 'moderate', 'severe', 'unknown'] as const;

export const zAllergyCreate = z.object({
  substance: zRequiredText(200),
  reaction: zText(300).default(''),
  severity: z.enum(ALLERGY_SEVERITIES).default('unknown'),
  /** Optional code (e.g. RxNorm or SNOMED CT), free text otherwise. */
  code: zOptionalText(40),
});
export type AllergyCreate = z.output<typeof zAllergyCreate>;
export const zAllergyPatch = z
  .object({
    substance: zRequiredText(200),
    reaction: zText(300),
    severity: z.enum(ALLERGY_SEVERITIES),
    code: zOptionalText(40),
    active: z.boolean(),
  })
  .partial();

export const zMedicationCreate = z.object({
  name: zRequiredText(200),
  dose: zText(200).default(''),
  code: zOptionalText(40),
});
export type MedicationCreate = z.output<typeof zMedicationCreate>;
export const zMedicationPatch = z
  .object({ name: zRequiredText(200), dose: zText(200), code: zOptionalText(40), active: z.boolean() })
  .partial();

export const zAllergy = z.object({
  id: z.string(),
  substance: z.string(),
  reaction: z.string(),
  severity: z.enum(ALLERGY_SEVERITIES),
  code: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export const zMedication = z.object({
  id: z.string(),
  name: z.string(),
  dose: z.string(),
  code: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export const zProblem = z.object({
  id: z.string(),
  code: z.string(),
  description: z.string(),
  status: z.enum(['active', 'resolved']),
  encounterId: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export const zChart = z.object({
  problems: z.array(zProblem),
  allergies: z.array(zAllergy),
  medications: z.array(zMedication),
});
export type Chart = z.infer<typeof zChart>;
export type Allergy = z.infer<typeof zAllergy>;
export type Medication = z.infer<typeof zMedication>;
