import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { MaintenanceStatus } from '../domain/types';

/** assets.maintenance: a scheduled job on an asset and, once completed, its date and cost. */
export interface MaintenanceTable {
  id: Generated<string>;
  asset_id: string;
  status: Generated<MaintenanceStatus>;
  scheduled_for: string;
  description: string;
  completed_on: string | null;
  cost: string | null;
  currency: string | null;
  created_at: ColumnType<Date, never, never>;
}
export type MaintenanceRow = Selectable<MaintenanceTable>;
export type NewMaintenance = Insertable<MaintenanceTable>;
