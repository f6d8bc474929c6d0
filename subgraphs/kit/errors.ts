// Top-level errors (auth, limits, faults) are the platform's; modules reach them through the kit.
export { badUserInput, ErrorCode, forbidden, moduleNotSubscribed, unauthenticated } from '../../platform/errors';

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
