import type { Transaction } from 'kysely';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { applySettingsChange, settingsChangeErrors, type SettingsChange } from '../domain/settings';
import type { PayrollDB } from '../store/db';
import { readSettings, saveSettings, type PayrollSettingsView } from '../store/settings';

/** Validates the whole change first; a valid one is saved and audited with it. */
export async function updatePayrollSettings(
  trx: Transaction<PayrollDB>,
  change: SettingsChange,
  actor: Actor,
): Promise<{ payrollSettings: PayrollSettingsView }> {
  refuseInvalid(settingsChangeErrors(change));
  const { updatedAt: _before, ...current } = await readSettings(trx, { forUpdate: true });
  const next = applySettingsChange(current, change);
  await saveSettings(trx, next, change.components != null);
  actor.audit({ entity: 'PayrollSettings', entityId: null, before: current, after: next });
  return { payrollSettings: await readSettings(trx) };
}
