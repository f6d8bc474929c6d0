import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AccountType } from '../domain/types';

/** finance.account: the chart of accounts. Codes are unique per tenant. */
export interface AccountTable {
  id: Generated<string>;
  code: string;
  name: string;
  type: AccountType;
  parent_id: string | null;
  is_cash: Generated<boolean>;
  is_bank: Generated<boolean>;
  is_contra: Generated<boolean>;
  created_at: ColumnType<Date, never, never>;
}
export type AccountRow = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
