import type { Transaction } from 'kysely';
import { AssetAssigned, AssetReturned } from '../../contracts/assets';
import { buildEvent } from '../../contracts/event';
import type { Actor } from '../../kit/actor';
import { isPgError } from '../../../platform/db';
import { failWith } from '../../kit/errors';
import { deriveStatus, refuseAssignment, refuseHolder, refuseReturn } from '../domain/status';
import { refuseDateBefore } from '../domain/validation';
import { updateAsset } from '../store/assets';
import { closeAssignment, insertAssignment, lastReturnDate } from '../store/assignments';
import { findEmployeeForAssignment } from '../store/employee-projection';
import { enforce, lockAssetState } from './asset-state';
import type { AssetsDB } from '../store/db';

export interface AssignAssetInput {
  assetId: string;
  employeeId: string;
  date: string;
}

/** Hands an asset in stock to an active employee, starting a custody period on `date`. */
export async function assignAsset(trx: Transaction<AssetsDB>, input: AssignAssetInput, actor: Actor) {
  const { asset, state } = await lockAssetState(trx, input.assetId, ['input', 'assetId']);
  enforce(['input', 'assetId'], refuseAssignment(state));
  const employee = await findEmployeeForAssignment(trx, input.employeeId);
  enforce(['input', 'employeeId'], refuseHolder(employee?.status ?? null));
  enforce(['input', 'date'], refuseDateBefore(input.date, asset.acquisition_date, 'An asset cannot be assigned before it was acquired'));
  const previousReturn = await lastReturnDate(trx, asset.id);
  if (previousReturn) enforce(['input', 'date'], refuseDateBefore(input.date, previousReturn, 'Custody periods cannot overlap: the asset was last returned'));
  const assignment = await insertAssignment(trx, { asset_id: asset.id, employee_id: input.employeeId, assigned_on: input.date }).catch((error: unknown) => {
    // The partial unique index is the last word on "one holder at a time".
    if (isPgError(error, '23505')) failWith(['input', 'assetId'], 'The asset is already assigned; return it first', 'ASSET_ALREADY_ASSIGNED');
    throw error;
  });
  const updated = await updateAsset(trx, asset.id, { status: deriveStatus({ ...state, assigned: true }) });
  actor.audit({
    operation: 'assignAsset',
    entity: 'asset',
    entityId: asset.id,
    before: { status: asset.status },
    after: { status: updated.status, employeeId: input.employeeId, date: input.date },
  });
  actor.publish(buildEvent(AssetAssigned, { assetId: asset.id, employeeId: input.employeeId, date: input.date }));
  return { asset: updated, assignment };
}

export interface ReturnAssetInput {
  assetId: string;
  date: string;
}

/** Ends the asset's open custody period on `date`. */
export async function returnAsset(trx: Transaction<AssetsDB>, input: ReturnAssetInput, actor: Actor) {
  const { asset, state, openAssignment } = await lockAssetState(trx, input.assetId, ['input', 'assetId']);
  enforce(['input', 'assetId'], refuseReturn(state));
  const open = openAssignment!; // refuseReturn guarantees an open assignment
  enforce(['input', 'date'], refuseDateBefore(input.date, open.assigned_on, 'An asset cannot be returned before it was assigned'));
  const assignment = await closeAssignment(trx, open.id, input.date);
  const updated = await updateAsset(trx, asset.id, { status: deriveStatus({ ...state, assigned: false }) });
  actor.audit({
    operation: 'returnAsset',
    entity: 'asset',
    entityId: asset.id,
    before: { status: asset.status, employeeId: open.employee_id },
    after: { status: updated.status, date: input.date },
  });
  actor.publish(buildEvent(AssetReturned, { assetId: asset.id, employeeId: open.employee_id, date: input.date }));
  return { asset: updated, assignment };
}
