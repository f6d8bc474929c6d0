import fs from 'node:fs';
import path from 'node:path';
import { createDatabase } from './db';
import type { ControlPlaneDB } from './control-plane';
import type { FluxoConfig } from './config';
import { intFromEnv } from './config';
import type { Logger } from './logger';
import type { TenantMigrationSource } from './migrations';
import type { ContextKeyPair } from './tenant-context';
import { discoverSubgraphs, subgraphPort, type SubgraphManifest } from '../subgraphs/kit/manifest';
import { SubgraphRuntime } from '../subgraphs/kit/runtime';
import { startSubgraph, type RunningService, type SubgraphDefinition } from '../subgraphs/kit/server';
import type { BaseContext } from '../subgraphs/kit/context';
import { startGateway, type RunningGateway } from '../gateway/server';
import type { LimitOptions } from '../gateway/limits';
import { startWorker } from '../worker/main';
import type { OutboxWorker } from '../worker/service';

/** schema/supergraph.graphql, found from sources (tsx, jest) and from dist/. */
export function supergraphPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLUXO_SUPERGRAPH_PATH) return path.resolve(env.FLUXO_SUPERGRAPH_PATH);
  const fromSources = path.resolve(__dirname, '..', 'schema', 'supergraph.graphql');
  return fs.existsSync(fromSources) ? fromSources : path.resolve(__dirname, '..', '..', 'schema', 'supergraph.graphql');
}

/** operations/manifest.json (persisted operations), found from sources and from dist/. */
export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLUXO_MANIFEST_PATH) return path.resolve(env.FLUXO_MANIFEST_PATH);
  const fromSources = path.resolve(__dirname, '..', 'operations', 'manifest.json');
  return fs.existsSync(fromSources) ? fromSources : path.resolve(__dirname, '..', '..', 'operations', 'manifest.json');
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): LimitOptions {
  return {
    maxDepth: intFromEnv(env.FLUXO_MAX_DEPTH, 12, 'FLUXO_MAX_DEPTH'),
    maxAliases: intFromEnv(env.FLUXO_MAX_ALIASES, 20, 'FLUXO_MAX_ALIASES'),
    maxCost: intFromEnv(env.FLUXO_MAX_COST, 20_000, 'FLUXO_MAX_COST'),
    maxTokens: intFromEnv(env.FLUXO_MAX_TOKENS, 5_000, 'FLUXO_MAX_TOKENS'),
    perKeyPerMinute: intFromEnv(env.FLUXO_RATE_LIMIT_PER_MINUTE, 6_000, 'FLUXO_RATE_LIMIT_PER_MINUTE'),
    anonymousPerMinute: intFromEnv(env.FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE, 120, 'FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE'),
    failedCredentialsPerMinute: intFromEnv(env.FLUXO_FAILED_CREDENTIALS_PER_MINUTE, 30, 'FLUXO_FAILED_CREDENTIALS_PER_MINUTE'),
    exposeSuggestions: env.NODE_ENV !== 'production',
    redisUrl: env.FLUXO_REDIS_URL?.trim() || null,
  };
}

export type SubgraphFactory = (runtime: SubgraphRuntime) => SubgraphDefinition<BaseContext>;

export function loadSubgraphFactory(manifest: SubgraphManifest): SubgraphFactory {
  return (require(path.resolve(__dirname, '..', 'subgraphs', manifest.name, 'subgraph')) as { createSubgraph: SubgraphFactory }).createSubgraph;
}

export interface StackOptions {
  config: FluxoConfig;
  logger: Logger;
  keys: ContextKeyPair;
  adminToken: string;
  gatewayPort: number;
  /** Port per subgraph; 0 picks a free one (tests). Defaults to each manifest's port or its env override. */
  subgraphPort?: (manifest: SubgraphManifest) => number;
  sandbox: boolean;
  keyCacheTtlMillis?: number;
  tenantMigrations?: TenantMigrationSource;
  limits?: LimitOptions;
  onQuery?: (sql: string, database: string, subgraph: string) => void;
  /** Also run the outbox worker in this process (npm start does; tests drive the relay themselves). */
  worker?: boolean;
}

export interface RunningStack {
  gateway: RunningGateway;
  subgraphs: RunningService[];
  worker: OutboxWorker | null;
  stop: () => Promise<void>;
}

/**
 * The whole product on one machine: every subgraph as its own HTTP server and
 * the gateway in front, talking real HTTP — the distributed mode on one box.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const subgraphs: RunningService[] = [];
  const runtimes: SubgraphRuntime[] = [];
  const gatewayDb = createDatabase<ControlPlaneDB>(options.config.databaseUrl, { max: 5, applicationName: 'fluxo-gateway' });
  let worker: OutboxWorker | null = null;
  const stopAll = async (gateway?: RunningGateway) => {
    await gateway?.stop();
    await worker?.stop();
    for (const s of subgraphs.reverse()) await s.stop();
    for (const r of runtimes) await r.close();
    await gatewayDb.destroy();
  };
  try {
    for (const manifest of discoverSubgraphs()) {
      const onQuery = options.onQuery;
      const runtime = new SubgraphRuntime(options.config, options.logger, options.tenantMigrations, onQuery ? (sql, db) => onQuery(sql, db, manifest.name) : undefined);
      runtimes.push(runtime);
      const definition = loadSubgraphFactory(manifest)(runtime);
      subgraphs.push(
        await startSubgraph(definition, {
          port: options.subgraphPort ? options.subgraphPort(manifest) : subgraphPort(manifest),
          portVariable: `FLUXO_${manifest.name.toUpperCase()}_PORT`,
          publicKey: options.keys.publicKey,
          logger: options.logger,
        }),
      );
    }
    const gateway = await startGateway({
      port: options.gatewayPort,
      supergraphPath: supergraphPath(),
      manifestPath: manifestPath(),
      subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
      controlPlane: gatewayDb,
      controlPlaneUrl: options.config.databaseUrl,
      contextPrivateKey: options.keys.privateKey,
      adminToken: options.adminToken,
      sandbox: options.sandbox,
      limits: options.limits ?? limitsFromEnv(),
      keyCacheTtlMillis: options.keyCacheTtlMillis ?? 30_000,
      exposeQueryPlan: process.env.FLUXO_EXPOSE_QUERY_PLAN === '1' && process.env.NODE_ENV !== 'production',
      logger: options.logger,
    });
    if (options.worker) {
      const runtime = new SubgraphRuntime(options.config, options.logger, options.tenantMigrations);
      runtimes.push(runtime);
      worker = await startWorker(runtime);
    }
    return { gateway, subgraphs, worker, stop: () => stopAll(gateway) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
