import { badUserInput } from '../../kit/errors';
import { money } from '../../kit/money';
import { runModuleMutation } from '../../kit/mutation';
import { paginate } from '../../kit/pagination';
import { accountBalance, normalSide } from '../domain/balances';
import type { Resolvers } from '../generated/resolvers-types';
import { createAccount } from '../services/accounts';
import { countAccounts, listAccounts } from '../store/accounts';

export const accountResolvers: Resolvers = {
  Query: {
    accounts: (_parent, args, ctx) =>
      paginate(args, {
        cursorShape: ['string'],
        fetch: ({ after, limit }) => listAccounts(ctx.db(), after, limit),
        cursorOf: (a) => [a.code],
        count: () => countAccounts(ctx.db()),
      }),
    account: (_parent, { id, code }, ctx) => {
      ctx.tenant();
      if ((id === null || id === undefined) === (code === null || code === undefined)) throw badUserInput('Give exactly one of id or code', 'id');
      return id ? ctx.loaders.account.load(id) : ctx.loaders.accountByCode.load(code as string);
    },
  },
  Mutation: {
    createAccount: (_parent, { input }, ctx) => runModuleMutation(ctx, 'createAccount', (trx, actor) => createAccount(trx, input, actor)),
  },
  Account: {
    parent: (a, _args, ctx) => (a.parent_id ? ctx.loaders.account.load(a.parent_id) : null),
    isCash: (a) => a.is_cash,
    isBank: (a) => a.is_bank,
    isContra: (a) => a.is_contra,
    normalBalance: (a) => normalSide(a.type),
    balance: async (a, { asOf }, ctx) => {
      const [totals, settings] = await Promise.all([ctx.loaders.balance.load({ accountId: a.id, asOf: asOf ?? null }), ctx.loaders.settings()]);
      const decimals = settings.currency_decimals;
      return money(accountBalance(a.type, totals?.debitTotal ?? '0', totals?.creditTotal ?? '0', decimals), settings.base_currency, decimals);
    },
    createdAt: (a) => a.created_at,
  },
};
