import { z } from 'zod';
import type { AuditAction } from '../audit';
import type { MessageKey } from '../i18n';
import type { Role } from '../permissions';

/**
 * Guided exercises for a training clinic (issue 9): the beginner steps the article lists — find
 * your way around the dashboard, book an appointment, register a walk-in, check a patient in,
 * post a copay — and a few for clinical and billing staff. Each step says how it is recognised,
 * so its tick is earned: the server looks for the person's own audit events (or page visits)
 * since they started the exercise (apps/server/src/training/exercises.ts).
 */

/** Pages the web app records when opened in a training clinic: those no audited read covers. */
export const TRAINING_PAGES = ['home'] as const;
export type TrainingPage = (typeof TRAINING_PAGES)[number];

export type ExerciseCondition =
  | {
      kind: 'audit';
      action: AuditAction;
      /**
       * Values the event's details must hold: `null` means the key is absent or null (a visit
       * opened without an appointment is a walk-in; a record opened from the list, not the dashboard).
       */
      details?: Record<string, string | number | boolean | null>;
      /** The event must be about a patient of that earlier step (the walk-in just registered). */
      samePatientAs?: string;
    }
  | { kind: 'page'; page: TrainingPage };

export interface ExerciseStep {
  id: string;
  text: MessageKey;
  condition: ExerciseCondition;
}

export interface ExerciseDefinition {
  id: string;
  title: MessageKey;
  why: MessageKey;
  roles: readonly Role[];
  steps: readonly ExerciseStep[];
}

const FRONT_DESK: readonly Role[] = ['receptionist', 'manager', 'admin'];
const CLINICAL: readonly Role[] = ['provider', 'nurse'];

/** In the order the exercises page lists them. */
export const EXERCISES: readonly ExerciseDefinition[] = [
  {
    id: 'find-your-way',
    title: 'training.exercise.findYourWay.title',
    why: 'training.exercise.findYourWay.why',
    roles: ['receptionist', 'manager', 'admin', 'provider', 'nurse', 'billing'],
    steps: [
      { id: 'home', text: 'training.exercise.findYourWay.home', condition: { kind: 'page', page: 'home' } },
      {
        id: 'schedule',
        text: 'training.exercise.findYourWay.schedule',
        condition: { kind: 'audit', action: 'appointment.read' },
      },
      {
        id: 'search',
        text: 'training.exercise.findYourWay.search',
        condition: { kind: 'audit', action: 'patient.search' },
      },
      {
        id: 'record',
        text: 'training.exercise.findYourWay.record',
        // The dashboard audits the patients it names as `patient.read` too, with `dashboard` in the details.
        condition: { kind: 'audit', action: 'patient.read', details: { dashboard: null } },
      },
    ],
  },
  {
    id: 'book-appointment',
    title: 'training.exercise.book.title',
    why: 'training.exercise.book.why',
    roles: FRONT_DESK,
    steps: [
      { id: 'find', text: 'training.exercise.book.find', condition: { kind: 'audit', action: 'patient.search' } },
      {
        id: 'book',
        text: 'training.exercise.book.book',
        condition: { kind: 'audit', action: 'appointment.book' },
      },
    ],
  },
  {
    id: 'register-walk-in',
    title: 'training.exercise.walkIn.title',
    why: 'training.exercise.walkIn.why',
    roles: FRONT_DESK,
    steps: [
      {
        id: 'register',
        text: 'training.exercise.walkIn.register',
        condition: { kind: 'audit', action: 'patient.create' },
      },
      {
        id: 'insurance',
        text: 'training.exercise.walkIn.insurance',
        condition: { kind: 'audit', action: 'coverage.create', samePatientAs: 'register' },
      },
      {
        id: 'book',
        text: 'training.exercise.walkIn.book',
        condition: { kind: 'audit', action: 'appointment.book', samePatientAs: 'register' },
      },
    ],
  },
  {
    id: 'check-in',
    title: 'training.exercise.checkIn.title',
    why: 'training.exercise.checkIn.why',
    roles: FRONT_DESK,
    steps: [
      {
        id: 'schedule',
        text: 'training.exercise.checkIn.schedule',
        condition: { kind: 'audit', action: 'appointment.read' },
      },
      {
        id: 'details',
        text: 'training.exercise.checkIn.details',
        condition: { kind: 'audit', action: 'patient.update' },
      },
      {
        id: 'checkIn',
        text: 'training.exercise.checkIn.checkIn',
        condition: { kind: 'audit', action: 'appointment.check_in', samePatientAs: 'details' },
      },
    ],
  },
  {
    id: 'post-copay',
    title: 'training.exercise.copay.title',
    why: 'training.exercise.copay.why',
    roles: [...FRONT_DESK, 'billing'],
    steps: [
      { id: 'balance', text: 'training.exercise.copay.balance', condition: { kind: 'audit', action: 'balance.read' } },
      {
        id: 'post',
        text: 'training.exercise.copay.post',
        condition: { kind: 'audit', action: 'payment.post', details: { source: 'patient' }, samePatientAs: 'balance' },
      },
      {
        id: 'receipt',
        text: 'training.exercise.copay.receipt',
        condition: { kind: 'audit', action: 'payment.receipt', samePatientAs: 'post' },
      },
    ],
  },
  {
    id: 'see-walk-in',
    title: 'training.exercise.seeWalkIn.title',
    why: 'training.exercise.seeWalkIn.why',
    roles: CLINICAL,
    steps: [
      {
        id: 'open',
        text: 'training.exercise.seeWalkIn.open',
        condition: { kind: 'audit', action: 'encounter.create', details: { appointmentId: null } },
      },
      {
        id: 'vitals',
        text: 'training.exercise.seeWalkIn.vitals',
        condition: { kind: 'audit', action: 'vitals.record', samePatientAs: 'open' },
      },
    ],
  },
  {
    id: 'sign-note',
    title: 'training.exercise.signNote.title',
    why: 'training.exercise.signNote.why',
    roles: ['provider'],
    steps: [
      {
        id: 'write',
        text: 'training.exercise.signNote.write',
        condition: { kind: 'audit', action: 'encounter.update' },
      },
      {
        id: 'sign',
        text: 'training.exercise.signNote.sign',
        condition: { kind: 'audit', action: 'encounter.sign', samePatientAs: 'write' },
      },
    ],
  },
];

export function exercisesFor(role: Role): ExerciseDefinition[] {
  return EXERCISES.filter((exercise) => exercise.roles.includes(role));
}

export function findExercise(id: string): ExerciseDefinition | undefined {
  return EXERCISES.find((exercise) => exercise.id === id);
}

// ---- API bodies ---------------------------------------------------------------------------------

export const zExerciseStepProgress = z.object({
  id: z.string(),
  text: z.string(),
  done: z.boolean(),
  /** When it was done (the first event that ticked it). */
  doneAt: z.string().nullable(),
});

export const zExerciseProgress = z.object({
  id: z.string(),
  title: z.string(),
  why: z.string(),
  steps: z.array(zExerciseStepProgress),
  /** Null until the person starts it (then its steps tick from what they do after this instant). */
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export type ExerciseProgress = z.infer<typeof zExerciseProgress>;

export const zExerciseList = z.object({
  items: z.array(zExerciseProgress),
  /** The exercise started most recently and not finished: the checklist panel follows it. */
  activeId: z.string().nullable(),
});
export type ExerciseList = z.infer<typeof zExerciseList>;

export const zExerciseParams = z.object({ id: z.string().min(1).max(60) });

export const zTrainingPageVisit = z.object({ page: z.enum(TRAINING_PAGES) });
