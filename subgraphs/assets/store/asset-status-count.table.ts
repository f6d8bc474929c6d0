import type { ColumnType, Selectable } from 'kysely';
import type { AssetStatus } from '../domain/types';

/** assets.asset_status_count: how many assets are in each status, kept exact by triggers on assets.asset; read-only here. */
export interface AssetStatusCountTable {
  status: ColumnType<AssetStatus, never, never>;
  /** bigint, read as a string. */
  assets: ColumnType<string, never, never>;
}
export type AssetStatusCountRow = Selectable<AssetStatusCountTable>;
