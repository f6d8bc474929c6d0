import { isPgError } from '../../../platform/db';
import { UserErrorsException, failWith } from '../../kit/errors';
import { money, type Money } from '../../kit/money';
import { runModuleMutation } from '../../kit/mutation';
import type { AssetsContext } from '../context';
import { deriveStatus, refuseMaintenance } from '../domain/status';
import { refuseDateBefore, validateMoney, validateSameCurrency, validateText } from '../domain/validation';
import { assetEvent } from '../events';
import { updateAsset } from '../store/assets';
import { findMaintenance, insertMaintenance, markMaintenanceCompleted } from '../store/maintenance';
import { enforce, lockAssetState } from './asset-state';

export interface ScheduleMaintenanceInput {
  assetId: string;
  scheduledFor: string;
  description: string;
}

/** Opens a maintenance job; the asset is IN_MAINTENANCE from now until the job is completed. */
export function scheduleMaintenance(ctx: AssetsContext, input: ScheduleMaintenanceInput) {
  return runModuleMutation(ctx, 'scheduleMaintenance', async (trx, record) => {
    const errors = validateText(['input', 'description'], input.description, { required: true, max: 500 });
    if (errors.length > 0) throw new UserErrorsException(errors);
    const { asset, state } = await lockAssetState(trx, input.assetId, ['input', 'assetId']);
    enforce(['input', 'assetId'], refuseMaintenance(state));
    enforce(['input', 'scheduledFor'], refuseDateBefore(input.scheduledFor, asset.acquisition_date, 'Maintenance cannot be scheduled before the asset was acquired'));
    const maintenance = await insertMaintenance(trx, { asset_id: asset.id, scheduled_for: input.scheduledFor, description: input.description.trim() }).catch((error: unknown) => {
      if (isPgError(error, '23505')) failWith(['input', 'assetId'], 'The asset already has an open maintenance', 'ASSET_IN_MAINTENANCE');
      throw error;
    });
    const updated = await updateAsset(trx, asset.id, { status: deriveStatus({ ...state, inMaintenance: true }) });
    record.audit({ operation: 'scheduleMaintenance', entity: 'maintenance', entityId: maintenance.id, after: { assetId: asset.id, scheduledFor: input.scheduledFor, assetStatus: updated.status } });
    return { maintenance, asset: updated };
  });
}

export interface CompleteMaintenanceInput {
  maintenanceId: string;
  completedAt: string;
  cost: Money;
}

/** Closes an open maintenance job with its cost; the asset's status goes back to what its custody says. */
export function completeMaintenance(ctx: AssetsContext, input: CompleteMaintenanceInput) {
  return runModuleMutation(ctx, 'completeMaintenance', async (trx, record) => {
    const errors = validateMoney(['input', 'cost'], input.cost);
    if (errors.length > 0) throw new UserErrorsException(errors);
    const found = await findMaintenance(trx, input.maintenanceId);
    if (!found) failWith(['input', 'maintenanceId'], `No maintenance ${input.maintenanceId}`, 'NOT_FOUND');
    // Changes to a maintenance job happen under its asset's lock; read the job again once it is held.
    const { asset, state, openMaintenance } = await lockAssetState(trx, found.asset_id, ['input', 'maintenanceId']);
    if (openMaintenance?.id !== found.id) failWith(['input', 'maintenanceId'], 'This maintenance is already completed', 'MAINTENANCE_COMPLETED');
    const mismatch = validateSameCurrency(['input', 'cost'], input.cost, asset.currency);
    if (mismatch.length > 0) throw new UserErrorsException(mismatch);
    enforce(['input', 'completedAt'], refuseDateBefore(input.completedAt, asset.acquisition_date, 'Maintenance cannot be completed before the asset was acquired'));
    const maintenance = await markMaintenanceCompleted(trx, found.id, { completedOn: input.completedAt, cost: input.cost.amount, currency: asset.currency });
    const updated = await updateAsset(trx, asset.id, { status: deriveStatus({ ...state, inMaintenance: false }) });
    const cost = money(input.cost.amount, asset.currency);
    record.audit({ operation: 'completeMaintenance', entity: 'maintenance', entityId: maintenance.id, before: { status: 'SCHEDULED' }, after: { status: 'COMPLETED', completedAt: input.completedAt, cost, assetStatus: updated.status } });
    record.publish(assetEvent('MaintenanceCompleted', { assetId: asset.id, maintenanceId: maintenance.id, completedAt: input.completedAt, cost }));
    return { maintenance };
  });
}
