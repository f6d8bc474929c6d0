import { scalarResolvers } from '../../kit/scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { accountResolvers } from './accounts';
import { balanceResolvers } from './balances';
import { bankResolvers } from './bank';
import { journalResolvers } from './journal';
import { overviewResolvers } from './overview';
import { periodResolvers } from './periods';
import { reconciliationResolvers } from './reconciliations';

const parts: Resolvers[] = [accountResolvers, journalResolvers, balanceResolvers, bankResolvers, reconciliationResolvers, periodResolvers, overviewResolvers];

/** The finance subgraph's resolvers, merged type by type from the area files. */
export const resolvers: Resolvers = { ...scalarResolvers };
for (const part of parts) {
  for (const [type, fields] of Object.entries(part)) {
    const target = resolvers as Record<string, object>;
    target[type] = { ...(target[type] ?? {}), ...fields };
  }
}
