import fs from 'node:fs';
import path from 'node:path';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { ModuleName } from './modules';
import { MODULES, moduleSchema } from './modules';

/** Root of the migration folders, both from sources (tsx, jest) and from dist/. */
export const MIGRATIONS_ROOT = path.resolve(__dirname, '..', 'migrations');

/**
 * Loads `<timestamp>_<name>.ts|js` files of one folder. Written out rather than
 * kysely's FileMigrationProvider because that one uses `import()`, which jest's
 * CommonJS runtime cannot follow into TypeScript sources.
 */
export class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    if (!fs.existsSync(this.folder)) return {};
    const migrations: Record<string, Migration> = {};
    for (const file of fs.readdirSync(this.folder).sort()) {
      if (!/\.(ts|js)$/.test(file) || file.endsWith('.d.ts') || file.endsWith('.test.ts')) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const migration = require(path.join(this.folder, file)) as Migration;
      migrations[file.replace(/\.(ts|js)$/, '')] = migration;
    }
    return migrations;
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly scope: string,
    readonly migration: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`migration ${migration ?? '(unknown)'} of ${scope} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function unwrap(scope: string, result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new MigrationFailedError(scope, failed?.migrationName, result.error);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Migrates the control-plane database, then records this build's modules in its
 * table of known modules; returns the names of the migrations applied now.
 */
export async function migrateGlobal<DB>(db: Kysely<DB>, folder = path.join(MIGRATIONS_ROOT, 'global')): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(folder) });
  const applied = unwrap('global', await migrator.migrateToLatest());
  await registerModules(db);
  return applied;
}

/**
 * Keeps the control plane's `module` table in step with platform/modules.ts, so
 * that a new module is named once in code and the database accepts it in every
 * `modules` column. Names are added, never removed: old rows may still use them.
 */
export async function registerModules<DB>(db: Kysely<DB>): Promise<void> {
  const names = MODULES.map((name) => sql`(${name})`);
  await sql`INSERT INTO module (name) VALUES ${sql.join(names)} ON CONFLICT (name) DO NOTHING`.execute(db);
}

/** A tenant database owner: a business module or the platform's audit schema. */
export type TenantSchemaOwner = ModuleName | 'AUDIT';

export function ownerSchema(owner: TenantSchemaOwner): string {
  return owner === 'AUDIT' ? 'audit' : moduleSchema(owner);
}

export type TenantMigrationSource = (owner: TenantSchemaOwner) => MigrationProvider;

export const tenantMigrationsFromDisk: TenantMigrationSource = (owner) => new FolderMigrationProvider(path.join(MIGRATIONS_ROOT, 'tenant', ownerSchema(owner)));

/**
 * Migrates one owner's schema in a tenant database. Each owner keeps its own
 * migration history inside its own schema, so modules evolve independently and
 * a module added later starts from its first migration. Migration files name
 * their schema explicitly (`assets.asset`), which keeps raw SQL honest too.
 */
export async function migrateTenantSchema<DB>(
  db: Kysely<DB>,
  owner: TenantSchemaOwner,
  source: TenantMigrationSource = tenantMigrationsFromDisk,
): Promise<string[]> {
  const schema = ownerSchema(owner);
  return unwrap(schema, await (await tenantMigrator(db, owner, source)).migrateToLatest());
}

/**
 * Migrates one owner's schema up to `target` and no further: a restore rebuilds
 * the tables the archive's data was written from, before it loads that data.
 */
export async function migrateTenantSchemaTo<DB>(
  db: Kysely<DB>,
  owner: TenantSchemaOwner,
  target: string,
  source: TenantMigrationSource = tenantMigrationsFromDisk,
): Promise<string[]> {
  return unwrap(ownerSchema(owner), await (await tenantMigrator(db, owner, source)).migrateTo(target));
}

async function tenantMigrator<DB>(db: Kysely<DB>, owner: TenantSchemaOwner, source: TenantMigrationSource): Promise<Migrator> {
  const schema = ownerSchema(owner);
  await db.schema.createSchema(schema).ifNotExists().execute();
  return new Migrator({ db, provider: source(owner), migrationTableSchema: schema });
}

/** The tenant database's owner of `schema`, if any owns it. */
export function schemaOwner(schema: string): TenantSchemaOwner | undefined {
  return (['AUDIT', ...MODULES] as const).find((owner) => ownerSchema(owner) === schema);
}

/** Latest migration name known on disk for an owner, used as its schema version. */
export async function latestMigration(owner: TenantSchemaOwner, source: TenantMigrationSource = tenantMigrationsFromDisk): Promise<string | null> {
  const names = Object.keys(await source(owner).getMigrations()).sort();
  return names.at(-1) ?? null;
}
