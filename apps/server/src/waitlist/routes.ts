import {
  zWaitlistCreate,
  zWaitlistEntry,
  zWaitlistMatchQuery,
  zWaitlistOffer,
  zWaitlistOffersQuery,
  zWaitlistQuery,
  zWaitlistRemove,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { listHeldTime, releaseOffer } from './offers';
import { addToWaitlist, listWaitlist, removeFromWaitlist, waitlistMatches } from './service';

export function waitlistRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['waitlist'];

  app.get(
    '/api/waitlist',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'Patients waiting for an earlier slot, first come first served (or the booked/removed entries)',
        querystring: zWaitlistQuery,
        response: { 200: z.object({ items: z.array(zWaitlistEntry) }), ...errorResponses },
      },
    },
    async (request) => listWaitlist(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/waitlist',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary: 'Put a patient on the waitlist for a type (and a provider, or any), optionally between two dates',
        body: zWaitlistCreate,
        response: { 201: zWaitlistEntry, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await addToWaitlist(db, requireCtx(request), request.body)),
  );
  app.post(
    '/api/waitlist/:id/remove',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary: 'Take a patient off the waitlist, with a reason',
        params: zIdParams,
        body: zWaitlistRemove,
        response: { 200: zWaitlistEntry, ...errorResponses },
      },
    },
    async (request) => removeFromWaitlist(db, requireCtx(request), request.params.id, request.body.reason),
  );
  app.get(
    '/api/waitlist/matches',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary:
          'The waiting patients a provider’s freed time suits (from a live `freed` event), first come first served. Book one with POST /api/appointments and `waitlistEntryId`.',
        querystring: zWaitlistMatchQuery,
        response: { 200: z.object({ items: z.array(zWaitlistEntry) }), ...errorResponses },
      },
    },
    async (request) => waitlistMatches(db, requireCtx(request), request.query),
  );
  app.get(
    '/api/waitlist/offers',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary:
          'Time held for open waitlist offers between two instants (the schedule shows it as held until `holdUntil`)',
        querystring: zWaitlistOffersQuery,
        response: { 200: z.object({ items: z.array(zWaitlistOffer) }), ...errorResponses },
      },
    },
    async (request) => listHeldTime(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/waitlist/offers/:id/release',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary:
          'Release the time held for a waitlist offer: it can be booked at once, and is offered to the next waiting patient it suits',
        params: zIdParams,
        response: { 200: zWaitlistOffer, ...errorResponses },
      },
    },
    async (request) => releaseOffer(db, requireCtx(request), request.params.id),
  );
}
