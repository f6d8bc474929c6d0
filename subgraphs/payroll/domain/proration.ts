import { daysInclusive, earlierOf, laterOf } from './dates';

export interface Period {
  start: string;
  /** Inclusive. */
  end: string;
}

export type PayFrequency = 'MONTHLY' | 'BIWEEKLY' | 'WEEKLY';

/** A contract as payroll's projection knows it. */
export interface ContractTerms {
  contractId: string;
  startDate: string;
  /** Last day, inclusive (the end it was signed with, or the day it was ended); null while open-ended. */
  endDate: string | null;
  payFrequency: PayFrequency;
  /** Salary per pay period (per month for MONTHLY), 2 decimals. */
  baseSalary: string;
  currency: string;
}

/** An employee's employment as payroll's projection knows it; unknown dates do not bound anything. */
export interface Employment {
  employeeId: string;
  employeeNumber: string | null;
  hireDate: string | null;
  terminationDate: string | null;
  contracts: ContractTerms[];
}

/** The days of one contract paid in a period. */
export interface PaidSegment {
  contractId: string;
  from: string;
  to: string;
  days: number;
  baseSalary: string;
  currency: string;
}

/**
 * Monthly pay runs pay MONTHLY contracts only. Weekly and bi-weekly contracts
 * need runs of their own cadence (not built yet): converting them into a
 * monthly amount would pay a different sum than the contract says.
 */
export function paidByMonthlyRuns(contract: ContractTerms): boolean {
  return contract.payFrequency === 'MONTHLY';
}

/**
 * The days of the period each contract pays: the contract's dates cut to the
 * period and to the employment (hire to termination, both inclusive). One
 * segment per contract, so a salary change inside the period (one contract
 * ended, the next signed) gives two segments at their own salaries.
 */
export function paidSegments(period: Period, employment: Employment): PaidSegment[] {
  const segments: PaidSegment[] = [];
  const employedFrom = employment.hireDate ? laterOf(period.start, employment.hireDate) : period.start;
  const employedTo = employment.terminationDate ? earlierOf(period.end, employment.terminationDate) : period.end;
  for (const contract of employment.contracts) {
    if (!paidByMonthlyRuns(contract)) continue;
    const from = laterOf(employedFrom, contract.startDate);
    const to = contract.endDate ? earlierOf(employedTo, contract.endDate) : employedTo;
    const days = daysInclusive(from, to);
    if (days > 0) segments.push({ contractId: contract.contractId, from, to, days, baseSalary: contract.baseSalary, currency: contract.currency });
  }
  return segments.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}
