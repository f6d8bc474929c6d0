import { MODULES, type ModuleName } from '../../platform/modules';
import type { Overview } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { employeesOperation, mutateOk } from '../support/payroll-fixtures';
import { BLOCK_OF, eur, METRIC_MODULES, moduleCombinations, overviewWith } from '../support/overview';
import { exampleVariables, startTestStack, type TestStack } from '../support/stack';

// One company subscribed to all four modules and fifteen keys, one per
// non-empty combination of them: each key sees exactly the blocks and the
// crossModule metrics of the modules it grants, with the same figures the
// all-modules key sees, and never an error.

let t: TestStack;
let company: GatewayCompany<string>;
let full: Overview;
const label = (modules: readonly ModuleName[]) => modules.join('+');
/** The crossModule metrics by name. */
const metrics = (overview: Overview): Record<string, unknown> => overview.crossModule;

beforeAll(async () => {
  t = await startTestStack();
  const keys = Object.fromEntries(moduleCombinations().map((modules) => [label(modules), { modules }]));
  company = await createCompany(t, { name: 'Combinations Co', modules: [...MODULES], keys });
  // A little of everything, so a block that is not null has figures to compare.
  const { department } = await mutateOk(company, employeesOperation('CreateDepartment'), 'createDepartment', { input: { name: 'Studio' } });
  const { employee } = await mutateOk(company, employeesOperation('HireEmployee'), 'hireEmployee', {
    input: {
      firstName: 'Ines',
      lastName: 'Costa',
      email: 'ines@combinations.example',
      hireDate: '2026-01-05',
      departmentId: department.id,
      positionId: null,
      managerId: null,
    },
  });
  await deliverEvents(t.database.config, t.database.db, company.slug);
  const { asset } = await mutateOk(company, contractOperation('assets.graphql', 'RegisterAsset'), 'registerAsset', exampleVariables('RegisterAsset'));
  await mutateOk(company, contractOperation('assets.graphql', 'AssignAsset'), 'assignAsset', {
    input: { assetId: asset.id, employeeId: employee.id, date: '2026-01-12' },
  });
  await mutateOk(company, contractOperation('finance.graphql', 'RecordTransaction'), 'recordTransaction', {
    input: { bankAccountCode: '1100', counterAccountCode: '4000', date: '2026-02-01', amount: '1250.00', description: 'First invoice paid' },
  });
  await deliverEvents(t.database.config, t.database.db, company.slug);
  const res = await overviewWith(t, company.secret);
  expect(res.errors).toBeUndefined();
  full = res.data!.overview;
}, 120_000);
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

it('gives the all-modules key every block and every metric, with the seeded figures', () => {
  expect(full).toMatchObject({
    company: { name: 'Combinations Co', slug: company.slug },
    modules: [...MODULES],
    assets: { totalAssets: 1, assignedAssets: 1, inMaintenance: 0, totalBookValue: { currency: 'EUR' } },
    employees: { activeHeadcount: 1, departments: 1, newHiresLast30Days: 0 },
    finance: { accounts: 15, cashBalance: eur('1250.00'), unreconciledTransactions: 1 },
    payroll: { payRuns: 0, lastPayRun: null },
    crossModule: {
      assetsEmployees: { assignedAssets: 1, activeHeadcount: 1, assetsPerActiveEmployee: '1' },
      assetsFinance: { registerBookValue: full.assets!.totalBookValue },
      payrollFinance: { postedPayrollCost: eur('0.00'), ledgerPayrollExpense: eur('0.00'), difference: eur('0.00') },
      payrollEmployees: { activeHeadcount: 1, paidInLastPayRun: 0, activeNotPaidInLastPayRun: 1 },
      assetsPayrollFinance: { payrollCost: eur('0.00') },
    },
  });
  // The bank transaction's entry, plus whatever the asset's registration made finance book.
  expect(full.finance!.journalEntries).toBeGreaterThanOrEqual(1);
  for (const metric of Object.keys(METRIC_MODULES)) expect(metrics(full)[metric]).not.toBeNull();
});

describe.each(moduleCombinations().map((modules) => [label(modules), modules] as const))('a key granting %s', (_name, modules) => {
  let overview: Overview;

  beforeAll(async () => {
    const res = await overviewWith(t, company.keys[label(modules)]!.secret);
    expect(res.errors).toBeUndefined();
    overview = res.data!.overview;
  });

  it('lists exactly the granted modules', () => {
    expect(overview.modules).toEqual(modules);
    expect(overview.company).toEqual(full.company);
    expect(Date.now() - Date.parse(overview.generatedAt)).toBeLessThan(60_000);
  });

  it('has exactly the blocks of the granted modules, with the figures the all-modules key sees', () => {
    for (const module of MODULES) {
      const block = BLOCK_OF[module];
      if (!block) continue;
      if (modules.includes(module)) expect(overview[block]).toEqual(full[block]);
      else expect(overview[block]).toBeNull();
    }
  });

  it('has exactly the crossModule metrics whose modules are all granted', () => {
    const expected = Object.entries(METRIC_MODULES)
      .filter(([, needs]) => needs.every((m) => modules.includes(m)))
      .map(([metric]) => metric);
    const present = Object.entries(metrics(overview))
      .filter(([, value]) => value !== null)
      .map(([metric]) => metric);
    expect(present.sort()).toEqual(expected.sort());
    for (const metric of expected) expect(metrics(overview)[metric]).toEqual(metrics(full)[metric]);
  });
});
