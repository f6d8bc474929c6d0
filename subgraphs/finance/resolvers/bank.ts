import { runModuleMutation } from '../../kit/mutation';
import { paginate } from '../../kit/pagination';
import type { Resolvers } from '../generated/resolvers-types';
import { recordTransaction } from '../services/bank';
import { countBankTransactions, listBankTransactions } from '../store/bank';
import type { BankTransactionRow } from '../store/db';
import { withDateCursor } from './cursors';
import { existing } from './found';

export const bankResolvers: Resolvers = {
  Query: {
    bankTransactions: async (_parent, { first, after, filter }, ctx) => {
      let accountId: string | null = null;
      if (filter?.bankAccountCode) {
        const account = await ctx.loaders.accountByCode.load(filter.bankAccountCode);
        // An unknown account has no transactions: an empty page, not an error.
        if (!account)
          return paginate(
            { first, after },
            {
              cursorShape: ['string', 'uuid'],
              fetch: async (): Promise<BankTransactionRow[]> => [],
              cursorOf: (t) => [t.txn_date, t.id],
              count: async () => 0,
            },
          );
        accountId = account.id;
      }
      const where = { accountId, status: filter?.status ?? null };
      return paginate(
        { first, after },
        {
          cursorShape: ['string', 'uuid'],
          fetch: ({ after: cursor, limit }) => listBankTransactions(ctx.db(), where, withDateCursor(cursor), limit),
          cursorOf: (t) => [t.txn_date, t.id],
          count: () => countBankTransactions(ctx.db(), where),
        },
      );
    },
  },
  Mutation: {
    recordTransaction: (_parent, { input }, ctx) => runModuleMutation(ctx, 'recordTransaction', (trx, actor) => recordTransaction(trx, input, actor)),
  },
  BankTransaction: {
    bankAccount: async (t, _args, ctx) => existing(await ctx.loaders.account.load(t.account_id), `account ${t.account_id}`),
    date: (t) => t.txn_date,
    journalEntry: async (t, _args, ctx) => existing(await ctx.loaders.entry.load(t.journal_entry_id), `journal entry ${t.journal_entry_id}`),
    reconciliation: async (t, _args, ctx) => {
      const reconciliationId = await ctx.loaders.matchOfTransaction.load(t.id);
      return reconciliationId ? ctx.loaders.reconciliation.load(reconciliationId) : null;
    },
    createdAt: (t) => t.created_at,
  },
};
