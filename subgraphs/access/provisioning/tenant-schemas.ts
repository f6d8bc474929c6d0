import type { SchemaVersions } from '../../../platform/control-plane';
import { sql } from 'kysely';
import { createDatabase, quoteIdent } from '../../../platform/db';
import { latestMigration, migrateTenantSchema, type TenantMigrationSource, type TenantSchemaOwner } from '../../../platform/migrations';
import type { ModuleName } from '../../../platform/modules';
import { ensureDatabase, type ShardDirectory } from '../../../platform/shards';

export interface TenantPlacement {
  database_name: string;
  shard: string;
}

/**
 * Planner settings of every tenant database. PostgreSQL's default
 * random_page_cost (4) models spinning disks; on SSDs, and with a tenant's
 * working set in memory, an index page costs about what a table page does, and
 * 1.1 is the value PostgreSQL's documentation suggests. With 4 the planner reads
 * whole tables where a narrow index would do (counting a search term that
 * matches most rows took twice as long; bench/README.md).
 */
export const TENANT_DATABASE_SETTINGS: Readonly<Record<string, string>> = { random_page_cost: '1.1' };

/**
 * Creates the tenant database if needed, applies its settings, and brings the
 * audit schema and each module's schema to its latest migration. Every step is idempotent, so a run
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
  const db = createDatabase<unknown>(shards.databaseUrl(placement.shard, placement.database_name), { max: 1, applicationName: 'fluxo-migrations' });
  const versions: SchemaVersions = {};
  const applied: string[] = [];
  try {
    // ALTER DATABASE … SET takes effect in sessions opened afterwards: the pools open theirs later.
    for (const [name, value] of Object.entries(TENANT_DATABASE_SETTINGS)) {
      await sql.raw(`ALTER DATABASE ${quoteIdent(placement.database_name)} SET ${name} = ${value}`).execute(db);
    }
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
