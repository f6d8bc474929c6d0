import { moduleSubgraph } from '../kit/module-subgraph';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { financeContextFactory, type FinanceContext } from './context';
import { manifest } from './manifest';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** The finance subgraph: chart of accounts, journal, balances, bank transactions and reconciliations, per tenant database. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<FinanceContext> {
  return moduleSubgraph(runtime, manifest, { resolvers, permissions, createContext: financeContextFactory(runtime) });
}
