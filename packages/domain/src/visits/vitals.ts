import { z } from 'zod';
import { t } from '../i18n';

/**
 * Vitals: what is plausible at all (refused otherwise), what is borderline (kept, flagged), unit
 * conversions and BMI. Stored metric in whole units of tenths of °C, millimetres and grams, so
 * nothing is rounded twice; shown in the clinic's unit system.
 */

export type UnitSystem = 'us' | 'metric';

/** A measurement the body cannot have (or a typo): refused. Inclusive ranges, stored units. */
export const VITAL_LIMITS = {
  systolic: [50, 300],
  diastolic: [20, 200],
  heartRate: [20, 250],
  respiratoryRate: [4, 80],
  temperatureDc: [300, 450],
  spo2: [50, 100],
  heightMm: [300, 2500],
  weightG: [500, 400_000],
  pain: [0, 10],
} as const satisfies Record<string, readonly [number, number]>;

export type VitalField = keyof typeof VITAL_LIMITS;

/** Plausible but worth a second look (for an adult): flagged on the record and on screen. */
const BORDERLINE: Partial<Record<VitalField, { low?: number; high?: number }>> = {
  systolic: { low: 90, high: 180 },
  diastolic: { low: 50, high: 120 },
  heartRate: { low: 40, high: 130 },
  respiratoryRate: { low: 8, high: 30 },
  temperatureDc: { low: 350, high: 395 },
  spo2: { low: 90 },
};

export interface StoredVitals {
  systolic: number | null;
  diastolic: number | null;
  heartRate: number | null;
  respiratoryRate: number | null;
  temperatureDc: number | null;
  spo2: number | null;
  heightMm: number | null;
  weightG: number | null;
  pain: number | null;
}

// ---- Units ------------------------------------------------------------------------------------

export const fahrenheitToDc = (f: number) => Math.round(((f - 32) * 50) / 9);
export const dcToFahrenheit = (dc: number) => Math.round(((dc * 9) / 50 + 32) * 10) / 10;
export const poundsToGrams = (lb: number) => Math.round(lb * 453.59237);
export const gramsToPounds = (g: number) => Math.round((g / 453.59237) * 10) / 10;
export const inchesToMm = (inches: number) => Math.round(inches * 25.4);
export const mmToInches = (mm: number) => Math.round((mm / 25.4) * 10) / 10;

/** BMI (kg/m²) to one decimal, or null without both height and weight. */
export function bmi(heightMm: number | null, weightG: number | null): number | null {
  if (!heightMm || !weightG) return null;
  const metres = heightMm / 1000;
  return Math.round((weightG / 1000 / (metres * metres)) * 10) / 10;
}

/** The fields whose value is borderline (and BMI under 15 or over 50). */
export function borderlineFlags(vitals: StoredVitals): string[] {
  const flags: string[] = [];
  for (const [field, range] of Object.entries(BORDERLINE) as [VitalField, { low?: number; high?: number }][]) {
    const value = vitals[field];
    if (value === null) continue;
    if ((range.low !== undefined && value < range.low) || (range.high !== undefined && value >= range.high)) {
      flags.push(field);
    }
  }
  const index = bmi(vitals.heightMm, vitals.weightG);
  if (index !== null && (index < 15 || index > 50)) flags.push('bmi');
  return flags;
}

// ---- The API's input: every unit named ---------------------------------------------------------

const measurement = <U extends string>(units: readonly [U, ...U[]]) =>
  z.object({
    value: z.number({ error: () => t('validation.number') }).finite(),
    unit: z.enum(units, { error: () => t('validation.unit', { units: units.join(', ') }) }),
  });

const whole = z.number({ error: () => t('validation.wholeNumber') }).int({ error: () => t('validation.wholeNumber') });

export const zVitalsInput = z
  .object({
    systolic: whole.nullish(),
    diastolic: whole.nullish(),
    heartRate: whole.nullish(),
    respiratoryRate: whole.nullish(),
    temperature: measurement(['C', 'F']).nullish(),
    spo2: whole.nullish(),
    height: measurement(['cm', 'in']).nullish(),
    weight: measurement(['kg', 'lb']).nullish(),
    pain: whole.nullish(),
  })
  .superRefine((value, ctx) => {
    const stored = toStoredVitals(value);
    const fieldOf: Record<VitalField, string> = {
      systolic: 'systolic',
      diastolic: 'diastolic',
      heartRate: 'heartRate',
      respiratoryRate: 'respiratoryRate',
      temperatureDc: 'temperature',
      spo2: 'spo2',
      heightMm: 'height',
      weightG: 'weight',
      pain: 'pain',
    };
    for (const [field, [low, high]] of Object.entries(VITAL_LIMITS) as [VitalField, readonly [number, number]][]) {
      const v = stored[field];
      if (v !== null && (v < low || v > high)) {
        ctx.addIssue({
          code: 'custom',
          path: [fieldOf[field]],
          message: t(`validation.vital.${field}`),
        });
      }
    }
    if (stored.systolic !== null && stored.diastolic !== null && stored.diastolic >= stored.systolic) {
      ctx.addIssue({ code: 'custom', path: ['diastolic'], message: t('validation.vital.bpOrder') });
    }
    if ((stored.systolic === null) !== (stored.diastolic === null)) {
      ctx.addIssue({
        code: 'custom',
        path: [stored.systolic === null ? 'systolic' : 'diastolic'],
        message: t('validation.vital.bpPair'),
      });
    }
    if (Object.values(stored).every((v) => v === null)) {
      ctx.addIssue({ code: 'custom', path: [], message: t('validation.vital.none') });
    }
  });
export type VitalsInput = z.output<typeof zVitalsInput>;

/** The input in stored units (°C tenths, mm, g). */
export function toStoredVitals(input: z.input<typeof zVitalsInput>): StoredVitals {
  const temperature = input.temperature
    ? input.temperature.unit === 'F'
      ? fahrenheitToDc(input.temperature.value)
      : Math.round(input.temperature.value * 10)
    : null;
  const height = input.height
    ? input.height.unit === 'in'
      ? inchesToMm(input.height.value)
      : Math.round(input.height.value * 10)
    : null;
  const weight = input.weight
    ? input.weight.unit === 'lb'
      ? poundsToGrams(input.weight.value)
      : Math.round(input.weight.value * 1000)
    : null;
  return {
    systolic: input.systolic ?? null,
    diastolic: input.diastolic ?? null,
    heartRate: input.heartRate ?? null,
    respiratoryRate: input.respiratoryRate ?? null,
    temperatureDc: temperature,
    spo2: input.spo2 ?? null,
    heightMm: height,
    weightG: weight,
    pain: input.pain ?? null,
  };
}

/** A recorded set of vitals as the API returns it: metric, units in the names, BMI and flags. */
export const zVitals = z.object({
  id: z.string(),
  encounterId: z.string(),
  patientId: z.string(),
  takenAt: z.string(),
  systolic: z.number().nullable(),
  diastolic: z.number().nullable(),
  heartRate: z.number().nullable(),
  respiratoryRate: z.number().nullable(),
  temperatureC: z.number().nullable(),
  spo2: z.number().nullable(),
  heightCm: z.number().nullable(),
  weightKg: z.number().nullable(),
  bmi: z.number().nullable(),
  pain: z.number().nullable(),
  /** Borderline fields (e.g. "systolic", "spo2", "bmi"). */
  flags: z.array(z.string()),
});
export type Vitals = z.infer<typeof zVitals>;
