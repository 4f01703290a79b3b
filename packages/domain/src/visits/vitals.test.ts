import { describe, expect, it } from 'vitest';
import {
  bmi,
  borderlineFlags,
  dcToFahrenheit,
  fahrenheitToDc,
  gramsToPounds,
  inchesToMm,
  poundsToGrams,
  type StoredVitals,
  toStoredVitals,
  zVitalsInput,
} from './vitals';

const none: StoredVitals = {
  systolic: null,
  diastolic: null,
  heartRate: null,
  respiratoryRate: null,
  temperatureDc: null,
  spo2: null,
  heightMm: null,
  weightG: null,
  pain: null,
};

describe('units', () => {
  it('converts °F, lb and in to the stored units and back without drifting', () => {
    expect(fahrenheitToDc(98.6)).toBe(370);
    expect(dcToFahrenheit(370)).toBe(98.6);
    expect(fahrenheitToDc(101.3)).toBe(385);
    expect(poundsToGrams(180)).toBe(81_647);
    expect(gramsToPounds(81_647)).toBe(180);
    expect(inchesToMm(70)).toBe(1778);
  });

  it('computes BMI from height and weight, or nothing without both', () => {
    expect(bmi(1778, 81_647)).toBe(25.8);
    expect(bmi(null, 81_647)).toBeNull();
  });
});

describe('plausibility', () => {
  const issues = (input: unknown) =>
    zVitalsInput.safeParse(input).error?.issues.map((issue) => [issue.path.join('.'), issue.message]) ?? [];

  it('refuses a blood pressure of 400/20 and says what is possible', () => {
    expect(issues({ systolic: 400, diastolic: 20 })).toEqual([
      ['systolic', 'A systolic pressure must be between 50 and 300 mmHg. Check the reading.'],
    ]);
  });

  it('refuses a diastolic at or above the systolic, and half a pressure', () => {
    expect(issues({ systolic: 120, diastolic: 130 })[0][0]).toBe('diastolic');
    expect(issues({ systolic: 120 })).toEqual([['diastolic', 'Enter both the systolic and the diastolic pressure.']]);
  });

  it('reads a temperature in the unit it names: 38.5 °C and 101.3 °F are the same; 101.3 °C is refused', () => {
    expect(toStoredVitals({ temperature: { value: 38.5, unit: 'C' } }).temperatureDc).toBe(385);
    expect(toStoredVitals({ temperature: { value: 101.3, unit: 'F' } }).temperatureDc).toBe(385);
    expect(issues({ temperature: { value: 101.3, unit: 'C' } })[0][0]).toBe('temperature');
    expect(issues({ temperature: { value: 101.3 } })[0][0]).toBe('temperature.unit');
  });

  it('refuses an empty set', () => {
    expect(issues({})).toEqual([['', 'Enter at least one measurement.']]);
  });

  it('flags borderline values (kept, not refused), including BMI', () => {
    expect(borderlineFlags({ ...none, systolic: 186, diastolic: 95 })).toEqual(['systolic']);
    expect(borderlineFlags({ ...none, spo2: 88, temperatureDc: 396 })).toEqual(['temperatureDc', 'spo2']);
    expect(borderlineFlags({ ...none, heightMm: 1600, weightG: 140_000 })).toEqual(['bmi']);
    expect(borderlineFlags({ ...none, systolic: 120, diastolic: 80, heartRate: 72 })).toEqual([]);
  });
});
