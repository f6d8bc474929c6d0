import { D, decimalPlaces, money, ratio, type Money } from '../../kit/money';
import type { PayrollTerms } from './terms';

/**
 * Payroll's rules for the overview and for the metrics it computes from what
 * the query plan brings (employees' headcount, finance's expense accounts,
 * assets' depreciation): plain functions, no SQL, no GraphQL.
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

/**
 * Active employees the last run did not pay: the employees module's headcount
 * less those paid whom payroll's projection still holds ACTIVE. Never negative:
 * while an event is in flight the two modules may briefly disagree.
 */
export function activeNotPaid(activeHeadcount: number, paidStillActive: number): number {
  return Math.max(0, activeHeadcount - paidStillActive);
}

/** One EXPENSE account of the ledger as finance exposes it to the query plan. */
export interface LedgerExpenseAccount {
  code: string;
  /** Debit minus credit of the lines dated today or earlier, in the ledger's currency. */
  balance: Money;
  /** The same over the lines dated in the year to date. */
  yearToDate: Money;
}

function sumOf(amounts: readonly Money[], emptyCurrency: string): Money {
  if (amounts.length === 0) return money(0, emptyCurrency);
  const places = Math.max(...amounts.map((a) => decimalPlaces(a.amount)));
  return money(
    amounts.reduce((sum, a) => sum.plus(a.amount), new D(0)),
    amounts[0]!.currency,
    places,
  );
}

/**
 * The ledger's balance of the accounts payroll debits expenses to. Codes the
 * ledger has no EXPENSE account for count as zero; with no expense account at
 * all the zero is in `emptyCurrency`.
 */
export function ledgerPayrollExpense(accounts: readonly LedgerExpenseAccount[], codes: readonly string[], emptyCurrency: string): Money {
  const wanted = new Set(codes);
  const currency = accounts[0]?.balance.currency ?? emptyCurrency;
  return sumOf(
    accounts.filter((a) => wanted.has(a.code)).map((a) => a.balance),
    currency,
  );
}

/** Every expense of the ledger in the year to date. */
export function ledgerExpensesYearToDate(accounts: readonly LedgerExpenseAccount[], emptyCurrency: string): Money {
  return sumOf(
    accounts.map((a) => a.yearToDate),
    emptyCurrency,
  );
}

/** (payroll cost + depreciation) ÷ ledger expenses, when the three are known and in one currency. */
export function workforceCostShare(payrollCost: Money | null, depreciation: Money | null, ledgerExpenses: Money): string | null {
  if (!payrollCost || !depreciation || payrollCost.currency !== ledgerExpenses.currency || depreciation.currency !== ledgerExpenses.currency) return null;
  return ratio(new D(payrollCost.amount).plus(depreciation.amount), ledgerExpenses.amount);
}
