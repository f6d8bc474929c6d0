import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ReconciliationStatus } from '../domain/types';

/** finance.reconciliation: a bank statement being matched against the account's transactions. */
export interface ReconciliationTable {
  id: Generated<string>;
  account_id: string;
  statement_date: string;
  statement_balance: string;
  opening_balance: string;
  status: Generated<ReconciliationStatus>;
  started_at: ColumnType<Date, never, never>;
  completed_at: ColumnType<Date | null, never, Date>;
}
export type ReconciliationRow = Selectable<ReconciliationTable>;
export type NewReconciliation = Insertable<ReconciliationTable>;
