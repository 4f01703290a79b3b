import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../audit';
import { en } from '../i18n/en';
import { EXERCISES, exercisesFor } from './exercises';

describe('the guided exercises', () => {
  it('give the front desk the five beginner steps of the article', () => {
    for (const role of ['receptionist', 'manager', 'admin'] as const) {
      expect(exercisesFor(role).map((e) => e.id)).toEqual([
        'find-your-way',
        'book-appointment',
        'register-walk-in',
        'check-in',
        'post-copay',
      ]);
    }
    for (const role of ['provider', 'nurse', 'billing'] as const) expect(exercisesFor(role).length).toBeGreaterThan(1);
  });

  it('recognise every step by an audit action Tend writes, tied only to an earlier step', () => {
    for (const exercise of EXERCISES) {
      const seen: string[] = [];
      for (const step of exercise.steps) {
        if (step.condition.kind === 'audit') {
          expect(AUDIT_ACTIONS).toContain(step.condition.action);
          if (step.condition.samePatientAs)
            expect(seen, `${exercise.id}.${step.id}`).toContain(step.condition.samePatientAs);
        }
        seen.push(step.id);
      }
      expect(new Set(seen).size, exercise.id).toBe(seen.length);
    }
  });

  it('have every title, reason and step worded in the catalogue', () => {
    for (const exercise of EXERCISES) {
      for (const key of [exercise.title, exercise.why, ...exercise.steps.map((s) => s.text)]) {
        expect(en[key], key).toMatch(/\w/);
      }
    }
  });
});
