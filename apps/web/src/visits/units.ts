import type { Clinic, UnitSystem, Vitals } from '@tend/domain';

/** Vitals in the clinic's units: °F/lb/in ('us') or °C/kg/cm ('metric'); the API stores metric. */

export const UNITS = {
  us: { temperature: 'F', weight: 'lb', height: 'in' },
  metric: { temperature: 'C', weight: 'kg', height: 'cm' },
} as const satisfies Record<UnitSystem, { temperature: 'F' | 'C'; weight: 'lb' | 'kg'; height: 'in' | 'cm' }>;

/** The clinic's unit system; 'us' when the session's clinic does not say (older servers). */
export function unitSystemOf(clinic: Clinic): UnitSystem {
  const value = (clinic as { unitSystem?: unknown }).unitSystem;
  return value === 'metric' ? 'metric' : 'us';
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function showTemperature(celsius: number | null, system: UnitSystem): string {
  if (celsius === null) return '';
  return system === 'us' ? `${round1((celsius * 9) / 5 + 32)} °F` : `${round1(celsius)} °C`;
}

export function weightIn(kg: number, system: UnitSystem): number {
  return system === 'us' ? round1(kg / 0.45359237) : round1(kg);
}

export function showWeight(kg: number | null, system: UnitSystem): string {
  if (kg === null) return '';
  return `${weightIn(kg, system)} ${UNITS[system].weight}`;
}

export function showHeight(cm: number | null, system: UnitSystem): string {
  if (cm === null) return '';
  return system === 'us' ? `${round1(cm / 2.54)} in` : `${round1(cm)} cm`;
}

/** BMI from what is typed, in the clinic's units (null until both are there). */
export function bmiFromInput(height: number | null, weight: number | null, system: UnitSystem): number | null {
  if (!height || !weight || height <= 0 || weight <= 0) return null;
  const metres = system === 'us' ? (height * 2.54) / 100 : height / 100;
  const kg = system === 'us' ? weight * 0.45359237 : weight;
  const value = kg / (metres * metres);
  return Number.isFinite(value) ? round1(value) : null;
}

/** Which vitals field a server flag names ("temperatureDc" → temperature). */
export function flagField(flag: string): string {
  if (flag === 'temperatureDc') return 'temperature';
  if (flag === 'heightMm') return 'height';
  if (flag === 'weightG') return 'weight';
  return flag;
}

export function isFlagged(vitals: Vitals, field: string): boolean {
  return vitals.flags.some((flag) => flagField(flag) === field);
}
