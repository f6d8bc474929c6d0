import { rolePrefixOf } from '../../platform/db-roles';
import { sql, type Kysely } from 'kysely';
import { createDatabase, withDatabase } from '../../platform/db';
import { ownerSchema, tenantMigrationsFromDisk, type TenantSchemaOwner } from '../../platform/migrations';
import type { ModuleName } from '../../platform/modules';
import { tenantTemplateName } from '../../subgraphs/access/provisioning/tenant-schemas';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let admin: Kysely<unknown>;
const companies: Company[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  admin = createDatabase<unknown>(withDatabase(database.config.shards.default!, 'postgres'), { max: 1 });
});
afterAll(async () => {
  for (const company of companies) await company.tenantDb.destroy();
  await admin?.destroy();
  await database?.drop();
});

async function subscribe(modules: ModuleName[]): Promise<Company> {
  const company = await createCompany(database, { modules });
  companies.push(company);
  return company;
}

/** Whether the template for `modules` exists; templates are shared by the run's test files, so other files may have made it. */
async function templateExists(modules: ModuleName[]): Promise<boolean> {
  const name = await tenantTemplateName(database.config.tenantTemplatePrefix!, modules, rolePrefixOf(database.config));
  const { rows } = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`.execute(admin);
  return rows.length === 1;
}

/** The migrations each schema of a tenant database records as applied. */
async function appliedMigrations(company: Company, owners: TenantSchemaOwner[]): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const owner of owners) {
    const schema = ownerSchema(owner);
    const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(`${schema}.kysely_migration`)} ORDER BY name`.execute(company.tenantDb);
    applied[schema] = rows.map((r) => r.name);
  }
  return applied;
}

async function onDisk(owners: TenantSchemaOwner[]): Promise<Record<string, string[]>> {
  const expected: Record<string, string[]> = {};
  for (const owner of owners) expected[ownerSchema(owner)] = Object.keys(await tenantMigrationsFromDisk(owner).getMigrations()).sort();
  return expected;
}

describe('tenant databases cloned from a template', () => {
  it('are fully migrated, with their own settings, and share one template per module set', async () => {
    expect(database.config.tenantTemplatePrefix).toMatch(/^ft_[0-9a-f]+_tpl_$/);
    const first = await subscribe(['EMPLOYEES', 'PAYROLL']);
    expect(await templateExists(['EMPLOYEES', 'PAYROLL'])).toBe(true);
    // The order of the modules does not make another template.
    expect(await tenantTemplateName('p_', ['PAYROLL', 'EMPLOYEES'])).toBe(await tenantTemplateName('p_', ['EMPLOYEES', 'PAYROLL']));
    const second = await subscribe(['PAYROLL', 'EMPLOYEES']);

    const owners: TenantSchemaOwner[] = ['AUDIT', 'EMPLOYEES', 'PAYROLL'];
    for (const company of [first, second]) {
      expect(await appliedMigrations(company, owners)).toEqual(await onDisk(owners));
      const { rows } = await sql<{ setting: string }>`SELECT current_setting('random_page_cost') AS setting`.execute(company.tenantDb);
      expect(rows[0]?.setting).toBe('1.1');
    }
    // Clones, not one database: a row in one is not in the other.
    await sql`INSERT INTO employees.department (id, name) VALUES (gen_random_uuid(), 'Only in the first')`.execute(first.tenantDb);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM employees.department`.execute(second.tenantDb);
    expect(rows[0]?.n).toBe(0);
  });

  it('get another template for another module set, holding only its schemas', async () => {
    expect(await tenantTemplateName('p_', ['FINANCE'])).not.toBe(await tenantTemplateName('p_', ['EMPLOYEES', 'PAYROLL']));
    const company = await subscribe(['FINANCE']);
    expect(await templateExists(['FINANCE'])).toBe(true);
    const { rows } = await sql<{
      nspname: string;
    }>`SELECT nspname FROM pg_namespace WHERE nspname IN ('audit', 'finance', 'employees', 'payroll', 'assets') ORDER BY nspname`.execute(company.tenantDb);
    expect(rows.map((r) => r.nspname)).toEqual(['audit', 'finance']);
  });
});
