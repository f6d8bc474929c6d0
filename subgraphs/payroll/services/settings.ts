import type { Transaction } from 'kysely';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { applyControlsChange, applySettingsChange, settingsChangeErrors, type SettingsChange } from '../domain/settings';
import type { PayrollDB } from '../store/db';
import { controlsOf, readSettings, saveSettings, termsOf, type PayrollSettingsView } from '../store/settings';

/** Validates the whole change first; a valid one is saved and audited with it. */
export async function updatePayrollSettings(
  trx: Transaction<PayrollDB>,
  change: SettingsChange,
  actor: Actor,
): Promise<{ payrollSettings: PayrollSettingsView }> {
  refuseInvalid(settingsChangeErrors(change));
  const settings = await readSettings(trx, { forUpdate: true });
  const current = { ...termsOf(settings), ...controlsOf(settings) };
  const next = applySettingsChange(current, change);
  const controls = applyControlsChange(current, change);
  await saveSettings(trx, next, controls, change.components != null);
  actor.audit({ entity: 'PayrollSettings', entityId: null, before: current, after: { ...next, ...controls } });
  return { payrollSettings: await readSettings(trx) };
}
