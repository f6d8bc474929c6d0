import fs from 'node:fs';
import path from 'node:path';
import { MODULES } from '../../platform/modules';
import { createCompany, type GatewayCompany } from '../support/company';
import { deliverEvents } from '../support/events';
import { OVERVIEW, overviewWith } from '../support/overview';
import { employeesOperation, mutateOk } from '../support/payroll-fixtures';
import type { Overview } from '../support/api';
import { plannedFetches, type PlannedFetch, type PlanNode } from '../support/plan-gateway';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// The query plan of the contract's Overview, read from a gateway with the
// `apollo-query-plan-experimental` header: access first; then, in parallel,
// one request per module subgraph for its block and the aggregates it
// provides (employees' headcount, finance's ledger balances, assets' held
// count, book value and depreciation, payroll's figures), all on `overview`;
// then access again, which computes every cross-module metric from them. Six
// requests in three steps, and one subgraph defines CrossModuleOverview.
// The plan printed in docs/overview.md must be the one the gateway really makes.

const PLAN_HEADER = { 'apollo-query-plan-experimental': '1' };
const docs = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'overview.md'), 'utf8');

let t: TestStack;
let company: GatewayCompany;
let fetches: PlannedFetch[];
let internal: { node?: PlanNode };

beforeAll(async () => {
  // The product's gateway answers the plan header only with this switch (never in production).
  process.env.FLUXO_EXPOSE_QUERY_PLAN = '1';
  t = await startTestStack();
  delete process.env.FLUXO_EXPOSE_QUERY_PLAN;
  company = await createCompany(t, { name: 'Plan Co', modules: [...MODULES] });
  await mutateOk(company, employeesOperation('HireEmployee'), 'hireEmployee', {
    input: { firstName: 'Pia', lastName: 'Plan', email: 'pia@plan.example', hireDate: '2026-01-05', departmentId: null, positionId: null, managerId: null },
  });
  await deliverEvents(t.database.config, t.database.db, company.slug);
  const res = await graphql(t.gatewayUrl, OVERVIEW, undefined, {
    token: company.secret,
    headers: { ...PLAN_HEADER, 'apollo-query-plan-experimental-format': 'internal' },
  });
  expect(res.errors).toBeUndefined();
  internal = res.extensions!.__queryPlanExperimental as { node?: PlanNode };
  fetches = plannedFetches(internal);
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

const selects = (fetch: PlannedFetch, ...fields: string[]) => fields.every((f) => new RegExp(`[{}\\s]${f}[{}\\s]`).test(fetch.operation));
const only = (list: PlannedFetch[]) => {
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe("the Overview's query plan", () => {
  it('is a sequence of three steps: access, then one request per module in parallel, then access for the metrics', () => {
    const root = internal.node!;
    expect(root.kind).toBe('Sequence');
    expect(root.nodes!.map((n) => n.kind)).toEqual(['Fetch', 'Parallel', 'Flatten']);
    expect(root.nodes![0]!.serviceName).toBe('access');
    expect(root.nodes![1]!.nodes).toHaveLength(4);
    expect(fetches).toHaveLength(6);
    expect(fetches.every((f) => f.path === '' || f.path === 'overview')).toBe(true);
  });

  it('fetches each module block together with the aggregates that module provides, right after access', () => {
    const access = only(fetches.filter((f) => f.service === 'access' && f.path === ''));
    expect(access.path).toBe('');
    for (const [service, ...fields] of [
      ['assets', 'assets', 'assetsHeld', 'registerBookValue', 'depreciationYearToDate'],
      ['employees', 'employees', 'activeHeadcount'],
      ['finance', 'finance', 'ledgerFixedAssets', 'ledgerExpenseAccounts'],
      ['payroll', 'payroll', 'payrollFacts'],
    ]) {
      const fetch = only(fetches.filter((f) => f.service === service));
      expect(fetch.path).toBe('overview');
      expect(selects(fetch, ...fields)).toBe(true);
      expect(fetch.after).toEqual([access.index]);
    }
  });

  it('sends access every aggregate the metrics require, after all four module fetches', () => {
    const first = fetches.find((f) => f.service === 'access' && f.path === '')!;
    const metrics = only(fetches.filter((f) => f.service === 'access' && f.path === 'overview'));
    expect(selects(metrics, 'crossModule', 'assetsEmployees', 'assetsFinance', 'payrollEmployees', 'payrollFinance', 'assetsPayrollFinance')).toBe(true);
    expect(metrics.requires).toBe(
      '... on Overview { __typename activeHeadcount assetsHeld registerBookValue { amount currency } depreciationYearToDate { amount currency } ledgerFixedAssets { amount currency } ledgerExpenseAccounts { code balance { amount currency } yearToDate { amount currency } } payrollFacts { currency paidInLastPayRun paidStillActiveInLastPayRun postedPayrollCost { amount currency } payrollCostYearToDate { amount currency } expenseAccountCodes } tenantId }',
    );
    const providers = fetches.filter((f) => f.service !== 'access').map((f) => f.index);
    expect(metrics.after).toEqual(expect.arrayContaining([first.index, ...providers]));
    // The modules only provide: nothing computes a metric in a module subgraph.
    expect(fetches.filter((f) => f.service !== 'access').every((f) => !selects(f, 'crossModule'))).toBe(true);
  });

  it('is printed, exactly as the gateway prints it, in docs/overview.md', async () => {
    const res = await graphql(t.gatewayUrl, OVERVIEW, undefined, { token: company.secret, headers: PLAN_HEADER });
    const printed = res.extensions!.__queryPlanExperimental as string;
    const documented = /<!-- plan:begin -->\n```\n([\s\S]*?)\n```\n<!-- plan:end -->/.exec(docs)?.[1];
    expect(documented).toBe(printed);
  });

  it('answers the overview along with the plan', async () => {
    const res = await graphql<{ overview: Overview }>(t.gatewayUrl, OVERVIEW, undefined, { token: company.secret, headers: PLAN_HEADER });
    expect(res.errors).toBeUndefined();
    expect(res.data!.overview.crossModule.assetsEmployees).toEqual({ assignedAssets: 0, activeHeadcount: 1, assetsPerActiveEmployee: '0' });
  });

  it('is not returned without the header', async () => {
    const res = await overviewWith(t, company.secret);
    expect(res.errors).toBeUndefined();
    expect(res.extensions?.__queryPlanExperimental).toBeUndefined();
  });
});
