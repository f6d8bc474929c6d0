import type { ColumnType, Selectable } from 'kysely';

/** A version of the tenant's data key, wrapped by the master key; a retired version has lost its key (no row uses it). */
export interface DataKeyTable {
  version: number;
  wrapped_key: string | null;
  created_at: ColumnType<Date, never, never>;
  retired_at: Date | null;
}
export type DataKeyRow = Selectable<DataKeyTable>;
