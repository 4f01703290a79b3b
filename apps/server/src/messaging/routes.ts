import {
  zMessagePage,
  zMessageQuery,
  zMessageSummary,
  zSmsSettingsUpdate,
  zSmsSettingsView,
  zSmsTestRequest,
  zSmsTestResult,
} from '@tend/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { originOf, requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { listMessages } from './log';
import { retryMessage } from './retry';
import { getSmsSettings, sendTestSms, updateSmsSettings } from './sms-settings';
import { receiveInboundSms, receiveSmsStatus, type WebhookCall } from './webhooks';

/** A gateway's form posts are small; anything bigger is not one of them. */
const WEBHOOK_BODY_LIMIT = 64 * 1024;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const zWebhookParams = z.object({ clinicId: z.uuid({ error: 'This is not a valid id.' }) });
const zForm = z.record(z.string(), z.string());

export function messagingRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const env = deps.config;

  app.get(
    '/api/settings/sms',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['messages'],
        summary:
          'The clinic’s SMS gateway (the auth token only as set / not set) and whether texts are sent or captured',
        response: { 200: zSmsSettingsView, ...errorResponses },
      },
    },
    async (request) => getSmsSettings(db, requireCtx(request), env),
  );
  app.put(
    '/api/settings/sms',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['messages'],
        summary: 'Save the SMS gateway settings; the auth token is write-only (omit it to keep the stored one)',
        body: zSmsSettingsUpdate,
        response: { 200: zSmsSettingsView, ...errorResponses },
      },
    },
    async (request) => updateSmsSettings(db, requireCtx(request), request.body, env),
  );
  app.post(
    '/api/settings/sms/test',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['messages'],
        summary: 'Send a test text right away through the saved settings; answers the gateway’s error when it fails',
        body: zSmsTestRequest,
        response: { 200: zSmsTestResult, ...errorResponses },
      },
    },
    async (request) => sendTestSms(db, requireCtx(request), request.body.to, env),
  );
  app.get(
    '/api/messages',
    {
      // The whole log needs email.read; with patientId, anyone who may read the patient (service).
      config: { access: 'patient.read' },
      schema: {
        tags: ['messages'],
        summary:
          'The delivery log of emails and texts, newest first; roles without the outbox see one patient’s (patientId)',
        querystring: zMessageQuery,
        response: { 200: zMessagePage, ...errorResponses },
      },
    },
    async (request) => listMessages(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/messages/:id/retry',
    {
      config: { access: 'email.send' },
      schema: {
        tags: ['messages'],
        summary:
          'Send a failed email or text again: it goes back to the queue (attempts from zero, the same idempotency key) and the worker sends it — links signed afresh, withdrawn if its appointment is no longer booked. Only a failed message (409 otherwise).',
        params: z.object({ id: z.uuid({ error: 'This is not a valid id.' }) }),
        response: { 200: zMessageSummary, ...errorResponses },
      },
    },
    async (request) => retryMessage(db, requireCtx(request), request.params.id),
  );

  // The gateway's webhooks: public, signed, form-encoded. Their own scope, so the form parser
  // exists for them only (no new dependency for it).
  void server.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    const hooks = scope.withTypeProvider<ZodTypeProvider>();
    const callOf = (request: FastifyRequest, clinicId: string, form: Record<string, string>): WebhookCall => {
      // The URL the gateway signed: TEND_PUBLIC_URL, or this request's own (X-Forwarded-* only
      // with TEND_TRUST_PROXY).
      const own = `${request.protocol}://${request.host}${request.url}`;
      const configured = `${env.publicUrl}${request.url}`;
      const signature = request.headers['x-twilio-signature'];
      return {
        clinicId,
        urls: configured === own ? [own] : [configured, own],
        signature: typeof signature === 'string' ? signature : undefined,
        form,
        origin: originOf(request),
      };
    };
    hooks.post(
      '/api/webhooks/sms/:clinicId/inbound',
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        config: { access: 'public' },
        schema: {
          tags: ['messages'],
          summary:
            'The SMS gateway posts a text sent to the clinic’s number (signed with X-Twilio-Signature): STOP opts the sender out of texts, START back in; answers empty TwiML',
          params: zWebhookParams,
          body: zForm,
        },
      },
      async (request, reply) => {
        await receiveInboundSms(db, env, callOf(request, request.params.clinicId, request.body));
        return reply.type('text/xml').send(EMPTY_TWIML);
      },
    );
    hooks.post(
      '/api/webhooks/sms/:clinicId/status',
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        config: { access: 'public' },
        schema: {
          tags: ['messages'],
          summary: 'The SMS gateway reports a text’s delivery status (signed with X-Twilio-Signature)',
          params: zWebhookParams,
          body: zForm,
        },
      },
      async (request, reply) => {
        await receiveSmsStatus(db, env, callOf(request, request.params.clinicId, request.body));
        return reply.status(204).send();
      },
    );
  });
}
