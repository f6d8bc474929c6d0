import { sql } from 'kysely';
import { loginServices, roleName } from '../../platform/db-roles';
import { MODULES } from '../../platform/modules';
import { createCompany, type GatewayCompany } from '../support/company';
import { deliverEvents } from '../support/events';
import { overviewWith } from '../support/overview';
import { startTestStack, type TestStack } from '../support/stack';

// Every test stack runs its services as their own database logins; this file shows it from PostgreSQL's side.
let t: TestStack;
let company: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Logins Co', modules: [...MODULES] });
});

afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

/** Who holds the sessions each service opened on a database, by the application name it connects with. */
async function sessions(database: string): Promise<Array<{ app: string; user: string }>> {
  const { rows } = await sql<{ app: string; user: string }>`
    SELECT DISTINCT application_name AS app, usename AS "user" FROM pg_stat_activity
    WHERE datname = ${database} AND application_name IN ('fluxo-subgraph', 'fluxo-control-plane', 'fluxo-gateway')
    ORDER BY 1, 2`.execute(t.database.db);
  return rows;
}

it('answers a query that needs every subgraph, each reaching PostgreSQL as its own login', async () => {
  const overview = await overviewWith(t, company.secret);
  expect(overview.errors).toBeUndefined();
  expect(overview.data?.overview).toBeTruthy();
  expect(await deliverEvents(t.database.config, t.database.db, company.slug)).toMatchObject({ failed: 0, dead: 0 });

  const prefix = t.database.config.databaseRoles.prefix;
  const modules = ['assets', 'employees', 'finance', 'payroll'].map((s) => roleName(prefix, s));
  const tenant = await sessions(company.tenant.database);
  expect(tenant.length).toBeGreaterThan(0);
  expect(tenant.filter((s) => !modules.includes(s.user))).toEqual([]);
  expect(new Set(tenant.map((s) => s.user))).toEqual(new Set(modules));

  const controlPlane = await sessions(t.database.name);
  expect(controlPlane).toEqual(
    expect.arrayContaining([
      { app: 'fluxo-control-plane', user: roleName(prefix, 'access') },
      { app: 'fluxo-gateway', user: roleName(prefix, 'gateway') },
    ]),
  );
  expect(controlPlane.map((s) => s.user).every((user) => loginServices().some((service) => roleName(prefix, service) === user))).toBe(true);
});
