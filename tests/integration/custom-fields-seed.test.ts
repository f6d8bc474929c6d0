import { sql, type Kysely } from 'kysely';
import { ShardDirectory } from '../../platform/shards';
import { seedTenant } from '../../app/seed/seed-tenant';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

// The demo seed (`npm start -- --demo`) defines two custom fields of employees and gives every hire values.
let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Seeded Fields', modules: ['EMPLOYEES'] });
  tenantDb = company.openTenantDb();
});
afterAll(async () => {
  await tenantDb?.destroy();
  await company?.tenantDb.destroy();
  await database?.drop();
});

it('defines the demo fields once and writes a value of each for every employee', async () => {
  const seed = (append: boolean) =>
    seedTenant({
      controlPlane: database.db,
      shards: new ShardDirectory(database.config.shards),
      slug: company.slug,
      employees: 12,
      assets: 0,
      seed: 3,
      asOf: '2026-06-15',
      customFields: true,
      append,
    });
  await seed(false);
  await seed(true);
  const { rows: defs } = await sql<{
    key: string;
    filterable: boolean;
  }>`SELECT key, filterable FROM employees.custom_field_definition ORDER BY position`.execute(tenantDb);
  expect(defs).toEqual([
    { key: 'shirt_size', filterable: true },
    { key: 'remote', filterable: true },
  ]);
  const { rows } = await sql<{ n: string; sized: string; remote: string }>`
    SELECT count(*) AS n, count(*) FILTER (WHERE custom_fields ->> 'shirt_size' IN ('S', 'M', 'L', 'XL')) AS sized,
           count(*) FILTER (WHERE jsonb_typeof(custom_fields -> 'remote') = 'boolean') AS remote
    FROM employees.employee`.execute(tenantDb);
  expect(rows[0]).toEqual({ n: '24', sized: '24', remote: '24' });
});
