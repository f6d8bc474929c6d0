import type { AssetLedgerAccounts } from '../domain/ledger-settings';
import type { AssetsExecutor, LedgerSettingsRow } from './db';

export interface AssetLedgerSettingsView extends AssetLedgerAccounts {
  updatedAt: Date;
}

function toView(row: LedgerSettingsRow): AssetLedgerSettingsView {
  return {
    fixedAssets: row.fixed_assets_account,
    accumulatedDepreciation: row.accumulated_depreciation_account,
    acquisitionCredit: row.acquisition_credit_account,
    depreciationExpense: row.depreciation_expense_account,
    disposalProceeds: row.disposal_proceeds_account,
    gainOnDisposal: row.gain_on_disposal_account,
    lossOnDisposal: row.loss_on_disposal_account,
    updatedAt: row.updated_at,
  };
}

/** The tenant's ledger accounts; `forUpdate` serialises changes to them. */
export async function readLedgerSettings(db: AssetsExecutor, options: { forUpdate?: boolean } = {}): Promise<AssetLedgerSettingsView> {
  let query = db.selectFrom('assets.ledger_settings').selectAll();
  if (options.forUpdate) query = query.forUpdate();
  return toView(await query.executeTakeFirstOrThrow());
}

export async function saveLedgerSettings(db: AssetsExecutor, accounts: AssetLedgerAccounts): Promise<AssetLedgerSettingsView> {
  const row = await db
    .updateTable('assets.ledger_settings')
    .set({
      fixed_assets_account: accounts.fixedAssets,
      accumulated_depreciation_account: accounts.accumulatedDepreciation,
      acquisition_credit_account: accounts.acquisitionCredit,
      depreciation_expense_account: accounts.depreciationExpense,
      disposal_proceeds_account: accounts.disposalProceeds,
      gain_on_disposal_account: accounts.gainOnDisposal,
      loss_on_disposal_account: accounts.lossOnDisposal,
      updated_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toView(row);
}
