import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), requestId: z.string() }),
}).describe('Every non-2xx answer');

/** The error answers every authenticated route can give (documented in OpenAPI). */
export const authErrors = { 401: errorBodySchema, 403: errorBodySchema } as const;
export const commonErrors = { 400: errorBodySchema, ...authErrors, 404: errorBodySchema } as const;

export const cursorQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size'),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
};
