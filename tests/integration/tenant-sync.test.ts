import { execFile } from 'node:child_process';
import path from 'node:path';
import { sql, type Kysely, type Migration } from 'kysely';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { tenantMigrationsFromDisk, type TenantMigrationSource } from '../../platform/migrations';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { syncTenants } from '../../subgraphs/access/provisioning/tenant-sync';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { ServiceRuntime } from '../../platform/runtime';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testRoleEnvironment } from '../support/db-roles';

const root = path.resolve(__dirname, '..', '..');
const NEW_MIGRATION = '29990101000000_sync_probe';

/** The disk migrations plus one newer EMPLOYEES migration: what a deploy that ships a migration looks like to sync. */
const withNewEmployeesMigration: TenantMigrationSource = (owner) => ({
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations = await tenantMigrationsFromDisk(owner).getMigrations();
    if (owner !== 'EMPLOYEES') return migrations;
    return {
      ...migrations,
      [NEW_MIGRATION]: {
        up: async (db) => {
          await sql`CREATE TABLE employees.sync_probe (id integer PRIMARY KEY)`.execute(db);
        },
      },
    };
  },
});

let database: TestDatabase;
let runtime: ServiceRuntime;
let deps: AccessDeps;
const tenants: Record<string, { id: string; database: string }> = {};

async function provision(companyName: string): Promise<string> {
  const company = await createCompany(database, { name: companyName, modules: ['EMPLOYEES', 'FINANCE'] });
  tenants[company.slug] = { id: company.tenant.id, database: company.tenant.database };
  return company.slug;
}

/** Runs one query against a tenant database on the test server. */
async function inTenant<T>(slug: string, work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = createDatabase<unknown>(runtime.shards.databaseUrl('default', tenants[slug]!.database), { max: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const hasProbeTable = (slug: string) =>
  inTenant(slug, async (db) => (await sql<{ t: string | null }>`SELECT to_regclass('employees.sync_probe')::text AS t`.execute(db)).rows[0]!.t);

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  deps = accessDeps(runtime);
  for (const name of ['Alpha Sync', 'Bravo Sync', 'Broken Sync']) await provision(name);
  // A history entry for a migration that no longer exists: kysely's Migrator refuses to touch this schema.
  await inTenant('broken-sync', (db) =>
    sql`INSERT INTO employees.kysely_migration (name, timestamp) VALUES ('20000101000000_vanished', now()::text)`.execute(db),
  );
});

afterAll(async () => {
  await runtime?.close();
  await database?.drop();
});

describe('tenant sync', () => {
  // First, while the healthy tenants match the migrations on disk: the new migration of the next test is not on disk.
  it('makes `fluxo tenant sync` exit non-zero and name the broken tenant', async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'cli/main.ts', 'tenant', 'sync', '--concurrency', '2'],
        {
          cwd: root,
          env: {
            ...process.env,
            DATABASE_URL: database.url,
            FLUXO_TENANT_DB_PREFIX: database.config.tenantDatabasePrefix,
            FLUXO_SHARDS: '',
            LOG_LEVEL: 'silent',
            ...testRoleEnvironment(),
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}\n${stderr}` }),
      );
    });
    expect(output).toMatch(/FAILED broken-sync .*vanished/);
    expect(output).toMatch(/3 tenants, 2 up to date, 1 failed/);
    expect(code).toBe(1);
  });

  it('migrates the healthy tenants and reports the broken one without stopping', async () => {
    const done: string[] = [];
    const results = await syncTenants({ ...deps, tenantMigrations: withNewEmployeesMigration }, { concurrency: 2, onTenantDone: (r) => done.push(r.slug) });

    expect(results.map((r) => r.slug).sort()).toEqual(['alpha-sync', 'bravo-sync', 'broken-sync']);
    expect(done.sort()).toEqual(['alpha-sync', 'bravo-sync', 'broken-sync']);
    for (const slug of ['alpha-sync', 'bravo-sync']) {
      expect(results.find((r) => r.slug === slug)).toMatchObject({ ok: true, applied: [`EMPLOYEES:${NEW_MIGRATION}`] });
      expect(await hasProbeTable(slug)).toBe('employees.sync_probe');
    }
    const broken = results.find((r) => r.slug === 'broken-sync')!;
    expect(broken.ok).toBe(false);
    expect(broken.error).toMatch(/20000101000000_vanished/);
    expect(await hasProbeTable('broken-sync')).toBeNull();

    const registry = await database.db.selectFrom('tenant').select(['id', 'last_error', 'schema_versions']).execute();
    const byId = new Map(registry.map((r) => [r.id, r]));
    expect(byId.get(tenants['broken-sync']!.id)!.last_error).toMatch(/vanished/);
    for (const slug of ['alpha-sync', 'bravo-sync']) {
      expect(byId.get(tenants[slug]!.id)).toMatchObject({ last_error: null, schema_versions: expect.objectContaining({ EMPLOYEES: NEW_MIGRATION }) });
    }
  });
});
