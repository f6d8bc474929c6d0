import gql from 'graphql-tag';
import { sql } from 'kysely';
import { subgraphSdl } from '../kit/sdl';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { financeContextFactory, type FinanceContext } from './context';
import { manifest } from './manifest';
import { resolvers } from './resolvers';

/** The finance subgraph: chart of accounts, journal, balances, bank transactions and reconciliations, per tenant database. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<FinanceContext> {
  return {
    name: manifest.name,
    typeDefs: gql(subgraphSdl(manifest.name)),
    resolvers,
    createContext: financeContextFactory(runtime),
    // Tenant databases are reached per request; being ready means the default shard's server answers
    // (the maintenance database, as provisioning uses it; a module subgraph never opens the control plane).
    checkReady: async () => {
      await sql`SELECT 1`.execute(runtime.tenantPools().get(runtime.config.defaultShard, 'postgres'));
    },
  };
}
