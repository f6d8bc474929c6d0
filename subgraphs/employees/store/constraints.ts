import { isPgError } from '../../../platform/db';

/**
 * The name of the unique or exclusion constraint a statement ran into, or null
 * for any other error. Services turn known names into userErrors: the database
 * is the last word when two requests race past the same pre-check.
 */
export function violatedConstraint(error: unknown): string | null {
  if (!isPgError(error, '23505') && !isPgError(error, '23P01')) return null;
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === 'string' ? constraint : null;
}
