import { isPgError } from '../../../platform/db';

// Raised by the ledger's period trigger (migrations/tenant/finance/20261122030000_ledger.ts). The other
// trigger codes (FN002 append-only, FN003 unbalanced, FN004 late lines) mean a bug, so they stay faults.
export const PERIOD_CLOSED_SQLSTATE = 'FN001';

export function isPeriodClosedError(error: unknown): boolean {
  return isPgError(error, PERIOD_CLOSED_SQLSTATE);
}

/** A unique violation of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return isPgError(error, '23505') && (error as { constraint?: unknown }).constraint === constraint;
}

/** An id that cannot be a uuid is simply not found; letting it reach PostgreSQL would be a fault. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function onlyUuids(ids: readonly string[]): string[] {
  return ids.filter((id) => UUID.test(id));
}
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
