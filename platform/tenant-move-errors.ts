import { isPgError } from './db';

/** What node-postgres says when the server ended a session under a statement, or before the next. */
const LOST_CONNECTION = /^(Connection terminated unexpectedly|Client has encountered a connection error and is not queryable|Connection terminated)$/;

/**
 * A tenant's database went away under a request: a tenant move
 * (platform/tenant-move.ts) ends the old copy's sessions (57P01, or the
 * connection simply closes) and refuses new ones (55000, "not currently
 * accepting connections") until the registry names the new copy. Nothing of
 * the request's transaction was committed (a commit cut off half-way is the
 * one doubt, which idempotency keys settle), and the next request reaches the
 * new copy: the client gets a coded, retryable error instead of an internal
 * one. A server restart ends sessions the same way, and a retry is the right
 * answer to it too.
 */
export function isTenantMovingFault(error: unknown): boolean {
  if (isPgError(error, '57P01')) return true;
  if (!(error instanceof Error)) return false;
  if (isPgError(error, '55000')) return /not currently accepting connections/.test(error.message);
  return LOST_CONNECTION.test(error.message);
}

export const TENANT_MOVING_MESSAGE = "The company's data is moving to another server; retry in a moment";
