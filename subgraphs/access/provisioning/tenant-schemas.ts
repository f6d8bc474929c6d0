import { createHash } from 'node:crypto';
import type { SchemaVersions } from '../../../platform/control-plane';
import { sql } from 'kysely';
import { createDatabase, quoteIdent, withDatabase } from '../../../platform/db';
import {
  latestMigration,
  migrateTenantSchema,
  tenantMigrationsFromDisk,
  type TenantMigrationSource,
  type TenantSchemaOwner,
} from '../../../platform/migrations';
import { ensureDatabase, type ShardDirectory } from '../../../platform/shards';
import { actingAs, adoptDatabase, grantTenantDatabase, isSuperuser, ownerRole } from '../../../platform/db-roles';
import { MODULES, moduleSchema, type ModuleName } from '../../../platform/modules';

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
  options: {
    create?: boolean;
    templatePrefix?: string | null;
    /** FLUXO_DB_ROLE_PREFIX when database roles are on: the work runs as the owner role and ends with the tenant's grants. */
    rolePrefix?: string | null;
    /** Hand a database made before roles to the owner role first (needs a superuser login: `fluxo tenant sync`). */
    adopt?: boolean;
  } = {},
): Promise<{ versions: SchemaVersions; applied: string[] }> {
  const roles = options.rolePrefix ?? null;
  const asOwner = (url: string) => (roles ? actingAs(url, ownerRole(roles)) : url);
  if (options.create) {
    const shardUrl = asOwner(shards.serverUrl(placement.shard));
    // Templates hold the migrations on disk; a source of another kind (a test's failing migration) migrates from scratch.
    const template =
      options.templatePrefix && source === tenantMigrationsFromDisk ? await templateFor(shardUrl, options.templatePrefix, modules, roles) : undefined;
    await ensureDatabase(shardUrl, placement.database_name, template);
  }
  const url = shards.databaseUrl(placement.shard, placement.database_name);
  if (roles && options.adopt) await adoptTenantDatabase(url, roles, placement.database_name);
  const db = createDatabase<unknown>(asOwner(url), { max: 1, applicationName: 'fluxo-migrations' });
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
    if (roles) await grantTenantDatabase(db, roles, placement.database_name);
  } finally {
    await db.destroy();
  }
  return { versions, applied };
}

/** A tenant database made before roles belongs to whoever created it: a superuser hands it to the owner role once. */
async function adoptTenantDatabase(url: string, prefix: string, database: string): Promise<void> {
  const db = createDatabase<unknown>(url, { max: 1, applicationName: 'fluxo-migrations' });
  try {
    const { rows } = await sql<{ owner: string }>`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`.execute(db);
    if (rows[0]?.owner === ownerRole(prefix) || !(await isSuperuser(db))) return;
    await adoptDatabase(db, prefix, database, ['audit', ...MODULES.map(moduleSchema)]);
  } finally {
    await db.destroy();
  }
}

const templateOwners = (modules: readonly ModuleName[]): TenantSchemaOwner[] => ['AUDIT', ...[...modules].sort()];

/** The name of the template for `modules`: the prefix and a hash of the owners and the migrations on disk. */
export async function tenantTemplateName(prefix: string, modules: readonly ModuleName[], rolePrefix: string | null = null): Promise<string> {
  const hash = createHash('sha256');
  // A template belongs to the role that made it, and only its owner (or a superuser) may clone it.
  if (rolePrefix) hash.update(`owner:${ownerRole(rolePrefix)};`);
  for (const owner of templateOwners(modules))
    hash.update(
      `${owner}:${Object.keys(await tenantMigrationsFromDisk(owner).getMigrations())
        .sort()
        .join(',')};`,
    );
  return `${prefix}${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The template database for a tenant with `modules`: named by a hash of the
 * owners and their migrations, so a new migration or module set gets a new
 * template. Created and migrated on first use, under an advisory lock on the
 * server so that concurrent provisioning creates it once and nobody clones it
 * while it is being migrated (PostgreSQL refuses to clone a database with
 * open sessions).
 */
async function templateFor(shardUrl: string, prefix: string, modules: readonly ModuleName[], rolePrefix: string | null): Promise<string> {
  const owners = templateOwners(modules);
  const name = await tenantTemplateName(prefix, modules, rolePrefix);
  const admin = createDatabase<unknown>(withDatabase(shardUrl, 'postgres'), { max: 1, applicationName: 'fluxo-provisioning' });
  try {
    await admin.connection().execute(async (session) => {
      await sql`SELECT pg_advisory_lock(hashtext(${name}))`.execute(session);
      try {
        if ((await ensureDatabase(shardUrl, name)) === 'existed') return;
        const db = createDatabase<unknown>(withDatabase(shardUrl, name), { max: 1, applicationName: 'fluxo-migrations' });
        try {
          for (const owner of owners) await migrateTenantSchema(db, owner, tenantMigrationsFromDisk);
        } finally {
          await db.destroy();
        }
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${name}))`.execute(session);
      }
    });
  } finally {
    await admin.destroy();
  }
  return name;
}
