import gql from 'graphql-tag';
import { sql } from 'kysely';
import { createDatabase, withDatabase } from '../../platform/db';
import { subgraphSdl } from '../kit/sdl';
import { moduleContextFactory } from '../kit/module-context';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphDefinition } from '../kit/server';
import { createAssetsLoaders, type AssetsContext } from './context';
import { manifest } from './manifest';
import { resolvers } from './resolvers';

/**
 * Tenant databases are opened per request, so readiness means: every shard
 * server answers. A short-lived connection per probe keeps no pool open.
 */
async function shardsReachable(runtime: ServiceRuntime): Promise<void> {
  for (const shard of runtime.shards.names()) {
    const db = createDatabase<unknown>(withDatabase(runtime.shards.serverUrl(shard), 'postgres'), { max: 1, applicationName: 'fluxo-assets-ready' });
    try {
      await sql`SELECT 1`.execute(db);
    } finally {
      await db.destroy();
    }
  }
}

/** The assets subgraph: registry, custody, depreciation, maintenance and disposal, from the tenant's `assets` schema. */
export function createSubgraph(runtime: ServiceRuntime): SubgraphDefinition<AssetsContext> {
  return {
    name: manifest.name,
    typeDefs: gql(subgraphSdl(manifest.name)),
    resolvers,
    createContext: moduleContextFactory(runtime, 'ASSETS', createAssetsLoaders),
    checkReady: () => shardsReachable(runtime),
  };
}
