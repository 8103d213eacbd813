// Every error a client may see, with its stable code and HTTP status. Anything else thrown is a
// bug: graphql-yoga masks it as "Unexpected error." and logs it.
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  /** No credentials, or a token or session that is not (or no longer) valid. */
  UNAUTHENTICATED: 401,
  /** Signed in, but the role or the org's modules do not allow this. */
  FORBIDDEN: 403,
  /** The thing named does not exist. */
  NOT_FOUND: 404,
  /** The org's state forbids it now: an export is already pending or running. */
  CONFLICT: 409,
  /** The org's storage has not passed a connection test since it last changed. */
  STORAGE_NOT_VERIFIED: 409,
  /** An argument is malformed, too long or out of range; `extensions.field` names it. */
  VALIDATION_FAILED: 400,
  /** Too many failed sign-ins for this email; `extensions.retryAfterSeconds` says when to retry. */
  TOO_MANY_ATTEMPTS: 429,
  /** The query is nested, aliased or costed beyond the server's limits. */
  QUERY_TOO_COMPLEX: 400,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions, http: { status: ERROR_CODES[code] } } });
  }
}

export const unauthenticated = (message = 'Sign in, or send a valid API token as "Authorization: Bearer <token>".') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Your role does not allow this.') => new AppError('FORBIDDEN', message);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} was not found.`);
export const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field}: ${message}`, { field });
