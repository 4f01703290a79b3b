import {
  EMAIL_STATUSES,
  zEmailMessage,
  zEmailMessagePage,
  zEmailMessageQuery,
  zEmailSettingsUpdate,
  zEmailSettingsView,
  zEmailTestRequest,
  zEmailTestResult,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { getEmailAttachment, getEmailMessage, listMessages } from '../messaging/log';
import { retryEmail, sendTestEmail } from './send-email';
import { getEmailSettings, updateEmailSettings } from './settings';

const zSendResult = z.object({
  id: z.string(),
  status: z.enum(EMAIL_STATUSES),
  error: z.string().nullable(),
});

/** `attachment` always: a stored file is downloaded, never rendered on Tend's own origin. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function emailRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const env = deps.config;

  app.get(
    '/api/settings/email',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['email'],
        summary: 'The clinic’s SMTP settings (the password only as set / not set) and whether mail is sent or captured',
        response: { 200: zEmailSettingsView, ...errorResponses },
      },
    },
    async (request) => getEmailSettings(db, requireCtx(request), env),
  );
  app.put(
    '/api/settings/email',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['email'],
        summary:
          'Save the SMTP settings; the password is write-only (omit it to keep the stored one, null to remove it)',
        body: zEmailSettingsUpdate,
        response: { 200: zEmailSettingsView, ...errorResponses },
      },
    },
    async (request) => updateEmailSettings(db, requireCtx(request), request.body, env),
  );
  app.post(
    '/api/settings/email/test',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['email'],
        summary: 'Send a test email through the saved settings; answers the SMTP server’s error text when it fails',
        body: zEmailTestRequest,
        response: { 200: zEmailTestResult, ...errorResponses },
      },
    },
    async (request) => sendTestEmail(db, requireCtx(request), request.body.to, env),
  );

  app.get(
    '/api/email/messages',
    {
      config: { access: 'email.read' },
      schema: {
        tags: ['email'],
        summary: 'The outbox: messages sent, failed or captured, newest first (the same list as GET /api/messages)',
        querystring: zEmailMessageQuery,
        response: { 200: zEmailMessagePage, ...errorResponses },
      },
    },
    async (request) => listMessages(db, requireCtx(request), request.query),
  );
  app.get(
    '/api/email/messages/:id',
    {
      config: { access: 'email.read' },
      schema: {
        tags: ['email'],
        summary: 'One message with its text and the list of its attachments',
        params: zIdParams,
        response: { 200: zEmailMessage, ...errorResponses },
      },
    },
    async (request) => getEmailMessage(db, requireCtx(request), request.params.id),
  );
  app.get(
    '/api/email/messages/:id/attachments/:index',
    {
      config: { access: 'email.read' },
      schema: {
        tags: ['email'],
        summary: 'Download one attachment of a message (index from the message’s attachment list)',
        params: zIdParams.extend({ index: z.coerce.number().int().min(0).max(1000) }),
        response: { 200: z.any().describe('The file, with its content type'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const file = await getEmailAttachment(db, requireCtx(request), request.params.id, request.params.index);
      return reply
        .type(file.contentType)
        .header('content-disposition', contentDisposition(file.filename))
        .header('cache-control', 'no-store')
        .send(file.content);
    },
  );
  app.post(
    '/api/email/messages/:id/retry',
    {
      config: { access: 'email.send' },
      schema: {
        tags: ['email'],
        summary: 'Send a failed message again with the current settings',
        params: zIdParams,
        response: { 200: zSendResult, ...errorResponses },
      },
    },
    async (request) => {
      const sent = await retryEmail(db, requireCtx(request), request.params.id, env);
      return { id: sent.id, status: sent.status, error: sent.error };
    },
  );
}
