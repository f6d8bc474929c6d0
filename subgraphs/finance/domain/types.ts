/** The five kinds of account of a double-entry chart. */
export const ACCOUNT_TYPES = ['ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export type EntryStatus = 'POSTED' | 'REVERSED';
export type BankTransactionStatus = 'UNRECONCILED' | 'RECONCILED';
export type ReconciliationStatus = 'IN_PROGRESS' | 'COMPLETED';

/** The side on which an account's balance grows. */
export type BalanceSide = 'DEBIT' | 'CREDIT';

/** Where an entry came from: `finance` for entries made here, else the posting module and its reference. */
export interface EntrySource {
  module: string;
  reference: string | null;
}

/** Module name recorded on entries made in finance itself (manual, reversals, bank transactions). */
export const MANUAL_SOURCE_MODULE = 'finance';
