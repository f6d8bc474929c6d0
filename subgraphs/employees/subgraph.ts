import gql from 'graphql-tag';
import { subgraphSdl } from '../kit/sdl';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { employeesContextFactory, type EmployeesContext } from './context';
import { manifest } from './manifest';
import { resolvers } from './resolvers';

/** The employees subgraph: organisation, staff directory and contracts, served from each tenant's `employees` schema. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<EmployeesContext> {
  return {
    name: manifest.name,
    typeDefs: gql(subgraphSdl(manifest.name)),
    resolvers,
    createContext: employeesContextFactory(runtime),
    // Tenant databases are opened per request; being up needs nothing more than the process.
    checkReady: async () => undefined,
  };
}
