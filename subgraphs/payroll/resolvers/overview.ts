import { startOfYear, todayUtc } from '../../../platform/dates';
import { differenceOf } from '../../kit/money';
import { grantsAll, ownTenant } from '../../kit/overview';
import type { PayrollContext } from '../context';
import {
  activeNotPaid,
  ledgerExpensesYearToDate,
  ledgerPayrollExpense,
  payrollExpenseAccounts,
  singleCurrencyTotal,
  workforceCostShare,
} from '../domain/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { lastPayRunPaid, payRunFigures, postedPayrollCosts, postedRunTerms } from '../store/overview';
import { readSettings } from '../store/settings';

// payrollFinance and assetsPayrollFinance come in one fetch: one read of settings and posted runs serves both.
const factsOfRequest = new WeakMap<PayrollContext, ReturnType<typeof postedPayrollFacts>>();

async function postedPayrollFacts(ctx: PayrollContext) {
  const today = todayUtc();
  const db = ctx.db();
  const [settings, posted, sums] = await Promise.all([readSettings(db), postedRunTerms(db), postedPayrollCosts(db, startOfYear(today), today)]);
  return {
    currency: settings.currency,
    total: singleCurrencyTotal(sums.total, settings.currency),
    yearToDate: singleCurrencyTotal(sums.inPeriod, settings.currency),
    expenseAccounts: payrollExpenseAccounts({ current: settings, posted }),
  };
}

function facts(ctx: PayrollContext): ReturnType<typeof postedPayrollFacts> {
  let pending = factsOfRequest.get(ctx);
  if (!pending) {
    pending = postedPayrollFacts(ctx);
    factsOfRequest.set(ctx, pending);
  }
  return pending;
}

/**
 * The payroll block of the overview and the three metrics payroll computes
 * from what the query plan brings: the employees' active headcount, finance's
 * expense accounts and assets' depreciation of the year. Each metric is null
 * unless the key grants all of its modules (a module that is not granted sends
 * null, so the metric is null without an error); no SQL runs for a null one.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    // The representation carries what the metrics require (activeHeadcount, ledgerExpenseAccounts, depreciationYearToDate) when the plan asks for crossModule.
    __resolveReference: (ref, ctx) => ownTenant(ref, ctx),
    payroll: (_overview, _args, ctx) => (ctx.granted ? payRunFigures(ctx.db()) : null),
    crossModule: (overview) => ({
      tenantId: overview.tenantId,
      activeHeadcount: overview.activeHeadcount,
      ledgerExpenseAccounts: overview.ledgerExpenseAccounts,
      depreciationYearToDate: overview.depreciationYearToDate,
    }),
  },
  CrossModuleOverview: {
    payrollEmployees: async (metrics, _args, ctx) => {
      const activeHeadcount = metrics.activeHeadcount;
      if (!grantsAll(ctx, ['PAYROLL', 'EMPLOYEES']) || activeHeadcount === null || activeHeadcount === undefined) return null;
      const { paid, paidStillActive } = await lastPayRunPaid(ctx.db());
      return { activeHeadcount, paidInLastPayRun: paid, activeNotPaidInLastPayRun: activeNotPaid(activeHeadcount, paidStillActive) };
    },
    payrollFinance: async (metrics, _args, ctx) => {
      const accounts = metrics.ledgerExpenseAccounts;
      if (!grantsAll(ctx, ['PAYROLL', 'FINANCE']) || !accounts) return null;
      const { currency, total, expenseAccounts } = await facts(ctx);
      const ledger = ledgerPayrollExpense(accounts, expenseAccounts, currency);
      return { postedPayrollCost: total, ledgerPayrollExpense: ledger, difference: differenceOf(total, ledger) };
    },
    assetsPayrollFinance: async (metrics, _args, ctx) => {
      const accounts = metrics.ledgerExpenseAccounts;
      if (!grantsAll(ctx, ['ASSETS', 'PAYROLL', 'FINANCE']) || !accounts) return null;
      const { currency, yearToDate } = await facts(ctx);
      const depreciation = metrics.depreciationYearToDate ?? null;
      const ledgerExpenses = ledgerExpensesYearToDate(accounts, currency);
      return { payrollCost: yearToDate, depreciation, ledgerExpenses, workforceCostShare: workforceCostShare(yearToDate, depreciation, ledgerExpenses) };
    },
  },
};
