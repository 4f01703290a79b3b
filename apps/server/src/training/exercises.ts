import { type Db, schema } from '@tend/db';
import {
  AppError,
  type ExerciseDefinition,
  type ExerciseList,
  type ExerciseProgress,
  type ExerciseStep,
  exercisesFor,
  type TrainingPage,
  t,
} from '@tend/domain';
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';

/**
 * Guided exercises in a training clinic (issue 9). A checklist is never ticked by hand: each step
 * is done when the person's own audit events (or page visits) since they started the exercise
 * show it was (the conditions live with the definitions in @tend/domain). Events are
 * append-only, so the progress is recomputed on every read and can never drift from what
 * happened. Only in a training clinic, and only about oneself.
 */

/** A person's events looked at per exercise (a training session rarely comes near it). */
const EVENT_LIMIT = 5_000;

async function requireTrainingClinic(db: Db, ctx: RequestContext): Promise<void> {
  const clinic = await getClinic(db, ctx.clinicId);
  if (!clinic.isTraining) throw new AppError('not_found', t('training.error.notTraining'));
}

function requireExercise(ctx: RequestContext, id: string): ExerciseDefinition {
  const exercise = exercisesFor(ctx.role).find((e) => e.id === id);
  if (!exercise) throw new AppError('not_found', t('training.error.unknownExercise', { id }));
  return exercise;
}

const run = schema.trainingExerciseRuns;

export async function listExercises(db: Db, ctx: RequestContext): Promise<ExerciseList> {
  await requireTrainingClinic(db, ctx);
  const runs = await db
    .select()
    .from(run)
    .where(and(eq(run.clinicId, ctx.clinicId), eq(run.userId, ctx.userId)));
  const items: ExerciseProgress[] = [];
  let active: { id: string; startedAt: Date } | null = null;
  for (const exercise of exercisesFor(ctx.role)) {
    const started = runs.find((r) => r.exerciseId === exercise.id);
    const progress = await progressOf(db, ctx, exercise, started ?? null);
    items.push(progress);
    if (started && !progress.completedAt && (!active || started.startedAt > active.startedAt)) {
      active = { id: exercise.id, startedAt: started.startedAt };
    }
  }
  return { items, activeId: active?.id ?? null };
}

/** Starts an exercise, or starts it again: its checklist counts only what is done from now on. */
export async function startExercise(db: Db, ctx: RequestContext, id: string): Promise<ExerciseProgress> {
  await requireTrainingClinic(db, ctx);
  const exercise = requireExercise(ctx, id);
  const started = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(run)
      .values({ clinicId: ctx.clinicId, userId: ctx.userId, exerciseId: id })
      .onConflictDoUpdate({
        target: [run.clinicId, run.userId, run.exerciseId],
        set: { startedAt: sql`now()`, completedAt: null },
      })
      .returning();
    await recordAudit(tx, ctx, { action: 'training.exercise_start', entityType: 'training_exercise', entityId: id });
    return row;
  });
  return progressOf(db, ctx, exercise, started);
}

/** The web app says a page without an audited read (the home dashboard) was opened. */
export async function recordPageVisit(db: Db, ctx: RequestContext, page: TrainingPage): Promise<void> {
  await requireTrainingClinic(db, ctx);
  await db.insert(schema.trainingPageVisits).values({ clinicId: ctx.clinicId, userId: ctx.userId, page });
}

interface Happening {
  at: Date;
  patientId: string | null;
  details: Record<string, unknown> | null;
}

async function progressOf(
  db: Db,
  ctx: RequestContext,
  exercise: ExerciseDefinition,
  started: typeof run.$inferSelect | null,
): Promise<ExerciseProgress> {
  const base = { id: exercise.id, title: t(exercise.title), why: t(exercise.why) };
  if (!started) {
    return {
      ...base,
      steps: exercise.steps.map((s) => ({ id: s.id, text: t(s.text), done: false, doneAt: null })),
      startedAt: null,
      completedAt: null,
    };
  }
  const happened = await happeningsSince(db, ctx, exercise, started.startedAt);
  // Per step: the events that satisfy it. A step tied to an earlier one's patient keeps only the
  // events about a patient that step matched (the walk-in just registered, not any patient).
  const matched = new Map<string, Happening[]>();
  for (const step of exercise.steps) {
    const candidates = (happened.get(keyOf(step)) ?? []).filter((h) => detailsMatch(step, h));
    const tiedTo = step.condition.kind === 'audit' ? step.condition.samePatientAs : undefined;
    const patients = tiedTo ? new Set((matched.get(tiedTo) ?? []).map((h) => h.patientId)) : null;
    matched.set(
      step.id,
      patients ? candidates.filter((h) => h.patientId !== null && patients.has(h.patientId)) : candidates,
    );
  }
  const steps = exercise.steps.map((s) => {
    const first = matched.get(s.id)?.[0];
    return { id: s.id, text: t(s.text), done: Boolean(first), doneAt: first ? first.at.toISOString() : null };
  });
  let completedAt = started.completedAt;
  if (!completedAt && steps.every((s) => s.done)) {
    // Done when its last step was: recorded once, so the list can show finished exercises.
    completedAt = new Date(Math.max(...steps.map((s) => Date.parse(s.doneAt as string))));
    await db
      .update(run)
      .set({ completedAt })
      .where(and(eq(run.clinicId, ctx.clinicId), eq(run.userId, ctx.userId), eq(run.exerciseId, exercise.id)));
  }
  return {
    ...base,
    steps,
    startedAt: started.startedAt.toISOString(),
    completedAt: completedAt?.toISOString() ?? null,
  };
}

const keyOf = (step: ExerciseStep) =>
  step.condition.kind === 'audit' ? `audit:${step.condition.action}` : `page:${step.condition.page}`;

function detailsMatch(step: ExerciseStep, happening: Happening): boolean {
  if (step.condition.kind !== 'audit' || !step.condition.details) return true;
  return Object.entries(step.condition.details).every(([key, value]) => {
    const actual = happening.details?.[key] ?? null;
    return value === null ? actual === null : actual === value;
  });
}

/** The person's own successful events and page visits in this clinic since `since`, oldest first, by step key. */
async function happeningsSince(
  db: Db,
  ctx: RequestContext,
  exercise: ExerciseDefinition,
  since: Date,
): Promise<Map<string, Happening[]>> {
  const actions = exercise.steps.flatMap((s) => (s.condition.kind === 'audit' ? [s.condition.action] : []));
  const pages = exercise.steps.flatMap((s) => (s.condition.kind === 'page' ? [s.condition.page] : []));
  const byKey = new Map<string, Happening[]>();
  const add = (key: string, happening: Happening) => byKey.set(key, [...(byKey.get(key) ?? []), happening]);
  const e = schema.auditEvents;
  if (actions.length) {
    const events = await db
      .select({ action: e.action, at: e.occurredAt, patientId: e.patientId, details: e.details })
      .from(e)
      .where(
        and(
          eq(e.clinicId, ctx.clinicId),
          eq(e.actorUserId, ctx.userId),
          eq(e.outcome, 'success'),
          inArray(e.action, actions),
          gte(e.occurredAt, since),
        ),
      )
      .orderBy(asc(e.occurredAt), asc(e.id))
      .limit(EVENT_LIMIT);
    for (const event of events) {
      add(`audit:${event.action}`, {
        at: event.at,
        patientId: event.patientId,
        details: event.details as Record<string, unknown> | null,
      });
    }
  }
  if (pages.length) {
    const v = schema.trainingPageVisits;
    const visits = await db
      .select({ page: v.page, at: v.visitedAt })
      .from(v)
      .where(
        and(eq(v.clinicId, ctx.clinicId), eq(v.userId, ctx.userId), inArray(v.page, pages), gte(v.visitedAt, since)),
      )
      .orderBy(asc(v.visitedAt))
      .limit(EVENT_LIMIT);
    for (const visit of visits) add(`page:${visit.page}`, { at: visit.at, patientId: null, details: null });
  }
  return byKey;
}
