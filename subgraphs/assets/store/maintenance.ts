import { isUuid } from '../../../platform/ids';
import type { AssetsExecutor, MaintenanceRow, NewMaintenance } from './db';

export function insertMaintenance(db: AssetsExecutor, values: NewMaintenance): Promise<MaintenanceRow> {
  return db.insertInto('assets.maintenance').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findOpenMaintenance(db: AssetsExecutor, assetId: string): Promise<MaintenanceRow | undefined> {
  return db.selectFrom('assets.maintenance').selectAll().where('asset_id', '=', assetId).where('status', '=', 'SCHEDULED').executeTakeFirst();
}

export async function findMaintenance(db: AssetsExecutor, id: string): Promise<MaintenanceRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('assets.maintenance').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The latest completed maintenance day of an asset, or null. */
export async function lastMaintenanceDate(db: AssetsExecutor, assetId: string): Promise<string | null> {
  const row = await db
    .selectFrom('assets.maintenance')
    .select((eb) => eb.fn.max('completed_on').as('last'))
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  return row?.last ?? null;
}

export function markMaintenanceCompleted(
  db: AssetsExecutor,
  id: string,
  values: { completedOn: string; cost: string; currency: string },
): Promise<MaintenanceRow> {
  return db
    .updateTable('assets.maintenance')
    .set({ status: 'COMPLETED', completed_on: values.completedOn, cost: values.cost, currency: values.currency })
    .where('id', '=', id)
    .where('status', '=', 'SCHEDULED')
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Maintenance history of assets, oldest first. */
export function findMaintenanceOfAssets(db: AssetsExecutor, assetIds: readonly string[]): Promise<MaintenanceRow[]> {
  return db
    .selectFrom('assets.maintenance')
    .selectAll()
    .where('asset_id', 'in', assetIds)
    .orderBy('asset_id')
    .orderBy('scheduled_for')
    .orderBy('created_at')
    .execute();
}
