import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { latestMigration } from '../../platform/migrations';
import type { AccessDeps } from '../../subgraphs/access/deps';
import type { ActorIdentity } from '../../subgraphs/kit/actor';
import { addCompanyModules } from '../../subgraphs/access/provisioning/add-modules';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { UserErrorsException } from '../../subgraphs/kit/errors';
import { ServiceRuntime } from '../../platform/runtime';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { deliverEvents } from '../support/events';

const actor: ActorIdentity = { kind: 'ADMIN', id: null, requestId: null };

let database: TestDatabase;
let runtime: ServiceRuntime;
let deps: AccessDeps;
let peopleOnly: Company;
let tenantDatabase: string;

/** Tables of a schema in the company's tenant database, sorted. */
async function tenantTables(schema: string): Promise<string[]> {
  const db = createDatabase<unknown>(runtime.shards.databaseUrl('default', tenantDatabase), { max: 1 });
  try {
    const { rows } = await sql<{
      table_name: string;
    }>`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`.execute(db);
    return rows.map((r) => r.table_name);
  } finally {
    await db.destroy();
  }
}

const addModuleAudits = () => database.db.selectFrom('audit_log').select('after').where('operation', '=', 'addCompanyModules').execute();

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  deps = accessDeps(runtime);
  peopleOnly = await createCompany(database, { name: 'People Only', modules: ['EMPLOYEES'] });
  tenantDatabase = peopleOnly.tenant.database;
});

afterAll(async () => {
  await runtime?.close();
  await database?.drop();
});

describe('adding a module to a company', () => {
  it('creates and migrates the module schema, then records it on the company and the tenant', async () => {
    expect(await tenantTables('finance')).toEqual([]);

    const updated = await addCompanyModules(deps, peopleOnly.companyId, ['FINANCE'], actor);

    expect(updated.modules).toEqual(['EMPLOYEES', 'FINANCE']);
    expect(await tenantTables('finance')).toEqual(expect.arrayContaining(['inbox', 'kysely_migration', 'outbox']));
    const company = await database.db.selectFrom('company').select('modules').where('id', '=', peopleOnly.companyId).executeTakeFirstOrThrow();
    expect(company.modules).toEqual(['EMPLOYEES', 'FINANCE']);
    const tenant = await database.db
      .selectFrom('tenant')
      .select(['schema_versions', 'last_error'])
      .where('company_id', '=', peopleOnly.companyId)
      .executeTakeFirstOrThrow();
    expect(tenant.schema_versions).toMatchObject({ EMPLOYEES: await latestMigration('EMPLOYEES'), FINANCE: await latestMigration('FINANCE') });
    expect(tenant.schema_versions.FINANCE).toEqual(expect.any(String));
    // The first key keeps exactly what it was issued with.
    const key = await database.db.selectFrom('access_key').select('modules').where('id', '=', peopleOnly.keyId).executeTakeFirstOrThrow();
    expect(key.modules).toEqual(['EMPLOYEES']);
    expect(await addModuleAudits()).toEqual([{ after: { modules: ['EMPLOYEES', 'FINANCE'] } }]);
  });

  it('does nothing when the company already has the module', async () => {
    const again = await addCompanyModules(deps, peopleOnly.companyId, ['FINANCE'], actor);
    expect(again.modules).toEqual(['EMPLOYEES', 'FINANCE']);
    expect(await addModuleAudits()).toHaveLength(1);
    expect(await tenantTables('finance')).toEqual(expect.arrayContaining(['inbox', 'outbox']));
  });

  it('hands the new module the events it missed, so its projection starts complete', async () => {
    const db = createDatabase<unknown>(runtime.shards.databaseUrl('default', tenantDatabase), { max: 1 });
    try {
      const employeeId = randomUUID();
      await sql`INSERT INTO employees.outbox (event_type, aggregate_type, aggregate_id, payload, status, delivered_at)
        VALUES ('EmployeeHired', 'Employee', ${employeeId}, ${JSON.stringify({ employeeId, employeeNumber: 'EMP-000001', fullName: 'Early Hire', email: 'early@people.example', hireDate: '2026-01-05', departmentId: null, status: 'ACTIVE' })}, 'DELIVERED', now())`.execute(
        db,
      );
      await addCompanyModules(deps, peopleOnly.companyId, ['ASSETS'], actor);
      await deliverEvents(database.config, database.db, peopleOnly.slug);
      const { rows } = await sql<{ status: string }>`SELECT status FROM assets.employee_projection WHERE employee_id = ${employeeId}`.execute(db);
      expect(rows).toEqual([{ status: 'ACTIVE' }]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses an unknown company with NOT_FOUND', async () => {
    const attempt = addCompanyModules(deps, randomUUID(), ['FINANCE'], actor);
    await expect(attempt).rejects.toBeInstanceOf(UserErrorsException);
    await expect(attempt).rejects.toMatchObject({ userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
  });
});
