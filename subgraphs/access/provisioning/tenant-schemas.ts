import type { SchemaVersions } from '../../../platform/control-plane';
import { createDatabase } from '../../../platform/db';
import { latestMigration, migrateTenantSchema, type TenantMigrationSource, type TenantSchemaOwner } from '../../../platform/migrations';
import type { ModuleName } from '../../../platform/modules';
import { ensureDatabase, type ShardDirectory } from '../../../platform/shards';

export interface TenantPlacement {
  database_name: string;
  shard: string;
}

/**
 * Creates the tenant database if needed and brings the audit schema and each
 * module's schema to its latest migration. Every step is idempotent, so a run
 * that failed half-way is completed by running it again.
 */
export async function migrateTenantDatabase(
  shards: ShardDirectory,
  placement: TenantPlacement,
  modules: readonly ModuleName[],
  source: TenantMigrationSource,
  options: { create?: boolean } = {},
): Promise<{ versions: SchemaVersions; applied: string[] }> {
  if (options.create) await ensureDatabase(shards.serverUrl(placement.shard), placement.database_name);
  const db = createDatabase<any>(shards.databaseUrl(placement.shard, placement.database_name), { max: 1, applicationName: 'fluxo-migrations' });
  const versions: SchemaVersions = {};
  const applied: string[] = [];
  try {
    const owners: TenantSchemaOwner[] = ['AUDIT', ...modules];
    for (const owner of owners) {
      const names = await migrateTenantSchema(db, owner, source);
      applied.push(...names.map((n) => `${owner}:${n}`));
      versions[owner] = await latestMigration(owner, source);
    }
  } finally {
    await db.destroy();
  }
  return { versions, applied };
}
