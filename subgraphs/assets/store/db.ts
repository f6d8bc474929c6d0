import type { Kysely, Transaction } from 'kysely';
import type { TenantAuditDB } from '../../kit/audit';
import type { AssetTable } from './asset.table';
import type { AssetStatusCountTable } from './asset-status-count.table';
import type { AssignmentTable } from './assignment.table';
import type { CategoryTable } from './category.table';
import type { EmployeeProjectionTable } from './employee-projection.table';
import type { LocationTable } from './location.table';
import type { MaintenanceTable } from './maintenance.table';

export * from './asset.table';
export * from './asset-status-count.table';
export * from './assignment.table';
export * from './category.table';
export * from './employee-projection.table';
export * from './location.table';
export * from './maintenance.table';

/** The assets module's view of a tenant database: its own schema plus the platform's audit table. */
export interface AssetsDB extends TenantAuditDB {
  'assets.category': CategoryTable;
  'assets.location': LocationTable;
  'assets.asset': AssetTable;
  'assets.asset_status_count': AssetStatusCountTable;
  'assets.assignment': AssignmentTable;
  'assets.maintenance': MaintenanceTable;
  'assets.employee_projection': EmployeeProjectionTable;
}

export type AssetsExecutor = Kysely<AssetsDB> | Transaction<AssetsDB>;
