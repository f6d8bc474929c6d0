import { runModuleMutation } from '../../kit/mutation';
import type { Resolvers } from '../generated/resolvers-types';
import { closePeriod } from '../services/periods';
import { updateLedgerSettings } from '../services/settings';

export const periodResolvers: Resolvers = {
  Query: {
    ledgerSettings: (_parent, _args, ctx) => ctx.loaders.settings(),
  },
  Mutation: {
    closePeriod: (_parent, { input }, ctx) => runModuleMutation(ctx, 'closePeriod', (trx, actor) => closePeriod(trx, input, actor)),
    updateLedgerSettings: (_parent, { input }, ctx) => runModuleMutation(ctx, 'updateLedgerSettings', (trx, actor) => updateLedgerSettings(trx, input, actor)),
  },
  LedgerSettings: {
    baseCurrency: (s) => s.base_currency,
    currencyDecimals: (s) => s.currency_decimals,
    closedThrough: (s) => s.closed_through,
    separateReverser: (s) => s.separate_reverser,
  },
};
