import { D, decimalPlaces, toAmount } from '../../kit/money';
import type { EntryDraft } from './journal';
import type { AccountType } from './types';

/**
 * Which accounts take bank and cash transactions: any asset account that is
 * not a contra account. The isBank/isCash flags classify accounts for reports;
 * they are not required, so an account created with just code, name and type
 * ASSET (the contract's 1010) can hold bank transactions.
 */
export function canHoldBankTransactions(account: { type: AccountType; is_contra: boolean }): boolean {
  return account.type === 'ASSET' && !account.is_contra;
}

/** Why a signed bank amount cannot be recorded, or null. Zero moves no money. */
export function bankAmountProblem(amount: string, decimals: number): string | null {
  if (!/^-?\d+(\.\d+)?$/.test(amount)) return `"${amount}" is not a decimal amount`;
  if (decimalPlaces(amount) > decimals) return `${amount} has more than ${decimals} decimals`;
  if (new D(amount).isZero()) return 'A bank transaction moves money: the amount cannot be zero';
  return null;
}

/**
 * The journal entry behind a bank transaction. Money in (positive): debit the
 * bank, credit the counter account. Money out (negative): the other way round.
 */
export function bankTransactionEntry(
  input: { bankAccountCode: string; counterAccountCode: string; date: string; amount: string; description: string },
  decimals = 2,
): EntryDraft {
  const amount = new D(input.amount);
  const size = toAmount(amount.abs(), decimals);
  const moneyIn = amount.greaterThan(0);
  return {
    date: input.date,
    memo: input.description,
    lines: [
      { accountCode: input.bankAccountCode, ...(moneyIn ? { debit: size } : { credit: size }), description: null },
      { accountCode: input.counterAccountCode, ...(moneyIn ? { credit: size } : { debit: size }), description: null },
    ],
  };
}
