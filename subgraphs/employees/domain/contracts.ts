import type { ContractType } from '../store/contract.table';

export type ContractStatus = 'ACTIVE' | 'ENDED' | 'SCHEDULED';

export interface ContractPeriod {
  start_date: string;
  /** Inclusive last day; null while open-ended. */
  end_date: string | null;
}

/**
 * A contract's status follows from its dates and today, so it is computed, not
 * stored: a stored status would need a job to flip it every midnight.
 */
export function contractStatus(contract: ContractPeriod, today: string): ContractStatus {
  if (contract.start_date > today) return 'SCHEDULED';
  if (contract.end_date !== null && contract.end_date < today) return 'ENDED';
  return 'ACTIVE';
}

export function coversDate(contract: ContractPeriod, date: string): boolean {
  return contract.start_date <= date && (contract.end_date === null || contract.end_date >= date);
}

/** Whether two periods share at least one day (both ends inclusive). */
export function periodsOverlap(a: ContractPeriod, b: ContractPeriod): boolean {
  const aEndsBeforeB = a.end_date !== null && a.end_date < b.start_date;
  const bEndsBeforeA = b.end_date !== null && b.end_date < a.start_date;
  return !aEndsBeforeB && !bEndsBeforeA;
}

/** A fixed-term contract needs its end date; the others may be open-ended. */
export function needsEndDate(type: ContractType): boolean {
  return type === 'FIXED_TERM';
}
