import { rolePrefixOf } from '../../platform/db-roles';
import { createMailer } from '../../platform/mail';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { createDatabase, withDatabase } from '../../platform/db';
import { TENANT_DATABASE_SETTINGS } from '../../subgraphs/access/provisioning/tenant-schemas';
import { createLogger } from '../../platform/logger';
import { ownerSchema, tenantMigrationsFromDisk, type TenantMigrationSource, type TenantSchemaOwner } from '../../platform/migrations';
import { MODULES, type ModuleName } from '../../platform/modules';
import { ShardDirectory } from '../../platform/shards';
import { UserErrorsException } from '../../subgraphs/kit/errors';
import type { AccessDeps } from '../../subgraphs/access/deps';
import type { ActorIdentity } from '../../subgraphs/kit/actor';
import { approveSubscriptionRequest } from '../../subgraphs/access/provisioning/approve-subscription';
import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import { requestSubscription } from '../../subgraphs/access/services/subscription-requests';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ProviderTokenVerifier } from '../../platform/oidc';

const actor: ActorIdentity = { kind: 'ADMIN', id: null, requestId: 'provisioning-test' };
const ALL_OWNERS: TenantSchemaOwner[] = ['AUDIT', ...MODULES];

let database: TestDatabase;

/** The migrations on disk, except that `owner`'s first migration throws the first time it runs. */
function failingOnce(owner: TenantSchemaOwner): { source: TenantMigrationSource; failures: () => number } {
  let failures = 0;
  const source: TenantMigrationSource = (o) => {
    const disk = tenantMigrationsFromDisk(o);
    if (o !== owner) return disk;
    const provider: MigrationProvider = {
      getMigrations: async () => {
        const migrations = await disk.getMigrations();
        const [first] = Object.keys(migrations).sort();
        const original = migrations[first!]!;
        const flaky: Migration = {
          ...original,
          up: async (db) => {
            if (failures === 0) {
              failures += 1;
              throw new Error(`injected failure in ${owner} migration ${first}`);
            }
            await original.up(db);
          },
        };
        return { ...migrations, [first!]: flaky };
      },
    };
    return provider;
  };
  return { source, failures: () => failures };
}

function depsWith(controlPlane: Kysely<ControlPlaneDB>, tenantMigrations: TenantMigrationSource = tenantMigrationsFromDisk): AccessDeps {
  return {
    controlPlane,
    shards: new ShardDirectory(database.config.shards),
    defaultShard: database.config.defaultShard,
    tenantDatabasePrefix: database.config.tenantDatabasePrefix,
    sessionSigningKey: null,
    mailer: createMailer({ smtpUrl: null, from: 'test@fluxo.localhost' }, createLogger('test', 'silent')),
    publicUrl: 'http://localhost:4000',
    webhooksAllowLoopback: false,
    identityProviders: { allowHttp: false, tokens: new ProviderTokenVerifier({ allowHttp: false }) },
    tenantTemplatePrefix: database.config.tenantTemplatePrefix,
    tenantMigrations,
    databaseRolePrefix: rolePrefixOf(database.config),
    logger: createLogger('test', 'silent'),
    tenantPools: () => {
      throw new Error('provisioning reads no tenant data');
    },
    subgraphs: () => [],
  };
}

async function newRequest(companyName: string, modules: ModuleName[]): Promise<string> {
  const { request } = await inControlPlaneTransaction(database.db, actor, 'requestSubscription', (trx, a) =>
    requestSubscription(trx, { companyName, contactEmail: 'ops@example.com', modules, planCode: null }, a),
  );
  return request.id;
}

async function userErrorCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof UserErrorsException) return error.userErrors.map((e) => e.code).join(',');
    throw error;
  }
  throw new Error('expected a user error');
}

async function tenantDatabasesOnServer(): Promise<string[]> {
  const { rows } = await sql<{
    datname: string;
  }>`SELECT datname FROM pg_database WHERE datname LIKE ${`${database.config.tenantDatabasePrefix}%`} ORDER BY datname`.execute(database.db);
  return rows.map((r) => r.datname);
}

async function companyOf(requestId: string) {
  return database.db.selectFrom('company').selectAll().where('subscription_request_id', '=', requestId).execute();
}

async function withTenantDb<T>(name: string, work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const db = createDatabase<unknown>(withDatabase(database.url, name), { max: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('provisioning a tenant', () => {
  it('resumes after a failure half-way and ends with one company, one tenant database and one key', async () => {
    const requestId = await newRequest('Retry Industries', ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL']);
    // FINANCE comes after AUDIT, ASSETS and EMPLOYEES, and before PAYROLL: the middle of the work.
    const flaky = failingOnce('FINANCE');
    const deps = depsWith(database.db, flaky.source);

    expect(await userErrorCode(approveSubscriptionRequest(deps, requestId, actor))).toBe('PROVISIONING_FAILED');
    expect(flaky.failures()).toBe(1);

    const request = await database.db.selectFrom('subscription_request').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(request.status).toBe('PENDING');
    const [company] = await companyOf(requestId);
    const failedTenant = await database.db.selectFrom('tenant').selectAll().where('company_id', '=', company!.id).executeTakeFirstOrThrow();
    expect(failedTenant.status).toBe('PROVISIONING');
    expect(failedTenant.last_error).toContain('injected failure in FINANCE');
    expect(await database.db.selectFrom('access_key').select('id').where('company_id', '=', company!.id).execute()).toEqual([]);
    expect(
      await database.db.selectFrom('audit_log').select('id').where('entity_id', '=', requestId).where('operation', '=', 'approveSubscriptionRequest').execute(),
    ).toEqual([]);

    const approved = await approveSubscriptionRequest(deps, requestId, actor);
    expect(approved.request.status).toBe('APPROVED');
    expect(approved.secret).toMatch(new RegExp(`^fluxo_${approved.accessKey.prefix}_`));

    const companies = await companyOf(requestId);
    expect(companies.map((c) => c.id)).toEqual([company!.id]);
    const tenants = await database.db.selectFrom('tenant').selectAll().where('company_id', '=', company!.id).execute();
    expect(tenants).toHaveLength(1);
    const tenant = tenants[0]!;
    expect(tenant).toMatchObject({ id: failedTenant.id, status: 'ACTIVE', last_error: null, database_name: failedTenant.database_name });
    expect(await tenantDatabasesOnServer()).toEqual([tenant.database_name]);
    const keys = await database.db.selectFrom('access_key').selectAll().where('company_id', '=', company!.id).execute();
    expect(keys.map((k) => ({ id: k.id, kind: k.kind, modules: k.modules }))).toEqual([
      { id: approved.accessKey.id, kind: 'STANDARD', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] },
    ]);

    // Every owner's schema exists with all of its migrations applied, recorded in its own history.
    const expected: Record<string, string[]> = {};
    for (const owner of ALL_OWNERS) expected[ownerSchema(owner)] = Object.keys(await tenantMigrationsFromDisk(owner).getMigrations()).sort();
    const applied = await withTenantDb(tenant.database_name, async (db) => {
      const result: Record<string, string[]> = {};
      for (const schema of Object.keys(expected)) {
        const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(`${schema}.kysely_migration`)} ORDER BY name`.execute(db);
        result[schema] = rows.map((r) => r.name);
      }
      return result;
    });
    expect(applied).toEqual(expected);
    expect(Object.values(expected).every((names) => names.length > 0)).toBe(true);
    // New sessions of the tenant database plan with its settings.
    const settings = await withTenantDb(tenant.database_name, async (db) =>
      Object.fromEntries(
        await Promise.all(
          Object.keys(TENANT_DATABASE_SETTINGS).map(async (name) => [
            name,
            (await sql<{ v: string }>`SELECT current_setting(${name}) AS v`.execute(db)).rows[0]!.v,
          ]),
        ),
      ),
    );
    expect(settings).toEqual(TENANT_DATABASE_SETTINGS);
    const versions = tenant.schema_versions as Record<string, string | null>;
    for (const owner of ALL_OWNERS) expect(versions[owner]).toBe(expected[ownerSchema(owner)]!.at(-1));

    // The global audit trail has the approval once, not once per attempt.
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['operation', 'entity', 'entity_id', 'actor_kind', 'request_id'])
      .where('entity_id', 'in', [requestId, company!.id, tenant.id, approved.accessKey.id])
      .where('operation', '!=', 'requestSubscription')
      .orderBy('operation')
      .execute();
    expect(audit).toEqual([
      { operation: 'approveSubscriptionRequest', entity: 'subscription_request', entity_id: requestId, actor_kind: 'ADMIN', request_id: 'provisioning-test' },
      { operation: 'createCompany', entity: 'company', entity_id: company!.id, actor_kind: 'ADMIN', request_id: 'provisioning-test' },
      { operation: 'issueAccessKey', entity: 'access_key', entity_id: approved.accessKey.id, actor_kind: 'ADMIN', request_id: 'provisioning-test' },
      { operation: 'provisionTenant', entity: 'tenant', entity_id: tenant.id, actor_kind: 'ADMIN', request_id: 'provisioning-test' },
    ]);

    // A third approval changes nothing.
    expect(await userErrorCode(approveSubscriptionRequest(deps, requestId, actor))).toBe('ALREADY_APPROVED');
    expect(await database.db.selectFrom('access_key').select('id').where('company_id', '=', company!.id).execute()).toHaveLength(1);
  });

  it('lets exactly one of two concurrent approvals win', async () => {
    const requestId = await newRequest('Twice Approved', ['EMPLOYEES']);
    const deps = depsWith(database.db);
    const results = await Promise.allSettled([approveSubscriptionRequest(deps, requestId, actor), approveSubscriptionRequest(deps, requestId, actor)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(UserErrorsException);
    expect((lost[0]!.reason as UserErrorsException).userErrors.map((e) => e.code)).toEqual(['ALREADY_APPROVED']);
    const companies = await companyOf(requestId);
    expect(companies).toHaveLength(1);
    expect(await database.db.selectFrom('access_key').select('id').where('company_id', '=', companies[0]!.id).execute()).toHaveLength(1);
    expect(await database.db.selectFrom('tenant').select('id').where('company_id', '=', companies[0]!.id).execute()).toHaveLength(1);
  });

  it('does not deadlock when concurrent approvals outnumber the control-plane connections', async () => {
    const first = await newRequest('Small Pool One', ['ASSETS']);
    const second = await newRequest('Small Pool Two', ['ASSETS']);
    // Two connections, three approvals: each holds its lock on one connection while it works.
    const smallPool = createDatabase<ControlPlaneDB>(database.url, { max: 2 });
    try {
      const deps = depsWith(smallPool);
      const attempts = [
        approveSubscriptionRequest(deps, first, actor),
        approveSubscriptionRequest(deps, first, actor),
        approveSubscriptionRequest(deps, second, actor),
      ];
      const results = await withDeadline(Promise.allSettled(attempts), 30_000, 'three approvals on a pool of two');
      const outcome = results.map((r) => (r.status === 'fulfilled' ? 'APPROVED' : (r.reason as UserErrorsException).userErrors[0]!.code));
      expect(outcome.slice(0, 2).sort()).toEqual(['ALREADY_APPROVED', 'APPROVED']);
      expect(outcome[2]).toBe('APPROVED');
    } finally {
      await smallPool.destroy();
    }
  });
});

describe('audit logs are append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of the control plane audit_log', async () => {
    await database.db
      .insertInto('audit_log')
      .values({ actor_kind: 'ADMIN', actor_id: null, operation: 'test', entity: 'test', entity_id: 'x', before: null, after: null, request_id: null })
      .execute();
    const count = async () =>
      Number(
        (
          await database.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await expect(database.db.updateTable('audit_log').set({ operation: 'rewritten' }).where('entity', '=', 'test').execute()).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(database.db.deleteFrom('audit_log').where('entity', '=', 'test').execute()).rejects.toThrow(/append-only: DELETE refused/);
    await expect(sql`TRUNCATE audit_log`.execute(database.db)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await count()).toBe(before);
    expect(await database.db.selectFrom('audit_log').select('operation').where('entity', '=', 'test').execute()).toEqual([{ operation: 'test' }]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit.audit_log in a tenant database', async () => {
    const requestId = await newRequest('Audited Co', ['FINANCE']);
    const approved = await approveSubscriptionRequest(depsWith(database.db), requestId, actor);
    const tenant = await database.db.selectFrom('tenant').select('database_name').where('company_id', '=', approved.company.id).executeTakeFirstOrThrow();
    await withTenantDb(tenant.database_name, async (db) => {
      await sql`INSERT INTO audit.audit_log (module, key_id, operation, entity, entity_id) VALUES ('FINANCE', 'k1', 'postJournalEntry', 'journal_entry', 'je-1')`.execute(
        db,
      );
      await expect(sql`UPDATE audit.audit_log SET operation = 'rewritten'`.execute(db)).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(sql`DELETE FROM audit.audit_log`.execute(db)).rejects.toThrow(/append-only: DELETE refused/);
      await expect(sql`TRUNCATE audit.audit_log`.execute(db)).rejects.toThrow(/append-only: TRUNCATE refused/);
      const { rows } = await sql<{ operation: string }>`SELECT operation FROM audit.audit_log`.execute(db);
      expect(rows).toEqual([{ operation: 'postJournalEntry' }]);
    });
  });
});
