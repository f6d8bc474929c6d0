import { D, type DecimalValue } from '../../kit/money';
import type { AccountType } from './types';

/**
 * Finance's rules for the overview: which accounts count as cash, as fixed
 * assets and as expenses, from the chart with its sums. No SQL here.
 */

/** One account of the chart with its net movements (Σ debit − Σ credit). */
export interface AccountLedger {
  id: string;
  code: string;
  type: AccountType;
  parentId: string | null;
  isCash: boolean;
  isBank: boolean;
  /** The account holds at least one bank transaction. */
  hasBankTransactions: boolean;
  /** Σ debit − Σ credit of the lines dated today or earlier. */
  net: string;
  /** The same over the lines dated in the year to date. */
  netYearToDate: string;
}

/** The default chart's fixed-asset account; its sub-accounts (1590 Accumulated depreciation) count with it. */
export const FIXED_ASSETS_ACCOUNT_CODE = '1500';

/**
 * Cash and bank accounts: flagged isCash or isBank, or used as a bank account
 * without the flags (finance lets any non-contra ASSET account hold bank
 * transactions, e.g. the contract's 1010).
 */
export function isCashAccount(account: AccountLedger): boolean {
  return account.isCash || account.isBank || account.hasBankTransactions;
}

/** The account coded `rootCode` and every account below it in the chart's hierarchy. */
export function accountSubtree(accounts: readonly AccountLedger[], rootCode: string): AccountLedger[] {
  const root = accounts.find((a) => a.code === rootCode);
  if (!root) return [];
  const children = new Map<string, AccountLedger[]>();
  for (const a of accounts) if (a.parentId) children.set(a.parentId, [...(children.get(a.parentId) ?? []), a]);
  const subtree: AccountLedger[] = [];
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const account = stack.pop()!;
    if (seen.has(account.id)) continue; // the chart is a tree, but a cycle must not hang a dashboard
    seen.add(account.id);
    subtree.push(account);
    stack.push(...(children.get(account.id) ?? []));
  }
  return subtree;
}

/** Σ of the nets over some accounts. */
export function sumNet(accounts: readonly AccountLedger[]): DecimalValue {
  return accounts.reduce((sum, a) => sum.plus(a.net), new D(0));
}

export interface LedgerFigures {
  cash: DecimalValue;
  fixedAssets: DecimalValue;
  /** The EXPENSE accounts, in code order. */
  expenseAccounts: AccountLedger[];
}

/** The ledger sums the overview shows or exposes, from the chart with its nets. */
export function ledgerFigures(accounts: readonly AccountLedger[]): LedgerFigures {
  return {
    cash: sumNet(accounts.filter(isCashAccount)),
    fixedAssets: sumNet(accountSubtree(accounts, FIXED_ASSETS_ACCOUNT_CODE)),
    expenseAccounts: accounts.filter((a) => a.type === 'EXPENSE').sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  };
}
