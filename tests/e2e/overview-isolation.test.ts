import { fullGrants } from '../../platform/permissions';
import { randomUUID } from 'node:crypto';
import { MODULES, type ModuleName } from '../../platform/modules';
import { CONTEXT_HEADER, signTenantContext } from '../../platform/tenant-context';
import type { Entities } from '../support/api';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { eur, overviewWith } from '../support/overview';
import { employeesOperation, mutateOk } from '../support/payroll-fixtures';
import { exampleVariables, graphql, startTestStack, type TestStack } from '../support/stack';

// While serving the overview, each module subgraph runs SQL on its own schema
// only (the numbers cross modules in the query plan, never in SQL), a module
// the key does not grant runs none, and no subgraph answers for another
// tenant's overview even with a genuinely signed context.

const SCHEMAS = ['assets', 'employees', 'finance', 'payroll', 'audit'];
const SUBGRAPHS = ['access', 'assets', 'employees', 'finance', 'payroll'];

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let capturing = false;
const captured: Array<{ sql: string; database: string; subgraph: string }> = [];

/** The tenant statements each subgraph ran while `work` ran. */
async function statementsDuring(work: () => Promise<unknown>): Promise<Record<string, string[]>> {
  captured.length = 0;
  capturing = true;
  try {
    await work();
  } finally {
    capturing = false;
  }
  const bySubgraph: Record<string, string[]> = {};
  for (const s of captured) if (s.database !== 'control-plane') (bySubgraph[s.subgraph] ??= []).push(s.sql);
  return bySubgraph;
}

/** Schemas a statement names, quoted (kysely) or not (raw SQL): `"finance"."account"`, `finance.account`. */
function schemasIn(statement: string): string[] {
  const found = new Set<string>();
  for (const m of statement.matchAll(/(?<![\w.])"?([a-z_]+)"?\s*\.\s*"?[a-z_]+/g)) if (SCHEMAS.includes(m[1]!)) found.add(m[1]!);
  return [...found];
}

async function signedContext(tenant: GatewayCompany, modules: ModuleName[]): Promise<string> {
  return signTenantContext(
    {
      requestId: `isolation-${randomUUID()}`,
      kind: 'STANDARD',
      keyId: tenant.keyId,
      user: null,
      sessionId: null,
      clientAddress: null,
      tenant: tenant.tenant,
      modules,
      grants: fullGrants(modules),
    },
    t.keys.privateKey,
  );
}

beforeAll(async () => {
  // The statements of executing the overview: the response cache would answer a warm one from memory.
  t = await startTestStack({ responseCache: false, onQuery: (sql, database, subgraph) => void (capturing && captured.push({ sql, database, subgraph })) });
  acme = await createCompany(t, { name: 'Acme Overview', modules: [...MODULES] });
  beta = await createCompany(t, { name: 'Beta Overview', modules: [...MODULES] });
  const { employee } = await mutateOk(acme, employeesOperation('HireEmployee'), 'hireEmployee', {
    input: {
      firstName: 'Ana',
      lastName: 'Acme',
      email: 'ana@acme-overview.example',
      hireDate: '2026-01-05',
      departmentId: null,
      positionId: null,
      managerId: null,
    },
  });
  await deliverEvents(t.database.config, t.database.db, acme.slug);
  const { asset } = await mutateOk(acme, contractOperation('assets.graphql', 'RegisterAsset'), 'registerAsset', exampleVariables('RegisterAsset'));
  await mutateOk(acme, contractOperation('assets.graphql', 'AssignAsset'), 'assignAsset', {
    input: { assetId: asset.id, employeeId: employee.id, date: '2026-01-12' },
  });
  await deliverEvents(t.database.config, t.database.db, acme.slug);
}, 120_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('SQL while serving the overview', () => {
  it("stays in each module's own schema", async () => {
    const statements = await statementsDuring(async () => {
      const res = await overviewWith(t, acme.secret);
      expect(res.errors).toBeUndefined();
      expect(res.data!.overview.crossModule.assetsEmployees).toEqual({ assignedAssets: 1, activeHeadcount: 1, assetsPerActiveEmployee: '1' });
    });
    // Access reads only the control plane; each module subgraph reads its tenant database.
    expect(Object.keys(statements).sort()).toEqual(['assets', 'employees', 'finance', 'payroll']);
    for (const [subgraph, sqls] of Object.entries(statements)) {
      const named = [...new Set(sqls.flatMap(schemasIn))];
      expect({ subgraph, schemas: named }).toEqual({ subgraph, schemas: [subgraph] });
    }
  });

  it('runs 12 statements once warm, each reading a tally or a small table (docs/overview.md, "Performance")', async () => {
    await overviewWith(t, acme.secret); // the register totals, kept up to 5 s, are computed
    const statements = await statementsDuring(async () => expect((await overviewWith(t, acme.secret)).errors).toBeUndefined());
    const counts = Object.fromEntries(Object.entries(statements).map(([subgraph, sqls]) => [subgraph, sqls.length]));
    expect(counts).toEqual({ employees: 1, assets: 1, finance: 3, payroll: 7 });
  });

  it('runs none in a module the key does not grant', async () => {
    const onlyEmployees = await issueKey(t, acme, ['EMPLOYEES']);
    const statements = await statementsDuring(async () => {
      const res = await overviewWith(t, onlyEmployees.secret);
      expect(res.errors).toBeUndefined();
      expect(res.data!.overview).toMatchObject({ assets: null, finance: null, payroll: null, employees: { activeHeadcount: 1 } });
    });
    expect(Object.keys(statements)).toEqual(['employees']);
  });
});

describe("another tenant's overview", () => {
  const OVERVIEW_ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;

  it.each(SUBGRAPHS)('is null from the %s subgraph, even with a genuine context of company B', async (subgraph) => {
    // The representation carries what the plan brings for the metrics; forged figures must not make it resolve either.
    const representation = { __typename: 'Overview', tenantId: acme.tenant.id, activeHeadcount: 999, ledgerFixedAssets: eur('1.00') };
    const asBeta = await graphql<Entities<unknown>>(
      t.subgraphUrl(subgraph),
      OVERVIEW_ENTITY,
      { r: [representation] },
      { headers: { [CONTEXT_HEADER]: await signedContext(beta, [...MODULES]) } },
    );
    expect(asBeta.errors).toBeUndefined();
    expect(asBeta.data!._entities).toEqual([null]);
    const asAcme = await graphql<Entities<unknown>>(
      t.subgraphUrl(subgraph),
      OVERVIEW_ENTITY,
      { r: [representation] },
      { headers: { [CONTEXT_HEADER]: await signedContext(acme, [...MODULES]) } },
    );
    expect(asAcme.data!._entities).toEqual([{ __typename: 'Overview' }]);
  });

  it.each([
    ['access', 'crossModule { assetsEmployees { activeHeadcount } assetsFinance { ledgerFixedAssets { amount } } payrollEmployees { activeHeadcount } }'],
    ['assets', 'assetsHeld registerBookValue { amount } depreciationYearToDate { amount }'],
    ['payroll', 'payrollFacts { paidInLastPayRun postedPayrollCost { amount } }'],
  ])("gives company B nothing from company A's representation in the %s subgraph", async (subgraph, fields) => {
    const metrics = fields;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { ${metrics} } } }`;
    const representation = {
      __typename: 'Overview',
      tenantId: acme.tenant.id,
      activeHeadcount: 999,
      ledgerFixedAssets: eur('1.00'),
      ledgerExpenseAccounts: [],
      depreciationYearToDate: eur('0.00'),
      assetsHeld: 5,
      registerBookValue: eur('1.00'),
      payrollFacts: {
        currency: 'EUR',
        paidInLastPayRun: 1,
        paidStillActiveInLastPayRun: 1,
        postedPayrollCost: eur('1.00'),
        payrollCostYearToDate: eur('1.00'),
        expenseAccountCodes: [],
      },
    };
    const asBeta = await graphql<Entities<unknown>>(
      t.subgraphUrl(subgraph),
      query,
      { r: [representation] },
      { headers: { [CONTEXT_HEADER]: await signedContext(beta, [...MODULES]) } },
    );
    expect(asBeta.errors).toBeUndefined();
    expect(asBeta.data!._entities).toEqual([null]);
  });

  it("does not show company A's figures to company B, whatever is cached", async () => {
    const [a1, b, a2] = [await overviewWith(t, acme.secret), await overviewWith(t, beta.secret), await overviewWith(t, acme.secret)];
    expect(a1.data!.overview.assets).toMatchObject({ totalAssets: 1, assignedAssets: 1 });
    expect(b.data!.overview.assets).toEqual({ totalAssets: 0, assignedAssets: 0, inMaintenance: 0, totalBookValue: eur('0.00') });
    expect(b.data!.overview.employees).toEqual({ activeHeadcount: 0, departments: 0, newHiresLast30Days: 0 });
    expect(b.data!.overview.crossModule.assetsFinance!.registerBookValue).toEqual(eur('0.00'));
    expect(a2.data!.overview).toEqual({ ...a1.data!.overview, generatedAt: a2.data!.overview.generatedAt });
    expect(a1.data!.overview.assets!.totalBookValue).not.toEqual(eur('0.00'));
  });
});
