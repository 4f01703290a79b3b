import { ERROR_CODES, type ErrorCode } from '@tend/domain';
import { z } from 'zod';

/** Shapes shared by every route's OpenAPI description. */

export const zErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })),
    details: z.unknown().optional(),
  }),
});

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: zErrorBody,
  401: zErrorBody,
  403: zErrorBody,
  404: zErrorBody,
  409: zErrorBody,
};

export const zIdParams = z.object({ id: z.uuid({ error: 'This is not a valid id.' }) });

export const zPage = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
