import type { UserError } from '../../kit/errors';
import { UserErrorsException } from '../../kit/errors';
import { runModuleMutation } from '../../kit/mutation';
import type { PayrollContext } from '../context';
import { applySettingsChange, settingsChangeErrors, type SettingsChange } from '../domain/settings';
import { readSettings, saveSettings, type PayrollSettingsView } from '../store/settings';

export type SettingsPayload = Partial<{ payrollSettings: PayrollSettingsView }> & { userErrors: UserError[] };

export function payrollSettings(ctx: PayrollContext): Promise<PayrollSettingsView> {
  return readSettings(ctx.db());
}

/** Validates the whole change first; a valid one is saved and audited in one transaction. */
export function updatePayrollSettings(ctx: PayrollContext, change: SettingsChange): Promise<SettingsPayload> {
  ctx.tenant();
  return runModuleMutation(ctx, 'updatePayrollSettings', async (trx, record) => {
    const errors = settingsChangeErrors(change);
    if (errors.length > 0) throw new UserErrorsException(errors);
    const { updatedAt: _before, ...current } = await readSettings(trx, { forUpdate: true });
    const next = applySettingsChange(current, change);
    await saveSettings(trx, next, change.components != null);
    record.audit({ operation: '', entity: 'PayrollSettings', entityId: null, before: current, after: next });
    return { payrollSettings: await readSettings(trx) };
  });
}
