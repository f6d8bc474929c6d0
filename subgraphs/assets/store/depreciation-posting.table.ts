import type { ColumnType, Selectable } from 'kysely';

/**
 * assets.depreciation_posting: one month of one asset's depreciation sent to
 * the ledger, at most once (unique asset_id, period). `run_id` is null when the
 * asset's disposal caught the month up. Written in bulk by the store, read-only here.
 */
export interface DepreciationPostingTable {
  asset_id: string;
  period: string;
  amount: string;
  run_id: string | null;
  created_at: ColumnType<Date, never, never>;
}
export type DepreciationPostingRow = Selectable<DepreciationPostingTable>;
