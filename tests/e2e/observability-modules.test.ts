import { sql } from 'kysely';
import type { ModuleReport } from '../../gateway/observability';
import { latestMigration } from '../../platform/migrations';
import { createCompany, type GatewayCompany } from '../support/company';
import {} from '../support/employees-fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let t: TestStack;
let company: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Observed Co', modules: ['EMPLOYEES', 'ASSETS'] });
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

const report = (token?: string) =>
  fetch(t.gatewayUrl.replace(/\/graphql$/, '/observability/modules'), { headers: token ? { authorization: `Bearer ${token}` } : {} });

it('answers only the operator', async () => {
  expect((await report()).status).toBe(401);
  expect((await report(company.secret)).status).toBe(403);
  expect((await report('fluxo_admin_not-the-token')).status).toBe(401);
});

it("reports each module's subgraph, tenants, schema versions and this gateway's fetches to it", async () => {
  const page = await company.gql('{ employees(first: 1) { totalCount } }');
  expect(page.errors).toBeUndefined();
  const response = await report(t.adminToken);
  expect(response.status).toBe(200);
  const { modules } = (await response.json()) as { modules: ModuleReport[] };
  const byModule = Object.fromEntries(modules.map((m) => [m.module, m]));
  expect(Object.keys(byModule).sort()).toEqual(['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL']);
  expect(byModule.EMPLOYEES).toMatchObject({
    subgraph: { name: 'employees', status: 'ok' },
    tenants: 1,
    schema: { latest: await latestMigration('EMPLOYEES'), behind: 0 },
  });
  expect(byModule.EMPLOYEES!.fetches.total).toBeGreaterThanOrEqual(1);
  expect(byModule.EMPLOYEES!.fetches.errors).toBe(0);
  expect(byModule.FINANCE).toMatchObject({ tenants: 0, schema: { behind: 0 } });

  // A tenant whose schema lags shows as behind until `fluxo tenant sync`.
  await t.database.db
    .updateTable('tenant')
    .set({ schema_versions: sql`schema_versions || '{"ASSETS": "20000101000000_old"}'::jsonb` as never })
    .execute();
  const lagging = (await (await report(t.adminToken)).json()) as { modules: ModuleReport[] };
  expect(lagging.modules.find((m) => m.module === 'ASSETS')).toMatchObject({ tenants: 1, schema: { behind: 1 } });
});
