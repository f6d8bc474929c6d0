import { badUserInput } from '../../kit/errors';
import { money } from '../../kit/money';
import { paginate } from '../../kit/pagination';
import { runModuleMutation } from '../../kit/mutation';
import { isCalendarDate } from '../../../platform/dates';
import type { Resolvers } from '../generated/resolvers-types';
import { approvePayRun, calculatePayRun, cancelPayRun, createPayRun, postPayRun } from '../services/pay-runs';
import { countPayRuns, listPayRuns } from '../store/pay-runs';

export const payRunResolvers: Resolvers = {
  Query: {
    payRuns: (_parent, args, ctx) => {
      const db = ctx.db();
      return paginate(args, {
        cursorShape: ['string', 'uuid'],
        fetch: async (page) => {
          // The period start is a date; anything else in a cursor is the client's mistake, not a SQL error.
          if (page.after && !isCalendarDate(String(page.after[0]))) throw badUserInput('The cursor given as `after` is not valid for this list', 'after');
          const runs = await listPayRuns(db, page);
          // Payslips of these runs resolve `payRun` from the loader's cache, not another query.
          for (const run of runs) ctx.loaders.payRun.prime(run.id, run);
          return runs;
        },
        cursorOf: (r) => [r.period_start, r.id],
        count: () => countPayRuns(db),
      });
    },
    payRun: (_parent, { id }, ctx) => ctx.loaders.payRun.load(id),
  },
  Mutation: {
    createPayRun: (_parent, { input }, ctx) => runModuleMutation(ctx, 'createPayRun', (trx, actor) => createPayRun(trx, input, actor)),
    calculatePayRun: (_parent, { input }, ctx) => runModuleMutation(ctx, 'calculatePayRun', (trx, actor) => calculatePayRun(trx, input, actor)),
    approvePayRun: (_parent, { input }, ctx) => runModuleMutation(ctx, 'approvePayRun', (trx, actor) => approvePayRun(trx, input, actor)),
    postPayRun: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'postPayRun', (trx, actor) => postPayRun(trx, { ...input, companyModules: ctx.tenant().companyModules }, actor)),
    cancelPayRun: (_parent, { input }, ctx) => runModuleMutation(ctx, 'cancelPayRun', (trx, actor) => cancelPayRun(trx, input, actor)),
  },
  PayRun: {
    // Another tenant's id finds nothing in this tenant's database: null, never someone else's run.
    __resolveReference: (ref, ctx) => ctx.loaders.payRun.load(ref.id),
    periodStart: (r) => r.period_start,
    periodEnd: (r) => r.period_end,
    payDate: (r) => r.pay_date,
    payslipCount: (r) => r.payslip_count,
    totals: (r) =>
      r.gross === null || r.deductions === null || r.net === null || r.employer_cost === null
        ? null
        : { currency: r.currency, gross: r.gross, deductions: r.deductions, net: r.net, employerCost: r.employer_cost },
    payslips: (r, _args, ctx) => (r.status === 'DRAFT' ? [] : ctx.loaders.payslipsOfRun.load(r.id)),
    journalEntry: (r) => (r.journal_entry_id ? { id: r.journal_entry_id } : null),
    createdAt: (r) => r.created_at,
    calculatedAt: (r) => r.calculated_at,
    approvedAt: (r) => r.approved_at,
    postedAt: (r) => r.posted_at,
    cancelledAt: (r) => r.cancelled_at,
  },
  PayRunTotals: {
    gross: (t) => money(t.gross, t.currency),
    deductions: (t) => money(t.deductions, t.currency),
    net: (t) => money(t.net, t.currency),
    employerCost: (t) => money(t.employerCost, t.currency),
  },
};
