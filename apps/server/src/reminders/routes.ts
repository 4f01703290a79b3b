import {
  zInstant,
  zLanguage,
  zLinkView,
  zMessageTemplate,
  zMessageTemplatePut,
  zRecallSettings,
  zReminderRule,
  zReminderRulesPut,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { useLink, viewLink } from './links';
import { listReminderRules, putReminderRules } from './rules';
import { listTemplates, putTemplate } from './templates';

const zTokenParams = z.object({ token: z.string().max(100) });

/** Reminder rules, and the public pages behind the links in reminders. */
export function reminderRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['reminders'];
  const rules = { 200: z.object({ items: z.array(zReminderRule), recall: zRecallSettings }), ...errorResponses };

  app.get(
    '/api/reminder-rules',
    {
      config: { access: 'schedule.read' },
      schema: { tags, summary: 'The clinic’s reminder rules, and when recall messages go', response: rules },
    },
    async (request) => listReminderRules(db, requireCtx(request)),
  );
  app.put(
    '/api/reminder-rules',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary:
          'Replace the reminder rules (e.g. email 3 days = 4320 minutes before, text 2 hours = 120 minutes before); whole days keep the wall-clock time. Rules left out are turned off. They apply to appointments booked or moved from now on. `recall` (optional) sets when recall messages go: the first `leadDays` before the due date, a second `secondNoticeAfterDays` after it if nothing is booked (0: none).',
        body: zReminderRulesPut,
        response: rules,
      },
    },
    async (request) => putReminderRules(db, requireCtx(request), request.body),
  );

  const templates = { 200: z.object({ items: z.array(zMessageTemplate) }), ...errorResponses };
  app.get(
    '/api/message-templates',
    {
      config: { access: 'schedule.read' },
      schema: {
        tags,
        summary: 'The wording of every message (kind × channel) in a language: the clinic’s own, or Tend’s default',
        querystring: z.object({ language: zLanguage.default('en') }),
        response: templates,
      },
    },
    async (request) => listTemplates(db, requireCtx(request), request.query.language),
  );
  app.put(
    '/api/message-templates',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary:
          'Set the clinic’s wording of one message (unknown {variables} are refused), or `reset` it to Tend’s default',
        body: zMessageTemplatePut,
        response: templates,
      },
    },
    async (request) => putTemplate(db, requireCtx(request), request.body),
  );

  const origin = (request: { ip: string; headers: Record<string, unknown> }) => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  });
  app.get(
    '/api/public/links/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'What a link in a message is about (the appointment or the offered time: clinic, date, time, provider, place, held until; for a recall’s booking link, the open times to choose from) and whether it can be used; opening it changes nothing',
        params: zTokenParams,
        response: { 200: zLinkView, ...errorResponses },
      },
    },
    async (request) => viewLink(db, deps.config, request.params.token),
  );
  app.post(
    '/api/public/links/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'Confirm or cancel the appointment of a link, take (or, with `decline`, say no thanks to) the time of a waitlist offer, or book the chosen time (`start`) of a recall’s booking link — once; refused when expired, forged, used, the appointment has moved or the time is taken',
        params: zTokenParams,
        body: z.object({
          /** A cancel link: please contact me to find another time. */
          anotherTime: z.boolean().optional(),
          /** An offer link: no thanks (the time goes to the next patient on the waitlist). */
          decline: z.boolean().optional(),
          /** A recall's booking link: the chosen open time. */
          start: zInstant.optional(),
        }),
        response: { 200: zLinkView, ...errorResponses },
      },
    },
    async (request) => useLink(db, deps.config, origin(request), request.params.token, request.body),
  );
}
