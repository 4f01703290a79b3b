import { sqlConstraint, sqlState } from '@tend/db';
import { AppError, type ErrorBody, type ErrorCode } from '@tend/domain';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

const CLIENT_ERROR_CODES: Record<number, ErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
};

/** The one place where errors become HTTP responses: `{ error: { code, message, fields } }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
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
      // Fastify's own client errors: malformed JSON, body too large, wrong content type.
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
    return reply
      .status(500)
      .send(
        new AppError(
          'internal',
          'Something went wrong on the server. Please try again; if it keeps happening, tell your administrator.',
        ).toBody(),
      );
  });
}
