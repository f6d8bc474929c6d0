import fs from 'node:fs';
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './context';

/** Apollo's persisted query list format, as scripts/persisted-manifest.ts writes it. */
interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  /** `cost` is Fluxo's own: the operation's query cost with unknown variables at their worst (docs/limits.md). */
  operations: Array<{ id: string; name: string; type: string; body: string; cost?: number }>;
}

export interface LoadedManifest {
  /** id → body. */
  bodies: Map<string, string>;
  /** id → cost computed when the manifest was built. */
  costs: Map<string, number>;
  /** id → operation name. */
  names: Map<string, string>;
}

export function loadManifest(file: string): LoadedManifest {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedQueryManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1) throw new Error(`${file} is not an Apollo persisted query manifest`);
  const costs = manifest.operations.flatMap((o) => (typeof o.cost === 'number' ? [[o.id, o.cost] as const] : []));
  return {
    bodies: new Map(manifest.operations.map((o) => [o.id, o.body])),
    costs: new Map(costs),
    names: new Map(manifest.operations.map((o) => [o.id, o.name])),
  };
}

/**
 * The APQ store: manifest operations are always known by their id, so partner
 * systems can send just the hash; other operations a client registers through
 * APQ live in a bounded LRU. Apollo Server prefixes keys with `apq:`.
 */
export class ManifestFirstCache implements KeyValueCache<string> {
  private readonly registered = new InMemoryLRUCache<string>({ maxSize: 20 * 1024 * 1024 });

  constructor(private readonly manifest: Map<string, string>) {}

  async get(key: string): Promise<string | undefined> {
    return this.manifest.get(key.replace(/^apq:/, '')) ?? this.registered.get(key);
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (!this.manifest.has(key.replace(/^apq:/, ''))) await this.registered.set(key, value, options);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.registered.delete(key);
  }
}

/** PARTNER keys may run only operations of the manifest (by id or by their exact body). */
export function partnerSafelistPlugin(manifest: Map<string, string>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, queryHash }) {
          if (contextValue.caller.kind !== 'PARTNER' || manifest.has(queryHash)) return;
          throw new GraphQLError('Partner keys may run only the persisted operations of the manifest (send its id or its exact body)', {
            extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND, http: { status: 403 } },
          });
        },
      };
    },
  };
}
