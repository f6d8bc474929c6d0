import type { Transaction } from 'kysely';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { applyLedgerSettingsChange, ledgerSettingsChangeErrors, type AssetLedgerAccountsChange } from '../domain/ledger-settings';
import { readLedgerSettings, saveLedgerSettings } from '../store/ledger-settings';
import type { AssetsDB } from '../store/db';

/**
 * Changes the accounts later postings use; what was already published keeps
 * the accounts it was built with (moving balances between accounts is a
 * journal entry in finance). Validated as a whole; saved and audited together.
 */
export async function updateAssetLedgerSettings(trx: Transaction<AssetsDB>, change: AssetLedgerAccountsChange, actor: Actor) {
  refuseInvalid(ledgerSettingsChangeErrors(change));
  const { updatedAt: _before, ...current } = await readLedgerSettings(trx, { forUpdate: true });
  const next = applyLedgerSettingsChange(current, change);
  const saved = await saveLedgerSettings(trx, next);
  actor.audit({ operation: 'updateAssetLedgerSettings', entity: 'asset_ledger_settings', entityId: null, before: current, after: next });
  return { assetLedgerSettings: saved };
}
