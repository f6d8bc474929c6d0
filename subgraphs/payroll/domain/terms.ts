/**
 * What a pay run is calculated and posted with: the tenant's payroll settings
 * at calculation time. A calculated run keeps its own copy, so changing the
 * settings later never changes an approved run or what it posts.
 */
export type PayComponentKind = 'EARNING' | 'DEDUCTION';

/** A fixed monthly amount every paid employee gets (EARNING) or has withheld after tax (DEDUCTION). */
export interface PayComponentTerms {
  code: string;
  name: string;
  kind: PayComponentKind;
  /** Monthly amount, 2 decimals; prorated like the salary. */
  amount: string;
  /** Ledger account: for an EARNING null means the salary expense account; a DEDUCTION always names the payable. */
  accountCode: string | null;
}

export interface PayrollAccounts {
  salaryExpense: string;
  employerContributionExpense: string;
  netPayPayable: string;
  incomeTaxPayable: string;
  contributionsPayable: string;
}

export interface PayrollTerms {
  currency: string;
  /** Rates are exact decimal strings between 0 and 1, e.g. "0.2375". */
  incomeTaxRate: string;
  employeeContributionRate: string;
  employerContributionRate: string;
  accounts: PayrollAccounts;
  components: PayComponentTerms[];
}

/** Codes of the lines payroll itself computes; pay components may not reuse them. */
export const LINE_CODES = {
  baseSalary: 'BASE_SALARY',
  employeeContribution: 'EMPLOYEE_CONTRIBUTION',
  incomeTax: 'INCOME_TAX',
  employerContribution: 'EMPLOYER_CONTRIBUTION',
} as const;

export const RESERVED_LINE_CODES: readonly string[] = Object.values(LINE_CODES);

export type PayslipLineKind = 'EARNING' | 'DEDUCTION' | 'TAX' | 'EMPLOYER_CONTRIBUTION';
