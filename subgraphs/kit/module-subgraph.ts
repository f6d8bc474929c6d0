import gql from 'graphql-tag';
import { sql } from 'kysely';
import { createDatabase, withDatabase } from '../../platform/db';
import type { ServiceRuntime } from '../../platform/runtime';
import type { SubgraphManifest } from '../../platform/subgraphs';
import type { BaseContext } from './context';
import { guardResolvers, type PermissionMap } from './permissions';
import { subgraphSdl } from './sdl';
import type { SubgraphDefinition } from './server';

/**
 * The readiness of a module subgraph. Tenant databases are opened per
 * request, so being ready means every shard server answers; each probe uses a
 * short-lived connection to the server's maintenance database and keeps no
 * pool open.
 */
export async function shardsReachable(runtime: ServiceRuntime, applicationName: string): Promise<void> {
  for (const shard of runtime.shards.names()) {
    const db = createDatabase<unknown>(withDatabase(runtime.shards.serverUrl(shard), 'postgres'), { max: 1, applicationName });
    try {
      await sql`SELECT 1`.execute(db);
    } finally {
      await db.destroy();
    }
  }
}

/**
 * A module's subgraph (everything but access): its schema file, its resolvers
 * guarded by its permission map, its context, and the modules' one readiness check.
 */
export function moduleSubgraph<Ctx extends BaseContext>(
  runtime: ServiceRuntime,
  manifest: SubgraphManifest,
  parts: { resolvers: object; permissions: PermissionMap; createContext: (base: BaseContext) => Ctx },
): SubgraphDefinition<Ctx> {
  return {
    name: manifest.name,
    typeDefs: gql(subgraphSdl(manifest.name)),
    resolvers: guardResolvers(parts.resolvers, parts.permissions),
    createContext: parts.createContext,
    checkReady: () => shardsReachable(runtime, `fluxo-${manifest.name}-ready`),
  };
}
