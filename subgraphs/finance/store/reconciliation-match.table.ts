import type { ColumnType } from 'kysely';

/** finance.reconciliation_match: which statement a transaction was matched to (at most one, ever). */
export interface ReconciliationMatchTable {
  bank_transaction_id: string;
  reconciliation_id: string;
  matched_at: ColumnType<Date, never, never>;
}
