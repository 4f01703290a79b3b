import { zExerciseList, zExerciseParams, zExerciseProgress, zTrainingPageVisit } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { listExercises, recordPageVisit, startExercise } from './exercises';

/** Guided exercises of a training clinic: any staff member, about themselves only; 404 in a real clinic. */
export function trainingExerciseRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['training'];

  app.get(
    '/api/training/exercises',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'The guided exercises for the signed-in user’s role, each step with whether it is done: a step ticks itself from the user’s own actions in the training clinic (their audit events) since they started the exercise. 404 outside a training clinic.',
        response: { 200: zExerciseList, ...errorResponses },
      },
    },
    async (request) => listExercises(db, requireCtx(request)),
  );
  app.post(
    '/api/training/exercises/:id/start',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'Start an exercise, or start it again with a fresh checklist: only what the user does from now on ticks its steps.',
        params: zExerciseParams,
        response: { 200: zExerciseProgress, ...errorResponses },
      },
    },
    async (request) => startExercise(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/training/page-visits',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'Record that the web app opened a page no audited read covers (the home dashboard), for the exercises’ “find your way” steps. Training clinics only.',
        body: zTrainingPageVisit,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await recordPageVisit(db, requireCtx(request), request.body.page);
      return reply.status(204).send(null);
    },
  );
}
