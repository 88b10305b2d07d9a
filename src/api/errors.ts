import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isAppError } from '../core/errors';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

/** The one place that maps errors to HTTP. Unexpected errors are logged with their stack and answered 500 without internals. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(req.id);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => `${(err as FastifyError).validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}: ${v.message ?? 'invalid'}`);
    void reply.status(400).send({ error: { code: 'validation_failed', message: `Invalid request: ${issues.join('; ')}`, details: { issues }, requestId } } satisfies ErrorBody);
    return;
  }
  if (isAppError(err)) {
    if (err.status >= 500) req.log.warn({ code: err.code, err: err.message }, 'operational error');
    void reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), requestId } } satisfies ErrorBody);
    return;
  }
  const fe = err as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : fe.statusCode === 429 ? 'rate_limited' : 'bad_request';
    void reply.status(fe.statusCode).send({ error: { code, message: fe.message, requestId } } satisfies ErrorBody);
    return;
  }
  req.log.error({ err }, 'unexpected error');
  void reply.status(500).send({ error: { code: 'internal', message: `Internal error; quote request id ${requestId} when reporting it`, requestId } } satisfies ErrorBody);
}
