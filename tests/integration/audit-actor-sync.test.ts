import { sql } from 'kysely';
import { createLogger } from '../../platform/logger';
import { ServiceRuntime } from '../../platform/runtime';
import { syncTenants } from '../../subgraphs/access/provisioning/tenant-sync';
import { verifyChain } from '../../subgraphs/access/services/audit-chain';
import { TENANT_CHAIN } from '../../subgraphs/access/store/audit-chain';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { writeTenantAudit, type TenantAuditDB } from '../../subgraphs/kit/audit';
import { down as dropActorColumns } from '../../migrations/tenant/audit/20261217000000_audit_actor';
import { down as dropFilterIndexes } from '../../migrations/tenant/audit/20261219000000_audit_log_filters';
import { down as dropAuditChain } from '../../migrations/tenant/audit/20261220000000_audit_chain';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// A tenant provisioned before the audit named people gets the new columns from
// the ordinary tenant sync, and its earlier rows keep nulls: nobody knows who made them.

const MIGRATION = '20261217000000_audit_actor';
// Shipped after it, so a tenant from before has neither.
const LATER = '20261219000000_audit_log_filters';
const CHAIN = '20261220000000_audit_chain';

let database: TestDatabase;
let runtime: ServiceRuntime;
let company: Company;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  company = await createCompany(database, { name: 'Before Audit Actors', modules: ['EMPLOYEES'] });
  // Back to how the tenant looked before this migration shipped, with a row written then.
  await dropAuditChain(company.tenantDb);
  await dropFilterIndexes(company.tenantDb);
  await dropActorColumns(company.tenantDb);
  await sql`DELETE FROM audit.kysely_migration WHERE name IN (${MIGRATION}, ${LATER}, ${CHAIN})`.execute(company.tenantDb);
  await sql`INSERT INTO audit.audit_log (module, key_id, operation, entity, entity_id, request_id)
            VALUES ('EMPLOYEES', 'old-key', 'hireEmployee', 'employee', 'e-old', 'before-sync')`.execute(company.tenantDb);
});

afterAll(async () => {
  await company?.tenantDb.destroy();
  await runtime?.close();
  await database?.drop();
});

const actorColumnsOf = async () =>
  (
    await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'audit' AND table_name = 'audit_log' AND column_name IN ('actor_user_id', 'actor_email', 'credential', 'client_address')
      ORDER BY column_name`.execute(company.tenantDb)
  ).rows.map((r) => r.column_name);

it('adds the actor columns to an existing tenant through tenant sync', async () => {
  expect(await actorColumnsOf()).toEqual([]);

  const [result] = await syncTenants(accessDeps(runtime), { concurrency: 1, slugs: [company.slug] });

  expect(result).toMatchObject({ slug: company.slug, ok: true, applied: [`AUDIT:${MIGRATION}`, `AUDIT:${LATER}`, `AUDIT:${CHAIN}`] });
  expect(await actorColumnsOf()).toEqual(['actor_email', 'actor_user_id', 'client_address', 'credential']);
  const registry = await database.db.selectFrom('tenant').select('schema_versions').where('id', '=', company.tenant.id).executeTakeFirstOrThrow();
  expect(registry.schema_versions).toMatchObject({ AUDIT: CHAIN });

  // The earlier row is left as it was; a new one names its person and credential.
  const actor = {
    requestId: 'after-sync',
    kind: 'USER',
    id: null,
    userId: 'a1b2c3d4-0000-4000-8000-000000000001',
    userEmail: 'ada@example.com',
    credential: 'SESSION' as const,
  };
  const auditDb = company.openTenantDb<TenantAuditDB>();
  try {
    await writeTenantAudit(auditDb, 'EMPLOYEES', actor, [{ operation: 'hireEmployee', entity: 'employee', entityId: 'e-new' }]);
  } finally {
    await auditDb.destroy();
  }
  const rows = await company.tenantDb
    .selectFrom('audit.audit_log')
    .select(['request_id', 'key_id', 'actor_user_id', 'actor_email', 'credential', 'client_address'])
    .where('request_id', 'in', ['before-sync', 'after-sync'])
    .orderBy('id')
    .execute();
  // The row from before was chained by the migration, the new one by the insert trigger after it.
  expect(await verifyChain(company.tenantDb, TENANT_CHAIN, { batchSize: 10 })).toEqual({ rows: 2, anchoredAfter: null, broken: null });
  expect(rows).toEqual([
    { request_id: 'before-sync', key_id: 'old-key', actor_user_id: null, actor_email: null, credential: null, client_address: null },
    { request_id: 'after-sync', key_id: null, actor_user_id: actor.userId, actor_email: 'ada@example.com', credential: 'SESSION', client_address: null },
  ]);
});

it('refuses a credential the audit does not know', async () => {
  await expect(
    sql`INSERT INTO audit.audit_log (module, operation, entity, credential) VALUES ('EMPLOYEES', 'x', 'y', 'PASSWORD')`.execute(company.tenantDb),
  ).rejects.toThrow(/check constraint/);
});
