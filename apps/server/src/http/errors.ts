import { sqlConstraint, sqlState } from '@tend/db';
import { AppError, type ErrorBody, type ErrorCode, t } from '@tend/domain';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

const CLIENT_ERROR_CODES: Record<number, ErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
};

/**
 * Fastify's own refusals (before a route runs), with Tend's codes and messages: Fastify's
 * messages are for developers, and a parser's message could quote the body.
 */
function fastifyClientError(error: FastifyError, bodyLimit: number): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', t('error.payloadTooLarge', { limit: sizeOf(bodyLimit) }));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', t('error.unsupportedMediaType'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', t('error.malformedJson'));
    default:
      return null;
  }
}

function sizeOf(bytes: number): string {
  return bytes >= 1_048_576 ? `${bytes / 1_048_576} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** The one place where errors become HTTP responses: `{ error: { code, message, fields } }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const own = fastifyClientError(error, request.routeOptions.bodyLimit);
    if (own) return reply.status(own.status).send(own.toBody());
    if (error instanceof AppError) {
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.code === 'rate_limited' && typeof retryAfter === 'number')
        reply.header('retry-after', String(retryAfter));
      return reply.status(error.status).send(error.toBody());
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext === 'body' ? '' : `${error.validationContext ?? 'request'}.`;
      const fields = error.validation.map((issue) => ({
        path: `${where}${issue.instancePath.replace(/^\//, '').replaceAll('/', '.')}` || '(body)',
        message: issue.message ?? 'This value is not valid.',
      }));
      return reply.status(400).send(AppError.validation(fields).toBody());
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's other client errors (a bad Content-Length, …): its message names the rule, not the body.
      const code = CLIENT_ERROR_CODES[error.statusCode] ?? 'validation_failed';
      const body: ErrorBody = { error: { code, message: error.message, fields: [] } };
      return reply.status(error.statusCode).send(body);
    }
    if (sqlState(error) === '22021' || sqlState(error) === '22P05') {
      // A character the database cannot store (e.g. NUL) that got past validation.
      return reply
        .status(400)
        .send(
          AppError.validation(
            [],
            'Some text contains a character that cannot be stored; remove it and try again.',
          ).toBody(),
        );
    }
    // Never the message: a database error's message carries the query's parameters (patient data).
    request.log.error(
      {
        err: {
          type: error.name,
          sqlState: sqlState(error),
          constraint: sqlConstraint(error),
          stack: error.stack?.split('\n').slice(1, 10).join('\n'),
        },
      },
      'request failed',
    );
    return reply.status(500).send(new AppError('internal', t('error.internal')).toBody());
  });
}
