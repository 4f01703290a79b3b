import type { ServerResponse } from 'node:http';
import { AppError, can, type ScheduleEvent } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import { authenticate, requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import type { EventHub } from './hub';

/**
 * `GET /api/events`: a server-sent-events stream of the caller's clinic's schedule changes. Each
 * heartbeat re-checks the session (signed out, timed out, role changed) and ends the stream when
 * it is no longer valid.
 */
export function eventRoutes(app: FastifyInstance, deps: Deps, hub: EventHub): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/api/events',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags: ['scheduling'],
        summary: 'Live schedule changes of your clinic (text/event-stream)',
        description:
          'Server-sent events. Each `data:` line is a JSON event: `{ "kind": "appointment", "action", "appointmentId", "providerId", "start", "end", "status", "freed"? }`, `{ "kind": "availability", "providerId" }`, `{ "kind": "waitlist", "entryId" }`, or `{ "kind": "resync" }` (events may have been missed: reload). The stream ends with `event: signed-out` when the session is no longer valid. Events name records, not patients.',
      },
    },
    async (request, reply) => {
      const ctx = requireCtx(request);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // Reverse proxies must pass events on at once.
        'x-accel-buffering': 'no',
      });
      response.write('retry: 3000\n: connected\n\n');
      open.add(response);

      const send = (event: ScheduleEvent) => response.write(`data: ${JSON.stringify(event)}\n\n`);
      const unsubscribe = hub.subscribe(ctx.clinicId, send);
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
        if (!response.writableEnded) response.end();
      };
      const heartbeat = setInterval(async () => {
        try {
          const current = await authenticate(deps.database.db, request);
          if (!can(current.role, 'schedule.read')) throw AppError.forbidden();
          response.write(': heartbeat\n\n');
        } catch {
          response.write('event: signed-out\ndata: {}\n\n');
          end();
        }
      }, deps.config.eventsHeartbeatMs);
      request.raw.on('close', end);
    },
  );
}
