import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupBy, groupLoader, indexBy, mapLoader } from '../kit/loaders';
import { moduleContextFactory, type ModuleContext } from '../kit/module-context';
import { rowScope } from '../kit/permissions';
import type { BaseContext } from '../kit/context';
import type { ServiceRuntime } from '../../platform/runtime';
import type { RowScope } from '../../platform/permissions';
import { findAssetsByIds, findHeldAssetsOfEmployees, type HeldAssetRow } from './store/assets';
import { findAssignmentsOfAssets, findAssignmentsOfEmployees, findOpenAssignmentsOfAssets } from './store/assignments';
import { findCategoriesByIds, findLocationsByIds } from './store/categories';
import type { AssetRow, AssetsDB, AssignmentRow, CategoryRow, EmployeeProjectionRow, LocationRow, MaintenanceRow } from './store/db';
import { findEmployeesByIds } from './store/employee-projection';
import { findMaintenanceOfAssets } from './store/maintenance';
import { requestCustomFields, type RequestCustomFields } from '../kit/custom-fields/request';
import { ASSET_CUSTOM_FIELDS } from './store/custom-fields';

/**
 * Per-request batching: every relation of a page resolves in one statement per
 * loader. Asset and assignment loaders read within the caller's scope of
 * 'assets:read' (store/scope.ts), built for one scope and one request, so a
 * scoped read never shares a result with an unscoped one.
 */
export interface AssetsLoaders {
  asset: DataLoader<string, AssetRow | null>;
  category: DataLoader<string, CategoryRow | null>;
  location: DataLoader<string, LocationRow | null>;
  openAssignmentOfAsset: DataLoader<string, AssignmentRow | null>;
  assignmentsOfAsset: DataLoader<string, AssignmentRow[]>;
  maintenanceOfAsset: DataLoader<string, MaintenanceRow[]>;
  heldAssetsOfEmployee: DataLoader<string, HeldAssetRow[]>;
  assignmentsOfEmployee: DataLoader<string, AssignmentRow[]>;
  employee: DataLoader<string, EmployeeProjectionRow | null>;
}

export interface AssetsContext extends ModuleContext<AssetsDB, AssetsLoaders> {
  /** The assets the caller reads (null: all); lists take it as a store filter, as the loaders do. */
  scope: RowScope | null;
  /** The company's custom fields of assets, read once per request, and which of them the caller may read. */
  customFields: RequestCustomFields;
}

/** `db` is called only when a loader runs, so the module check happens before any query. */
export function createAssetsLoaders(db: () => Kysely<AssetsDB>, scope: RowScope | null): AssetsLoaders {
  return {
    asset: mapLoader(async (ids) => indexBy(await findAssetsByIds(db(), ids, scope), (a) => a.id)),
    category: mapLoader(async (ids) => indexBy(await findCategoriesByIds(db(), ids), (c) => c.id)),
    location: mapLoader(async (ids) => indexBy(await findLocationsByIds(db(), ids), (l) => l.id)),
    openAssignmentOfAsset: mapLoader(async (ids) => indexBy(await findOpenAssignmentsOfAssets(db(), ids, scope), (a) => a.asset_id)),
    assignmentsOfAsset: groupLoader(async (ids) => groupBy(await findAssignmentsOfAssets(db(), ids, scope), (a) => a.asset_id)),
    maintenanceOfAsset: groupLoader(async (ids) => groupBy(await findMaintenanceOfAssets(db(), ids), (m) => m.asset_id)),
    heldAssetsOfEmployee: groupLoader(async (ids) => groupBy(await findHeldAssetsOfEmployees(db(), ids, scope), (a) => a.holder_id)),
    assignmentsOfEmployee: groupLoader(async (ids) => groupBy(await findAssignmentsOfEmployees(db(), ids, scope), (a) => a.employee_id)),
    employee: mapLoader(async (ids) => indexBy(await findEmployeesByIds(db(), ids), (e) => e.employee_id)),
  };
}

/** The assets context: the kit's module context, its loaders reading within the caller's scope of 'assets:read'. */
export function assetsContextFactory(runtime: ServiceRuntime): (base: BaseContext) => AssetsContext {
  return (base) => {
    const scope = rowScope(base, 'assets:read');
    const ctx = moduleContextFactory<AssetsDB, AssetsLoaders>(runtime, 'ASSETS', (db) => createAssetsLoaders(db, scope))(base);
    return { ...ctx, scope, customFields: requestCustomFields(base, ctx.db, ASSET_CUSTOM_FIELDS) };
  };
}
