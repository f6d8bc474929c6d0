import type { Transaction } from 'kysely';
import { MaintenanceCompleted } from '../../contracts/assets';
import { buildEvent } from '../../contracts/event';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { isPgError } from '../../../platform/db';
import { failWith } from '../../kit/errors';
import { money, type Money } from '../../kit/money';
import { deriveStatus, refuseMaintenance } from '../domain/status';
import { refuseDateBefore, validateMoney, validateSameCurrency, validateText } from '../domain/validation';
import { updateAsset } from '../store/assets';
import { findMaintenance, insertMaintenance, markMaintenanceCompleted } from '../store/maintenance';
import { enforce, findAssetForReplay, lockAssetState } from './asset-state';
import type { AssetsDB } from '../store/db';
import { keyedRequest, runIdempotently, type Keyed } from '../../kit/idempotency';

export interface ScheduleMaintenanceInput {
  assetId: string;
  scheduledFor: string;
  description: string;
}

/** Opens a maintenance job; the asset is IN_MAINTENANCE from now until the job is completed. */
async function scheduleOnce(trx: Transaction<AssetsDB>, input: ScheduleMaintenanceInput, actor: Actor) {
  refuseInvalid(validateText(['input', 'description'], input.description, { required: true, max: 500 }));
  const { asset, state } = await lockAssetState(trx, input.assetId, ['input', 'assetId']);
  enforce(['input', 'assetId'], refuseMaintenance(state));
  enforce(
    ['input', 'scheduledFor'],
    refuseDateBefore(input.scheduledFor, asset.acquisition_date, 'Maintenance cannot be scheduled before the asset was acquired'),
  );
  const maintenance = await insertMaintenance(trx, { asset_id: asset.id, scheduled_for: input.scheduledFor, description: input.description.trim() }).catch(
    (error: unknown) => {
      if (isPgError(error, '23505')) failWith(['input', 'assetId'], 'The asset already has an open maintenance', 'ASSET_IN_MAINTENANCE');
      throw error;
    },
  );
  const updated = await updateAsset(trx, asset.id, { status: deriveStatus({ ...state, inMaintenance: true }) });
  actor.audit({
    operation: 'scheduleMaintenance',
    entity: 'maintenance',
    entityId: maintenance.id,
    after: { assetId: asset.id, scheduledFor: input.scheduledFor, assetStatus: updated.status },
  });
  return { maintenance, asset: updated };
}

export interface CompleteMaintenanceInput {
  maintenanceId: string;
  completedAt: string;
  cost: Money;
}

/** Closes an open maintenance job with its cost; the asset's status goes back to what its custody says. */
export async function completeMaintenance(trx: Transaction<AssetsDB>, input: CompleteMaintenanceInput, actor: Actor) {
  refuseInvalid(validateMoney(['input', 'cost'], input.cost));
  const found = await findMaintenance(trx, input.maintenanceId);
  if (!found) failWith(['input', 'maintenanceId'], `No maintenance ${input.maintenanceId}`, 'NOT_FOUND');
  // Changes to a maintenance job happen under its asset's lock; read the job again once it is held.
  const { asset, state, openMaintenance } = await lockAssetState(trx, found.asset_id, ['input', 'maintenanceId']);
  if (openMaintenance?.id !== found.id) failWith(['input', 'maintenanceId'], 'This maintenance is already completed', 'MAINTENANCE_COMPLETED');
  refuseInvalid(validateSameCurrency(['input', 'cost'], input.cost, asset.currency));
  enforce(
    ['input', 'completedAt'],
    refuseDateBefore(input.completedAt, asset.acquisition_date, 'Maintenance cannot be completed before the asset was acquired'),
  );
  const maintenance = await markMaintenanceCompleted(trx, found.id, { completedOn: input.completedAt, cost: input.cost.amount, currency: asset.currency });
  const updated = await updateAsset(trx, asset.id, { status: deriveStatus({ ...state, inMaintenance: false }) });
  const cost = money(input.cost.amount, asset.currency);
  actor.audit({
    operation: 'completeMaintenance',
    entity: 'maintenance',
    entityId: maintenance.id,
    before: { status: 'SCHEDULED' },
    after: { status: 'COMPLETED', completedAt: input.completedAt, cost, assetStatus: updated.status },
  });
  actor.publish(buildEvent(MaintenanceCompleted, { assetId: asset.id, maintenanceId: maintenance.id, completedAt: input.completedAt, cost }));
  return { maintenance };
}

/** Opens a maintenance job; under an idempotency key, a retry gets the same job back. */
export async function scheduleMaintenance(trx: Transaction<AssetsDB>, input: ScheduleMaintenanceInput & Keyed, actor: Actor) {
  const outcome = await runIdempotently(
    trx,
    keyedRequest('ASSETS', 'scheduleMaintenance', input),
    async ([maintenanceId, assetId]) => {
      const maintenance = await findMaintenance(trx, maintenanceId!);
      if (!maintenance) failWith(['input', 'idempotencyKey'], 'The first request under this key left no maintenance job', 'NOT_FOUND');
      return { maintenance, asset: await findAssetForReplay(trx, assetId) };
    },
    async () => {
      const result = await scheduleOnce(trx, input, actor);
      return { result, resultIds: [result.maintenance.id, result.asset.id] };
    },
  );
  return outcome.result;
}
