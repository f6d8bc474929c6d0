import type { Selectable } from 'kysely';

/** finance.account_daily_balance: Σ debits and credits per account and day, kept by the database's line trigger. */
export interface AccountDailyBalanceTable {
  account_id: string;
  day: string;
  debit_total: string;
  credit_total: string;
}
export type AccountDailyBalanceRow = Selectable<AccountDailyBalanceTable>;
