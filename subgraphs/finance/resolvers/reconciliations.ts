import { runModuleMutation } from '../../kit/mutation';
import { sumAmounts } from '../domain/balances';
import { reconciliationDifference } from '../domain/reconciliation';
import type { Resolvers } from '../generated/resolvers-types';
import { completeReconciliation, matchTransactions, startReconciliation } from '../services/reconciliations';
import { existing } from './found';

export const reconciliationResolvers: Resolvers = {
  Query: {
    reconciliation: (_parent, { id }, ctx) => ctx.loaders.reconciliation.load(id),
  },
  Mutation: {
    startReconciliation: (_parent, { input }, ctx) => runModuleMutation(ctx, 'startReconciliation', (trx, actor) => startReconciliation(trx, input, actor)),
    matchTransactions: (_parent, { input }, ctx) => runModuleMutation(ctx, 'matchTransactions', (trx, actor) => matchTransactions(trx, input, actor)),
    completeReconciliation: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'completeReconciliation', (trx, actor) => completeReconciliation(trx, input, actor)),
  },
  Reconciliation: {
    bankAccount: async (r, _args, ctx) => existing(await ctx.loaders.account.load(r.account_id), `account ${r.account_id}`),
    statementDate: (r) => r.statement_date,
    statementBalance: (r) => r.statement_balance,
    openingBalance: (r) => r.opening_balance,
    matchedTotal: async (r, _args, ctx) => sumAmounts((await ctx.loaders.matchedTransactions.load(r.id)).map((t) => t.amount)),
    difference: async (r, _args, ctx) => {
      const [matched, settings] = await Promise.all([ctx.loaders.matchedTransactions.load(r.id), ctx.loaders.settings()]);
      return reconciliationDifference(
        r.statement_balance,
        r.opening_balance,
        matched.map((t) => t.amount),
        settings.currency_decimals,
      );
    },
    matchedTransactions: (r, _args, ctx) => ctx.loaders.matchedTransactions.load(r.id),
    startedAt: (r) => r.started_at,
    completedAt: (r) => r.completed_at,
  },
};
