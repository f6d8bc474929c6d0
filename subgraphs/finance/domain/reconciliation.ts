import { D, toAmount } from '../../kit/money';

/**
 * How far the matched transactions are from the bank statement:
 * statement balance − (opening balance + Σ matched amounts). The opening
 * balance is where the account's previous completed statement closed. A
 * statement can be completed only when the difference is zero.
 */
export function reconciliationDifference(statementBalance: string, openingBalance: string, matchedAmounts: readonly string[], decimals = 2): string {
  const matched = matchedAmounts.reduce((sum, amount) => sum.plus(amount), new D(0));
  return toAmount(new D(statementBalance).minus(new D(openingBalance).plus(matched)), decimals);
}

export function isReconciled(difference: string): boolean {
  return new D(difference).isZero();
}
