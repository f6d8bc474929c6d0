import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * PLANNED → CAPTURING (changes recorded on the old server, bulk copy running)
 * → COPIED (the new copy holds the bulk; deltas follow) → SWITCHED (the registry
 * names the new shard; the old copy is kept, closed) → CONFIRMED (old copy
 * dropped). ABORTED: rolled back before the switch.
 */
export type TenantMoveState = 'PLANNED' | 'CAPTURING' | 'COPIED' | 'SWITCHED' | 'CONFIRMED' | 'ABORTED';

/** Step name → when it finished (ISO instant). */
export type TenantMoveSteps = Record<string, string>;

export interface TenantMoveTable {
  id: Generated<string>;
  tenant_id: string;
  company_id: string;
  database_name: string;
  from_shard: string;
  to_shard: string;
  state: Generated<TenantMoveState>;
  steps: ColumnType<TenantMoveSteps, string | undefined, string>;
  copied_rows: ColumnType<string | null, number | null | undefined, number | null>;
  synced_rows: ColumnType<string | null, number | null | undefined, number | null>;
  pause_millis: number | null;
  /** Table → "rows:md5" as the final check found it on both copies. */
  verified: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type TenantMoveRow = Selectable<TenantMoveTable>;
