import type { Connection, Edge } from '../kit/pagination';
import type { DepreciationPeriod } from './domain/depreciation';
import type { AssetRow, AssignmentRow, CategoryRow, DepreciationRunRow, LocationRow, MaintenanceRow } from './store/db';
import type { AssetLedgerSettingsView } from './store/ledger-settings';

// Parent types of the assets subgraph's resolvers: rows as the store returns them.
export type AssetMapper = AssetRow;
export type AssetCategoryMapper = CategoryRow;
export type AssetLocationMapper = LocationRow;
export type AssetAssignmentMapper = AssignmentRow;
export type AssetMaintenanceMapper = MaintenanceRow;
/** A disposed asset: its disposal columns are all set. */
export type AssetDisposalMapper = AssetRow & { disposed_on: string; disposal_proceeds: string; book_value_at_disposal: string };
/** A schedule row carries its asset's currency so its amounts can be Money. */
export type DepreciationPeriodMapper = DepreciationPeriod & { currency: string };
/** An employee as assets knows it: only the id; the employees subgraph resolves the rest. */
export interface EmployeeMapper {
  id: string;
}
export type AssetConnectionMapper = Connection<AssetRow>;
export type AssetEdgeMapper = Edge<AssetRow>;
/** The ledger accounts as the store reads them. */
export type AssetLedgerSettingsMapper = AssetLedgerSettingsView;
export type AssetDepreciationRunMapper = DepreciationRunRow;
/** The overview entity as assets sees it: its key. */
export interface OverviewMapper {
  tenantId: string;
}
