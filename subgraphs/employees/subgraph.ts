import { moduleSubgraph } from '../kit/module-subgraph';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { employeesContextFactory, type EmployeesContext } from './context';
import { manifest } from './manifest';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** The employees subgraph: organisation, staff directory and contracts, served from each tenant's `employees` schema. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<EmployeesContext> {
  return moduleSubgraph(runtime, manifest, { resolvers, permissions, createContext: employeesContextFactory(runtime) });
}
