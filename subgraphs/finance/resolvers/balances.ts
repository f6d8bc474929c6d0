import { trialBalance } from '../domain/balances';
import type { Resolvers } from '../generated/resolvers-types';
import { trialBalanceTotals } from '../store/balances';
import { existing } from './found';

export const balanceResolvers: Resolvers = {
  Query: {
    trialBalance: async (_parent, { asOf }, ctx) => {
      const [settings, totals] = await Promise.all([ctx.loaders.settings(), trialBalanceTotals(ctx.db(), asOf ?? null)]);
      return { asOf: asOf ?? null, currency: settings.base_currency, ...trialBalance(totals, settings.currency_decimals) };
    },
  },
  TrialBalanceRow: {
    account: async (row, _args, ctx) => existing(await ctx.loaders.account.load(row.accountId), `account ${row.accountId}`),
  },
};
