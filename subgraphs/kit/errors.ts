import { GraphQLError } from 'graphql';

/** Codes of top-level errors (auth, limits, faults). Business failures are userErrors. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  MODULE_NOT_SUBSCRIBED: 'MODULE_NOT_SUBSCRIBED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function unauthenticated(message = 'A valid access key is required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = 'This caller may not perform this operation'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function moduleNotSubscribed(module: string): GraphQLError {
  return new GraphQLError(`The ${module} module is not granted to this access key`, {
    extensions: { code: ErrorCode.MODULE_NOT_SUBSCRIBED, module },
  });
}

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}

/** A business-rule failure reported in a mutation payload. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

export function userError(field: string | string[] | null, message: string, code: string): UserError {
  return { field: field === null ? null : Array.isArray(field) ? field : field.split('.'), message, code };
}

/**
 * Thrown inside a transaction to roll it back and report a business failure;
 * `runMutation` turns it into the payload's userErrors.
 */
export class UserErrorsException extends Error {
  constructor(readonly userErrors: UserError[]) {
    super(userErrors.map((e) => e.message).join('; '));
  }
}

export function failWith(field: string | string[] | null, message: string, code: string): never {
  throw new UserErrorsException([userError(field, message, code)]);
}

/**
 * Runs a mutation's work and shapes the payload: on success the work's fields
 * with no userErrors; on a business failure (UserErrorsException) only the errors.
 * Faults propagate and become top-level errors.
 */
export async function withUserErrors<P extends object>(work: () => Promise<P>): Promise<Partial<P> & { userErrors: UserError[] }> {
  try {
    return { ...(await work()), userErrors: [] };
  } catch (error) {
    if (error instanceof UserErrorsException) return { userErrors: error.userErrors } as Partial<P> & { userErrors: UserError[] };
    throw error;
  }
}
