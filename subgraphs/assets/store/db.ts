import type { Kysely, Transaction } from 'kysely';
import type { TenantAuditDB } from '../../kit/audit';
import type { AssetTable } from './asset.table';
import type { AssetStatusCountTable } from './asset-status-count.table';
import type { AssignmentTable } from './assignment.table';
import type { CategoryTable } from './category.table';
import type { DepreciationPostingTable } from './depreciation-posting.table';
import type { DepreciationRunTable } from './depreciation-run.table';
import type { EmployeeProjectionTable } from './employee-projection.table';
import type { LedgerSettingsTable } from './ledger-settings.table';
import type { LocationTable } from './location.table';
import type { MaintenanceTable } from './maintenance.table';

export * from './asset.table';
export * from './asset-status-count.table';
export * from './assignment.table';
export * from './category.table';
export * from './depreciation-posting.table';
export * from './depreciation-run.table';
export * from './employee-projection.table';
export * from './ledger-settings.table';
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
  'assets.ledger_settings': LedgerSettingsTable;
  'assets.depreciation_run': DepreciationRunTable;
  'assets.depreciation_posting': DepreciationPostingTable;
}

export type AssetsExecutor = Kysely<AssetsDB> | Transaction<AssetsDB>;
