import type { Transaction } from 'kysely';
import type { Actor } from '../../kit/actor';
import type { FinanceDB, SettingsRow } from '../store/db';
import { readSettingsForUpdate, updateSeparateReverser } from '../store/settings';

export interface LedgerSettingsChange {
  /** Whether whoever posted an entry may not also reverse it; left out keeps the current rule. */
  separateReverser?: boolean | null;
}

/** Changes the ledger's controls; the close date moves only through closePeriod, the currency not at all. */
export async function updateLedgerSettings(trx: Transaction<FinanceDB>, change: LedgerSettingsChange, actor: Actor): Promise<{ settings: SettingsRow }> {
  const current = await readSettingsForUpdate(trx);
  if (change.separateReverser == null || change.separateReverser === current.separate_reverser) return { settings: current };
  const settings = await updateSeparateReverser(trx, change.separateReverser);
  actor.audit({
    operation: 'updateLedgerSettings',
    entity: 'ledger_settings',
    entityId: null,
    before: { separateReverser: current.separate_reverser },
    after: { separateReverser: settings.separate_reverser },
  });
  return { settings };
}
