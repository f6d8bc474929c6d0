import { mergeResolvers } from '../../kit/resolvers';
import type { Resolvers } from '../generated/resolvers-types';
import { accountResolvers } from './accounts';
import { balanceResolvers } from './balances';
import { bankResolvers } from './bank';
import { journalResolvers } from './journal';
import { overviewResolvers } from './overview';
import { periodResolvers } from './periods';
import { reconciliationResolvers } from './reconciliations';

/** The finance subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = mergeResolvers<Resolvers>(
  accountResolvers,
  journalResolvers,
  balanceResolvers,
  bankResolvers,
  reconciliationResolvers,
  periodResolvers,
  overviewResolvers,
);
