/**
 * The few error classes of SmartView. Each has a stable `code` that clients may match on;
 * `src/api/errors.ts` is the one place that maps them to HTTP. Never match errors by message.
 */
export type ErrorDetails = Record<string, unknown> | undefined;

export abstract class AppError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller sent something wrong: bad input, a conflict, a missing resource. Not reported. */
export class UserError extends AppError {
  readonly status: number;
  constructor(code: string, message: string, details?: ErrorDetails, status = 400) {
    super(code, message, details);
    this.status = status;
  }
}

export class ValidationError extends UserError {
  constructor(message: string, details?: ErrorDetails) {
    super('validation_failed', message, details, 400);
  }
}

export class NotFoundError extends UserError {
  constructor(what: string, id: string) {
    super('not_found', `${what} '${id}' was not found`, { what, id }, 404);
  }
}

export class ConflictError extends UserError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, details, 409);
  }
}

/** No valid credentials (401). */
export class AuthenticationError extends AppError {
  readonly status = 401;
  constructor(message = 'Authentication required: log in or send an API token (Authorization: Bearer …)', code = 'unauthenticated') {
    super(code, message);
  }
}

/** Authenticated, but the role or scope does not allow it (403). */
export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(permission: string, message?: string) {
    super('forbidden', message ?? `Your role does not grant '${permission}'`, { permission });
  }
}

/** A dependency failed (database, bus, disk); retrying may help (503). */
export class OperationalError extends AppError {
  readonly status = 503;
  constructor(code: string, message: string, options?: { cause?: unknown; details?: ErrorDetails }) {
    super(code, message, options?.details, { cause: options?.cause });
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
