import { D, toAmount } from '../../kit/money';
import type { AccountType, BalanceSide } from './types';

/**
 * Debit-normal accounts (assets, expenses) grow with debits; the others
 * (liabilities, equity, income) grow with credits. A balance is reported on
 * the account's normal side, so a contra account (accumulated depreciation)
 * shows a negative balance and sums of an account type come out net.
 */
export function normalSide(type: AccountType): BalanceSide {
  return type === 'ASSET' || type === 'EXPENSE' ? 'DEBIT' : 'CREDIT';
}

export function accountBalance(type: AccountType, debitTotal: string, creditTotal: string, decimals = 2): string {
  const net = new D(debitTotal).minus(creditTotal);
  return toAmount(normalSide(type) === 'DEBIT' ? net : net.negated(), decimals);
}

export function sumAmounts(amounts: readonly string[], decimals = 2): string {
  return toAmount(
    amounts.reduce((sum, amount) => sum.plus(amount), new D(0)),
    decimals,
  );
}

export interface AccountTotals {
  accountId: string;
  debitTotal: string;
  creditTotal: string;
}

export interface TrialBalanceRow {
  accountId: string;
  debit: string;
  credit: string;
}

export interface TrialBalance {
  rows: TrialBalanceRow[];
  totalDebit: string;
  totalCredit: string;
}

/**
 * A trial balance lists each account's net balance in the debit or the credit
 * column (accounts that net to zero are left out). Because every entry is
 * balanced, the columns' totals are equal.
 */
export function trialBalance(totals: readonly AccountTotals[], decimals = 2): TrialBalance {
  let totalDebit = new D(0);
  let totalCredit = new D(0);
  const rows: TrialBalanceRow[] = [];
  for (const t of totals) {
    const net = new D(t.debitTotal).minus(t.creditTotal);
    if (net.isZero()) continue;
    if (net.greaterThan(0)) totalDebit = totalDebit.plus(net);
    else totalCredit = totalCredit.plus(net.negated());
    rows.push({
      accountId: t.accountId,
      debit: toAmount(net.greaterThan(0) ? net : 0, decimals),
      credit: toAmount(net.lessThan(0) ? net.negated() : 0, decimals),
    });
  }
  return { rows, totalDebit: toAmount(totalDebit, decimals), totalCredit: toAmount(totalCredit, decimals) };
}
