import Decimal from 'decimal.js';
import { MODULES } from '../../platform/modules';
import { accumulatedDepreciationAsOf, bookValueAsOf, type DepreciationTerms } from '../../subgraphs/assets/domain/depreciation';
import type { Overview, Query } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { addDays, eur, isoDay, monthOf, overviewWith } from '../support/overview';
import { approvedPayRun, employeesOperation, hireWithContract, mutateOk, payrollOperation } from '../support/payroll-fixtures';
import { exampleVariables, startTestStack, type TestStack } from '../support/stack';

// The overview's figures against data this test creates through the real
// mutations, with events delivered between steps as the worker would. Dates
// are relative to today (UTC), so the expectations hold on any day. Register
// figures are checked against the assets module's own depreciation functions
// and its bookValue field; ledger figures against finance's own balances,
// because asset registrations and disposals post entries of their own. The
// tests run in order and build on each other (the pay run is posted, then a
// manual entry made), as a company's month would.

const today = isoDay(new Date());
const thisMonth = monthOf(today);
const lastYearEnd = `${Number(today.slice(0, 4)) - 1}-12-31`;
const longAgo = monthOf(today, -3).start;
const D = Decimal.clone({ precision: 40 });

let t: TestStack;
let company: GatewayCompany<'approver'>;
const ids: Record<string, string> = {};
/** Terms of every registered asset, and the disposal date of the one disposed of. */
const registered: Array<{ terms: DepreciationTerms; disposedOn: string | null }> = [];

const deliver = () => deliverEvents(t.database.config, t.database.db, company.slug);
const assetsOp = (name: string) => contractOperation('assets.graphql', name);
const financeOp = (name: string) => contractOperation('finance.graphql', name);

async function overview(): Promise<Overview> {
  const res = await overviewWith(t, company.secret);
  expect(res.errors).toBeUndefined();
  return res.data!.overview;
}

async function register(tag: string, terms: DepreciationTerms): Promise<string> {
  const input = {
    ...exampleVariables('RegisterAsset').input,
    tag,
    serialNumber: null,
    acquisitionDate: terms.acquisitionDate,
    acquisitionCost: eur(terms.cost),
    salvageValue: eur(terms.salvage),
    usefulLifeMonths: terms.usefulLifeMonths,
    depreciationMethod: terms.method,
  };
  const { asset } = await mutateOk(company, assetsOp('RegisterAsset'), 'registerAsset', { input });
  registered.push({ terms, disposedOn: null });
  return asset.id;
}

/** Balances (on the normal side) of every account as of a day, through finance's own API. */
async function balances(asOf: string): Promise<Map<string, { type: string; balance: string }>> {
  const res = await company.gql<Pick<Query, 'accounts'>>(
    `query($asOf: Date) { accounts(first: 100) { edges { node { code type balance(asOf: $asOf) { amount } } } } }`,
    { asOf },
  );
  expect(res.errors).toBeUndefined();
  return new Map(res.data!.accounts.edges.map((e) => [e.node.code, { type: e.node.type, balance: e.node.balance.amount }]));
}

const sum = (values: Decimal.Value[]) => values.reduce<Decimal>((s, v) => s.plus(v), new D(0)).toFixed(2);

beforeAll(async () => {
  // Values after events delivered here and writes by hand, read at once: no worker announces them to a response cache.
  t = await startTestStack({ responseCache: false });
  company = await createCompany(t, { name: 'Values Co', modules: [...MODULES], keys: { approver: { modules: ['PAYROLL'] } } });
  for (const name of ['Workshop', 'Office']) await mutateOk(company, employeesOperation('CreateDepartment'), 'createDepartment', { input: { name } });
  ids.alice = await hireWithContract(company, { firstName: 'Alice', lastName: 'Alves', email: 'alice@values.example', hireDate: longAgo, salary: '4200.00' });
  ids.bob = await hireWithContract(company, { firstName: 'Bob', lastName: 'Brito', email: 'bob@values.example', hireDate: longAgo, salary: '3000.00' });
  ids.carol = await hireWithContract(company, { firstName: 'Carol', lastName: 'Cunha', email: 'carol@values.example', hireDate: longAgo, salary: '2500.00' });
  // Carol left at the end of last month; Erin joined today, without a contract yet.
  await mutateOk(company, employeesOperation('TerminateEmployee'), 'terminateEmployee', {
    input: { employeeId: ids.carol, date: addDays(thisMonth.start, -1) },
  });
  const hired = await mutateOk(company, employeesOperation('HireEmployee'), 'hireEmployee', {
    input: { firstName: 'Erin', lastName: 'Esteves', email: 'erin@values.example', hireDate: today, departmentId: null, positionId: null, managerId: null },
  });
  ids.erin = hired.employee.id;
  await deliver();

  ids.a1 = await register('OV-1', { acquisitionDate: '2025-03-15', cost: '1500.00', salvage: '300.00', usefulLifeMonths: 36, method: 'STRAIGHT_LINE' });
  ids.a2 = await register('OV-2', { acquisitionDate: '2025-06-10', cost: '2400.00', salvage: '0.00', usefulLifeMonths: 24, method: 'DECLINING_BALANCE' });
  ids.a3 = await register('OV-3', { acquisitionDate: '2026-01-10', cost: '900.00', salvage: '0.00', usefulLifeMonths: 12, method: 'STRAIGHT_LINE' });
  ids.a4 = await register('OV-4', { acquisitionDate: '2026-02-01', cost: '600.00', salvage: '0.00', usefulLifeMonths: 24, method: 'STRAIGHT_LINE' });
  ids.a5 = await register('OV-5', { acquisitionDate: '2025-11-20', cost: '1200.00', salvage: '100.00', usefulLifeMonths: 48, method: 'DECLINING_BALANCE' });
  ids.a6 = await register('OV-6', { acquisitionDate: '2025-12-01', cost: '1000.00', salvage: '0.00', usefulLifeMonths: 10, method: 'STRAIGHT_LINE' });
  for (const [asset, employee] of [
    ['a1', 'alice'],
    ['a2', 'alice'],
    ['a3', 'bob'],
  ] as const) {
    await mutateOk(company, assetsOp('AssignAsset'), 'assignAsset', { input: { assetId: ids[asset], employeeId: ids[employee], date: today } });
  }
  await mutateOk(company, assetsOp('ScheduleMaintenance'), 'scheduleMaintenance', {
    input: { assetId: ids.a5, scheduledFor: today, description: 'Yearly service' },
  });
  await mutateOk(company, assetsOp('DisposeAsset'), 'disposeAsset', { input: { assetId: ids.a6, date: thisMonth.start, proceeds: eur('100.00') } });
  registered[5]!.disposedOn = thisMonth.start;
  // Bob goes on leave holding his asset: paid, but not active.
  await mutateOk(
    company,
    `mutation($input: SetEmployeeStatusInput!) { setEmployeeStatus(input: $input) { employee { id } userErrors { field message code } } }`,
    'setEmployeeStatus',
    {
      input: { employeeId: ids.bob, status: 'ON_LEAVE' },
    },
  );

  await mutateOk(company, financeOp('CreateAccount'), 'createAccount', { input: { code: '1010', name: 'Second bank', type: 'ASSET' } });
  for (const [account, amount] of [
    ['1100', '1250.00'],
    ['1010', '500.00'],
  ]) {
    await mutateOk(company, financeOp('RecordTransaction'), 'recordTransaction', {
      input: { bankAccountCode: account, counterAccountCode: '4000', date: today, amount, description: `Invoice paid into ${account}` },
    });
  }
  await deliver();
  ids.payRun = await approvedPayRun(company, company.keys.approver, { periodStart: thisMonth.start, periodEnd: thisMonth.end, payDate: today });
}, 180_000);
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

describe('module blocks', () => {
  it('counts active, new and departments in the employees block', async () => {
    // Alice and Erin are ACTIVE; Bob is ON_LEAVE, Carol TERMINATED; only Erin was hired in the last 30 days.
    expect((await overview()).employees).toEqual({ activeHeadcount: 2, departments: 2, newHiresLast30Days: 1 });
  });

  it("counts the register and sums today's book values in the assets block", async () => {
    const { assets } = await overview();
    const onBooks = registered.filter((a) => a.disposedOn === null);
    const expected = sum(onBooks.map((a) => bookValueAsOf(a.terms, today)));
    expect(assets).toEqual({ totalAssets: 5, assignedAssets: 3, inMaintenance: 1, totalBookValue: eur(expected) });
    // The same total as the assets' own bookValue field, asset by asset.
    const list = await company.gql<Pick<Query, 'assets'>>(assetsOp('Assets'), { first: 20, filter: null });
    const active = list.data!.assets.edges.filter((e) => e.node.status !== 'DISPOSED');
    expect(sum(active.map((e) => e.node.bookValue.amount))).toBe(expected);
  });

  it('counts the ledger and sums the cash and bank accounts, an unflagged account with bank transactions included', async () => {
    const { finance } = await overview();
    const b = await balances(today);
    const entries = await company.gql<Pick<Query, 'journalEntries'>>(financeOp('JournalEntries'), { first: 1 });
    expect(finance).toEqual({
      accounts: 16,
      journalEntries: entries.data!.journalEntries.totalCount,
      cashBalance: eur(sum([b.get('1000')!.balance, b.get('1100')!.balance, b.get('1010')!.balance])),
      unreconciledTransactions: 2,
    });
    expect(new D(finance!.cashBalance.amount).minus(b.get('1000')!.balance).minus(b.get('1100')!.balance).toFixed(2)).toBe('500.00');
  });

  it('shows the pay runs and the last one in the payroll block', async () => {
    const { payroll } = await overview();
    // Alice 4200.00 and Bob 3000.00 for the whole month: net = gross − 11% − 20% of the rest.
    expect(payroll).toEqual({ payRuns: 1, lastPayRun: { id: ids.payRun, status: 'APPROVED', periodEnd: thisMonth.end, totals: { net: eur('5126.40') } } });
  });
});

describe('cross-module metrics', () => {
  it('divides the 3 assets employees hold by the 2 active employees', async () => {
    expect((await overview()).crossModule.assetsEmployees).toEqual({ assignedAssets: 3, activeHeadcount: 2, assetsPerActiveEmployee: '1.5' });
  });

  it('counts the active employees the last pay run did not pay', async () => {
    // Paid: Alice and Bob (on leave is paid). Active and unpaid: Erin.
    expect((await overview()).crossModule.payrollEmployees).toEqual({ activeHeadcount: 2, paidInLastPayRun: 2, activeNotPaidInLastPayRun: 1 });
  });

  it('compares the register with the fixed-asset accounts, which move with a manual entry on 1500', async () => {
    const before = (await overview()).crossModule.assetsFinance!;
    const b = await balances(today);
    const register = (await overview()).assets!.totalBookValue!;
    expect(before).toEqual({
      registerBookValue: register,
      ledgerFixedAssets: eur(sum([b.get('1500')!.balance, b.get('1590')!.balance])),
      difference: eur(new D(register.amount).minus(b.get('1500')!.balance).minus(b.get('1590')!.balance).toFixed(2)),
    });
    await mutateOk(company, financeOp('PostJournalEntry'), 'postJournalEntry', {
      input: {
        date: today,
        memo: 'Machine bought outside the register',
        lines: [
          { accountCode: '1500', debit: '1000.00' },
          { accountCode: '1100', credit: '1000.00' },
        ],
      },
    });
    const after = (await overview()).crossModule.assetsFinance!;
    expect(new D(after.ledgerFixedAssets.amount).minus(before.ledgerFixedAssets.amount).toFixed(2)).toBe('1000.00');
    expect(new D(after.difference!.amount).minus(before.difference!.amount).toFixed(2)).toBe('-1000.00');
  });

  it('compares posted payroll with the payroll expense accounts: unbooked, booked, then touched by hand', async () => {
    expect((await overview()).crossModule.payrollFinance).toEqual({
      postedPayrollCost: eur('0.00'),
      ledgerPayrollExpense: eur('0.00'),
      difference: eur('0.00'),
    });
    await mutateOk(company, payrollOperation('PostPayRun'), 'postPayRun', { input: { payRunId: ids.payRun } });
    // Posted, not yet booked by finance: gross 7200.00 + employer contributions 23.75% = 8910.00.
    expect((await overview()).crossModule.payrollFinance).toEqual({
      postedPayrollCost: eur('8910.00'),
      ledgerPayrollExpense: eur('0.00'),
      difference: eur('8910.00'),
    });
    await deliver();
    const overviewAfter = await overview();
    expect(overviewAfter.crossModule.payrollFinance).toEqual({
      postedPayrollCost: eur('8910.00'),
      ledgerPayrollExpense: eur('8910.00'),
      difference: eur('0.00'),
    });
    expect(overviewAfter.payroll!.lastPayRun!.status).toBe('POSTED');
    await mutateOk(company, financeOp('PostJournalEntry'), 'postJournalEntry', {
      input: {
        date: today,
        memo: 'Bonus paid outside payroll',
        lines: [
          { accountCode: '6000', debit: '100.00' },
          { accountCode: '1100', credit: '100.00' },
        ],
      },
    });
    expect((await overview()).crossModule.payrollFinance).toEqual({
      postedPayrollCost: eur('8910.00'),
      ledgerPayrollExpense: eur('9010.00'),
      difference: eur('-100.00'),
    });
  });

  it('sets payroll and depreciation of the year against every expense of the year', async () => {
    const { assetsPayrollFinance } = (await overview()).crossModule;
    // Each asset's schedule from 1 January to today, or to its disposal.
    const depreciation = sum(
      registered.map(({ terms, disposedOn }) => {
        const upTo = disposedOn !== null && disposedOn < today ? disposedOn : today;
        return new D(accumulatedDepreciationAsOf(terms, upTo)).minus(accumulatedDepreciationAsOf(terms, lastYearEnd)).toFixed(2);
      }),
    );
    const [now, yearStart] = [await balances(today), await balances(lastYearEnd)];
    const expenses = sum([...now].filter(([, a]) => a.type === 'EXPENSE').map(([code, a]) => new D(a.balance).minus(yearStart.get(code)!.balance)));
    expect(new D(expenses).greaterThanOrEqualTo('9010.00')).toBe(true); // the run and the manual bonus at least
    const share = new D('8910.00').plus(depreciation).div(expenses).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN).toFixed();
    expect(assetsPayrollFinance).toEqual({
      payrollCost: eur('8910.00'),
      depreciation: eur(depreciation),
      ledgerExpenses: eur(expenses),
      workforceCostShare: share,
    });
  });
});
