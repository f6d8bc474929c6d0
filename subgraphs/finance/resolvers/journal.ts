import { D, money } from '../../kit/money';
import { runModuleMutation } from '../../kit/mutation';
import { paginate } from '../../kit/pagination';
import { sumAmounts } from '../domain/balances';
import { sourceOf } from '../events';
import type { Resolvers } from '../generated/resolvers-types';
import { postJournalEntries, postJournalEntry, reverseJournalEntry } from '../services/journal';
import { countEntries, listEntries } from '../store/journal';
import { withDateCursor } from './cursors';
import { existing } from './found';

/** A stored line keeps "0.00" on its unused side; the API shows that side as null. */
const side = (amount: string): string | null => (new D(amount).isZero() ? null : amount);

export const journalResolvers: Resolvers = {
  Query: {
    journalEntries: (_parent, { first, after, filter }, ctx) =>
      paginate(
        { first, after },
        {
          cursorShape: ['string', 'integer'],
          fetch: ({ after: cursor, limit }) => listEntries(ctx.db(), filter ?? {}, withDateCursor(cursor), limit),
          cursorOf: (e) => [e.entry_date, e.seq],
          count: () => countEntries(ctx.db(), filter ?? {}),
        },
      ),
    journalEntry: (_parent, { id }, ctx) => ctx.loaders.entry.load(id),
  },
  Mutation: {
    postJournalEntry: (_parent, { input }, ctx) => runModuleMutation(ctx, 'postJournalEntry', (trx, actor) => postJournalEntry(trx, input, actor)),
    postJournalEntries: (_parent, { input }, ctx) => runModuleMutation(ctx, 'postJournalEntries', (trx, actor) => postJournalEntries(trx, input, actor)),
    reverseJournalEntry: (_parent, { input }, ctx) => runModuleMutation(ctx, 'reverseJournalEntry', (trx, actor) => reverseJournalEntry(trx, input, actor)),
  },
  JournalEntry: {
    // Another subgraph's reference (payroll's PayRun.journalEntry): null for ids this tenant does not have.
    __resolveReference: (reference, ctx) => ctx.loaders.entry.load(reference.id),
    date: (e) => e.entry_date,
    source: (e) => sourceOf(e),
    lines: (e, _args, ctx) => ctx.loaders.linesOfEntry.load(e.id),
    total: async (e, _args, ctx) => {
      const [lines, settings] = await Promise.all([ctx.loaders.linesOfEntry.load(e.id), ctx.loaders.settings()]);
      return money(
        sumAmounts(
          lines.map((l) => l.debit),
          settings.currency_decimals,
        ),
        e.currency,
        settings.currency_decimals,
      );
    },
    reversalOf: (e, _args, ctx) => (e.reversal_of ? ctx.loaders.entry.load(e.reversal_of) : null),
    reversedBy: (e, _args, ctx) => (e.status === 'REVERSED' ? ctx.loaders.reversalOf.load(e.id) : null),
    postedAt: (e) => e.created_at,
  },
  JournalLine: {
    lineNumber: (l) => l.line_no,
    account: async (l, _args, ctx) => existing(await ctx.loaders.account.load(l.account_id), `account ${l.account_id}`),
    debit: (l) => side(l.debit),
    credit: (l) => side(l.credit),
  },
};
