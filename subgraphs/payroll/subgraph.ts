import { moduleSubgraph } from '../kit/module-subgraph';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { payrollContextFactory, type PayrollContext } from './context';
import { manifest } from './manifest';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** The payroll subgraph: settings, pay runs and payslips, served from each tenant's `payroll` schema. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<PayrollContext> {
  return moduleSubgraph(runtime, manifest, { resolvers, permissions, createContext: payrollContextFactory(runtime) });
}
