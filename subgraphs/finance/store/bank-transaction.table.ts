import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { BankTransactionStatus } from '../domain/types';

/** finance.bank_transaction: money in (positive) or out (negative) of a bank or cash account, with its journal entry. */
export interface BankTransactionTable {
  id: Generated<string>;
  account_id: string;
  journal_entry_id: string;
  txn_date: string;
  amount: string;
  description: string;
  reference: string | null;
  status: Generated<BankTransactionStatus>;
  created_at: ColumnType<Date, never, never>;
}
export type BankTransactionRow = Selectable<BankTransactionTable>;
export type NewBankTransaction = Insertable<BankTransactionTable>;
