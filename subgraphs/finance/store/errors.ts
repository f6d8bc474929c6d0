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
