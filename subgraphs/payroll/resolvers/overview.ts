import { startOfYear, todayUtc } from '../../../platform/dates';
import { ownTenant } from '../../kit/overview';
import type { PayrollContext } from '../context';
import { payrollExpenseAccounts, singleCurrencyTotal } from '../domain/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { lastPayRunPaid, payRunFigures, postedPayrollCosts, postedRunTerms } from '../store/overview';
import { readSettings } from '../store/settings';

/** Payroll's own figures behind the cross-module metrics access computes: four reads side by side. */
async function payrollFacts(ctx: PayrollContext) {
  const today = todayUtc();
  const db = ctx.db();
  const [settings, posted, sums, paid] = await Promise.all([
    readSettings(db),
    postedRunTerms(db),
    postedPayrollCosts(db, startOfYear(today), today),
    lastPayRunPaid(db),
  ]);
  return {
    currency: settings.currency,
    paidInLastPayRun: paid.paid,
    paidStillActiveInLastPayRun: paid.paidStillActive,
    postedPayrollCost: singleCurrencyTotal(sums.total, settings.currency),
    payrollCostYearToDate: singleCurrencyTotal(sums.inPeriod, settings.currency),
    expenseAccountCodes: payrollExpenseAccounts({ current: settings, posted }),
  };
}

/**
 * The payroll block of the overview and the figures access requires for the
 * metrics that combine payroll with other modules. Without PAYROLL both are
 * null and no SQL runs.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    __resolveReference: (ref, ctx) => ownTenant({ tenantId: ref.tenantId }, ctx),
    payroll: (_overview, _args, ctx) => (ctx.granted ? payRunFigures(ctx.db()) : null),
    payrollFacts: (_overview, _args, ctx) => (ctx.granted ? payrollFacts(ctx) : null),
  },
};
