import { D, decimalPlaces, differenceOf, money, ratio, type Money } from '../../kit/money';

/**
 * The cross-module metrics of the overview: plain arithmetic over the small
 * aggregates each module exposes on Overview and the query plan brings to
 * access (no SQL, no GraphQL). A module that is not granted sends null, and a
 * metric whose inputs are missing is null.
 */

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

/** Payroll's own figures behind the metrics that combine payroll with other modules. */
export interface PayrollOverviewFacts {
  /** The payroll currency in the settings: the currency of a zero when there is nothing to sum. */
  currency: string;
  paidInLastPayRun: number;
  /** Of those paid, the employees payroll's projection still records as ACTIVE. */
  paidStillActiveInLastPayRun: number;
  /** Null when posted runs are in more than one currency. */
  postedPayrollCost: Money | null;
  /** Null when this year's posted runs are in more than one currency. */
  payrollCostYearToDate: Money | null;
  expenseAccountCodes: readonly string[];
}

/** What the query plan brings to access for the metrics: each is null (or absent) when its module is not granted. */
export interface OverviewAggregates {
  activeHeadcount?: number | null;
  assetsHeld?: number | null;
  registerBookValue?: Money | null;
  depreciationYearToDate?: Money | null;
  ledgerFixedAssets?: Money | null;
  ledgerExpenseAccounts?: readonly LedgerExpenseAccount[] | null;
  payrollFacts?: PayrollOverviewFacts | null;
}

/** Assets held against active staff; null without the headcount or the held count. */
export function assetsEmployees(a: OverviewAggregates) {
  const { assetsHeld, activeHeadcount } = a;
  if (assetsHeld === null || assetsHeld === undefined || activeHeadcount === null || activeHeadcount === undefined) return null;
  return { assignedAssets: assetsHeld, activeHeadcount, assetsPerActiveEmployee: ratio(assetsHeld, activeHeadcount) };
}

/** The register against the ledger; null without the ledger's balance. The book value is null when the register holds several currencies. */
export function assetsFinance(a: OverviewAggregates) {
  const ledgerFixedAssets = a.ledgerFixedAssets;
  if (!ledgerFixedAssets) return null;
  const registerBookValue = a.registerBookValue ?? null;
  return { registerBookValue, ledgerFixedAssets, difference: differenceOf(registerBookValue, ledgerFixedAssets) };
}

/** Payroll against headcount; null without either. */
export function payrollEmployees(a: OverviewAggregates) {
  const { activeHeadcount, payrollFacts } = a;
  if (activeHeadcount === null || activeHeadcount === undefined || !payrollFacts) return null;
  return {
    activeHeadcount,
    paidInLastPayRun: payrollFacts.paidInLastPayRun,
    activeNotPaidInLastPayRun: activeNotPaid(activeHeadcount, payrollFacts.paidStillActiveInLastPayRun),
  };
}

/** Posted payroll against the ledger's payroll expense accounts; null without either. */
export function payrollFinance(a: OverviewAggregates) {
  const { ledgerExpenseAccounts: accounts, payrollFacts: facts } = a;
  if (!accounts || !facts) return null;
  const ledger = ledgerPayrollExpense(accounts, facts.expenseAccountCodes, facts.currency);
  return { postedPayrollCost: facts.postedPayrollCost, ledgerPayrollExpense: ledger, difference: differenceOf(facts.postedPayrollCost, ledger) };
}

/** Workforce and asset costs against every expense of the year; null without the ledger or payroll's figures. */
export function assetsPayrollFinance(a: OverviewAggregates) {
  const { ledgerExpenseAccounts: accounts, payrollFacts: facts } = a;
  if (!accounts || !facts) return null;
  const depreciation = a.depreciationYearToDate ?? null;
  const ledgerExpenses = ledgerExpensesYearToDate(accounts, facts.currency);
  const payrollCost = facts.payrollCostYearToDate;
  return { payrollCost, depreciation, ledgerExpenses, workforceCostShare: workforceCostShare(payrollCost, depreciation, ledgerExpenses) };
}
