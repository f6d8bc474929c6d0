import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** assets.depreciation_run: what one runDepreciation call posted in one currency. `total` is a numeric string. */
export interface DepreciationRunTable {
  id: Generated<string>;
  /** "2026-03". */
  period: string;
  currency: string;
  asset_count: number;
  total: string;
  created_at: ColumnType<Date, never, never>;
}
export type DepreciationRunRow = Selectable<DepreciationRunTable>;
export type NewDepreciationRun = Insertable<DepreciationRunTable>;
