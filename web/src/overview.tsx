/** The overview: one block per module the person may see, cross-module checks, figures and simple charts. */
import type { Data } from './api';
import { useQuery } from './session';
import { Async, BarChart, Figure, formatDate, formatMoney, moduleLabel } from './ui';

type Overview = Data<'WebOverview'>['overview'];
type Money = { amount: string; currency: string };

/** Bar lengths only; every figure shown is the API's own decimal string. */
const size = (money: Money | null | undefined) => Number(money?.amount ?? 0);

export function OverviewPage() {
  const overview = useQuery('WebOverview', {});
  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Overview</h1>
        <button type="button" onClick={overview.reload}>
          Refresh
        </button>
      </div>
      <Async state={overview} what="the overview">
        {({ overview }) => <Blocks overview={overview} />}
      </Async>
    </section>
  );
}

function Blocks({ overview }: { overview: Overview }) {
  const { assets, employees, finance, payroll, crossModule } = overview;
  return (
    <>
      <p className="lead">
        {overview.company.name} · {overview.modules.map(moduleLabel).join(', ')} · computed {formatDate(overview.generatedAt)}
      </p>
      <div className="blocks">
        {employees && (
          <article className="block" aria-labelledby="block-employees">
            <h2 id="block-employees">Employees</h2>
            <dl className="figures">
              <Figure label="Active headcount" value={employees.activeHeadcount} testId="employees-headcount" />
              <Figure label="Departments" value={employees.departments} testId="employees-departments" />
              <Figure label="Hired in the last 30 days" value={employees.newHiresLast30Days} testId="employees-new-hires" />
            </dl>
          </article>
        )}
        {assets && (
          <article className="block" aria-labelledby="block-assets">
            <h2 id="block-assets">Assets</h2>
            <dl className="figures">
              <Figure label="Assets" value={assets.totalAssets} testId="assets-total" />
              <Figure label="Assigned" value={assets.assignedAssets} testId="assets-assigned" />
              <Figure label="In maintenance" value={assets.inMaintenance} testId="assets-maintenance" />
              <Figure label="Book value" value={formatMoney(assets.totalBookValue)} testId="assets-book-value" />
            </dl>
            <BarChart
              title="Assets by state"
              bars={[
                { label: 'Assigned', value: assets.assignedAssets, text: String(assets.assignedAssets) },
                { label: 'In maintenance', value: assets.inMaintenance, text: String(assets.inMaintenance) },
                {
                  label: 'Other',
                  value: assets.totalAssets - assets.assignedAssets - assets.inMaintenance,
                  text: String(assets.totalAssets - assets.assignedAssets - assets.inMaintenance),
                },
              ]}
            />
          </article>
        )}
        {finance && (
          <article className="block" aria-labelledby="block-finance">
            <h2 id="block-finance">Finance</h2>
            <dl className="figures">
              <Figure label="Cash balance" value={formatMoney(finance.cashBalance)} testId="finance-cash" />
              <Figure label="Accounts" value={finance.accounts} testId="finance-accounts" />
              <Figure label="Journal entries" value={finance.journalEntries} testId="finance-entries" />
              <Figure label="Unreconciled transactions" value={finance.unreconciledTransactions} testId="finance-unreconciled" />
            </dl>
          </article>
        )}
        {payroll && (
          <article className="block" aria-labelledby="block-payroll">
            <h2 id="block-payroll">Payroll</h2>
            <dl className="figures">
              <Figure label="Pay runs" value={payroll.payRuns} testId="payroll-runs" />
              <Figure
                label="Last pay run"
                value={
                  payroll.lastPayRun
                    ? `${payroll.lastPayRun.periodEnd} · ${payroll.lastPayRun.status.toLowerCase()} · net ${formatMoney(payroll.lastPayRun.totals?.net)}`
                    : 'None yet'
                }
                testId="payroll-last-run"
              />
            </dl>
          </article>
        )}
      </div>
      <CrossModule cross={crossModule} />
    </>
  );
}

function CrossModule({ cross }: { cross: Overview['crossModule'] }) {
  const { assetsEmployees, assetsFinance, payrollFinance, payrollEmployees, assetsPayrollFinance } = cross;
  if (!assetsEmployees && !assetsFinance && !payrollFinance && !payrollEmployees && !assetsPayrollFinance) return null;
  return (
    <section aria-labelledby="cross-title" className="blocks">
      <h2 id="cross-title" className="blocks__title">
        Across modules
      </h2>
      {assetsEmployees && (
        <article className="block">
          <h3>Assets per employee</h3>
          <dl className="figures">
            <Figure label="Assets per active employee" value={assetsEmployees.assetsPerActiveEmployee ?? '—'} testId="cross-assets-per-employee" />
          </dl>
        </article>
      )}
      {assetsFinance && (
        <article className="block">
          <h3>Asset register against the ledger</h3>
          <BarChart
            title="Fixed assets"
            bars={[
              { label: 'Register', value: size(assetsFinance.registerBookValue), text: formatMoney(assetsFinance.registerBookValue) },
              { label: 'Ledger', value: size(assetsFinance.ledgerFixedAssets), text: formatMoney(assetsFinance.ledgerFixedAssets) },
            ]}
          />
          <dl className="figures">
            <Figure label="Difference" value={formatMoney(assetsFinance.difference)} testId="cross-assets-finance-difference" />
          </dl>
        </article>
      )}
      {payrollFinance && (
        <article className="block">
          <h3>Payroll against the ledger</h3>
          <BarChart
            title="Payroll cost"
            bars={[
              { label: 'Posted pay runs', value: size(payrollFinance.postedPayrollCost), text: formatMoney(payrollFinance.postedPayrollCost) },
              { label: 'Ledger expense', value: size(payrollFinance.ledgerPayrollExpense), text: formatMoney(payrollFinance.ledgerPayrollExpense) },
            ]}
          />
          <dl className="figures">
            <Figure label="Difference" value={formatMoney(payrollFinance.difference)} testId="cross-payroll-finance-difference" />
          </dl>
        </article>
      )}
      {payrollEmployees && (
        <article className="block">
          <h3>Paid in the last pay run</h3>
          <dl className="figures">
            <Figure label="Active employees" value={payrollEmployees.activeHeadcount} />
            <Figure label="Paid" value={payrollEmployees.paidInLastPayRun} />
            <Figure label="Active but not paid" value={payrollEmployees.activeNotPaidInLastPayRun} testId="cross-not-paid" />
          </dl>
        </article>
      )}
      {assetsPayrollFinance && (
        <article className="block">
          <h3>Workforce cost</h3>
          <BarChart
            title="Expenses"
            bars={[
              { label: 'Payroll', value: size(assetsPayrollFinance.payrollCost), text: formatMoney(assetsPayrollFinance.payrollCost) },
              { label: 'Depreciation', value: size(assetsPayrollFinance.depreciation), text: formatMoney(assetsPayrollFinance.depreciation) },
              { label: 'All ledger expenses', value: size(assetsPayrollFinance.ledgerExpenses), text: formatMoney(assetsPayrollFinance.ledgerExpenses) },
            ]}
          />
          <dl className="figures">
            <Figure label="Workforce share of expenses" value={assetsPayrollFinance.workforceCostShare ?? '—'} testId="cross-workforce-share" />
          </dl>
        </article>
      )}
    </section>
  );
}
