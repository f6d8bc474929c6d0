import type { ColumnType, Selectable, Updateable } from 'kysely';

/** assets.ledger_settings: one row per tenant, created by the migration with finance's default chart codes. */
export interface LedgerSettingsTable {
  singleton: ColumnType<boolean, never, never>;
  fixed_assets_account: string;
  accumulated_depreciation_account: string;
  acquisition_credit_account: string;
  depreciation_expense_account: string;
  disposal_proceeds_account: string;
  gain_on_disposal_account: string;
  loss_on_disposal_account: string;
  updated_at: ColumnType<Date, never, Date>;
}
export type LedgerSettingsRow = Selectable<LedgerSettingsTable>;
export type LedgerSettingsUpdate = Updateable<LedgerSettingsTable>;
