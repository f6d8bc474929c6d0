import { moduleSubgraph } from '../kit/module-subgraph';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { assetsContextFactory, type AssetsContext } from './context';
import { manifest } from './manifest';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** The assets subgraph: registry, custody, depreciation, maintenance and disposal, from the tenant's `assets` schema. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<AssetsContext> {
  return moduleSubgraph(runtime, manifest, { resolvers, permissions, createContext: assetsContextFactory(runtime) });
}
