import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type TenantStatus = 'PROVISIONING' | 'ACTIVE' | 'SUSPENDED';
/** Owner (module or AUDIT) → name of the latest migration applied to its schema. */
export type SchemaVersions = Record<string, string | null>;

export interface TenantTable {
  id: Generated<string>;
  company_id: string;
  database_name: string;
  shard: string;
  status: Generated<TenantStatus>;
  schema_versions: ColumnType<SchemaVersions, string | undefined, string>;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type TenantRow = Selectable<TenantTable>;
export type NewTenant = Insertable<TenantTable>;
