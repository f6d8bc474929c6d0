import { failWith } from '../../kit/errors';
import type { DepreciationTerms } from '../domain/depreciation';
import type { AssetState } from '../domain/status';
import type { Refusal } from '../domain/types';
import { findAssetsByIds, lockAsset } from '../store/assets';
import { findOpenAssignment } from '../store/assignments';
import type { AssetRow, AssetsExecutor, AssignmentRow, MaintenanceRow } from '../store/db';
import { findOpenMaintenance } from '../store/maintenance';

/** Turns a domain refusal into the payload's userError on `field` (and rolls the transaction back). */
export function enforce(field: string[], refusal: Refusal | null): void {
  if (refusal) failWith(field, refusal.message, refusal.code);
}

export function depreciationTermsOf(
  asset: Pick<AssetRow, 'acquisition_date' | 'acquisition_cost' | 'salvage_value' | 'useful_life_months' | 'depreciation_method'>,
): DepreciationTerms {
  return {
    acquisitionDate: asset.acquisition_date,
    cost: asset.acquisition_cost,
    salvage: asset.salvage_value,
    usefulLifeMonths: asset.useful_life_months,
    method: asset.depreciation_method,
  };
}

export interface LockedAsset {
  asset: AssetRow;
  openAssignment: AssignmentRow | null;
  openMaintenance: MaintenanceRow | null;
  state: AssetState;
}

/**
 * Locks the asset for the rest of the transaction and reads what its status
 * follows. Every change to an asset starts here, so they happen one at a time.
 */
export async function lockAssetState(trx: AssetsExecutor, assetId: string, field: string[]): Promise<LockedAsset> {
  const asset = await lockAsset(trx, assetId);
  if (!asset) failWith(field, `No asset ${assetId}`, 'NOT_FOUND');
  const openAssignment = (await findOpenAssignment(trx, asset.id)) ?? null;
  const openMaintenance = (await findOpenMaintenance(trx, asset.id)) ?? null;
  return {
    asset,
    openAssignment,
    openMaintenance,
    state: { disposed: asset.disposed_on !== null, assigned: openAssignment !== null, inMaintenance: openMaintenance !== null },
  };
}

/** What the audit trail keeps of an asset. */
export function auditViewOfAsset(asset: AssetRow): Record<string, unknown> {
  const { created_at: _created, updated_at: _updated, ...view } = asset;
  return view;
}

/** The asset a request under an idempotency key produced, as it is now, for a retry of that request. */
export async function findAssetForReplay(trx: AssetsExecutor, id: string | undefined): Promise<AssetRow> {
  const [asset] = id ? await findAssetsByIds(trx, [id], null) : [];
  if (!asset) failWith(['input', 'idempotencyKey'], 'The first request under this key left no asset', 'NOT_FOUND');
  return asset;
}
