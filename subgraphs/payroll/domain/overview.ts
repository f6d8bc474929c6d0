import { money, type Money } from '../../kit/money';
import type { PayrollTerms } from './terms';

/**
 * Payroll's rules for its overview figures: plain functions, no SQL, no
 * GraphQL. The metrics that combine them with other modules' figures are
 * access's (subgraphs/access/domain/overview-metrics.ts).
 */

/** An exact sum of pay run amounts in one currency. */
export interface CurrencySum {
  currency: string;
  amount: string;
}

/**
 * One Money from sums per currency: zero in `emptyCurrency` when there is
 * nothing, null when the sums are in more than one currency (amounts in
 * different currencies do not add up, and payroll converts nothing).
 */
export function singleCurrencyTotal(sums: readonly CurrencySum[], emptyCurrency: string): Money | null {
  if (sums.length === 0) return money(0, emptyCurrency);
  if (sums.length > 1) return null;
  return money(sums[0]!.amount, sums[0]!.currency);
}

/** What decides which ledger accounts payroll debits expenses to. */
export interface ExpenseAccountSources {
  /** The settings now: salary and employer contribution expense accounts and EARNING components. */
  current: Pick<PayrollTerms, 'accounts' | 'components'>;
  /** The terms every POSTED run was calculated (and so posted) with. */
  posted: ReadonlyArray<Pick<PayrollTerms, 'accounts' | 'components'>>;
}

/**
 * The expense accounts of payroll postings, sorted: the salary and employer
 * contribution expense accounts and the accounts EARNING components name, from
 * the settings (where the next run will post) and from every posted run's own
 * terms (where past runs did post, even if the settings changed since).
 */
export function payrollExpenseAccounts(sources: ExpenseAccountSources): string[] {
  const codes = new Set<string>();
  for (const terms of [sources.current, ...sources.posted]) {
    codes.add(terms.accounts.salaryExpense);
    codes.add(terms.accounts.employerContributionExpense);
    for (const component of terms.components) if (component.kind === 'EARNING' && component.accountCode) codes.add(component.accountCode);
  }
  return [...codes].sort();
}
