import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { loadConfig, type FluxoConfig } from '../../platform/config';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { createDatabase, quoteIdent, withDatabase } from '../../platform/db';
import { grantControlPlane, ownerRole } from '../../platform/db-roles';
import { testRoleEnvironment, testRolePrefix } from './db-roles';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (globalSetup prepares the database server)`);
  return value;
}

export interface TestDatabase {
  /** Control-plane database of this test file, cloned from the migrated template. */
  url: string;
  name: string;
  db: Kysely<ControlPlaneDB>;
  config: FluxoConfig;
  drop: () => Promise<void>;
}

/** A fresh control-plane database for one test file: CREATE DATABASE ... TEMPLATE, so files run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = required('FLUXO_TEST_SERVER_URL');
  const runId = required('FLUXO_TEST_RUN_ID');
  const fileId = randomBytes(3).toString('hex');
  const name = `ft_${runId}_${fileId}`;
  const admin = createDatabase<unknown>(withDatabase(serverUrl, 'postgres'), { max: 1 });
  try {
    await sql.raw(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(required('FLUXO_TEST_TEMPLATE'))}`).execute(admin);
  } finally {
    await admin.destroy();
  }
  const url = withDatabase(serverUrl, name);
  const db = createDatabase<ControlPlaneDB>(url, { max: 5 });
  // A copy does not keep who may connect to the database, nor its owner: the run's roles get them here.
  await sql.raw(`ALTER DATABASE ${quoteIdent(name)} OWNER TO ${quoteIdent(ownerRole(testRolePrefix(runId)))}`).execute(db);
  await grantControlPlane(db as Kysely<unknown>, testRolePrefix(runId), name);
  // The product's settings as this process has them (limits, pools, the query-plan switch), with this file's databases.
  const config = loadConfig({
    // A test file's clients all share one address and spend far more than a person would; the budgets
    // themselves are tested with their own limits (tests/e2e/cost-limits.test.ts).
    FLUXO_COST_CAPACITY: '100000000',
    FLUXO_ANONYMOUS_COST_CAPACITY: '100000000',
    ...process.env,
    DATABASE_URL: url,
    FLUXO_SHARDS: `default=${serverUrl}`,
    FLUXO_DEFAULT_SHARD: 'default',
    FLUXO_TENANT_DB_PREFIX: `${name}_t_`,
    // Tenant databases are cloned from templates migrated once per run (dropped with the run's other databases).
    FLUXO_TENANT_TEMPLATE_PREFIX: `ft_${runId}_tpl_`,
    FLUXO_DATA_DIR: '/nonexistent',
    ...testRoleEnvironment(runId),
    FLUXO_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  return {
    url,
    name,
    db,
    config,
    drop: async () => {
      await db.destroy();
      const cleanup = createDatabase<unknown>(withDatabase(serverUrl, 'postgres'), { max: 1 });
      try {
        const { rows } = await sql<{ datname: string }>`SELECT datname FROM pg_database WHERE datname = ${name} OR datname LIKE ${`${name}_t_%`}`.execute(
          cleanup,
        );
        for (const { datname } of rows) await sql.raw(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).execute(cleanup);
      } finally {
        await cleanup.destroy();
      }
    },
  };
}
