import { UserErrorsException } from '../../kit/errors';
import { runModuleMutation } from '../../kit/mutation';
import type { AssetsContext } from '../context';
import { applyLedgerSettingsChange, ledgerSettingsChangeErrors, type AssetLedgerAccountsChange } from '../domain/ledger-settings';
import { readLedgerSettings, saveLedgerSettings, type AssetLedgerSettingsView } from '../store/ledger-settings';

export function assetLedgerSettings(ctx: AssetsContext): Promise<AssetLedgerSettingsView> {
  return readLedgerSettings(ctx.db());
}

/**
 * Changes the accounts later postings use; what was already published keeps
 * the accounts it was built with (moving balances between accounts is a
 * journal entry in finance). Validated as a whole; saved and audited together.
 */
export function updateAssetLedgerSettings(ctx: AssetsContext, change: AssetLedgerAccountsChange) {
  return runModuleMutation(ctx, 'updateAssetLedgerSettings', async (trx, record) => {
    const errors = ledgerSettingsChangeErrors(change);
    if (errors.length > 0) throw new UserErrorsException(errors);
    const { updatedAt: _before, ...current } = await readLedgerSettings(trx, { forUpdate: true });
    const next = applyLedgerSettingsChange(current, change);
    const saved = await saveLedgerSettings(trx, next);
    record.audit({ operation: 'updateAssetLedgerSettings', entity: 'asset_ledger_settings', entityId: null, before: current, after: next });
    return { assetLedgerSettings: saved };
  });
}
