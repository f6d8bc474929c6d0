import path from 'node:path';
import { createDatabase } from '../platform/db';
import { serviceConfig, serviceOfSubgraph } from '../platform/db-roles';
import type { ControlPlaneDB } from '../platform/control-plane';
import { subgraphPortVariable, type FluxoConfig, type LimitOptions } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { TenantMigrationSource } from '../platform/migrations';
import { exportKeyPairPem, type ContextKeyPair } from '../platform/tenant-context';
import { discoverSubgraphs, subgraphPort, type SubgraphManifest } from '../platform/subgraphs';
import { ServiceRuntime } from '../platform/runtime';
import type { RunningService } from '../platform/listen';
import type { SubgraphFactory } from '../subgraphs/kit/main';
import { startSubgraph } from '../subgraphs/kit/server';
import { startGateway, type RunningGateway } from '../gateway/server';
import { startWorker } from '../worker/main';
import type { OutboxWorker } from '../worker/service';

export function loadSubgraphFactory(manifest: SubgraphManifest): SubgraphFactory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plug-in found by folder at run time (see discoverSubgraphs)
  return (require(path.resolve(__dirname, '..', 'subgraphs', manifest.name, 'subgraph')) as { createSubgraph: SubgraphFactory }).createSubgraph;
}

export interface StackOptions {
  config: FluxoConfig;
  logger: Logger;
  keys: ContextKeyPair;
  /** Signs and verifies people's access tokens; without it nobody can sign in. */
  sessionKeys?: ContextKeyPair;
  adminToken: string;
  gatewayPort: number;
  /** Port per subgraph; 0 picks a free one (tests). Defaults to FLUXO_<NAME>_PORT, else the manifest's port. */
  subgraphPort?: (manifest: SubgraphManifest) => number;
  sandbox: boolean;
  /** Defaults to config.gateway.keyCacheTtlMillis (FLUXO_KEY_CACHE_TTL_MS). */
  keyCacheTtlMillis?: number;
  tenantMigrations?: TenantMigrationSource;
  /** Defaults to config.gateway.limits. */
  limits?: LimitOptions;
  onQuery?: (sql: string, database: string, subgraph: string) => void;
  /** Also run the outbox worker in this process (tests usually drive the relay themselves). */
  worker?: boolean;
}

export interface RunningStack {
  gateway: RunningGateway;
  subgraphs: RunningService[];
  worker: OutboxWorker | null;
  stop: () => Promise<void>;
}

/**
 * The whole product in one process: every subgraph as its own HTTP server and
 * the gateway in front, talking real HTTP. Tests, benches and scripts use it;
 * `npm start` runs the same services as separate processes (app/supervisor.ts).
 */
export async function startStack(given: StackOptions): Promise<RunningStack> {
  const options = given.sessionKeys ? { ...given, config: withSessionKeys(given.config, given.sessionKeys) } : given;
  const subgraphs: RunningService[] = [];
  const runtimes: ServiceRuntime[] = [];
  const started = new Map<string, string>();
  // On one box the gateway shares PostgreSQL's connections with every subgraph and the worker: a small pool of its own.
  // Each service reaches PostgreSQL as its own login when database roles are on, as in a deployment.
  const gatewayUrl = serviceConfig(options.config, 'gateway').databaseUrl;
  const gatewayDb = createDatabase<ControlPlaneDB>(gatewayUrl, { max: 5, applicationName: 'fluxo-gateway' });
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
      const runtime = new ServiceRuntime(
        serviceConfig(options.config, serviceOfSubgraph(manifest)),
        options.logger,
        options.tenantMigrations,
        onQuery ? (sql, db) => onQuery(sql, db, manifest.name) : undefined,
        started,
      );
      runtimes.push(runtime);
      const definition = loadSubgraphFactory(manifest)(runtime);
      const service = await startSubgraph(definition, {
        port: options.subgraphPort ? options.subgraphPort(manifest) : subgraphPort(manifest, options.config),
        portVariable: subgraphPortVariable(manifest.name),
        publicKey: options.keys.publicKey,
        logger: options.logger,
      });
      subgraphs.push(service);
      started.set(manifest.name, service.url);
    }
    const settings = options.config.gateway;
    const gateway = await startGateway({
      port: options.gatewayPort,
      supergraphPath: settings.supergraphPath,
      manifestPath: settings.manifestPath,
      subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
      controlPlane: gatewayDb,
      controlPlaneUrl: gatewayUrl,
      contextPrivateKey: options.keys.privateKey,
      sessionPublicKey: options.sessionKeys?.publicKey ?? null,
      adminToken: options.adminToken,
      oidcAllowHttp: options.config.oidc.allowHttp,
      sandbox: options.sandbox,
      limits: options.limits ?? settings.limits,
      subgraphFaults: settings.subgraphFaults,
      keyCacheTtlMillis: options.keyCacheTtlMillis ?? settings.keyCacheTtlMillis,
      drainGraceMillis: settings.drainGraceMillis,
      responseCache: settings.responseCache,
      sharedQueries: settings.sharedQueries,
      exposeQueryPlan: settings.exposeQueryPlan,
      corsOrigins: settings.corsOrigins,
      publicEventRetentionMillis: options.config.webhooks.publicEventRetentionMillis,
      logger: options.logger,
    });
    if (options.worker) {
      const runtime = new ServiceRuntime(serviceConfig(options.config, 'worker'), options.logger, options.tenantMigrations);
      runtimes.push(runtime);
      worker = await startWorker(runtime);
    }
    return { gateway, subgraphs, worker, stop: () => stopAll(gateway) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The access subgraph reads its signing key from the settings, as in a deployment. */
function withSessionKeys(config: FluxoConfig, keys: ContextKeyPair): FluxoConfig {
  const pem = exportKeyPairPem(keys);
  return { ...config, secrets: { ...config.secrets, sessionPrivateKey: pem.privateKeyPem, sessionPublicKey: pem.publicKeyPem } };
}
