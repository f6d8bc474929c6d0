import gql from 'graphql-tag';
import { subgraphSdl } from '../kit/sdl';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { payrollContextFactory, type PayrollContext } from './context';
import { manifest } from './manifest';
import { resolvers } from './resolvers';

/** The payroll subgraph: settings, pay runs and payslips, served from each tenant's `payroll` schema. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<PayrollContext> {
  return {
    name: manifest.name,
    typeDefs: gql(subgraphSdl(manifest.name)),
    resolvers,
    createContext: payrollContextFactory(runtime),
    // Tenant databases are opened per request; being up needs nothing more than the process.
    checkReady: async () => undefined,
  };
}
