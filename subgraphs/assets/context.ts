import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupBy, groupLoader, indexBy, mapLoader } from '../kit/loaders';
import type { ModuleContext } from '../kit/module-context';
import { findAssetsByIds } from './store/assets';
import { findAssignmentsOfAssets, findAssignmentsOfEmployees, findOpenAssignmentsOfAssets, findOpenAssignmentsOfEmployees } from './store/assignments';
import { findCategoriesByIds, findLocationsByIds } from './store/categories';
import type { AssetRow, AssetsDB, AssignmentRow, CategoryRow, EmployeeProjectionRow, LocationRow, MaintenanceRow } from './store/db';
import { findEmployeesByIds } from './store/employee-projection';
import { findMaintenanceOfAssets } from './store/maintenance';

/** Per-request batching: every relation of a page resolves in one statement per loader. */
export interface AssetsLoaders {
  asset: DataLoader<string, AssetRow | null>;
  category: DataLoader<string, CategoryRow | null>;
  location: DataLoader<string, LocationRow | null>;
  openAssignmentOfAsset: DataLoader<string, AssignmentRow | null>;
  assignmentsOfAsset: DataLoader<string, AssignmentRow[]>;
  maintenanceOfAsset: DataLoader<string, MaintenanceRow[]>;
  openAssignmentsOfEmployee: DataLoader<string, AssignmentRow[]>;
  assignmentsOfEmployee: DataLoader<string, AssignmentRow[]>;
  employee: DataLoader<string, EmployeeProjectionRow | null>;
}

export type AssetsContext = ModuleContext<AssetsDB, AssetsLoaders>;

/** `db` is called only when a loader runs, so the module check happens before any query. */
export function createAssetsLoaders(db: () => Kysely<AssetsDB>): AssetsLoaders {
  return {
    asset: mapLoader(async (ids) => indexBy(await findAssetsByIds(db(), ids), (a) => a.id)),
    category: mapLoader(async (ids) => indexBy(await findCategoriesByIds(db(), ids), (c) => c.id)),
    location: mapLoader(async (ids) => indexBy(await findLocationsByIds(db(), ids), (l) => l.id)),
    openAssignmentOfAsset: mapLoader(async (ids) => indexBy(await findOpenAssignmentsOfAssets(db(), ids), (a) => a.asset_id)),
    assignmentsOfAsset: groupLoader(async (ids) => groupBy(await findAssignmentsOfAssets(db(), ids), (a) => a.asset_id)),
    maintenanceOfAsset: groupLoader(async (ids) => groupBy(await findMaintenanceOfAssets(db(), ids), (m) => m.asset_id)),
    openAssignmentsOfEmployee: groupLoader(async (ids) => groupBy(await findOpenAssignmentsOfEmployees(db(), ids), (a) => a.employee_id)),
    assignmentsOfEmployee: groupLoader(async (ids) => groupBy(await findAssignmentsOfEmployees(db(), ids), (a) => a.employee_id)),
    employee: mapLoader(async (ids) => indexBy(await findEmployeesByIds(db(), ids), (e) => e.employee_id)),
  };
}
